import '../transfer/transfer.css'
import './providers.css'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import type { CredentialView, GuidedPlan, GuidedResult } from '../../../../src-shared/model'
import { Dialog } from '../../components/Dialog'
import { Field, FormError } from '../../components/Field'
import { Icon } from '../../components/Icon'
import { SecretInput } from '../../components/SecretInput'
import { useToast } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'
import { formatDateTime, plural } from '../../lib/format'
import { useShell } from '../shell/shell.context'

const MAX_HOURS = 720

/** The badge class of a check state (valid/invalid/unknown). */
export const CHECK_BADGE = { valid: 'badge-ok', invalid: 'badge-danger', unknown: 'badge-unknown' } as const

/** Focuses itself when it appears (the dialog's content was replaced, so focus would be lost). */
function FocusButton(props: { onClick: () => void; children: React.ReactNode }) {
  const ref = useRef<HTMLButtonElement>(null)
  useEffect(() => ref.current?.focus(), [])
  return (
    <button ref={ref} type="button" className="btn btn-primary" onClick={props.onClick}>
      {props.children}
    </button>
  )
}

function CheckLine({ r, providerName }: { r: GuidedResult; providerName: string }) {
  if (!r.check) {
    return (
      <p className="para" data-testid="guided-check" data-state="none">
        {providerName} has no read-only check: the new key was stored unchecked.
      </p>
    )
  }
  const label = r.check.state === 'valid' ? 'Valid' : r.check.state === 'invalid' ? 'Invalid' : 'Not checked'
  return (
    <p className="para" data-testid="guided-check" data-state={r.check.state}>
      <span className={`badge ${CHECK_BADGE[r.check.state]}`}>{label}</span> {r.check.detail}{' '}
      <span className="muted">Checked {formatDateTime(r.check.checkedAt)}.</span>
    </p>
  )
}

/**
 * Guided rotation for a key its provider will not rotate through the API (Stripe, OpenAI…, and Novu with
 * an API key): open the provider's dashboard (the system browser, allow-listed hosts only), paste the new
 * key into a masked field, Keyshelf checks it with the provider's read-only call and stores it with the old
 * one kept for an overlap, reminds when to revoke the old key, and rewrites the remembered .env files.
 */
export function GuidedRotationDialog({
  credential,
  dashboardUrl,
  onManual,
  onClose,
}: {
  credential: CredentialView
  /** A more precise dashboard page (Novu names the environment's page), else the catalogue's. */
  dashboardUrl?: string | undefined
  onManual: () => void
  onClose: () => void
}) {
  const { changed } = useShell()
  const toast = useToast()
  const [plan, setPlan] = useState<GuidedPlan | null>(null)
  const [value, setValue] = useState('')
  const [show, setShow] = useState(false)
  const [hours, setHours] = useState('')
  const [reexport, setReexport] = useState(true)
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [result, setResult] = useState<GuidedResult | null>(null)

  useEffect(() => {
    let live = true
    call('guidedRotationPlan', { credentialId: credential.id })
      .then((p) => {
        if (!live) return
        setPlan(p)
        setHours(String(p.suggestedOverlapHours))
      })
      .catch((err: unknown) => live && setError(messageOf(err)))
    return () => {
      live = false
    }
  }, [credential.id])

  const url = dashboardUrl || plan?.dashboardUrl || ''
  const name = plan?.providerName ?? 'the provider'
  const h = Number(hours)
  const errors: Record<string, string> = {}
  if (!value.trim()) errors['value'] = `Paste the new key you created at ${name}.`
  if (!hours.trim() || !Number.isFinite(h) || h < 0 || h > MAX_HOURS)
    errors['hours'] = `Use a number of hours from 0 to ${MAX_HOURS}.`
  const err = (k: string) => (touched ? errors[k] : undefined)

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    setTouched(true)
    if (Object.keys(errors).length > 0) {
      const form = e.currentTarget
      requestAnimationFrame(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus())
      return
    }
    setBusy(true)
    setError(null)
    try {
      const r = await call('guidedRotationComplete', {
        credentialId: credential.id,
        value: value.trim(),
        overlapHours: h,
        reexport,
      })
      setValue('')
      setResult(r)
      changed()
      toast(`${credential.name} rotated`)
    } catch (ex) {
      setError(messageOf(ex))
    } finally {
      setBusy(false)
    }
  }

  if (result) {
    return (
      <Dialog
        role="alertdialog"
        title={`${credential.name} rotated`}
        description="The new key is stored; the old value is in the key’s history."
        onClose={onClose}
        onOpenAutoFocus={(e) => e.preventDefault()}
      >
        <div className="dialog-body form-stack" data-testid="guided-result">
          <CheckLine r={result} providerName={name} />
          <div className="callout warning" data-testid="guided-reminder">
            {result.overlapEndsAt ? (
              <strong>
                The old key keeps working until {formatDateTime(result.overlapEndsAt)}. Keyshelf reminds you
                then (Due view) to revoke it at {name}.
              </strong>
            ) : (
              <strong>Revoke the old key at {name} now: nothing still needs it.</strong>
            )}
            {url ? (
              <a className="link-btn" href={url} target="_blank" rel="noreferrer">
                Open {name} dashboard
                <span className="sr-only"> (opens in your browser)</span>
              </a>
            ) : null}
          </div>
          {result.reexported.length > 0 ? (
            <div>
              <p className="para">
                Rewrote {plural(result.reexported.length, '.env file')} with the new key:
              </p>
              <ul className="name-list" data-testid="guided-reexported">
                {result.reexported.map((p) => (
                  <li key={p}>
                    <code>{p}</code>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {result.reexportFailed.length > 0 ? (
            <div className="callout danger" role="alert">
              <p>Could not rewrite:</p>
              <ul className="name-list">
                {result.reexportFailed.map((f) => (
                  <li key={f.path}>
                    <code>{f.path}</code>: {f.reason}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
        <div className="dialog-footer">
          <span className="spacer" />
          <FocusButton onClick={onClose}>Done</FocusButton>
        </div>
      </Dialog>
    )
  }

  return (
    <Dialog
      title={`Rotate ${credential.name} at ${name}`}
      description={`${name} does not let Keyshelf rotate this key through its API. Create the new key in its dashboard and paste it here.`}
      onClose={onClose}
    >
      <form onSubmit={submit} noValidate aria-label={`Guided rotation of ${credential.name}`}>
        <div className="dialog-body form-stack">
          <ol className="guided-steps">
            <li>
              {url ? (
                <a
                  className="btn btn-sm"
                  href={url}
                  target="_blank"
                  rel="noreferrer"
                  data-testid="guided-dashboard"
                >
                  <Icon name="link" size="sm" />
                  Open {name} dashboard
                  <span className="sr-only"> (opens in your browser)</span>
                </a>
              ) : (
                <span>Open the provider’s dashboard.</span>
              )}
              {plan ? <p className="field-hint">{plan.steps}</p> : null}
            </li>
            <li>
              <Field
                label="New key"
                error={err('value')}
                hint={
                  plan?.canVerify
                    ? `Keyshelf checks it with a read-only call to ${name} before storing it.`
                    : `${name} has no read-only check; Keyshelf stores it as pasted.`
                }
              >
                {(p) => (
                  <div className="input-group">
                    <SecretInput
                      {...p}
                      className="input mono"
                      type={show ? 'text' : 'password'}
                      autoComplete="off"
                      spellCheck={false}
                      value={value}
                      onChange={(e) => setValue(e.target.value)}
                      data-autofocus
                    />
                    <button
                      type="button"
                      className="icon-btn"
                      aria-label={show ? 'Hide what you pasted' : 'Show what you pasted'}
                      aria-pressed={show}
                      onClick={() => setShow((v) => !v)}
                    >
                      <Icon name={show ? 'eye-off' : 'eye'} size="sm" />
                    </button>
                  </div>
                )}
              </Field>
            </li>
            <li>
              <Field
                label="Keep the old key for (hours)"
                error={err('hours')}
                hint="Running services switch over meanwhile; Keyshelf reminds you to revoke the old key when it ends."
              >
                {(p) => (
                  <input
                    {...p}
                    className="input input-narrow"
                    type="number"
                    min={0}
                    max={MAX_HOURS}
                    value={hours}
                    onChange={(e) => setHours(e.target.value)}
                  />
                )}
              </Field>
            </li>
          </ol>
          {plan && plan.exportTargets.length > 0 ? (
            <fieldset className="plain-fieldset form-stack" data-testid="guided-targets">
              <legend className="field-label">.env files this key was exported to</legend>
              <label className="check">
                <input type="checkbox" checked={reexport} onChange={(e) => setReexport(e.target.checked)} />
                <span>Rewrite {plural(plan.exportTargets.length, 'file')} with the new key</span>
              </label>
              <ul className="name-list">
                {plan.exportTargets.map((t) => (
                  <li key={t}>
                    <code title={t}>{t}</code>
                  </li>
                ))}
              </ul>
            </fieldset>
          ) : plan ? (
            <p className="field-hint">Keyshelf has not exported this key to a .env file yet.</p>
          ) : null}
          <FormError message={error} />
        </div>
        <div className="dialog-footer">
          <button type="button" className="btn btn-ghost" onClick={onManual}>
            Paste without checking
          </button>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !plan}>
            {busy ? <span className="spinner" aria-hidden /> : <Icon name="shield" size="sm" />}
            {plan?.canVerify ? 'Check and store' : 'Store new key'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
