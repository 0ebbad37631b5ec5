import '../transfer/transfer.css'
import { useId, useRef, useState } from 'react'
import {
  environmentDifferences,
  type ConnectionView,
  type EnvironmentChange,
  type SyncSummary,
} from '../../../../src-shared/model'
import { Dialog } from '../../components/Dialog'
import { EmptyState } from '../../components/EmptyState'
import { FormError } from '../../components/Field'
import { Icon } from '../../components/Icon'
import { ProgressLine } from '../../components/ProgressLine'
import { useToast } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'
import { formatDateTime, plural } from '../../lib/format'
import { useLoad } from '../../lib/use-load.hook'
import { useProgress } from '../../lib/use-progress.hook'
import { useShell } from '../shell/shell.context'
import { ConnectProviderForm, PROVIDER_NAMES } from './ConnectProviderForm'

const NOTES_SHOWN = 4
const CONNECT_FORM = 'connect-provider-form'

/**
 * Environments whose URLs or region differ at the provider: never rewritten on their own. Per environment,
 * the differing settings side by side (yours, the provider's) and a choice: keep yours or use theirs. After
 * an answer, focus moves to the next question, then to `onDone`'s target (the answered one is gone).
 */
function EnvironmentChanges({
  results,
  onApplied,
  onDone,
}: {
  results: SyncSummary[]
  onApplied: () => void
  onDone: () => void
}) {
  const [decided, setDecided] = useState<Set<string>>(() => new Set())
  const [error, setError] = useState<string | null>(null)
  const firstButtons = useRef(new Map<string, HTMLButtonElement>())
  const idBase = useId()
  const pending: (EnvironmentChange & { provider: string })[] = results.flatMap((s) =>
    (s.environmentChanges ?? []).map((c) => ({ ...c, provider: PROVIDER_NAMES[s.provider] })),
  )
  const open = pending.filter((c) => !decided.has(c.environmentId))
  if (open.length === 0) return null
  const decide = (id: string) => {
    const next = open.find((c) => c.environmentId !== id)
    setDecided((d) => new Set(d).add(id))
    requestAnimationFrame(() => {
      const button = next ? firstButtons.current.get(next.environmentId) : undefined
      if (button) button.focus()
      else onDone()
    })
  }
  return (
    <section
      className="callout warning env-changes"
      aria-label="Environment settings at the provider"
      data-testid="env-changes"
    >
      {open.map((c, i) => {
        const nameId = `${idBase}-${i}`
        return (
          <div key={c.environmentId} className="env-change" role="group" aria-labelledby={nameId}>
            <p>
              <strong id={nameId}>{c.name}</strong>: {c.provider} reports other settings. Keyshelf kept yours.
            </p>
            <table className="mini-table env-change-table">
              <caption className="sr-only">
                {c.name}: your settings and {c.provider}’s
              </caption>
              <thead>
                <tr>
                  <th scope="col">Setting</th>
                  <th scope="col">Yours</th>
                  <th scope="col">{c.provider}’s</th>
                </tr>
              </thead>
              <tbody>
                {environmentDifferences(c).map((d) => (
                  <tr key={d.setting}>
                    <th scope="row">{d.label}</th>
                    <td>{d.yours || '—'}</td>
                    <td>{d.theirs || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="row-end">
              <button
                ref={(b) => {
                  if (b) firstButtons.current.set(c.environmentId, b)
                  else firstButtons.current.delete(c.environmentId)
                }}
                type="button"
                className="btn btn-sm"
                onClick={() => decide(c.environmentId)}
              >
                Keep mine
              </button>
              <button
                type="button"
                className="btn btn-sm btn-primary"
                onClick={() => {
                  setError(null)
                  call('updateEnvironment', {
                    id: c.environmentId,
                    patch: { apiUrl: c.apiUrl, wsUrl: c.wsUrl, region: c.region },
                  })
                    .then(() => {
                      decide(c.environmentId)
                      onApplied()
                    })
                    .catch((err: unknown) => setError(messageOf(err)))
                }}
              >
                Use {c.provider}’s
              </button>
            </div>
          </div>
        )
      })}
      <FormError message={error} />
    </section>
  )
}

/** "just now", "12 min ago", "3 h ago", else the date and time. */
export function syncedAgo(ms: number, now = Date.now()): string {
  const min = Math.round((now - ms) / 60_000)
  if (min < 1) return 'just now'
  if (min < 60) return `${min} min ago`
  if (min < 24 * 60) return `${Math.round(min / 60)} h ago`
  return formatDateTime(ms)
}

function Counts({ n }: { n: { added: number; updated: number; revoked: number; unchanged: number } }) {
  return (
    <>
      {n.added} added · {n.updated} updated · {n.revoked} revoked · {n.unchanged} unchanged
    </>
  )
}

function SyncResult({ s }: { s: SyncSummary }) {
  const [all, setAll] = useState(false)
  const notes = all ? s.notes : s.notes.slice(0, NOTES_SHOWN)
  return (
    <div className="sync-result" data-testid="sync-result">
      <p className="sync-result-head">
        <Icon name="check" size="sm" />
        <strong>{PROVIDER_NAMES[s.provider]}</strong>
        <span>
          <Counts n={s} />
        </span>
      </p>
      {s.environments.length > 0 ? (
        <table className="mini-table">
          <caption className="sr-only">{PROVIDER_NAMES[s.provider]} sync, per environment</caption>
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col">Added</th>
              <th scope="col">Updated</th>
              <th scope="col">Revoked</th>
              <th scope="col">Unchanged</th>
            </tr>
          </thead>
          <tbody>
            {s.environments.map((e) => (
              <tr key={e.name}>
                <th scope="row">{e.name}</th>
                <td>{e.added}</td>
                <td>{e.updated}</td>
                <td>{e.revoked}</td>
                <td>{e.unchanged}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {s.finishedOverlaps > 0 || notes.length > 0 ? (
        <ul className="notes">
          {s.finishedOverlaps > 0 ? (
            <li>
              Deleted {plural(s.finishedOverlaps, 'old key')} whose overlap ended (they no longer work).
            </li>
          ) : null}
          {notes.map((n, i) => (
            <li key={`${i}:${n}`}>{n}</li>
          ))}
        </ul>
      ) : null}
      {s.notes.length > NOTES_SHOWN ? (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setAll((v) => !v)}>
          {all ? 'Show fewer notes' : `Show ${s.notes.length - NOTES_SHOWN} more notes`}
        </button>
      ) : null}
    </div>
  )
}

/**
 * Provider connections of an app: connect (token verified first, stored encrypted), the connections with
 * when each last synced, and Sync with progress and per-environment results.
 */
export function ProvidersDialog({
  appId,
  appName,
  defaultEnvironment,
  onClose,
}: {
  appId: string
  appName: string
  /** The environment being viewed: where Cloudflare and GitLab keys go unless another is named. */
  defaultEnvironment?: string | undefined
  onClose: () => void
}) {
  const { changed, version } = useShell()
  const toast = useToast()
  const conns = useLoad<ConnectionView[]>(() => call('listConnections', { appId }), `${appId}:${version}`)
  const [results, setResults] = useState<SyncSummary[]>([])
  const [syncing, setSyncing] = useState(false)
  const [connectBusy, setConnectBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [connecting, setConnecting] = useState(false)
  const syncButton = useRef<HTMLButtonElement>(null)
  const connectButton = useRef<HTMLButtonElement>(null)
  const busy = syncing || connectBusy
  const progress = useProgress('sync', busy)

  const sync = async () => {
    setSyncing(true)
    setError(null)
    try {
      const r = await call('syncProviders', { appId })
      setResults(r)
      changed()
      toast(r.length ? `Synced ${plural(r.length, 'connection')}` : 'Nothing to sync')
    } catch (err) {
      setError(messageOf(err))
      changed()
    } finally {
      setSyncing(false)
    }
  }

  const list = conns.data ?? []
  const loaded = conns.data !== undefined
  /** Closes the form and moves focus to a footer button (the form's own buttons are gone). */
  const afterForm = (prefer: 'sync' | 'connect') => {
    setConnecting(false)
    requestAnimationFrame(() =>
      ((prefer === 'sync' ? syncButton.current : null) ?? connectButton.current)?.focus(),
    )
  }

  return (
    <Dialog
      wide
      title={`Providers for ${appName}`}
      description="Keyshelf reads key metadata from each provider’s own API, rotates through it, and never blanks a value the provider does not show."
      onClose={onClose}
      onOpenAutoFocus={(e) => {
        e.preventDefault()
        ;(syncButton.current && !syncButton.current.disabled
          ? syncButton.current
          : connectButton.current
        )?.focus()
      }}
    >
      <div className="dialog-body form-stack">
        {loaded && list.length === 0 && !connecting ? (
          <div className="card-inset">
            <EmptyState icon="plug" title="No provider connected">
              Connect Novu, Cloudflare or GitLab to pull their keys into {appName}, see when each was created
              or expires, and rotate them from here.
            </EmptyState>
          </div>
        ) : null}
        {list.length > 0 ? (
          <ul className="conn-list" aria-label="Connections">
            {list.map((c) => (
              <li key={c.id} className="conn-row">
                <span className="conn-main">
                  <strong>{PROVIDER_NAMES[c.provider]}</strong>
                  <span className="conn-env">{c.environmentName}</span>
                  <span className="conn-url" title={c.baseUrl}>
                    {c.baseUrl}
                  </span>
                </span>
                <span
                  className="conn-synced"
                  title={c.lastSyncedAt ? formatDateTime(c.lastSyncedAt) : undefined}
                  data-testid="last-synced"
                >
                  {c.lastSyncedAt ? `Synced ${syncedAgo(c.lastSyncedAt)}` : 'Never synced'}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        {busy ? (
          <ProgressLine
            event={progress}
            fallback={syncing ? 'Syncing' : 'Checking the key with the provider'}
          />
        ) : null}
        {!busy && results.length > 0 ? (
          <section className="sync-results" aria-label="Sync results">
            {results.map((s) => (
              <SyncResult key={`${s.connectionId}:${s.syncedAt}`} s={s} />
            ))}
          </section>
        ) : null}
        <FormError message={error} />
        {!busy ? (
          <EnvironmentChanges
            results={results}
            onApplied={changed}
            onDone={() => (syncButton.current ?? connectButton.current)?.focus()}
          />
        ) : null}
        {connecting ? (
          <ConnectProviderForm
            formId={CONNECT_FORM}
            appId={appId}
            defaultEnvironment={defaultEnvironment ?? ''}
            onBusy={setConnectBusy}
            onConnected={(r) => {
              setResults([r.summary])
              changed()
              toast(`Connected ${appName} to ${PROVIDER_NAMES[r.connection.provider]}`)
              afterForm('sync')
            }}
          />
        ) : null}
      </div>
      {connecting ? (
        <div className="dialog-footer">
          <span className="spacer" />
          <button type="button" className="btn" onClick={() => afterForm('connect')} disabled={connectBusy}>
            Cancel
          </button>
          <button type="submit" form={CONNECT_FORM} className="btn btn-primary" disabled={connectBusy}>
            {connectBusy ? <span className="spinner" aria-hidden /> : <Icon name="plug" size="sm" />}
            Connect and sync
          </button>
        </div>
      ) : (
        <div className="dialog-footer">
          {!connecting ? (
            <button
              ref={connectButton}
              type="button"
              className={`btn ${loaded && list.length === 0 ? 'btn-primary' : ''}`}
              onClick={() => {
                setError(null)
                setConnecting(true)
              }}
            >
              <Icon name="plus" size="sm" />
              Connect provider
            </button>
          ) : null}
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          {list.length > 0 ? (
            <button ref={syncButton} type="button" className="btn btn-primary" disabled={busy} onClick={sync}>
              {syncing ? <span className="spinner" aria-hidden /> : <Icon name="rotate" size="sm" />}
              Sync now
            </button>
          ) : null}
        </div>
      )}
    </Dialog>
  )
}
