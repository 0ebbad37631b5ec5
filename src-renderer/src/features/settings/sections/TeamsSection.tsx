import { useEffect, useId, useState, type FormEvent } from 'react'
import '../../teams/teams.css'
import type { AppSummary } from '../../../../../src-shared/contract'
import type { TeamSummary } from '../../../../../src-shared/teams'
import { ConfirmDialog } from '../../../components/ConfirmDialog'
import { Field, FormError } from '../../../components/Field'
import { ProgressLine } from '../../../components/ProgressLine'
import { SecretField } from '../../../components/SecretInput'
import { useToast } from '../../../components/Toasts'
import { call, messageOf } from '../../../lib/api.client'
import { plural } from '../../../lib/format'
import { useProgress } from '../../../lib/use-progress.hook'
import { useShell } from '../../shell/shell.context'
import { pullText, teamStatusText } from '../../teams/team-text'
import type { SettingsSectionProps } from '../settings-section'

type Method = 'token' | 'approle' | 'userpass'

const METHODS: { value: Method; label: string }[] = [
  { value: 'token', label: 'Token' },
  { value: 'approle', label: 'AppRole' },
  { value: 'userpass', label: 'Username and password' },
]

/** A labelled one-line text input (names, addresses, paths: never a secret). */
function TextField({
  label,
  hint,
  optional,
  value,
  onChange,
  mono,
  autoComplete,
}: {
  label: string
  hint?: string
  optional?: boolean
  value: string
  onChange: (v: string) => void
  mono?: boolean
  autoComplete?: string
}) {
  return (
    <Field label={label} {...(hint ? { hint } : {})} {...(optional ? { optional } : {})}>
      {(p) => (
        <input
          {...p}
          className={mono ? 'input mono' : 'input'}
          value={value}
          spellCheck={false}
          {...(autoComplete ? { autoComplete } : {})}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  )
}

/**
 * Connects a team space. The token, secret id or password is typed into a SecretInput (never a DOM
 * attribute), sent to main once with `connectTeam`, and cleared; main seals it in the vault and never
 * sends it back.
 */
function ConnectTeamForm({ onConnected }: { onConnected: (t: TeamSummary) => void }) {
  const [name, setName] = useState('')
  const [addrs, setAddrs] = useState('')
  const [mount, setMount] = useState('secret')
  const [prefix, setPrefix] = useState('keyshelf')
  const [namespace, setNamespace] = useState('')
  const [method, setMethod] = useState<Method>('token')
  const [token, setToken] = useState('')
  const [roleId, setRoleId] = useState('')
  const [secretId, setSecretId] = useState('')
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const methodName = useId()

  const secretReady =
    method === 'token'
      ? token !== ''
      : method === 'approle'
        ? roleId !== '' && secretId !== ''
        : username !== '' && password !== ''
  const ready = name.trim() !== '' && addrs.trim() !== '' && secretReady

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!ready || busy) return
    setBusy(true)
    setError(null)
    try {
      const login =
        method === 'token'
          ? { method, token }
          : method === 'approle'
            ? { method, roleId, secretId }
            : { method, username, password }
      const t = await call('connectTeam', {
        name: name.trim(),
        addrs: addrs.trim(),
        ...(mount.trim() ? { mount: mount.trim() } : {}),
        ...(prefix.trim() ? { prefix: prefix.trim() } : {}),
        ...(namespace.trim() ? { namespace: namespace.trim() } : {}),
        login,
      })
      setToken('')
      setSecretId('')
      setPassword('')
      setName('')
      setAddrs('')
      onConnected(t)
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="settings-block" onSubmit={submit} noValidate aria-labelledby="team-connect-title">
      <h3 className="form-section-title" id="team-connect-title">
        Connect a team
      </h3>
      <div className="form-grid">
        <TextField
          label="Team name"
          hint="How this team is called here, e.g. payments."
          value={name}
          onChange={setName}
        />
        <TextField
          label="Server addresses"
          hint="https://bao.example.com:8200; several nodes separated by commas."
          value={addrs}
          onChange={setAddrs}
          mono
        />
        <TextField label="KV v2 mount" value={mount} onChange={setMount} mono />
        <TextField
          label="Prefix"
          hint="Keys live at mount/prefix/app/env/key."
          value={prefix}
          onChange={setPrefix}
          mono
        />
        <TextField label="Namespace" optional value={namespace} onChange={setNamespace} mono />
      </div>
      <fieldset className="radio-row">
        <legend className="field-label">Sign in with</legend>
        {METHODS.map((m) => (
          <label key={m.value} className="check">
            <input
              type="radio"
              name={methodName}
              value={m.value}
              checked={method === m.value}
              onChange={() => setMethod(m.value)}
            />
            <span>{m.label}</span>
          </label>
        ))}
      </fieldset>
      <div className="form-grid">
        {method === 'token' ? (
          <SecretField
            label="Client token"
            hint="Sealed in this vault; never shown again."
            value={token}
            onChange={setToken}
            mono
          />
        ) : null}
        {method === 'approle' ? (
          <>
            <TextField label="Role ID" value={roleId} onChange={setRoleId} mono />
            <SecretField
              label="Secret ID"
              hint="Sealed in this vault; used to sign in again when the token expires."
              value={secretId}
              onChange={setSecretId}
              mono
            />
          </>
        ) : null}
        {method === 'userpass' ? (
          <>
            <TextField label="Username" value={username} onChange={setUsername} autoComplete="username" />
            <SecretField
              label="Password"
              hint="Used once to sign in; only the token is kept."
              value={password}
              onChange={setPassword}
              autoComplete="current-password"
            />
          </>
        ) : null}
      </div>
      <FormError message={error} />
      <div className="settings-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !ready}>
          {busy ? <span className="spinner" aria-hidden /> : null}
          Connect team
        </button>
      </div>
    </form>
  )
}

/** One connected team: status, pull now, share an app, disconnect. */
function TeamCard({
  team,
  apps,
  sharedApps,
  busy,
  onPull,
  onShare,
  onDisconnect,
}: {
  team: TeamSummary
  apps: AppSummary[]
  sharedApps: Record<string, string>
  busy: boolean
  onPull: () => void
  onShare: (appId: string) => void
  onDisconnect: () => void
}) {
  const shareable = apps.filter((a) => sharedApps[a.id] === undefined || sharedApps[a.id] === team.name)
  const [appId, setAppId] = useState('')
  const chosen = shareable.some((a) => a.id === appId) ? appId : (shareable[0]?.id ?? '')
  const shareId = useId()
  const offline = team.offlineSince !== null
  return (
    <li className="team-card" data-testid="team-card" aria-labelledby={`${shareId}-name`}>
      <div className="team-card-head">
        <strong id={`${shareId}-name`}>{team.name}</strong>
        <span className={`badge badge-${offline ? 'warn' : 'ok'}`} data-testid="team-status">
          {teamStatusText(team)}
        </span>
      </div>
      <dl className="team-facts">
        <dt>Address</dt>
        <dd className="mono">{team.addrs.join(', ')}</dd>
        <dt>Path</dt>
        <dd className="mono">
          {team.mount}/{team.prefix}/{team.namespace ? ` (namespace ${team.namespace})` : ''}
        </dd>
        <dt>Signed in as</dt>
        <dd>
          {team.displayName || 'token'}
          {team.policies.length > 0 ? <span className="muted"> · {team.policies.join(', ')}</span> : null}
        </dd>
        <dt>Here</dt>
        <dd>
          {plural(team.keys, 'key')} in {plural(team.apps, 'app')}
        </dd>
      </dl>
      <div className="team-actions">
        <button type="button" className="btn btn-sm" disabled={busy} onClick={onPull}>
          Pull now
        </button>
        {shareable.length > 0 ? (
          <span className="team-share">
            <label className="sr-only" htmlFor={`${shareId}-app`}>
              App to share with {team.name}
            </label>
            <select
              id={`${shareId}-app`}
              className="select select-sm"
              value={chosen}
              onChange={(e) => setAppId(e.target.value)}
            >
              {shareable.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn btn-sm"
              disabled={busy || !chosen}
              onClick={() => onShare(chosen)}
            >
              Share app
            </button>
          </span>
        ) : null}
        <button type="button" className="btn btn-sm btn-ghost push" disabled={busy} onClick={onDisconnect}>
          Disconnect…
        </button>
      </div>
    </li>
  )
}

/**
 * Settings → Teams: the connected team spaces (OpenBao / HashiCorp Vault KV v2) with their status, pull now,
 * share an app (with progress), disconnect, and the connect form. No team credential is ever shown.
 */
export function TeamsSection({ onClose }: SettingsSectionProps) {
  const toast = useToast()
  // Pulls, shares and disconnects change apps and keys: the views behind the dialog reload.
  const { changed } = useShell()
  const [teams, setTeams] = useState<TeamSummary[] | null>(null)
  const [apps, setApps] = useState<AppSummary[]>([])
  const [sharedApps, setSharedApps] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [leaving, setLeaving] = useState<TeamSummary | null>(null)
  const [nonce, setNonce] = useState(0)
  const progress = useProgress('sync', busy !== null)

  useEffect(() => {
    let live = true
    Promise.all([call('listTeams', {}), call('listApps', {}), call('teamMarks', {})]).then(
      ([t, a, m]) => {
        if (!live) return
        setTeams(t)
        setApps(a)
        setSharedApps(m.apps)
      },
      (err: unknown) => live && setError(messageOf(err)),
    )
    return () => {
      live = false
    }
  }, [nonce])
  const reload = () => setNonce((n) => n + 1)

  const run = async (label: string, fn: () => Promise<string>) => {
    setBusy(label)
    setError(null)
    try {
      toast(await fn())
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(null)
      reload()
      changed()
    }
  }

  const pull = (t: TeamSummary) =>
    run(`Pulling ${t.name}`, async () => {
      const [r] = await call('pullTeams', { team: t.name })
      return r ? pullText(r) : `${t.name} is up to date.`
    })
  const share = (t: TeamSummary, appId: string) =>
    run(`Sharing with ${t.name}`, async () => {
      const s = await call('shareApp', { appId, team: t.name })
      return `Shared ${s.app} with ${s.team}: ${plural(s.keys, 'key')}${s.alreadyShared > 0 ? ` (${s.alreadyShared} already there)` : ''}.`
    })

  return (
    <div className="settings-form">
      <div className="dialog-body form-stack">
        <section className="settings-block" aria-labelledby="teams-title">
          <h3 className="form-section-title" id="teams-title">
            Connected teams
          </h3>
          {teams && teams.length === 0 ? (
            <p className="field-hint" data-testid="teams-empty">
              No team yet. Connect a team space on OpenBao or HashiCorp Vault below to share apps and rotation
              deadlines with your team; see docs/teams.md for the policies to ask your admin for.
            </p>
          ) : null}
          {teams && teams.length > 0 ? (
            <ul className="team-list">
              {teams.map((t) => (
                <TeamCard
                  key={t.id}
                  team={t}
                  apps={apps}
                  sharedApps={sharedApps}
                  busy={busy !== null}
                  onPull={() => void pull(t)}
                  onShare={(appId) => void share(t, appId)}
                  onDisconnect={() => setLeaving(t)}
                />
              ))}
            </ul>
          ) : null}
          {busy !== null ? (
            <div className="team-progress">
              <ProgressLine event={progress} fallback={busy} />
            </div>
          ) : null}
          <FormError message={error} />
        </section>
        <ConnectTeamForm
          onConnected={(t) => {
            toast(`Connected ${t.name}. Pull it, or share an app with it.`)
            reload()
          }}
        />
      </div>
      <div className="dialog-footer">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
      {leaving ? (
        <ConfirmDialog
          title={`Disconnect ${leaving.name}?`}
          body={`Its credentials are removed from this vault. Its ${plural(leaving.keys, 'key')} stay here as local keys; the team space itself is not changed.`}
          confirmLabel="Disconnect"
          onConfirm={async () => {
            const t = leaving
            await run(`Disconnecting ${t.name}`, async () => {
              const r = await call('disconnectTeam', { team: t.name })
              return `Disconnected ${r.team}; ${plural(r.keys, 'key')} kept as local keys.`
            })
          }}
          onClose={() => setLeaving(null)}
        />
      ) : null}
    </div>
  )
}
