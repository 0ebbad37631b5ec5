import { useEffect, useState, type FormEvent } from 'react'
import { contract } from '../../../../src-shared/contract'
import type { Preferences, QuickUnlockStatus } from '../../../../src-shared/model'
import { Dialog } from '../../components/Dialog'
import { Field, FormError } from '../../components/Field'
import { useToast } from '../../components/Toasts'
import { ApiError, call, messageOf } from '../../lib/api.client'
import { validate } from '../../lib/validate'

const THEMES: { value: Preferences['theme']; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
]

function NumberField({
  label,
  hint,
  value,
  error,
  onChange,
}: {
  label: string
  hint: string
  value: string
  error: string | undefined
  onChange: (v: string) => void
}) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(p) => (
        <input
          {...p}
          className="input"
          type="number"
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  )
}

/** Preferences (stored by main, never secrets) and the master password change. */
export function PreferencesDialog({
  prefs,
  onSaved,
  onClose,
}: {
  prefs: Preferences
  onSaved: (p: Preferences) => void
  onClose: () => void
}) {
  const toast = useToast()
  const [theme, setTheme] = useState(prefs.theme)
  const [autoLock, setAutoLock] = useState(String(prefs.autoLockMinutes))
  const [clipboard, setClipboard] = useState(String(prefs.clipboardClearSeconds))
  const [remask, setRemask] = useState(String(prefs.remaskSeconds))
  const [warn, setWarn] = useState(String(prefs.warnDays))
  const [hideCapture, setHideCapture] = useState(prefs.hideFromScreenCapture)
  const [lockOnMinimize, setLockOnMinimize] = useState(prefs.lockOnMinimize)
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [pwError, setPwError] = useState<string | null>(null)
  const [quick, setQuick] = useState<QuickUnlockStatus | null>(null)
  const [quickOn, setQuickOn] = useState(false)
  const [quickPassword, setQuickPassword] = useState('')
  const [quickError, setQuickError] = useState<string | null>(null)

  useEffect(() => {
    call('quickUnlockStatus', {}).then(
      (q) => {
        setQuick(q)
        setQuickOn(q.enabled)
      },
      () => setQuick(null),
    )
  }, [])
  const quickChanged = quick !== null && quick.available && quickOn !== quick.enabled

  const patch = {
    theme,
    autoLockMinutes: Number(autoLock),
    clipboardClearSeconds: Number(clipboard),
    remaskSeconds: Number(remask),
    warnDays: Number(warn),
    hideFromScreenCapture: hideCapture,
    lockOnMinimize,
  }
  const errors = validate(contract.setPreferences.input, patch)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (Object.keys(errors).length > 0) return
    setBusy(true)
    setError(null)
    setPwError(null)
    setQuickError(null)
    try {
      if (current || next) {
        try {
          await call('changePassword', { current, next })
          toast('Master password changed.')
        } catch (err) {
          setPwError(
            err instanceof ApiError && err.code === 'WRONG_PASSWORD'
              ? 'The current password is wrong.'
              : messageOf(err),
          )
          setBusy(false)
          return
        }
      }
      if (quickChanged) {
        try {
          await call(
            'setQuickUnlock',
            quickOn ? { enabled: true, password: quickPassword } : { enabled: false },
          )
        } catch (err) {
          setQuickError(
            err instanceof ApiError && err.code === 'WRONG_PASSWORD'
              ? 'That is not the master password.'
              : messageOf(err),
          )
          setBusy(false)
          return
        }
      }
      onSaved(await call('setPreferences', patch))
      onClose()
    } catch (err) {
      setError(messageOf(err))
      setBusy(false)
    }
  }

  return (
    <Dialog
      title="Settings"
      description="Stored on this computer. Settings never include a secret."
      onClose={onClose}
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form-stack">
          <div className="field">
            <span className="field-label" id="theme-label">
              Theme
            </span>
            <div className="segmented" role="radiogroup" aria-labelledby="theme-label">
              {THEMES.map((t) => (
                <button
                  key={t.value}
                  type="button"
                  role="radio"
                  aria-checked={theme === t.value}
                  tabIndex={theme === t.value ? 0 : -1}
                  onClick={() => setTheme(t.value)}
                  onKeyDown={(e) => {
                    const i = THEMES.findIndex((x) => x.value === theme)
                    const d =
                      e.key === 'ArrowRight' || e.key === 'ArrowDown'
                        ? 1
                        : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
                          ? -1
                          : 0
                    if (!d) return
                    e.preventDefault()
                    const nextTheme = THEMES[(i + d + THEMES.length) % THEMES.length]
                    if (nextTheme) setTheme(nextTheme.value)
                    const group = e.currentTarget.parentElement
                    requestAnimationFrame(() =>
                      group?.querySelector<HTMLElement>('[aria-checked="true"]')?.focus(),
                    )
                  }}
                >
                  {t.label}
                </button>
              ))}
            </div>
          </div>
          <div className="form-grid">
            <NumberField
              label="Lock after idle (minutes)"
              hint="0 = never. Keyshelf also locks on sleep and screen lock."
              value={autoLock}
              error={errors['autoLockMinutes']}
              onChange={setAutoLock}
            />
            <NumberField
              label="Clear clipboard after (seconds)"
              hint="Only if it still holds the copied value."
              value={clipboard}
              error={errors['clipboardClearSeconds']}
              onChange={setClipboard}
            />
            <NumberField
              label="Hide shown values after (seconds)"
              hint="Shown secrets are masked again after this."
              value={remask}
              error={errors['remaskSeconds']}
              onChange={setRemask}
            />
            <NumberField
              label="Warn before due (days)"
              hint="Keys due within this many days are flagged."
              value={warn}
              error={errors['warnDays']}
              onChange={setWarn}
            />
          </div>
          <div className="form-stack">
            <label className="check">
              <input
                type="checkbox"
                checked={hideCapture}
                onChange={(e) => setHideCapture(e.target.checked)}
              />
              <span>Hide the window from screenshots and screen sharing (macOS and Windows).</span>
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={lockOnMinimize}
                onChange={(e) => setLockOnMinimize(e.target.checked)}
              />
              <span>Lock the vault when the window is minimised.</span>
            </label>
          </div>
          <h3 className="form-section-title">Quick unlock</h3>
          {quick && !quick.available ? (
            <p className="field-hint" data-testid="quick-unavailable">
              {quick.reason}
            </p>
          ) : null}
          {quick?.available ? (
            <div className="form-stack">
              <label className="check">
                <input type="checkbox" checked={quickOn} onChange={(e) => setQuickOn(e.target.checked)} />
                <span>
                  Unlock without typing the master password on this computer. The vault&apos;s key (never your
                  password) is kept encrypted by the system keychain, so anyone signed in to your account here
                  can open the vault.
                </span>
              </label>
              {quickOn && !quick.enabled ? (
                <Field
                  label="Master password"
                  error={quickError}
                  hint="Needed once, to turn quick unlock on."
                >
                  {(p) => (
                    <input
                      {...p}
                      className="input"
                      type="password"
                      autoComplete="current-password"
                      value={quickPassword}
                      onChange={(e) => setQuickPassword(e.target.value)}
                    />
                  )}
                </Field>
              ) : null}
            </div>
          ) : null}
          <h3 className="form-section-title">Change master password</h3>
          <div className="form-grid">
            <Field label="Current password" optional error={pwError}>
              {(p) => (
                <input
                  {...p}
                  className="input"
                  type="password"
                  autoComplete="current-password"
                  value={current}
                  onChange={(e) => setCurrent(e.target.value)}
                />
              )}
            </Field>
            <Field
              label="New password"
              optional
              error={next && next.length < 8 ? 'Use at least 8 characters.' : undefined}
            >
              {(p) => (
                <input
                  {...p}
                  className="input"
                  type="password"
                  autoComplete="new-password"
                  value={next}
                  onChange={(e) => setNext(e.target.value)}
                />
              )}
            </Field>
          </div>
          <FormError message={error} />
        </div>
        <div className="dialog-footer">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={
              busy || (next.length > 0 && next.length < 8) || (quickChanged && quickOn && !quickPassword)
            }
          >
            {busy ? <span className="spinner" aria-hidden /> : null}
            Save
          </button>
        </div>
      </form>
    </Dialog>
  )
}
