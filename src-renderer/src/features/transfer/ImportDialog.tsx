import './transfer.css'
import { useEffect, useId, useMemo, useRef, useState, type DragEvent } from 'react'
import type { Environment, ImportPreview, ImportResult } from '../../../../src-shared/model'
import { Dialog } from '../../components/Dialog'
import { FormError } from '../../components/Field'
import { Icon } from '../../components/Icon'
import { ProgressLine } from '../../components/ProgressLine'
import { useToast } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'
import { plural } from '../../lib/format'
import { useProgress } from '../../lib/use-progress.hook'
import { useShell } from '../shell/shell.context'
import { maskEnvLine } from './env-mask'
import { MaskedEnvEditor } from './MaskedEnvEditor'

/** The contract's limit on an import's text. */
const MAX_CHARS = 16 * 1024 * 1024

function Names({ names }: { names: string[] }) {
  return (
    <ul className="name-list">
      {names.map((v) => (
        <li key={v}>
          <code>{v}</code>
        </li>
      ))}
    </ul>
  )
}

/** Whether `fetched` is the preview of exactly `text` (a stale one must not mark lines). */
function current0(fetched: { text: string } | null, text: string): boolean {
  return fetched !== null && fetched.text === text && text.trim() !== ''
}

/** Takes focus when it appears (the import's content was replaced, so focus would be lost). */
function DoneButton({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLButtonElement>(null)
  useEffect(() => ref.current?.focus(), [])
  return (
    <button ref={ref} type="button" className="btn btn-primary" onClick={onClose}>
      Done
    </button>
  )
}

/**
 * Import a .env file into one environment: choose (or drop) a file or paste, preview what is new, changed
 * (becomes a rotation with history) and unchanged, and every line that cannot be read. Nothing is imported
 * while any line is bad; the import itself is one transaction.
 */
export function ImportDialog({ environment, onClose }: { environment: Environment; onClose: () => void }) {
  const { changed } = useShell()
  const toast = useToast()
  const fileInput = useRef<HTMLInputElement>(null)
  const [text, setText] = useState('')
  const [file, setFile] = useState<{ name: string; lines: number } | null>(null)
  const [fetched, setFetched] = useState<{ text: string; preview: ImportPreview } | null>(null)
  const [publicVars, setPublicVars] = useState<Set<string>>(new Set())
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [dragging, setDragging] = useState(false)
  const [show, setShow] = useState(false)
  const pasteId = useId()
  const [result, setResult] = useState<ImportResult | null>(null)
  const progress = useProgress('import', busy)
  const empty = !text.trim()

  useEffect(() => {
    if (empty) return
    let live = true
    const t = setTimeout(() => {
      call('importPreview', { environmentId: environment.id, text }).then(
        (preview) => {
          if (!live) return
          setFetched({ text, preview })
          setError(null)
        },
        (err: unknown) => live && setError(messageOf(err)),
      )
    }, 150)
    return () => {
      live = false
      clearTimeout(t)
    }
  }, [text, empty, environment.id])

  const readFile = (f: File | undefined) => {
    if (!f) return
    setError(null)
    if (f.size > MAX_CHARS) {
      setError(`${f.name} is larger than 16 MB; Keyshelf imports .env files up to that size.`)
      return
    }
    const reader = new FileReader()
    reader.onload = () => {
      const content = typeof reader.result === 'string' ? reader.result : ''
      setFile({ name: f.name, lines: content ? content.split(/\r\n|\r|\n/).length : 0 })
      setText(content)
    }
    reader.onerror = () => setError(`${f.name} could not be read.`)
    reader.readAsText(f)
  }

  const clearFile = () => {
    setFile(null)
    setText('')
    if (fileInput.current) fileInput.current.value = ''
  }

  const onDrop = (e: DragEvent) => {
    e.preventDefault()
    setDragging(false)
    readFile(e.dataTransfer.files[0])
  }

  const apply = async () => {
    setBusy(true)
    setError(null)
    try {
      const r = await call('importApply', {
        environmentId: environment.id,
        text,
        publicVars: [...publicVars].filter((v) => fetched?.preview.added.includes(v)),
      })
      changed()
      // The values are in the vault now: drop them from this page.
      setText('')
      setFetched(null)
      setResult(r)
      toast(`Imported into ${environment.name}: ${r.added} added, ${r.changed} changed`)
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  const preview = empty ? null : (fetched?.preview ?? null)
  const badLines = useMemo(
    () => new Set(current0(fetched, text) ? (fetched?.preview.errors ?? []).map((e) => e.line) : []),
    [fetched, text],
  )
  const lineAt = (n: number): string | null => text.split(/\r\n|\r|\n/)[n - 1] ?? null
  const current = !empty && fetched?.text === text
  const nothing = preview !== null && preview.added.length + preview.changed.length === 0
  const blocked = !current || !preview || preview.errors.length > 0 || nothing || busy

  return (
    <Dialog
      wide
      title={result ? `Imported into ${environment.name}` : `Import into ${environment.name}`}
      description="Read a .env file with dotenv rules. New keys are added; changed values become rotations and the old values stay in history."
      onClose={onClose}
    >
      {result ? (
        <>
          <div className="dialog-body form-stack">
            <div className="callout ok" role="status" data-testid="import-result">
              <strong>
                {plural(result.added, 'key')} added · {result.changed} changed · {result.unchanged} unchanged
              </strong>
              {result.changed > 0 ? (
                <span>
                  Each changed key was rotated: its previous value is in the key’s history (reason: import).
                </span>
              ) : null}
            </div>
          </div>
          <div className="dialog-footer">
            <DoneButton onClose={onClose} />
          </div>
        </>
      ) : (
        <>
          <div
            className={`dialog-body form-stack ${dragging ? 'dropping' : ''}`}
            onDragOver={(e) => {
              e.preventDefault()
              setDragging(true)
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <input
              ref={fileInput}
              type="file"
              hidden
              accept=".env,.txt,.sh,text/plain"
              data-testid="import-file"
              onChange={(e) => readFile(e.target.files?.[0])}
            />
            {file ? (
              <div className="file-card">
                <Icon name="env" />
                <span className="file-card-text">
                  <strong>{file.name}</strong>
                  <span className="muted">
                    {plural(file.lines, 'line')} · contents not shown, values stay masked
                  </span>
                </span>
                <button type="button" className="btn btn-sm" onClick={() => fileInput.current?.click()}>
                  Choose another…
                </button>
                <button type="button" className="btn btn-ghost btn-sm" onClick={clearFile}>
                  Paste instead
                </button>
              </div>
            ) : (
              <>
                <div className="drop-zone" data-testid="drop-zone">
                  <button type="button" className="btn" onClick={() => fileInput.current?.click()}>
                    <Icon name="upload" size="sm" />
                    Choose a .env file…
                  </button>
                  <span className="muted">
                    No file chosen. Drop a .env file here, or paste its contents below.
                  </span>
                </div>
                <div className="field">
                  <div className="env-editor-head">
                    <label className="field-label" htmlFor={pasteId}>
                      .env contents <span className="muted">· {show ? 'values shown' : 'values hidden'}</span>
                    </label>
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      aria-pressed={show}
                      onClick={() => setShow((v) => !v)}
                    >
                      <Icon name={show ? 'eye-off' : 'eye'} size="sm" />
                      {show ? 'Hide values' : 'Show values'}
                    </button>
                  </div>
                  <MaskedEnvEditor
                    id={pasteId}
                    value={text}
                    onChange={setText}
                    shown={show}
                    errors={badLines}
                    placeholder={'API_KEY=…\nexport SECRET="…"'}
                    aria-describedby={preview?.errors.length ? 'import-errors' : undefined}
                    aria-invalid={preview ? preview.errors.length > 0 : undefined}
                    data-autofocus
                  />
                </div>
              </>
            )}
            {preview ? (
              <div
                className={`import-preview ${current ? '' : 'stale'}`}
                data-testid="import-preview"
                aria-busy={!current}
              >
                <div className="stat-row">
                  <span className="stat">
                    <strong>{preview.added.length}</strong> new
                  </span>
                  <span className="stat">
                    <strong>{preview.changed.length}</strong> changed
                  </span>
                  <span className="stat">
                    <strong>{preview.unchanged.length}</strong> unchanged
                  </span>
                  {preview.errors.length > 0 ? (
                    <span className="stat danger">
                      <strong>{preview.errors.length}</strong> unreadable
                    </span>
                  ) : null}
                </div>
                {preview.errors.length > 0 ? (
                  <div className="callout danger" role="alert" id="import-errors" data-testid="import-errors">
                    <strong>Nothing will be imported until these lines are fixed:</strong>
                    <ul className="import-errors">
                      {preview.errors.map((e) => (
                        <li key={e.line} data-line={e.line}>
                          <span className="line-no">Line {e.line}</span>
                          <span>{e.message}</span>
                          {lineAt(e.line) !== null ? (
                            <code className="line-text" aria-hidden={show ? undefined : true}>
                              {show ? lineAt(e.line) : maskEnvLine(lineAt(e.line) ?? '')}
                            </code>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  </div>
                ) : null}
                {preview.added.length > 0 ? (
                  <div>
                    <div className="field-label" id="import-kind-label">
                      New keys: secret or public?
                    </div>
                    <p className="muted small" id="import-kind-hint">
                      A secret is masked and reminded for rotation. A public identifier (an app id, a
                      publishable key) is shown in clear and never rotated.
                    </p>
                    <div className="kind-list" data-testid="import-kinds">
                      {preview.added.map((v) => (
                        <fieldset key={v} className="kind-row" aria-describedby="import-kind-hint">
                          <legend>
                            <code>{v}</code>
                          </legend>
                          <span className="segmented">
                            {(['secret', 'public'] as const).map((k) => (
                              <label key={k}>
                                <input
                                  type="radio"
                                  name={`kind-${v}`}
                                  value={k}
                                  checked={publicVars.has(v) === (k === 'public')}
                                  onChange={() =>
                                    setPublicVars((s) => {
                                      const n = new Set(s)
                                      if (k === 'public') n.add(v)
                                      else n.delete(v)
                                      return n
                                    })
                                  }
                                />
                                {k === 'public' ? 'Public' : 'Secret'}
                              </label>
                            ))}
                          </span>
                        </fieldset>
                      ))}
                    </div>
                  </div>
                ) : null}
                {preview.changed.length > 0 ? (
                  <div>
                    <div className="field-label">
                      Changed{' '}
                      <span className="muted">· will be rotated; the current value is kept in history</span>
                    </div>
                    <Names names={preview.changed} />
                  </div>
                ) : null}
                {preview.unchanged.length > 0 ? (
                  <div>
                    <div className="field-label">
                      Unchanged <span className="muted">· left alone</span>
                    </div>
                    <Names names={preview.unchanged} />
                  </div>
                ) : null}
                {preview.warnings.map((w) => (
                  <p key={`w${w.line}`} className="muted">
                    Line {w.line}: {w.message}
                  </p>
                ))}
                {nothing && preview.errors.length === 0 ? (
                  <p className="muted">
                    Every key in this file already has this value in {environment.name}.
                  </p>
                ) : null}
              </div>
            ) : null}
            {busy ? <ProgressLine event={progress} fallback="Importing keys" /> : null}
            <FormError message={error} />
          </div>
          <div className="dialog-footer">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" disabled={blocked} onClick={apply}>
              {busy ? <span className="spinner" aria-hidden /> : null}
              {preview && !nothing && preview.errors.length === 0
                ? `Import ${plural(preview.added.length + preview.changed.length, 'key')}`
                : 'Import'}
            </button>
          </div>
        </>
      )}
    </Dialog>
  )
}
