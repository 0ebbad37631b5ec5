import type { RotationInfo } from '../../../src-shared/model'
import { policyText, statusLabel } from '../lib/format'

/**
 * OK / "no rotation" / "due in N days" / "overdue N days" / "expires DATE" / "expired DATE" / "revoked".
 * With `intervalDays` the tooltip also names the rotation policy ("Rotates every 90 days").
 */
export function StatusBadge({
  rotation,
  expiresAt,
  intervalDays,
}: {
  rotation: RotationInfo
  expiresAt: number | null
  intervalDays?: number | null | undefined
}) {
  const { text, tone, title } = statusLabel(rotation, expiresAt)
  const full = intervalDays === undefined ? title : `${title}. ${policyText(intervalDays)}.`
  return (
    <span className={`badge badge-${tone}`} title={full} data-status={rotation.status} data-tone={tone}>
      {text}
    </span>
  )
}
