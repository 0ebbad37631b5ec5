import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { CredentialView, Environment } from '../../../../src-shared/model'
import { CopyTextButton } from '../../components/CopyTextButton'
import { EmptyState } from '../../components/EmptyState'
import { Icon } from '../../components/Icon'
import { call } from '../../lib/api.client'
import { PROVIDER_LABELS, plural } from '../../lib/format'
import { useLoad } from '../../lib/use-load.hook'
import { useToast } from '../../components/Toasts'
import { messageOf } from '../../lib/api.client'
import { KeysTable, type KeyAction } from '../keys/KeysTable'
import { ProvidersDialog } from '../providers/ProvidersDialog'
import { RotateViaProviderDialog } from '../providers/RotateViaProviderDialog'
import { GuidedRotationDialog } from '../providers/GuidedRotationDialog'
import { useCheckKeys } from '../providers/use-check-keys.hook'
import { useRevokeAction } from '../providers/revoke-due'
import { ProgressLine } from '../../components/ProgressLine'
import { ExportDialog } from '../transfer/ExportDialog'
import { ImportDialog } from '../transfer/ImportDialog'
import { TeamMeta } from '../teams/TeamMeta'
import { useShell } from '../shell/shell.context'
import { TRASH_PROMISE } from '../trash/trash-text'
import { useUndoDelete } from '../trash/use-undo-delete.hook'

function UrlChip({ label, url, icon }: { label: string; url: string; icon: 'link' | 'plug' }) {
  if (!url) {
    return (
      <span className="url-chip unset">
        <Icon name={icon} size="sm" />
        <span className="url-label">{label}</span>
        <span>not set</span>
      </span>
    )
  }
  return (
    <span className="url-chip">
      <Icon name={icon} size="sm" />
      <span className="url-label">{label}</span>
      <code title={url}>{url}</code>
      <CopyTextButton text={url} label={`Copy ${label} URL`} />
    </span>
  )
}

function TabCounts({ counts }: { counts: { red: number; amber: number } | undefined }) {
  if (!counts) return null
  return (
    <span className="counts">
      {counts.red > 0 ? (
        <span
          className="count count-danger"
          title={`${counts.red} overdue or expired`}
          data-testid="tab-overdue"
        >
          {counts.red}
          <span className="sr-only"> overdue or expired</span>
        </span>
      ) : null}
      {counts.amber > 0 ? (
        <span className="count count-warn" title={`${counts.amber} due soon`} data-testid="tab-due-soon">
          {counts.amber}
          <span className="sr-only"> due soon</span>
        </span>
      ) : null}
    </span>
  )
}

/** One app: description, app id, environments as tabs, each with its URLs and keys. */
export function AppPage({
  appId,
  environmentId,
  focusFieldId,
  onEnvironment,
  onSelectField,
}: {
  appId: string
  environmentId?: string | undefined
  focusFieldId?: string | undefined
  onEnvironment: (env: Environment | null) => void
  /** Told the selected key row, so the shell can return to it after a lock. */
  onSelectField?: (fieldId: string) => void
}) {
  const { apps, version, navigate, openDialog, changed, prefs } = useShell()
  const app = apps.find((a) => a.id === appId)
  const envs = useLoad(() => call('listEnvironments', { appId }), `${appId}:${version}`)
  const environments = envs.data ?? []
  const env = environments.find((e) => e.id === environmentId) ?? environments[0] ?? null
  // One request per app: switching environments is instant, and the tabs get their due counts from it.
  const creds = useLoad<CredentialView[]>(() => call('listCredentials', { appId }), `${appId}:${version}`)
  const credsReady = creds.data !== undefined && creds.loadedKey?.split(':')[0] === appId
  const allCredentials = useMemo(() => (credsReady ? (creds.data ?? []) : null), [credsReady, creds.data])
  const credentials = useMemo(
    () => (allCredentials && env ? allCredentials.filter((c) => c.environmentId === env.id) : null),
    [allCredentials, env],
  )
  const envCounts = useMemo(() => {
    const m = new Map<string, { red: number; amber: number }>()
    for (const c of allCredentials ?? []) {
      const st = c.rotation.status
      if (st !== 'overdue' && st !== 'expired' && st !== 'due-soon') continue
      const n = m.get(c.environmentId) ?? { red: 0, amber: 0 }
      if (st === 'due-soon') n.amber++
      else n.red++
      m.set(c.environmentId, n)
    }
    return m
  }, [allCredentials])
  const tabRefs = useRef(new Map<string, HTMLButtonElement>())
  const toast = useToast()
  const undoDelete = useUndoDelete() // trash
  const conns = useLoad(() => call('listConnections', { appId }), `${appId}:${version}`)
  const [local, setLocal] = useState<
    | null
    | { kind: 'export' | 'import' | 'providers' }
    | { kind: 'rotate-provider'; credential: CredentialView }
    | { kind: 'guided'; credential: CredentialView; dashboardUrl?: string | undefined }
  >(null)
  // providers: last checks and old keys to revoke, shown on the rows; "Check keys".
  const checks = useLoad(() => call('lastKeyChecks', {}), `${appId}:${version}`)
  const revokes = useLoad(() => call('openRevokes', {}), `${appId}:${version}`)
  const checking = useCheckKeys(appId, changed)
  const revokeAction = useRevokeAction()

  useEffect(() => {
    onEnvironment(env)
  }, [env, onEnvironment])

  if (!app) return null

  const selectEnv = (e: Environment, focus = false) => {
    navigate({ view: 'app', appId, environmentId: e.id })
    if (focus) tabRefs.current.get(e.id)?.focus()
  }

  const onTabKey = (ev: KeyboardEvent) => {
    if (!env) return
    const i = environments.findIndex((e) => e.id === env.id)
    let next: Environment | undefined
    if (ev.key === 'ArrowRight') next = environments[(i + 1) % environments.length]
    else if (ev.key === 'ArrowLeft') next = environments[(i - 1 + environments.length) % environments.length]
    else if (ev.key === 'Home') next = environments[0]
    else if (ev.key === 'End') next = environments[environments.length - 1]
    if (!next) return
    ev.preventDefault()
    selectEnv(next, true)
  }

  const verify = (c: CredentialView) => {
    call('verifyCredential', { credentialId: c.id })
      .then((r) => toast(r.message))
      .catch((err: unknown) => toast(messageOf(err), 'error'))
      .finally(() => changed())
  }

  const onKeyAction = (action: KeyAction, c: CredentialView) => {
    const connected = (conns.data ?? []).some((x) => x.provider === c.provider)
    if (action === 'rotate' && connected && c.providerCredentialId)
      setLocal({ kind: 'rotate-provider', credential: c })
    else if (action === 'rotate' && c.fields.length === 1 && c.fields[0]?.kind === 'secret') {
      // One secret of a provider without API rotation that the catalogue knows (Stripe, OpenAI…): guided.
      // Pairs (an id with its secret) keep the dialog that takes every field.
      call('guidedRotationPlan', { credentialId: c.id })
        .then((plan) =>
          plan.dashboardUrl
            ? setLocal({ kind: 'guided', credential: c })
            : openDialog({ kind: 'rotate', credential: c }),
        )
        .catch(() => openDialog({ kind: 'rotate', credential: c }))
    } else if (action === 'rotate') openDialog({ kind: 'rotate', credential: c })
    else if (action === 'finish-rotation' || action === 'revoke-done') {
      revokeAction({ credentialId: c.id, name: c.name, revoke: revokes.data?.[c.id] ?? null })
    } else if (action === 'verify') verify(c)
    else if (action === 'history') openDialog({ kind: 'history', credential: c })
    else if (action === 'edit' && env) openDialog({ kind: 'credential', environment: env, credential: c })
    else if (action === 'delete') {
      openDialog({
        kind: 'confirm',
        title: `Delete “${c.name}”?`,
        body: `This removes ${c.fields.map((f) => f.envVar).join(' and ')} and every earlier version from this vault. It does not revoke the key at ${c.provider === 'manual' || c.provider === 'other' ? 'the provider' : PROVIDER_LABELS[c.provider]}.`,
        confirmLabel: 'Delete key',
        action: async () => {
          await call('deleteCredential', { id: c.id })
          changed()
        },
      })
    }
  }

  return (
    <div className="page">
      <header className="page-header">
        <div className="page-header-main">
          <h1 className="page-title">{app.name}</h1>
          {app.description ? <p className="page-desc">{app.description}</p> : null}
          <div className="page-meta">
            {app.appId ? (
              <span className="meta-item">
                App ID <code title={app.appId}>{app.appId}</code>
                <CopyTextButton text={app.appId} label="Copy app ID" />
              </span>
            ) : (
              <span className="meta-item">No app ID</span>
            )}
            <span className="meta-item">
              {plural(app.environmentCount, 'environment')} · {plural(app.credentialCount, 'key')}
            </span>
            <TeamMeta appId={app.id} />
          </div>
        </div>
        <div className="header-actions">
          <button
            type="button"
            className="btn btn-sm"
            disabled={checking.busy}
            onClick={() => void checking.run()}
            title="Ask each key’s provider, read-only, whether it still accepts the key"
          >
            {checking.busy ? <span className="spinner" aria-hidden /> : <Icon name="shield" size="sm" />}
            Check keys
          </button>
          <button type="button" className="btn btn-sm" onClick={() => setLocal({ kind: 'providers' })}>
            <Icon name="plug" size="sm" />
            Providers
            {conns.data && conns.data.length > 0 ? (
              <span className="muted">· {conns.data.length}</span>
            ) : null}
          </button>
          <button type="button" className="btn btn-sm" onClick={() => openDialog({ kind: 'app', app })}>
            <Icon name="pencil" size="sm" />
            Edit app
          </button>
          <button
            type="button"
            className="icon-btn danger"
            aria-label={`Delete app ${app.name}`}
            title="Delete app"
            onClick={() =>
              openDialog({
                kind: 'confirm',
                title: `Delete “${app.name}”?`,
                // trash: the app goes to the Trash for 30 days; the toast offers Undo.
                body: `The app moves to the Trash with its ${plural(app.environmentCount, 'environment')} and ${plural(app.credentialCount, 'key')}, including their history. ${TRASH_PROMISE}`,
                confirmLabel: 'Move to Trash',
                action: async () => {
                  await call('deleteApp', { id: app.id })
                  navigate({ view: 'home' })
                  changed()
                  toast(
                    `Moved “${app.name}” to the Trash.`,
                    'info',
                    undoDelete(app.id, { view: 'app', appId }),
                  )
                },
              })
            }
          >
            <Icon name="trash" size="sm" />
          </button>
        </div>
      </header>

      {checking.busy ? <ProgressLine event={checking.progress} fallback="Checking keys" /> : null}

      {envs.data && environments.length === 0 ? (
        <div className="card">
          <EmptyState
            icon="env"
            title="Add an environment"
            actions={
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => openDialog({ kind: 'environment', appId })}
              >
                <Icon name="plus" size="sm" />
                Add environment
              </button>
            }
          >
            Environments such as Development, Staging and Production hold their own API URL, WebSocket URL and
            keys.
          </EmptyState>
        </div>
      ) : null}

      {environments.length > 0 && env ? (
        <>
          <div className="tabs">
            <div role="tablist" aria-label="Environments" className="tablist" onKeyDown={onTabKey}>
              {environments.map((e) => (
                <button
                  key={e.id}
                  ref={(el) => {
                    if (el) tabRefs.current.set(e.id, el)
                    else tabRefs.current.delete(e.id)
                  }}
                  type="button"
                  role="tab"
                  id={`tab-${e.id}`}
                  aria-selected={e.id === env.id}
                  aria-controls={`panel-${e.id}`}
                  tabIndex={e.id === env.id ? 0 : -1}
                  className="tab"
                  title={e.name}
                  onClick={() => selectEnv(e)}
                >
                  <span className="tab-name">{e.name}</span>
                  <TabCounts counts={envCounts.get(e.id)} />
                </button>
              ))}
            </div>
            <button
              type="button"
              className="btn btn-ghost btn-sm tab-add"
              onClick={() => openDialog({ kind: 'environment', appId })}
            >
              <Icon name="plus" size="sm" />
              Environment
            </button>
          </div>
          <section role="tabpanel" id={`panel-${env.id}`} aria-labelledby={`tab-${env.id}`}>
            <div className="env-bar">
              <div className="env-urls">
                <UrlChip label="API" url={env.apiUrl} icon="link" />
                <UrlChip label="WebSocket" url={env.wsUrl} icon="plug" />
                {env.region ? (
                  <span className="url-chip plain">
                    <span className="url-label">Region</span>
                    <code>{env.region}</code>
                  </span>
                ) : null}
              </div>
              <div className="env-actions">
                <button
                  type="button"
                  className="icon-btn"
                  aria-label={`Edit environment ${env.name}`}
                  title="Edit environment"
                  onClick={() => openDialog({ kind: 'environment', appId, environment: env })}
                >
                  <Icon name="pencil" size="sm" />
                </button>
                <button
                  type="button"
                  className="icon-btn danger"
                  aria-label={`Delete environment ${env.name}`}
                  title="Delete environment"
                  onClick={() =>
                    openDialog({
                      kind: 'confirm',
                      title: `Delete environment “${env.name}”?`,
                      body: `${env.name} moves to the Trash with its ${plural(credentials?.length ?? 0, 'key')} and their history. ${TRASH_PROMISE}`,
                      confirmLabel: 'Move to Trash',
                      action: async () => {
                        await call('deleteEnvironment', { id: env.id })
                        navigate({ view: 'app', appId })
                        changed()
                        toast(
                          `Moved “${env.name}” to the Trash.`,
                          'info',
                          undoDelete(env.id, { view: 'app', appId, environmentId: env.id }),
                        )
                      },
                    })
                  }
                >
                  <Icon name="trash" size="sm" />
                </button>
                <button type="button" className="btn btn-sm" onClick={() => setLocal({ kind: 'import' })}>
                  Import
                </button>
                <button
                  type="button"
                  className="btn btn-sm"
                  disabled={!credentials || credentials.length === 0}
                  onClick={() => setLocal({ kind: 'export' })}
                >
                  Export
                </button>
                <button
                  type="button"
                  className="btn btn-primary btn-sm"
                  onClick={() => openDialog({ kind: 'credential', environment: env })}
                >
                  <Icon name="plus" size="sm" />
                  Add key
                </button>
              </div>
            </div>
            {credentials && credentials.length === 0 ? (
              <div className="card">
                <EmptyState
                  icon="key"
                  title={`No keys in ${env.name} yet`}
                  actions={
                    <button
                      type="button"
                      className="btn btn-primary"
                      onClick={() => openDialog({ kind: 'credential', environment: env })}
                    >
                      <Icon name="plus" size="sm" />
                      Add key
                    </button>
                  }
                >
                  Add an API key, or a pair such as a public key with its secret. Keyshelf reminds you when
                  each is due for rotation.
                </EmptyState>
              </div>
            ) : null}
            {credentials && credentials.length > 0 ? (
              <KeysTable
                key={env.id}
                credentials={credentials}
                environmentName={env.name}
                onSelect={onSelectField}
                remaskSeconds={prefs.remaskSeconds}
                clipboardSeconds={prefs.clipboardClearSeconds}
                focusFieldId={focusFieldId}
                onAction={onKeyAction}
                checks={checks.data}
                revokes={revokes.data}
              />
            ) : null}
            {creds.error ? <p className="field-error">{creds.error}</p> : null}
          </section>
        </>
      ) : null}
      {local?.kind === 'providers' ? (
        <ProvidersDialog
          appId={appId}
          appName={app.name}
          defaultEnvironment={env?.name}
          onClose={() => setLocal(null)}
        />
      ) : null}
      {local?.kind === 'export' && env ? (
        <ExportDialog
          environment={env}
          fields={(credentials ?? []).flatMap((c) => c.fields)}
          onClose={() => setLocal(null)}
        />
      ) : null}
      {local?.kind === 'import' && env ? (
        <ImportDialog environment={env} onClose={() => setLocal(null)} />
      ) : null}
      {local?.kind === 'rotate-provider' ? (
        <RotateViaProviderDialog
          credential={local.credential}
          environmentName={env?.name}
          onClose={() => setLocal(null)}
          onVerify={() => {
            const c = local.credential
            setLocal(null)
            verify(c)
          }}
          onManual={() => {
            const c = local.credential
            setLocal(null)
            openDialog({ kind: 'rotate', credential: c })
          }}
          onGuided={(dashboardUrl) =>
            setLocal({ kind: 'guided', credential: local.credential, dashboardUrl })
          }
        />
      ) : null}
      {local?.kind === 'guided' ? (
        <GuidedRotationDialog
          credential={local.credential}
          dashboardUrl={local.dashboardUrl}
          onClose={() => setLocal(null)}
          onManual={() => {
            const c = local.credential
            setLocal(null)
            openDialog({ kind: 'rotate', credential: c })
          }}
        />
      ) : null}
    </div>
  )
}
