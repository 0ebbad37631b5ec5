import { useEffect, useState, type FormEvent } from 'react'
import type { QuickUnlockStatus } from '../../../../../src-shared/model'
import { FormError } from '../../../components/Field'
import { SecretField } from '../../../components/SecretInput'
import { useToast } from '../../../components/Toasts'
import { ApiError, call, messageOf } from '../../../lib/api.client'
import type { SettingsSectionProps } from '../settings-section'
import { RekeyBlock } from './RekeyBlock'

const wrongPassword = (err: unknown, text: string) =>
  err instanceof ApiError && err.code === 'WRONG_PASSWORD' ? text : messageOf(err)

/** Quick unlock through the system keychain: off by default, turning it on needs the master password. */
function QuickUnlockForm() {
  const toast = useToast()
  const [quick, setQuick] = useState<QuickUnlockStatus | null>(null)
  const [on, setOn] = useState(false)
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    call('quickUnlockStatus', {}).then(
      (q) => {
        setQuick(q)
        setOn(q.enabled)
      },
      () => setQuick(null),
    )
  }, [])
  const changed = quick !== null && quick.available && on !== quick.enabled

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!changed) return
    setBusy(true)
    setError(null)
    try {
      await call('setQuickUnlock', on ? { enabled: true, password } : { enabled: false })
      setQuick({ ...quick, enabled: on })
      setPassword('')
      toast(on ? 'Quick unlock is on for this computer.' : 'Quick unlock is off.')
    } catch (err) {
      setError(wrongPassword(err, 'That is not the master password.'))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="settings-block" onSubmit={submit} noValidate aria-labelledby="quick-unlock-title">
      <h3 className="form-section-title" id="quick-unlock-title">
        Quick unlock
      </h3>
      {quick && !quick.available ? (
        <p className="field-hint" data-testid="quick-unavailable">
          {quick.reason}
        </p>
      ) : null}
      {quick?.available ? (
        <div className="form-stack">
          <label className="check">
            <input type="checkbox" checked={on} onChange={(e) => setOn(e.target.checked)} />
            <span>
              Unlock without typing the master password on this computer. The vault&apos;s key (never your
              password) is kept encrypted by the system keychain, so anyone signed in to your account here can
              open the vault.
            </span>
          </label>
          {on && !quick.enabled ? (
            <SecretField
              label="Master password"
              error={error}
              hint="Needed once, to turn quick unlock on."
              value={password}
              onChange={setPassword}
              autoComplete="current-password"
            />
          ) : (
            <FormError message={error} />
          )}
          <div className="settings-actions">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={busy || !changed || (on && !password)}
            >
              {busy ? <span className="spinner" aria-hidden /> : null}
              {on ? 'Turn on quick unlock' : 'Turn off quick unlock'}
            </button>
          </div>
        </div>
      ) : null}
    </form>
  )
}

/** Changes the master password (re-wraps the vault key; see "Rotate the vault key" for a new key). */
function ChangePasswordForm() {
  const toast = useToast()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const tooShort = next.length > 0 && next.length < 8

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!current || !next || tooShort) return
    setBusy(true)
    setError(null)
    try {
      await call('changePassword', { current, next })
      setCurrent('')
      setNext('')
      toast('Master password changed.')
    } catch (err) {
      setError(wrongPassword(err, 'The current password is wrong.'))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="settings-block" onSubmit={submit} noValidate aria-labelledby="change-password-title">
      <h3 className="form-section-title" id="change-password-title">
        Change master password
      </h3>
      <div className="form-grid">
        <SecretField
          label="Current password"
          error={error}
          value={current}
          onChange={setCurrent}
          autoComplete="current-password"
        />
        <SecretField
          label="New password"
          error={tooShort ? 'Use at least 8 characters.' : undefined}
          value={next}
          onChange={setNext}
          autoComplete="new-password"
        />
      </div>
      <div className="settings-actions">
        <button type="submit" className="btn" disabled={busy || !current || !next || tooShort}>
          {busy ? <span className="spinner" aria-hidden /> : null}
          Change password
        </button>
      </div>
    </form>
  )
}

/** Settings → Security: quick unlock and the master password. Each block saves on its own. */
export function SecuritySection({ onClose }: SettingsSectionProps) {
  return (
    <div className="settings-form">
      <div className="dialog-body form-stack">
        <QuickUnlockForm />
        <ChangePasswordForm />
        <RekeyBlock />
      </div>
      <div className="dialog-footer">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  )
}
