import '../transfer/transfer.css'
import { useEffect, useRef, useState } from 'react'
import type { CredentialView, ProviderRotationOutcome } from '../../../../src-shared/model'
import { Dialog } from '../../components/Dialog'
import { Field, FormError } from '../../components/Field'
import { Icon } from '../../components/Icon'
import { useToast } from '../../components/Toasts'
import { ApiError, call, messageOf } from '../../lib/api.client'
import { PROVIDER_LABELS, formatDateTime, plural } from '../../lib/format'
import { useShell } from '../shell/shell.context'

const MAX_HOURS = 720

function EnvVars({ vars }: { vars: string[] }) {
  return (
    <ul className="name-list">
      {vars.map((v) => (
        <li key={v}>
          <code>{v}</code>
        </li>
      ))}
    </ul>
  )
}

/** Focuses itself when it appears (the dialog's content was replaced, so focus would be lost). */
function FocusButton(props: { className: string; onClick: () => void; children: React.ReactNode }) {
  const ref = useRef<HTMLButtonElement>(null)
  useEffect(() => ref.current?.focus(), [])
  return (
    <button ref={ref} type="button" className={props.className} onClick={props.onClick}>
      {props.children}
    </button>
  )
}

/**
 * Rotation through the provider's API, confirmed in plain words: what happens to the old key, and which
 * exported .env files must be refreshed. Journalled in main; never retried automatically. A key whose last
 * rotation has an unknown outcome is sent to Verify first.
 */
export function RotateViaProviderDialog({
  credential,
  environmentName,
  onManual,
  onVerify,
  onClose,
  onGuided,
}: {
  credential: CredentialView
  environmentName?: string | undefined
  /** The provider wants the new key made in its dashboard (Novu with an API key): the guided flow. */
  onGuided?: (dashboardUrl: string | undefined) => void
  onManual: () => void
  onVerify: () => void
  onClose: () => void
}) {
  const { changed } = useShell()
  const toast = useToast()
  const [overlap, setOverlap] = useState(false)
  const [hours, setHours] = useState('24')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [unknown, setUnknown] = useState(credential.rotationState === 'unknown')
  const [outcome, setOutcome] = useState<ProviderRotationOutcome | null>(null)
  const [guidedUrl, setGuidedUrl] = useState<string | null>(null)
  const name =
    credential.provider === 'manual' || credential.provider === 'other'
      ? 'the provider'
      : PROVIDER_LABELS[credential.provider]
  const h = Number(hours)
  const hoursError =
    overlap && (!hours.trim() || !Number.isFinite(h) || h <= 0 || h > MAX_HOURS)
      ? `Use a number of hours from 1 to ${MAX_HOURS}.`
      : undefined
  const vars = credential.fields.map((f) => f.envVar)
  const where = environmentName ? ` from ${environmentName}` : ''

  const rotate = async () => {
    if (hoursError) return
    setBusy(true)
    setError(null)
    try {
      const r = await call('rotateViaProvider', {
        credentialId: credential.id,
        ...(overlap ? { overlapHours: h } : {}),
      })
      changed()
      setOutcome(r)
      toast(`${credential.name} rotated at ${name}`)
    } catch (err) {
      setError(messageOf(err))
      // Novu refuses API-key rotation ("API endpoint not available"): offer the dashboard, guided.
      const d = err instanceof ApiError ? (err.details as { guided?: unknown; dashboardUrl?: unknown }) : null
      if (d?.guided === 'rotate') setGuidedUrl(typeof d.dashboardUrl === 'string' ? d.dashboardUrl : '')
      changed()
      // A lost answer leaves the key in "rotation unknown": offer Verify right here.
      try {
        const now = await call('getCredential', { id: credential.id })
        if (now.rotationState === 'unknown') setUnknown(true)
      } catch {
        // The error above already says what happened.
      }
    } finally {
      setBusy(false)
    }
  }

  if (outcome) {
    const dead = outcome.oldKeyState === 'dead'
    return (
      <Dialog
        role="alertdialog"
        title={`${credential.name} rotated at ${name}`}
        description="The new key is stored in Keyshelf; the old value is in the key’s history."
        onClose={onClose}
        onOpenAutoFocus={(e) => e.preventDefault()}
      >
        <div className="dialog-body form-stack" data-testid="rotation-outcome">
          <div className={`callout ${dead ? 'warning' : 'ok'}`}>
            {dead ? (
              <strong>The old key no longer works.</strong>
            ) : (
              <strong>
                The old key keeps working until{' '}
                {outcome.oldValidUntil ? formatDateTime(outcome.oldValidUntil) : 'the overlap ends'}; Keyshelf
                deletes it at the first sync after that.
              </strong>
            )}
            {outcome.fallbackReason ? <span>Rotated in one step: {outcome.fallbackReason}</span> : null}
            {outcome.note ? <span>{outcome.note}</span> : null}
          </div>
          <div>
            <p className="para">
              Re-export any .env{where} that contains{' '}
              {vars.length === 1 ? 'this variable' : 'these variables'}, and redeploy what reads it:
            </p>
            <EnvVars vars={vars} />
          </div>
        </div>
        <div className="dialog-footer">
          <FocusButton className="btn btn-primary" onClick={onClose}>
            Done
          </FocusButton>
        </div>
      </Dialog>
    )
  }

  if (unknown) {
    return (
      <Dialog
        role="alertdialog"
        title={`Verify ${credential.name} first`}
        description={`Keyshelf cannot tell whether the last rotation at ${name} happened, so it will not rotate again until that is settled.`}
        onClose={onClose}
        onOpenAutoFocus={(e) => e.preventDefault()}
      >
        <div className="dialog-body form-stack">
          <FormError message={error} />
          <p className="para">
            Verify asks {name} with read-only calls whether the key changed, and stores the new key if it can
            be recovered. It never rotates again on its own.
          </p>
        </div>
        <div className="dialog-footer">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <FocusButton className="btn btn-primary" onClick={onVerify}>
            <Icon name="shield" size="sm" />
            Verify now
          </FocusButton>
        </div>
      </Dialog>
    )
  }

  return (
    <Dialog
      role="alertdialog"
      title={`Rotate ${credential.name} at ${name}?`}
      description={`Keyshelf asks ${name} for a new key, stores it here and keeps the old value in history.`}
      onClose={onClose}
    >
      <div className="dialog-body form-stack">
        <fieldset className="form-stack plain-fieldset">
          <legend className="field-label">The old key</legend>
          <label className="check">
            <input type="radio" name="fate" checked={!overlap} onChange={() => setOverlap(false)} />
            <span>Stops working now (single-phase)</span>
          </label>
          <label className="check">
            <input type="radio" name="fate" checked={overlap} onChange={() => setOverlap(true)} />
            <span>Keeps working for an overlap, so running services can switch over (dual-phase)</span>
          </label>
          {overlap ? (
            <Field label="Overlap (hours)" error={hoursError}>
              {(p) => (
                <input
                  {...p}
                  className="input input-narrow"
                  type="number"
                  min={1}
                  max={MAX_HOURS}
                  value={hours}
                  onChange={(e) => setHours(e.target.value)}
                />
              )}
            </Field>
          ) : null}
        </fieldset>
        <div className="callout warning" data-testid="rotation-consequence">
          {overlap ? (
            <span>
              <strong>
                The old key keeps working for {hoursError ? 'the overlap' : plural(h, 'hour')}, then Keyshelf
                deletes it at the next sync.
              </strong>{' '}
              If {name} cannot keep two keys at once, Keyshelf rotates in one step instead and says so.
            </span>
          ) : (
            <span>
              <strong>The old key stops working immediately.</strong> Anything still using it fails until it
              has the new key.
            </span>
          )}
        </div>
        <div>
          <p className="para">
            Then re-export any .env{where} that contains {vars.length === 1 ? 'it' : 'them'}, and redeploy
            what reads it:
          </p>
          <EnvVars vars={vars} />
        </div>
        <FormError message={error} />
      </div>
      <div className="dialog-footer">
        {guidedUrl !== null && onGuided ? (
          <button type="button" className="btn btn-primary" onClick={() => onGuided(guidedUrl || undefined)}>
            <Icon name="link" size="sm" />
            Rotate in the dashboard
          </button>
        ) : (
          <button type="button" className="btn btn-ghost" onClick={onManual}>
            Paste a new value instead
          </button>
        )}
        <span className="spacer" />
        <button type="button" className="btn" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={busy || Boolean(hoursError)}
          onClick={rotate}
        >
          {busy ? <span className="spinner" aria-hidden /> : <Icon name="rotate" size="sm" />}
          Rotate at {name}
        </button>
      </div>
    </Dialog>
  )
}
