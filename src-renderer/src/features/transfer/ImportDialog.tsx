import './transfer.css'
import { useEffect, useState } from 'react'
import type { Environment, ImportPreview } from '../../../../src-shared/model'
import { Dialog } from '../../components/Dialog'
import { Field, FormError } from '../../components/Field'
import { useToast } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'
import { useShell } from '../shell/shell.context'

/**
 * Import a .env file into one environment: choose a file or paste, preview what is new, changed (becomes a
 * rotation with history) and unchanged, and every line that cannot be read. Nothing is imported while any
 * line is bad; the import itself is one transaction.
 */
export function ImportDialog({ environment, onClose }: { environment: Environment; onClose: () => void }) {
  const { changed } = useShell()
  const toast = useToast()
  const [text, setText] = useState('')
  const [fileName, setFileName] = useState<string | null>(null)
  const [fetched, setPreview] = useState<ImportPreview | null>(null)
  const [publicVars, setPublicVars] = useState<Set<string>>(new Set())
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let live = true
    if (!text.trim()) return
    const t = setTimeout(() => {
      call('importPreview', { environmentId: environment.id, text })
        .then((p) => live && (setPreview(p), setError(null)))
        .catch((err: unknown) => live && setError(messageOf(err)))
    }, 150)
    return () => {
      live = false
      clearTimeout(t)
    }
  }, [text, environment.id])

  const readFile = (file: File | undefined) => {
    if (!file) return
    setFileName(file.name)
    const reader = new FileReader()
    reader.onload = () => setText(typeof reader.result === 'string' ? reader.result : '')
    reader.onerror = () => setError('The file could not be read.')
    reader.readAsText(file)
  }

  const apply = async () => {
    setBusy(true)
    setError(null)
    try {
      const r = await call('importApply', {
        environmentId: environment.id,
        text,
        publicVars: [...publicVars],
      })
      changed()
      toast(
        `Imported into ${environment.name}: ${r.added} added, ${r.changed} changed, ${r.unchanged} unchanged`,
      )
      onClose()
    } catch (err) {
      setError(messageOf(err))
      setBusy(false)
    }
  }

  const preview = text.trim() ? fetched : null
  const nothing = preview !== null && preview.added.length + preview.changed.length === 0
  const blocked = !preview || preview.errors.length > 0 || nothing || busy

  return (
    <Dialog
      wide
      title={`Import into ${environment.name}`}
      description="Read a .env file with dotenv rules. New keys are added; changed values become rotations and the old values stay in history."
      onClose={onClose}
    >
      <div className="dialog-body form-stack">
        <Field label="File" optional hint={fileName ? `Loaded ${fileName}` : 'Or paste the contents below.'}>
          {(p) => (
            <input
              {...p}
              className="input"
              type="file"
              accept=".env,.txt,text/plain,*"
              onChange={(e) => readFile(e.target.files?.[0])}
            />
          )}
        </Field>
        <Field label=".env contents">
          {(p) => (
            <textarea
              {...p}
              className="textarea mono"
              rows={8}
              spellCheck={false}
              autoComplete="off"
              placeholder={'API_KEY=…\nexport SECRET="…"'}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          )}
        </Field>
        {preview ? (
          <div className="import-preview" data-testid="import-preview">
            <p>
              <strong>{preview.added.length}</strong> new · <strong>{preview.changed.length}</strong> changed
              (will be rotated) · <strong>{preview.unchanged.length}</strong> unchanged
            </p>
            {preview.added.length > 0 ? (
              <fieldset className="fieldset">
                <legend className="field-label">New keys (mark public identifiers)</legend>
                <div className="check-list">
                  {preview.added.map((v) => (
                    <label key={v} className="check">
                      <input
                        type="checkbox"
                        checked={publicVars.has(v)}
                        onChange={(e) =>
                          setPublicVars((s) => {
                            const n = new Set(s)
                            if (e.target.checked) n.add(v)
                            else n.delete(v)
                            return n
                          })
                        }
                      />
                      <code>{v}</code>
                      <span className="muted small">public</span>
                    </label>
                  ))}
                </div>
              </fieldset>
            ) : null}
            {preview.changed.length > 0 ? (
              <p className="muted">
                Changed:{' '}
                {preview.changed.map((v) => (
                  <code key={v}>{v} </code>
                ))}
              </p>
            ) : null}
            {preview.errors.length > 0 ? (
              <div className="callout danger" role="alert">
                <strong>Nothing will be imported until these lines are fixed:</strong>
                <ul>
                  {preview.errors.map((e) => (
                    <li key={e.line}>
                      Line {e.line}: {e.message}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            {preview.warnings.map((w) => (
              <p key={`w${w.line}`} className="muted small">
                Line {w.line}: {w.message}
              </p>
            ))}
          </div>
        ) : null}
        <FormError message={error} />
      </div>
      <div className="dialog-footer">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" disabled={blocked} onClick={apply}>
          {busy ? <span className="spinner" aria-hidden /> : null}
          Import
        </button>
      </div>
    </Dialog>
  )
}
