import { SecretInput } from '../../components/SecretInput'
import { useState, type FormEvent } from 'react'
import type { CredentialView } from '../../../../src-shared/model'
import { Dialog } from '../../components/Dialog'
import { Field, FormError } from '../../components/Field'
import { Icon } from '../../components/Icon'
import { useToast } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'
import { maskedText } from '../../lib/format'
import { useShell } from '../shell/shell.context'

function NewValueInput({
  id,
  secret,
  value,
  invalid,
  describedBy,
  onChange,
}: {
  id: string
  secret: boolean
  value: string
  invalid: boolean
  describedBy: string | undefined
  onChange: (v: string) => void
}) {
  const [visible, setVisible] = useState(false)
  return (
    <div className="input-group">
      <SecretInput
        id={id}
        className="input mono"
        type={secret && !visible ? 'password' : 'text'}
        autoComplete="off"
        spellCheck={false}
        value={value}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        placeholder={secret ? 'Paste the new secret' : 'Leave empty to keep the current value'}
        onChange={(e) => onChange(e.target.value)}
      />
      {secret ? (
        <button
          type="button"
          className="icon-btn"
          aria-label={visible ? 'Hide what you typed' : 'Show what you typed'}
          aria-pressed={visible}
          onClick={() => setVisible((v) => !v)}
        >
          <Icon name={visible ? 'eye-off' : 'eye'} size="sm" />
        </button>
      ) : null}
    </div>
  )
}

/**
 * Manual rotation: new values for some or all fields; the old ones go to history, optionally still valid
 * at the provider for an overlap period (dual-phase rotation).
 */
export function RotateDialog({ credential, onClose }: { credential: CredentialView; onClose: () => void }) {
  const { changed } = useShell()
  const toast = useToast()
  const [values, setValues] = useState<Record<string, string>>({})
  // Field ids whose "Allow empty" box is ticked: an empty input then rotates to an empty value.
  const [emptyOk, setEmptyOk] = useState<Record<string, boolean>>({})
  const [overlap, setOverlap] = useState(false)
  const [hours, setHours] = useState('24')
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const errors: Record<string, string> = {}
  const given = credential.fields.filter((f) => (values[f.id] ?? '').length > 0 || emptyOk[f.id] === true)
  if (given.length === 0) errors['values'] = 'Enter at least one new value.'
  const allowEmpty = given.some((f) => (values[f.id] ?? '') === '')
  const h = Number(hours)
  if (overlap && (!Number.isFinite(h) || h <= 0 || h > 24 * 365))
    errors['hours'] = 'Use a number of hours from 1 to 8760.'

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    if (Object.keys(errors).length > 0) return
    setBusy(true)
    setError(null)
    try {
      await call('rotate', {
        credentialId: credential.id,
        values: given.map((f) => ({ fieldId: f.id, value: values[f.id] ?? '' })),
        ...(overlap ? { overlapHours: h } : {}),
        allowEmpty,
      })
      changed()
      toast(`${credential.name} rotated. The old value is in its history.`)
      onClose()
    } catch (err) {
      setError(messageOf(err))
      setBusy(false)
    }
  }

  return (
    <Dialog
      title={`Rotate ${credential.name}`}
      description="Create the new key at the provider first, then paste it here. The current values move to the history."
      onClose={onClose}
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form-stack">
          {credential.fields.map((f) => (
            <Field
              key={f.id}
              label={
                <>
                  New {f.label ? f.label.toLowerCase() : 'value'} <code className="muted">{f.envVar}</code>
                </>
              }
              hint={`Current: ${f.kind === 'public' ? (f.masked.clear ?? '') : maskedText(f.masked.last4)}`}
              error={touched && given.length === 0 ? errors['values'] : undefined}
            >
              {(p) => (
                <>
                  <NewValueInput
                    id={p.id}
                    secret={f.kind === 'secret'}
                    value={values[f.id] ?? ''}
                    invalid={p['aria-invalid']}
                    describedBy={p['aria-describedby']}
                    onChange={(v) => setValues((vs) => ({ ...vs, [f.id]: v }))}
                  />
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={emptyOk[f.id] === true}
                      onChange={(e) => setEmptyOk((m) => ({ ...m, [f.id]: e.target.checked }))}
                    />
                    <span>Allow empty</span>
                  </label>
                </>
              )}
            </Field>
          ))}
          <fieldset className="form-stack plain-fieldset">
            <legend className="field-label">Old value</legend>
            <label className="check">
              <input type="radio" name="overlap" checked={!overlap} onChange={() => setOverlap(false)} />
              <span>Already revoked at the provider (single-phase)</span>
            </label>
            <label className="check">
              <input type="radio" name="overlap" checked={overlap} onChange={() => setOverlap(true)} />
              <span>Still valid for an overlap period, so running services can switch over (dual-phase)</span>
            </label>
            {overlap ? (
              <Field label="Overlap (hours)" error={touched ? errors['hours'] : undefined}>
                {(p) => (
                  <input
                    {...p}
                    className="input"
                    type="number"
                    min={1}
                    max={8760}
                    value={hours}
                    onChange={(e) => setHours(e.target.value)}
                  />
                )}
              </Field>
            ) : null}
          </fieldset>
          <FormError message={error} />
        </div>
        <div className="dialog-footer">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? <span className="spinner" aria-hidden /> : <Icon name="rotate" size="sm" />}
            Rotate
          </button>
        </div>
      </form>
    </Dialog>
  )
}
