import '../transfer/transfer.css'
import { useState } from 'react'
import type { CredentialView } from '../../../../src-shared/model'
import { Dialog } from '../../components/Dialog'
import { Field, FormError } from '../../components/Field'
import { useToast } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'
import { useShell } from '../shell/shell.context'

const NAMES: Record<string, string> = { novu: 'Novu', cloudflare: 'Cloudflare', gitlab: 'GitLab' }

/**
 * Rotation through the provider's API, confirmed in plain words: what happens to the old key, and which
 * exported .env files must be refreshed. Journalled in main; never retried automatically.
 */
export function RotateViaProviderDialog({
  credential,
  onManual,
  onClose,
}: {
  credential: CredentialView
  onManual: () => void
  onClose: () => void
}) {
  const { changed } = useShell()
  const toast = useToast()
  const [overlap, setOverlap] = useState(false)
  const [hours, setHours] = useState('12')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const name = NAMES[credential.provider] ?? credential.provider
  const h = Number(hours)
  const bad = overlap && (!Number.isFinite(h) || h <= 0 || h > 720)
  const vars = credential.fields.map((f) => f.envVar)

  const rotate = async () => {
    if (bad) return
    setBusy(true)
    setError(null)
    try {
      const r = await call('rotateViaProvider', {
        credentialId: credential.id,
        ...(overlap ? { overlapHours: h } : {}),
      })
      changed()
      toast(
        r.oldKeyState === 'dead'
          ? `${credential.name} rotated at ${name}; the old key no longer works`
          : `${credential.name} rotated at ${name}; the old key works until ${new Date(r.oldValidUntil ?? Date.now()).toLocaleString()}`,
      )
      if (r.fallbackReason) toast(r.fallbackReason)
      onClose()
    } catch (err) {
      setError(messageOf(err))
      changed()
      setBusy(false)
    }
  }

  return (
    <Dialog
      role="alertdialog"
      title={`Rotate ${credential.name} at ${name}?`}
      description={`Keyshelf asks ${name} for a new key, stores it here and keeps the old one in history.`}
      onClose={onClose}
    >
      <div className="dialog-body form-stack">
        <div className="callout warning">
          {overlap ? (
            <p>
              The old key keeps working for <strong>{Number.isFinite(h) ? h : '…'} hours</strong> where {name}{' '}
              allows a second key, then Keyshelf deletes it at the first sync after that. Otherwise it falls
              back to a one-step rotation and says so.
            </p>
          ) : (
            <p>
              <strong>The old key stops working immediately.</strong> Anything still using it will fail until
              it has the new one.
            </p>
          )}
          <p>
            Re-export every <code>.env</code> that contains{' '}
            {vars.map((v) => (
              <code key={v}>{v} </code>
            ))}{' '}
            and redeploy what reads it.
          </p>
        </div>
        <label className="check">
          <input type="checkbox" checked={overlap} onChange={(e) => setOverlap(e.target.checked)} />
          <span>Keep the old key working for a while (two-key rotation)</span>
        </label>
        {overlap ? (
          <Field label="Overlap in hours" error={bad ? 'Use 1 to 720 hours.' : undefined}>
            {(p) => (
              <input
                {...p}
                className="input"
                inputMode="numeric"
                value={hours}
                onChange={(e) => setHours(e.target.value)}
              />
            )}
          </Field>
        ) : null}
        <FormError message={error} />
      </div>
      <div className="dialog-footer">
        <button type="button" className="btn btn-link" onClick={onManual}>
          Paste a new value instead
        </button>
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" disabled={busy || bad} onClick={rotate}>
          {busy ? <span className="spinner" aria-hidden /> : null}
          Rotate at {name}
        </button>
      </div>
    </Dialog>
  )
}
