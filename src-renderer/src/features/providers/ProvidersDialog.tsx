import '../transfer/transfer.css'
import { useEffect, useState, type FormEvent } from 'react'
import type { ConnectionView, ProgressEvent, SyncProvider, SyncSummary } from '../../../../src-shared/model'
import { Dialog } from '../../components/Dialog'
import { Field, FormError } from '../../components/Field'
import { Icon } from '../../components/Icon'
import { useToast } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'
import { useLoad } from '../../lib/use-load.hook'
import { useShell } from '../shell/shell.context'

const NAMES: Record<SyncProvider, string> = { novu: 'Novu', cloudflare: 'Cloudflare', gitlab: 'GitLab' }
const TOKEN_LABEL: Record<SyncProvider, string> = {
  novu: 'Secret key of one Novu environment',
  cloudflare: 'API token (needs API Tokens Read/Write)',
  gitlab: 'Personal access token',
}

function SyncResult({ s }: { s: SyncSummary }) {
  return (
    <div className="sync-result" data-testid="sync-result">
      <p>
        <strong>{NAMES[s.provider]}</strong>: {s.added} added · {s.updated} updated · {s.revoked} revoked ·{' '}
        {s.unchanged} unchanged
      </p>
      <ul className="muted small">
        {s.environments.map((e) => (
          <li key={e.name}>
            {e.name}: {e.added} added, {e.updated} updated, {e.revoked} revoked, {e.unchanged} unchanged
          </li>
        ))}
        {s.finishedOverlaps > 0 ? (
          <li>Deleted {s.finishedOverlaps} old key(s) whose overlap ended.</li>
        ) : null}
        {s.notes.slice(0, 3).map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </div>
  )
}

/** Provider connections of an app: connect (token verified first, stored encrypted), list, and sync with progress. */
export function ProvidersDialog({
  appId,
  appName,
  onClose,
}: {
  appId: string
  appName: string
  onClose: () => void
}) {
  const { changed, version } = useShell()
  const toast = useToast()
  const conns = useLoad<ConnectionView[]>(() => call('listConnections', { appId }), `${appId}:${version}`)
  const [results, setResults] = useState<SyncSummary[]>([])
  const [progress, setProgress] = useState<ProgressEvent | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [connecting, setConnecting] = useState(false)
  const [provider, setProvider] = useState<SyncProvider>('novu')
  const [token, setToken] = useState('')
  const [showToken, setShowToken] = useState(false)
  const [envName, setEnvName] = useState('')
  const [region, setRegion] = useState<'us' | 'eu'>('us')
  const [apiUrl, setApiUrl] = useState('')
  const [accountId, setAccountId] = useState('')
  const [touched, setTouched] = useState(false)

  useEffect(() => {
    const bridge = window.keyshelf as unknown as {
      onProgress?: (l: (e: ProgressEvent) => void) => () => void
    }
    return bridge.onProgress?.((e) => setProgress(e))
  }, [])

  const errors: Record<string, string> = {}
  if (!token.trim()) errors['token'] = 'Paste the key.'
  if (provider !== 'novu' && !envName.trim()) errors['env'] = 'Name the environment this key belongs to.'
  if (apiUrl.trim() && !/^https?:\/\/\S+$/.test(apiUrl.trim()))
    errors['url'] = 'Enter a full URL, e.g. https://gitlab.example.com'

  const sync = async () => {
    setBusy(true)
    setError(null)
    setProgress(null)
    try {
      const r = await call('syncProviders', { appId })
      setResults(r)
      changed()
      toast(r.length ? 'Sync finished' : 'Nothing to sync')
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
      setProgress(null)
    }
  }

  const connect = async (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    if (Object.keys(errors).length > 0) return
    setBusy(true)
    setError(null)
    try {
      const r = await call('connectProvider', {
        appId,
        provider,
        token: token.trim(),
        ...(envName.trim() ? { environmentName: envName.trim() } : {}),
        ...(apiUrl.trim() ? { apiUrl: apiUrl.trim() } : provider === 'novu' ? { region } : {}),
        ...(provider === 'cloudflare' && accountId.trim() ? { accountId: accountId.trim() } : {}),
      })
      setToken('')
      setConnecting(false)
      setResults([r.summary])
      changed()
      toast(`Connected ${appName} to ${NAMES[provider]}`)
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  const list = conns.data ?? []
  return (
    <Dialog
      wide
      title={`Providers for ${appName}`}
      description="Keyshelf reads key metadata from the provider's own API, rotates through it, and never blanks a value the provider does not show."
      onClose={onClose}
    >
      <div className="dialog-body form-stack">
        {list.length === 0 && !connecting ? (
          <p className="muted">
            No provider is connected yet. Connect one to sync its keys and rotate them from here.
          </p>
        ) : null}
        {list.length > 0 ? (
          <ul className="conn-list">
            {list.map((c) => (
              <li key={c.id} className="conn-row">
                <span>
                  <strong>{NAMES[c.provider]}</strong> · {c.environmentName} ·{' '}
                  <span className="muted small">{c.baseUrl}</span>
                </span>
                <span className="muted small">
                  {c.lastSyncedAt ? `synced ${new Date(c.lastSyncedAt).toLocaleString()}` : 'never synced'}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        {busy && progress ? (
          <div className="progress" role="status" aria-live="polite">
            <progress
              value={progress.done}
              {...(progress.total !== null ? { max: progress.total } : {})}
              aria-label={progress.label}
            />
            <span className="small">
              {progress.label} {progress.done}
              {progress.total !== null ? ` of ${progress.total}` : ''}
            </span>
          </div>
        ) : null}
        {results.map((s) => (
          <SyncResult key={s.connectionId} s={s} />
        ))}
        {connecting ? (
          <form
            className="form-stack card-inset"
            onSubmit={connect}
            noValidate
            aria-label="Connect a provider"
          >
            <Field label="Provider">
              {(p) => (
                <select
                  {...p}
                  className="select"
                  value={provider}
                  onChange={(e) => setProvider(e.target.value as SyncProvider)}
                >
                  <option value="novu">Novu</option>
                  <option value="cloudflare">Cloudflare</option>
                  <option value="gitlab">GitLab</option>
                </select>
              )}
            </Field>
            <Field
              label={TOKEN_LABEL[provider]}
              error={touched ? errors['token'] : undefined}
              hint="Verified before anything is saved; stored encrypted."
            >
              {(p) => (
                <div className="input-group">
                  <input
                    {...p}
                    className="input mono"
                    type={showToken ? 'text' : 'password'}
                    autoComplete="off"
                    spellCheck={false}
                    value={token}
                    onChange={(e) => setToken(e.target.value)}
                  />
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={showToken ? 'Hide the key' : 'Show the key'}
                    aria-pressed={showToken}
                    onClick={() => setShowToken((v) => !v)}
                  >
                    <Icon name={showToken ? 'eye-off' : 'eye'} size="sm" />
                  </button>
                </div>
              )}
            </Field>
            <Field
              label="Environment"
              optional={provider === 'novu'}
              error={touched ? errors['env'] : undefined}
              hint={
                provider === 'novu' ? 'Novu tells which environment the key belongs to.' : 'e.g. Production'
              }
            >
              {(p) => (
                <input
                  {...p}
                  className="input"
                  value={envName}
                  onChange={(e) => setEnvName(e.target.value)}
                />
              )}
            </Field>
            {provider === 'novu' && !apiUrl.trim() ? (
              <Field label="Region">
                {(p) => (
                  <select
                    {...p}
                    className="select"
                    value={region}
                    onChange={(e) => setRegion(e.target.value as 'us' | 'eu')}
                  >
                    <option value="us">US (api.novu.co)</option>
                    <option value="eu">EU (eu.api.novu.co)</option>
                  </select>
                )}
              </Field>
            ) : null}
            <Field
              label={provider === 'gitlab' ? 'GitLab URL' : 'API URL'}
              optional
              error={touched ? errors['url'] : undefined}
              hint={
                provider === 'gitlab'
                  ? 'For self-managed GitLab; gitlab.com by default.'
                  : 'For self-hosted servers.'
              }
            >
              {(p) => (
                <input {...p} className="input" value={apiUrl} onChange={(e) => setApiUrl(e.target.value)} />
              )}
            </Field>
            {provider === 'cloudflare' ? (
              <Field label="Account ID" optional hint="Manage the account's tokens instead of your user's.">
                {(p) => (
                  <input
                    {...p}
                    className="input"
                    value={accountId}
                    onChange={(e) => setAccountId(e.target.value)}
                  />
                )}
              </Field>
            ) : null}
            <div className="row-end">
              <button type="button" className="btn" onClick={() => setConnecting(false)}>
                Cancel
              </button>
              <button type="submit" className="btn btn-primary" disabled={busy}>
                {busy ? <span className="spinner" aria-hidden /> : null}
                Connect and sync
              </button>
            </div>
          </form>
        ) : null}
        <FormError message={error} />
      </div>
      <div className="dialog-footer">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
        {!connecting ? (
          <button type="button" className="btn" onClick={() => setConnecting(true)}>
            <Icon name="plus" size="sm" />
            Connect provider
          </button>
        ) : null}
        <button type="button" className="btn btn-primary" disabled={busy || list.length === 0} onClick={sync}>
          {busy && !connecting ? <span className="spinner" aria-hidden /> : <Icon name="rotate" size="sm" />}
          Sync now
        </button>
      </div>
    </Dialog>
  )
}
