import './providers.css'
import { useState } from 'react'
import type { CredentialView, KeyCheckView, RevokeDue } from '../../../../src-shared/model'
import { formatDate, formatDateTime, PROVIDER_LABELS } from '../../lib/format'

const CHECK_CLASS = { valid: 'badge-ok', invalid: 'badge-danger', unknown: 'badge-unknown' } as const

/** The provider of a synced key, as a small badge after its name. */
export function ProviderBadge({ credential: c }: { credential: CredentialView }) {
  if (!c.providerCredentialId || c.provider === 'manual' || c.provider === 'other') return null
  const name = PROVIDER_LABELS[c.provider]
  return (
    <span className="badge no-dot provider-badge" title={`Synced from ${name}`} data-testid="provider-badge">
      {name}
    </span>
  )
}

/** The last read-only check of a key: valid, invalid or unknown, with its time in the title. */
export function CheckBadge({ check }: { check: KeyCheckView | undefined }) {
  if (!check) return null
  const when = formatDateTime(check.checkedAt)
  return (
    <span
      className={`badge key-check ${CHECK_CLASS[check.state]}`}
      title={`Checked ${when}: ${check.detail}`}
      data-testid="key-check"
      data-state={check.state}
    >
      {check.state}
      <span className="sr-only">, checked {when}</span>
    </span>
  )
}

/**
 * An old key still alive at its provider. Two-key provider rotations (Novu, AWS IAM): "Revoke old key now"
 * at any time; guided rotations: when the overlap ends, "Mark old key revoked" once it is done in the dashboard.
 */
export function RevokeNote({
  revoke,
  onAction,
}: {
  revoke: RevokeDue
  onAction: (action: 'finish-rotation' | 'revoke-done') => void
}) {
  const [now] = useState(() => Date.now())
  const ended = revoke.dueAt <= now
  const when = formatDateTime(revoke.dueAt)
  const title = `The old key's overlap ${ended ? 'ended' : 'ends'} ${when}`
  if (revoke.source === 'guided' && !ended) {
    return (
      <span
        className="overlap-note"
        title={`${title}: revoke it at ${revoke.providerName} then`}
        data-testid="revoke-note"
      >
        old key valid until {formatDate(revoke.dueAt)}
      </span>
    )
  }
  return (
    <button
      type="button"
      className="link-btn verify-link revoke-link"
      tabIndex={-1}
      title={title}
      data-testid="revoke-note"
      onClick={() => onAction(revoke.source === 'provider' ? 'finish-rotation' : 'revoke-done')}
    >
      {revoke.source === 'provider' ? 'Revoke old key now' : 'Mark old key revoked'}
    </button>
  )
}
