import { useState } from 'react'
import type { BackupResult } from '../../../../../src-shared/contract'
import { FormError } from '../../../components/Field'
import { call, messageOf } from '../../../lib/api.client'
import { formatDateTime } from '../../../lib/format'
import { useLoad } from '../../../lib/use-load.hook'
import type { SettingsSectionProps } from '../settings-section'

/** 1536 → "1.5 KB"; sizes of backup files. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`
  const units = ['KB', 'MB', 'GB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}

/**
 * Settings › Backup: "Back up now…" asks main for a file (native save dialog; the window never sends a path),
 * copies the vault with SQLite's online backup API and verifies the copy; shows the last backup and how to
 * restore one.
 */
export function BackupSection({ onClose }: SettingsSectionProps) {
  const status = useLoad(() => call('backupStatus', {}), 'backup')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<Extract<BackupResult, { cancelled: false }> | null>(null)

  const backUp = async () => {
    setBusy(true)
    setError(null)
    try {
      const r = await call('backupNow', {})
      if (!r.cancelled) {
        setDone(r)
        status.reload()
      }
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  const last = status.data?.last ?? null
  return (
    <div className="settings-form">
      <div className="dialog-body form-stack backup-body">
        <p className="field-hint">
          A backup is a copy of the whole vault, still encrypted with your master password. It is made safely
          while Keyshelf is in use and checked after it is written.
        </p>
        <div>
          <button type="button" className="btn btn-primary" onClick={() => void backUp()} disabled={busy}>
            {busy ? <span className="spinner" aria-hidden /> : null}
            {busy ? 'Backing up…' : 'Back up now…'}
          </button>
        </div>
        <div aria-live="polite">
          {busy ? <p className="field-hint">Copying and verifying the vault…</p> : null}
          {done && !busy ? (
            <p className="backup-result" data-testid="backup-result">
              Saved <strong>{done.fileName}</strong> ({formatBytes(done.bytes)}), verified.
            </p>
          ) : null}
        </div>
        <FormError message={error} />
        <p className="field-hint" data-testid="last-backup">
          {status.error
            ? status.error
            : last
              ? `Last backup: ${formatDateTime(last.at)}, ${last.fileName} (${formatBytes(last.bytes)}).`
              : status.data
                ? 'No backup made from this window yet.'
                : ''}
        </p>
        <h3 className="form-section-title">Restore</h3>
        <p className="field-hint">
          Quit Keyshelf, then run <code>keyshelf restore FILE</code>. It checks the backup first and never
          replaces an existing vault unless you add <code>--force</code> (back the current vault up first).
          The restored vault opens with the master password it had when it was backed up.
        </p>
      </div>
      <div className="dialog-footer">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  )
}
