import { SecretInput } from '../../components/SecretInput'
import { useState, type FormEvent } from 'react'
import type { VaultStatus } from '../../../../src-shared/model'
import { Field, FormError } from '../../components/Field'
import { Icon } from '../../components/Icon'
import { call, messageOf } from '../../lib/api.client'
import { estimateStrength } from '../../lib/password-strength'
import { PasswordStrength } from './PasswordStrength'

/** First run: choose the master password (twice), see its strength, and acknowledge it cannot be recovered. */
export function CreateVaultScreen({ onCreated }: { onCreated: (s: VaultStatus) => void }) {
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [show, setShow] = useState(false)
  const [understood, setUnderstood] = useState(false)
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const strength = estimateStrength(password)
  const passwordError =
    password.length === 0
      ? 'Choose a master password.'
      : password.length < 8
        ? 'Use at least 8 characters.'
        : strength.score === 0
          ? 'This password is too easy to guess.'
          : null
  const confirmError = confirm !== password ? 'The two passwords do not match.' : null
  const ackError = understood ? null : 'Tick the box to confirm you have read this.'

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    if (passwordError || confirmError || ackError) return
    setBusy(true)
    setError(null)
    try {
      onCreated(await call('create', { password }))
    } catch (err) {
      setError(messageOf(err))
      setBusy(false)
    }
  }

  return (
    <main className="auth">
      <div className="auth-card">
        <div className="auth-brand">
          <div className="logo" aria-hidden="true">
            <Icon name="key" />
          </div>
          <span className="brand-name">Keyshelf</span>
        </div>
        <h1 className="auth-title">Create your vault</h1>
        <p className="auth-sub">
          Your API keys are encrypted on this computer with a key derived from your master password.
        </p>
        <form className="form-stack" onSubmit={submit} noValidate>
          <Field label="Master password" error={touched ? passwordError : null}>
            {(p) => (
              <div className="input-group">
                <SecretInput
                  {...p}
                  className="input"
                  type={show ? 'text' : 'password'}
                  autoComplete="new-password"
                  autoFocus
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
                <button
                  type="button"
                  className="icon-btn"
                  aria-label={show ? 'Hide password' : 'Show password'}
                  aria-pressed={show}
                  onClick={() => setShow((s) => !s)}
                >
                  <Icon name={show ? 'eye-off' : 'eye'} size="sm" />
                </button>
              </div>
            )}
          </Field>
          <PasswordStrength password={password} />
          <Field label="Confirm master password" error={touched ? confirmError : null}>
            {(p) => (
              <SecretInput
                {...p}
                className="input"
                type={show ? 'text' : 'password'}
                autoComplete="new-password"
                value={confirm}
                onChange={(e) => setConfirm(e.target.value)}
              />
            )}
          </Field>
          <div className="warning-box" role="note">
            <Icon name="alert" />
            <div>
              <strong>A lost master password cannot be recovered.</strong>
              There is no reset and no back door: without it, nobody (including us) can decrypt this vault.
              Write it down and keep it somewhere safe.
            </div>
          </div>
          <div className="field">
            <label className="check">
              <input
                type="checkbox"
                checked={understood}
                onChange={(e) => setUnderstood(e.target.checked)}
                aria-invalid={touched && !understood}
                aria-describedby={touched && ackError ? 'ack-error' : undefined}
              />
              <span>I understand that if I forget this password, my keys are lost.</span>
            </label>
            {touched && ackError ? (
              <div className="field-error" id="ack-error">
                <Icon name="alert" size="sm" />
                {ackError}
              </div>
            ) : null}
          </div>
          <FormError message={error} />
          <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={busy}>
            {busy ? <span className="spinner" aria-hidden /> : <Icon name="shield" size="sm" />}
            {busy ? 'Creating vault…' : 'Create vault'}
          </button>
        </form>
      </div>
    </main>
  )
}
