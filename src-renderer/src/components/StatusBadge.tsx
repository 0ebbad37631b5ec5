import type { RotationInfo } from '../../../src-shared/model'
import { statusLabel } from '../lib/format'

/** OK / "due in N days" / "overdue N days" / "expires DATE" / "expired DATE" / "revoked". */
export function StatusBadge({ rotation, expiresAt }: { rotation: RotationInfo; expiresAt: number | null }) {
  const { text, tone, title } = statusLabel(rotation, expiresAt)
  return (
    <span className={`badge badge-${tone}`} title={title} data-status={rotation.status}>
      {text}
    </span>
  )
}
