import { useEffect, useId, useState } from 'react'
import { type ReportFileFormat, type TeamSummary } from '../../../../src-shared/teams'
import { Dialog } from '../../components/Dialog'
import { FormError } from '../../components/Field'
import { useToast } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'
import { plural } from '../../lib/format'

const REPORT_FORMATS: { value: Exclude<ReportFileFormat, 'ics'>; label: string; hint: string }[] = [
  { value: 'csv', label: 'CSV', hint: 'for a spreadsheet' },
  { value: 'md', label: 'Markdown', hint: 'for a wiki or a ticket' },
  { value: 'json', label: 'JSON', hint: 'for scripts' },
]

/**
 * "Export calendar…" (ics: one event per rotation due date, expiry and overlap end, with an alarm at the
 * warning window) and "Export report…" (csv, md, json) for every key or one team's keys. Main builds the
 * file from names and dates only (never a value) and saves it through the native save dialog.
 */
export function ReportExportDialog({ mode, onClose }: { mode: 'calendar' | 'report'; onClose: () => void }) {
  const toast = useToast()
  const [format, setFormat] = useState<Exclude<ReportFileFormat, 'ics'>>('csv')
  const [teams, setTeams] = useState<TeamSummary[]>([])
  const [scope, setScope] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const radio = useId()
  const scopeId = useId()

  useEffect(() => {
    call('listTeams', {}).then(setTeams, () => setTeams([]))
  }, [])

  const save = async () => {
    setBusy(true)
    setError(null)
    try {
      const r = await call('saveReport', {
        format: mode === 'calendar' ? 'ics' : format,
        ...(scope ? { team: scope } : {}),
      })
      if (!r.cancelled) {
        toast(`Saved the ${mode} of ${plural(r.keys, 'key')}.`)
        onClose()
      }
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog
      title={mode === 'calendar' ? 'Export rotation calendar' : 'Export rotation report'}
      description={
        mode === 'calendar'
          ? 'An .ics calendar with one event per rotation due date, expiry and overlap end, and a reminder at your warning window. Names and dates only, never a value.'
          : 'Every key with its owner, status and dates. Names and dates only, never a value.'
      }
      onClose={onClose}
    >
      <div className="dialog-body form-stack">
        {mode === 'report' ? (
          <fieldset className="radio-row">
            <legend className="field-label">Format</legend>
            {REPORT_FORMATS.map((f) => (
              <label key={f.value} className="check">
                <input
                  type="radio"
                  name={radio}
                  value={f.value}
                  checked={format === f.value}
                  onChange={() => setFormat(f.value)}
                />
                <span>
                  {f.label} <span className="muted">{f.hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
        ) : null}
        {teams.length > 0 ? (
          <div className="field">
            <label className="field-label" htmlFor={scopeId}>
              Keys
            </label>
            <select id={scopeId} className="select" value={scope} onChange={(e) => setScope(e.target.value)}>
              <option value="">Every key in this vault</option>
              {teams.map((t) => (
                <option key={t.id} value={t.name}>
                  Team {t.name} ({plural(t.keys, 'key')})
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <FormError message={error} />
      </div>
      <div className="dialog-footer">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void save()}>
          {busy ? <span className="spinner" aria-hidden /> : null}
          Save…
        </button>
      </div>
    </Dialog>
  )
}
