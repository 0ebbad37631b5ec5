import './transfer.css'
import { Fragment, useEffect, useState } from 'react'
import type { EnvFormat, Environment, ExportPreview, FieldView } from '../../../../src-shared/model'
import { CopyTextButton } from '../../components/CopyTextButton'
import { Dialog } from '../../components/Dialog'
import { FormError } from '../../components/Field'
import { Icon } from '../../components/Icon'
import { useToast } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'
import { plural } from '../../lib/format'
import { useSecondsLeft } from '../keys/use-reveal.hook'

/** The profiles as users see them; `copy` is what the Copy button says it copies. */
const PROFILES: { id: EnvFormat; label: string; hint: string; copy: string }[] = [
  {
    id: 'dotenv',
    label: '.env (dotenv)',
    hint: 'Read back exactly by the dotenv package and python-dotenv.',
    copy: 'Copy as .env (dotenv)',
  },
  {
    id: 'docker',
    label: 'Docker --env-file',
    hint: 'Literal after the first =, no quotes, one line per value.',
    copy: 'Copy for docker --env-file',
  },
  {
    id: 'shell',
    label: 'POSIX shell',
    hint: "export KEY='value', for source / . in bash and sh.",
    copy: 'Copy as POSIX shell exports',
  },
  {
    id: 'json',
    label: 'JSON',
    hint: 'An object of names to values; carries any value.',
    copy: 'Copy as JSON',
  },
]

const LABELS = Object.fromEntries(PROFILES.map((p) => [p.id, p.label])) as Record<EnvFormat, string>
const COPY = Object.fromEntries(PROFILES.map((p) => [p.id, p.copy])) as Record<EnvFormat, string>

/** "A", "A or B", "A, B or C". */
function orList(items: string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`
}

/** One refusal as full sentences, in the names users see: what the value has, and where it would fit. */
export function refusalSentence(p: { envVar: string; reason: string; worksIn: EnvFormat[] }): string {
  const where = p.worksIn.length
    ? ` It can be written as ${orList(p.worksIn.map((f) => LABELS[f]))}.`
    : ' No profile can carry it.'
  return `${p.envVar} ${p.reason}.${where}`
}

/** The variable a preview line assigns (dotenv, docker, shell or JSON), or null for comments and braces. */
function assignedName(line: string): string | null {
  const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(line) ?? /^\s*"([^"]+)":/.exec(line)
  return m?.[1] ?? null
}

/** The masked preview, with every line of a value the profile cannot carry marked and flagged. */
function PreviewLines({ text, problems }: { text: string; problems: ReadonlySet<string> }) {
  if (problems.size === 0) return <>{text}</>
  const lines = text.split('\n')
  return (
    <>
      {lines.map((line, i) => {
        const name = assignedName(line)
        const bad = name !== null && problems.has(name)
        const nl = i < lines.length - 1 ? '\n' : ''
        return bad ? (
          <Fragment key={i}>
            <span className="line-problem" data-testid="export-problem-line">
              {line}
              <span className="line-flag"> ← cannot be written</span>
            </span>
            {nl}
          </Fragment>
        ) : (
          line + nl
        )
      })}
    </>
  )
}

interface Saved {
  path: string
  gitWarning: boolean
  tracked: boolean
  ignored: string | null
}

/** The Copy button, with the same "copied · clears in Ns" countdown as a single key's copy button. */
function CopyExportButton({
  label,
  until,
  disabled,
  onCopy,
}: {
  label: string
  until: number | undefined
  disabled: boolean
  onCopy: () => void
}) {
  const left = useSecondsLeft(until)
  const active = until !== undefined && left > 0
  return (
    <button
      type="button"
      className={`btn ${active ? 'copied' : ''}`}
      disabled={disabled}
      aria-label={active ? `Copied, clipboard clears in ${left}s` : undefined}
      onClick={onCopy}
    >
      <Icon name={active ? 'check' : 'copy'} size="sm" />
      {label}
      {active ? (
        <span className="countdown" aria-hidden="true">
          {left}s
        </span>
      ) : null}
    </button>
  )
}

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
  const [fetched, setFetched] = useState<{ key: string; preview: ExportPreview } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [copiedUntil, setCopiedUntil] = useState<number | undefined>(undefined)
  const [saved, setSaved] = useState<Saved | null>(null)
  const all = only.size === fields.length
  const request = {
    environmentId: environment.id,
    format,
    example,
    includePublic: example && includePublic,
    ...(all ? {} : { only: fields.map((f) => f.envVar).filter((v) => only.has(v)) }),
  }
  const key = JSON.stringify(request)
  const none = only.size === 0

  useEffect(() => {
    if (none) return
    let live = true
    call('exportPreview', JSON.parse(key) as typeof request).then(
      (preview) => {
        if (!live) return
        setFetched({ key, preview })
        setError(null)
      },
      (err: unknown) => live && setError(messageOf(err)),
    )
    return () => {
      live = false
    }
    // `request` is rebuilt every render; `key` is its value.
  }, [key, none])

  // A preview of other options is shown (dimmed) until the new one arrives, but never enables Copy or Save.
  const preview = none ? null : (fetched?.preview ?? null)
  const current = !none && fetched?.key === key
  const problems = current ? (fetched?.preview.problems ?? []) : []
  const blocked = !current || problems.length > 0 || busy
  const fileLabel = example ? '.env.example' : LABELS[format]

  const copy = async () => {
    setBusy(true)
    setError(null)
    try {
      const r = await call('exportCopy', request)
      const n = plural(preview?.count ?? 0, 'key')
      if (r.clearsAt !== null) {
        setCopiedUntil(r.clearsAt)
        const secs = Math.max(1, Math.round((r.clearsAt - Date.now()) / 1000))
        toast(`Copied ${n} as ${fileLabel} · clipboard clears in ${secs} s`)
      } else {
        toast(`Copied ${n} as ${fileLabel}`)
      }
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  const save = async () => {
    setBusy(true)
    setError(null)
    try {
      const r = await call('exportSave', request)
      if (!r.cancelled && r.path) {
        setSaved({ path: r.path, gitWarning: r.gitWarning, tracked: r.tracked, ignored: null })
        toast(`Saved ${r.path} (readable by you only)`)
      }
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  const ignore = async () => {
    setError(null)
    try {
      const r = await call('gitignoreLastExport', {})
      setSaved((s) => (s ? { ...s, ignored: r.pattern } : s))
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
                  <span className="choice-hint">{p.hint}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        {problems.length > 0 ? (
          <div className="callout danger" role="alert" data-testid="export-problems">
            <strong>
              {LABELS[format]} cannot carry{' '}
              {problems.length === 1 ? 'one of these values' : `${problems.length} of these values`} exactly,
              so nothing can be copied or saved in this profile.
            </strong>
            <ul>
              {problems.map((p) => (
                <li key={p.envVar} data-testid="export-problem">
                  {refusalSentence(p)}
                </li>
              ))}
            </ul>
            <span>
              Pick another profile, or untick {problems.length === 1 ? 'this key' : 'these keys'} above.
            </span>
          </div>
        ) : null}
        <fieldset className="fieldset">
          <legend className="field-label">
            Only these keys{' '}
            <span className="muted">
              · {only.size} of {fields.length}
            </span>
          </legend>
          <div className="check-list">
            {fields.map((f) => (
              <label key={f.id} className="check">
                <input type="checkbox" checked={only.has(f.envVar)} onChange={() => toggle(f.envVar)} />
                <code>{f.envVar}</code>
                <span className="muted">{f.kind}</span>
              </label>
            ))}
          </div>
          <div className="inline-row subset-actions">
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              disabled={all}
              onClick={() => setOnly(new Set(fields.map((f) => f.envVar)))}
            >
              Select all
            </button>
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              disabled={none}
              onClick={() => setOnly(new Set())}
            >
              Clear
            </button>
          </div>
          {none ? (
            <div className="field-error" id="export-none">
              <Icon name="alert" size="sm" />
              Choose at least one key.
            </div>
          ) : null}
        </fieldset>
        <div className="check-row">
          <label className="check">
            <input type="checkbox" checked={example} onChange={(e) => setExample(e.target.checked)} />
            <span>Example file (.env.example): names only, for committing</span>
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
            Preview{' '}
            {preview ? (
              <span className="muted">
                · {preview.fileName} · {plural(preview.count, 'key')} · secrets masked
              </span>
            ) : null}
          </div>
          <pre
            className={`code-preview ${current ? '' : 'stale'}`}
            aria-labelledby="export-preview-label"
            aria-busy={!current && !none}
            data-testid="export-preview"
            tabIndex={0}
          >
            {none ? (
              'Nothing to export.'
            ) : preview ? (
              <PreviewLines text={preview.text} problems={new Set(problems.map((p) => p.envVar))} />
            ) : (
              'Loading…'
            )}
          </pre>
        </div>
        {saved && saved.tracked ? (
          <div className="callout warning" role="alert" data-testid="git-warning">
            <strong>git already tracks {saved.path}.</strong>
            <span>
              Adding it to .gitignore will not keep it out of commits. Untrack it first (the file stays on
              disk), then ignore it:
            </span>
            <span className="command">
              <code>git rm --cached {shellQuote(saved.path)}</code>
              <CopyTextButton text={`git rm --cached ${shellQuote(saved.path)}`} label="Copy the command" />
            </span>
            {saved.ignored === null ? (
              <button type="button" className="btn btn-sm" onClick={ignore}>
                Add to .gitignore
              </button>
            ) : null}
          </div>
        ) : saved && saved.gitWarning && saved.ignored === null ? (
          <div className="callout warning" role="alert" data-testid="git-warning">
            <span>
              <strong>{saved.path}</strong> is inside a git work tree and git does not ignore it, so a{' '}
              <code>git add .</code> would commit these secrets.
            </span>
            <button type="button" className="btn btn-sm" onClick={ignore}>
              Add to .gitignore
            </button>
          </div>
        ) : null}
        {saved?.ignored ? (
          <p className="callout ok" role="status">
            <span>
              <Icon name="check" size="sm" /> Added <code>{saved.ignored}</code> to .gitignore.
            </span>
          </p>
        ) : null}
        <FormError message={error} />
      </div>
      <div className="dialog-footer">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
        <CopyExportButton
          label={example ? `Copy as ${preview?.fileName ?? '.env.example'}` : COPY[format]}
          until={copiedUntil}
          disabled={blocked}
          onCopy={copy}
        />
        <button type="button" className="btn btn-primary" disabled={blocked} onClick={save}>
          {busy ? <span className="spinner" aria-hidden /> : null}
          Save…
        </button>
      </div>
    </Dialog>
  )
}

/** A path as one POSIX shell word (for the git command shown to copy). */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`
}
