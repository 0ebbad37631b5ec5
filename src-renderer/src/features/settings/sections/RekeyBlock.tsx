import { useState, type FormEvent } from 'react'
import { Dialog } from '../../../components/Dialog'
import { Field, FormError } from '../../../components/Field'
import { ProgressLine } from '../../../components/ProgressLine'
import { SecretInput } from '../../../components/SecretInput'
import { useToast } from '../../../components/Toasts'
import { ApiError, call, messageOf } from '../../../lib/api.client'
import { useProgress } from '../../../lib/use-progress.hook'

/**
 * The confirmation for `rekey`: what it does and why in plain words, the master password, progress while
 * main re-encrypts (10,000 keys take seconds), and a toast with the result.
 */
function RekeyDialog({ onClose }: { onClose: () => void }) {
  const toast = useToast()
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [touched, setTouched] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [wrong, setWrong] = useState(false)
  const progress = useProgress('rekey', busy)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    if (busy || !password) return
    setBusy(true)
    setError(null)
    setWrong(false)
    try {
      const r = await call('rekey', { password })
      setPassword('')
      toast(
        `Vault key rotated: ${r.resealed.toLocaleString()} encrypted items re-encrypted. Quick unlock is off; turn it on again if you use it.`,
      )
      onClose()
    } catch (err) {
      setBusy(false)
      if (err instanceof ApiError && err.code === 'WRONG_PASSWORD') setWrong(true)
      else setError(messageOf(err))
    }
  }

  return (
    <Dialog
      title="Rotate the vault key"
      description="Make a new key for the vault and re-encrypt everything in it with that key, in one step."
      onClose={() => {
        if (!busy) onClose()
      }}
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form-stack">
          <div className="rekey-explain" data-testid="rekey-explain">
            <p>
              Changing the master password keeps the vault&apos;s key. So an old copy of the vault file (a
              backup, a synced folder) together with an old password can still open everything, including
              secrets you add later.
            </p>
            <p>
              Rotating the key fixes that: an old copy of the file and an old password cannot open secrets you
              add afterwards. Your master password stays the same.
            </p>
            <p>
              Quick unlock is turned off, because the system keychain holds the old key. Turn it on again
              afterwards if you use it. With many keys this takes a few seconds; Keyshelf is busy meanwhile.
            </p>
          </div>
          <Field
            label="Master password"
            error={
              wrong
                ? 'That is not the master password. Nothing was changed.'
                : touched && !password
                  ? 'Enter your master password to confirm.'
                  : undefined
            }
          >
            {(p) => (
              <SecretInput
                {...p}
                className="input"
                type="password"
                autoComplete="current-password"
                disabled={busy}
                value={password}
                onChange={(e) => {
                  setPassword(e.target.value)
                  setWrong(false)
                }}
              />
            )}
          </Field>
          {busy ? <ProgressLine event={progress} fallback="Re-encrypting every secret" /> : null}
          <FormError message={error} />
        </div>
        <div className="dialog-footer">
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? <span className="spinner" aria-hidden /> : null}
            {busy ? 'Rotating…' : 'Rotate the vault key'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

/** Settings → Security: "Rotate the vault key…" (a new data key; see RekeyDialog). */
export function RekeyBlock() {
  const [open, setOpen] = useState(false)
  return (
    <section className="settings-block" aria-labelledby="rekey-title">
      <h3 className="form-section-title" id="rekey-title">
        Vault key
      </h3>
      <p className="field-hint">
        Replace the key that encrypts your vault, so old copies of the file cannot open what you add from now
        on.
      </p>
      <div className="settings-actions">
        <button type="button" className="btn" onClick={() => setOpen(true)}>
          Rotate the vault key…
        </button>
      </div>
      {open ? <RekeyDialog onClose={() => setOpen(false)} /> : null}
    </section>
  )
}
