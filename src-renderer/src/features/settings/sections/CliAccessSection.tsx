import { useState, type FormEvent } from 'react'
import { FormError } from '../../../components/Field'
import { call, messageOf } from '../../../lib/api.client'
import type { SettingsSectionProps } from '../settings-section'

/** Settings › CLI access: let `keyshelf` commands use this window's unlocked vault (off by default). */
export function CliAccessSection({ prefs, onSaved, onClose }: SettingsSectionProps) {
  const [enabled, setEnabled] = useState(prefs.cliAccess)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      onSaved(await call('setPreferences', { cliAccess: enabled }))
      onClose()
    } catch (err) {
      setError(messageOf(err))
      setBusy(false)
    }
  }

  return (
    <form className="settings-form" onSubmit={submit} noValidate>
      <div className="dialog-body form-stack">
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          <span>Let the keyshelf command use this window’s unlocked vault, without the master password.</span>
        </label>
        <p className="field-hint">
          While the window is unlocked, <code>keyshelf get</code>, <code>list</code>, <code>copy</code> and
          the other commands run here instead of asking for the password. Only your user account can reach it
          (a private socket and a one-time cookie). It stops when the window locks, when you turn this off and
          when Keyshelf quits; <code>keyshelf lock</code> locks the window.
        </p>
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
