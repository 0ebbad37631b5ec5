import './transfer.css'
import { useEffect, useState } from 'react'
import type { EnvFormat, Environment, ExportPreview, FieldView } from '../../../../src-shared/model'
import { Dialog } from '../../components/Dialog'
import { FormError } from '../../components/Field'
import { Icon } from '../../components/Icon'
import { useToast } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'

const PROFILES: { id: EnvFormat; label: string; hint: string }[] = [
  {
    id: 'dotenv',
    label: '.env (dotenv)',
    hint: 'Read back exactly by the dotenv package and python-dotenv.',
  },
  {
    id: 'docker',
    label: 'Docker --env-file',
    hint: 'Literal after the first =, no quotes, one line per value.',
  },
  { id: 'shell', label: 'POSIX shell', hint: "export KEY='value', for source / . in bash and sh." },
  { id: 'json', label: 'JSON', hint: 'An object of names to values; carries any value.' },
]

/**
 * Export one environment's keys: a profile, an optional subset, a masked preview (no secret value is ever
 * rendered), problems named per key, then Copy (clipboard in main, cleared later) or Save (native dialog).
 */
export function ExportDialog({
  environment,
  fields,
  onClose,
}: {
  environment: Environment
  fields: FieldView[]
  onClose: () => void
}) {
  const toast = useToast()
  const [format, setFormat] = useState<EnvFormat>('dotenv')
  const [only, setOnly] = useState<Set<string>>(() => new Set(fields.map((f) => f.envVar)))
  const [example, setExample] = useState(false)
  const [includePublic, setIncludePublic] = useState(false)
  const [fetched, setPreview] = useState<ExportPreview | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState<{ path: string; gitWarning: boolean; tracked: boolean } | null>(null)
  const all = only.size === fields.length
  const request = {
    environmentId: environment.id,
    format,
    example,
    includePublic,
    ...(all ? {} : { only: [...only] }),
  }
  const key = JSON.stringify(request)

  useEffect(() => {
    let live = true
    if (only.size === 0) return
    call('exportPreview', JSON.parse(key) as typeof request)
      .then((p) => live && (setPreview(p), setError(null)))
      .catch((err: unknown) => live && setError(messageOf(err)))
    return () => {
      live = false
    }
  }, [key, only.size])

  const preview = only.size === 0 ? null : fetched
  const blocked = !preview || preview.problems.length > 0 || only.size === 0 || busy

  const copy = async () => {
    setBusy(true)
    try {
      const r = await call('exportCopy', request)
      const secs = r.clearsAt ? Math.max(1, Math.round((r.clearsAt - Date.now()) / 1000)) : null
      toast(
        `Copied ${preview?.count ?? 0} keys as ${format}${secs ? ` · clipboard clears in ${secs} s` : ''}`,
      )
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  const save = async () => {
    setBusy(true)
    try {
      const r = await call('exportSave', request)
      if (!r.cancelled && r.path) {
        setSaved({ path: r.path, gitWarning: r.gitWarning, tracked: r.tracked })
        toast(`Saved ${r.path} (owner-only)`)
      }
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  const ignore = async () => {
    try {
      const r = await call('gitignoreLastExport', {})
      toast(`Added ${r.pattern} to .gitignore`)
      setSaved((s) => (s ? { ...s, gitWarning: false } : s))
    } catch (err) {
      setError(messageOf(err))
    }
  }

  const toggle = (v: string) =>
    setOnly((s) => {
      const n = new Set(s)
      if (n.has(v)) n.delete(v)
      else n.add(v)
      return n
    })

  return (
    <Dialog
      wide
      title={`Export ${environment.name}`}
      description="Write these keys for the tool that will read them. Each profile quotes exactly what its reader expects; a value it cannot carry is named, never changed."
      onClose={onClose}
    >
      <div className="dialog-body form-stack">
        <fieldset className="fieldset">
          <legend className="field-label">Profile</legend>
          <div className="choice-grid">
            {PROFILES.map((p) => (
              <label key={p.id} className={`choice ${format === p.id ? 'selected' : ''}`}>
                <input
                  type="radio"
                  name="export-profile"
                  value={p.id}
                  checked={format === p.id}
                  onChange={() => setFormat(p.id)}
                />
                <span>
                  <strong>{p.label}</strong>
                  <span className="muted small">{p.hint}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="fieldset">
          <legend className="field-label">Keys</legend>
          <div className="check-list">
            {fields.map((f) => (
              <label key={f.id} className="check">
                <input type="checkbox" checked={only.has(f.envVar)} onChange={() => toggle(f.envVar)} />
                <code>{f.envVar}</code>
                <span className="muted small">{f.kind}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="check-row">
          <label className="check">
            <input type="checkbox" checked={example} onChange={(e) => setExample(e.target.checked)} />
            <span>Example file (.env.example): names only</span>
          </label>
          {example ? (
            <label className="check">
              <input
                type="checkbox"
                checked={includePublic}
                onChange={(e) => setIncludePublic(e.target.checked)}
              />
              <span>Include public values</span>
            </label>
          ) : null}
        </div>
        <div>
          <div className="field-label" id="export-preview-label">
            Preview {preview ? <span className="muted">· {preview.fileName} · secrets masked</span> : null}
          </div>
          <pre className="code-preview" aria-labelledby="export-preview-label" data-testid="export-preview">
            {only.size === 0 ? 'Choose at least one key.' : (preview?.text ?? '…')}
          </pre>
        </div>
        {preview && preview.problems.length > 0 ? (
          <div className="callout danger" role="alert">
            <strong>{format} cannot carry every value exactly, so nothing will be written:</strong>
            <ul>
              {preview.problems.map((p) => (
                <li key={p.envVar}>
                  <code>{p.envVar}</code>: {p.reason}
                  {p.worksIn.length ? ` Use ${p.worksIn.join(' or ')} instead.` : ''}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {saved?.gitWarning ? (
          <div className="callout warning" role="alert">
            <span>
              <strong>{saved.path}</strong> is in a git work tree and git does not ignore it.
            </span>
            <button type="button" className="btn btn-sm" onClick={ignore}>
              Add to .gitignore
            </button>
          </div>
        ) : null}
        {saved?.tracked ? (
          <div className="callout warning" role="alert">
            git already tracks this file, so .gitignore will not keep it out of commits. Run{' '}
            <code>git rm --cached</code> on it.
          </div>
        ) : null}
        <FormError message={error} />
      </div>
      <div className="dialog-footer">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
        <button type="button" className="btn" disabled={blocked} onClick={copy}>
          <Icon name="copy" size="sm" />
          Copy as {format === 'json' ? 'JSON' : '.env'}
        </button>
        <button type="button" className="btn btn-primary" disabled={blocked} onClick={save}>
          Save…
        </button>
      </div>
    </Dialog>
  )
}
