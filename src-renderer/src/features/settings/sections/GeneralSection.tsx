import { useState, type FormEvent } from 'react'
import { contract } from '../../../../../src-shared/contract'
import type { Preferences } from '../../../../../src-shared/model'
import { Field, FormError } from '../../../components/Field'
import { call, messageOf } from '../../../lib/api.client'
import { validate } from '../../../lib/validate'
import type { SettingsSectionProps } from '../settings-section'

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

/** Settings → General: preferences stored by main (never secrets). */
export function GeneralSection({ prefs, onSaved, onClose }: SettingsSectionProps) {
  const [theme, setTheme] = useState(prefs.theme)
  const [autoLock, setAutoLock] = useState(String(prefs.autoLockMinutes))
  const [clipboard, setClipboard] = useState(String(prefs.clipboardClearSeconds))
  const [remask, setRemask] = useState(String(prefs.remaskSeconds))
  const [warn, setWarn] = useState(String(prefs.warnDays))
  const [hideCapture, setHideCapture] = useState(prefs.hideFromScreenCapture)
  const [lockOnMinimize, setLockOnMinimize] = useState(prefs.lockOnMinimize)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

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
    try {
      onSaved(await call('setPreferences', patch))
      onClose()
    } catch (err) {
      setError(messageOf(err))
      setBusy(false)
    }
  }

  return (
    <form className="settings-form" onSubmit={submit} noValidate>
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
            <input type="checkbox" checked={hideCapture} onChange={(e) => setHideCapture(e.target.checked)} />
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
        <FormError message={error} />
      </div>
      <div className="dialog-footer">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? <span className="spinner" aria-hidden /> : null}
          Save
        </button>
      </div>
    </form>
  )
}
