import { randomUUID } from 'node:crypto'
import type {
  ConnectionView,
  CredentialStatus,
  CredentialView,
  ProgressEvent,
  ProviderRotationOutcome,
  SyncProvider,
  SyncSummary,
  VerifyOutcome,
} from '../../../src-shared/model'
import { KeyshelfError, NotFoundError, InvalidInputError } from '../errors'
import { isProviderError, ProviderNeedsDashboardError } from '../providers/provider.errors'
import type {
  ProviderAdapter,
  ProviderConnection,
  RemoteEnvironment,
  RemoteKey,
  RemoteKeyStatus,
} from '../providers/provider.types'
import type { KeyshelfCore } from '../core'
import { isBusyError, RotationNotAppliedError, writeUntilDone, type RetryOptions } from './journal-answer'
import {
  SyncRepository,
  type ConnectionRecord,
  type JournalAnswer,
  type JournalRecord,
} from './sync.repository'

/** Default API roots per provider and region. */
export const PROVIDER_BASE_URLS = {
  novu: { us: 'https://api.novu.co', eu: 'https://eu.api.novu.co' },
  cloudflare: 'https://api.cloudflare.com/client/v4',
  gitlab: 'https://gitlab.com',
  'aws-iam': 'https://iam.amazonaws.com',
  sendgrid: 'https://api.sendgrid.com',
} as const

/** The env var a connection token is stored under. */
export const TOKEN_ENV_VARS: Record<SyncProvider, string> = {
  novu: 'NOVU_SECRET_KEY',
  cloudflare: 'CLOUDFLARE_API_TOKEN',
  gitlab: 'GITLAB_TOKEN',
  'aws-iam': 'AWS_SECRET_ACCESS_KEY',
  sendgrid: 'SENDGRID_API_KEY',
}

const DISPLAY: Record<SyncProvider, string> = {
  novu: 'Novu',
  cloudflare: 'Cloudflare',
  gitlab: 'GitLab',
  'aws-iam': 'AWS IAM',
  sendgrid: 'SendGrid',
}
const NOVU_APP_ID_VAR = 'NOVU_APPLICATION_IDENTIFIER'
const HOUR_MS = 3_600_000
/** Journal note of a key a lost create call made (secret lost): finish-rotation deletes it by id. */
const STRAY_NOTE = 'stray key from a lost answer'

export interface ConnectInput {
  appId: string
  provider: SyncProvider
  /** The connection token (Novu secret key, Cloudflare API token, GitLab token). */
  token: string
  /** Environment to store the token in; Novu defaults to the environment the key belongs to. */
  environmentName?: string
  region?: 'us' | 'eu'
  apiUrl?: string
  accountId?: string
  /** AWS IAM: the access key id that goes with `token` (the secret access key). */
  accessKeyId?: string
  /** AWS IAM: the signing region (default us-east-1). */
  awsRegion?: string
  /** GitLab: projects and groups whose access tokens are synced too (`project:<id>`, `group:<id>`). */
  resources?: string[]
}

const AWS_ID_VAR = 'AWS_ACCESS_KEY_ID'

export interface SyncDeps {
  adapters: Partial<Record<SyncProvider, ProviderAdapter>>
  onProgress?: (e: ProgressEvent) => void
  /**
   * Test hook: runs after the provider's rotate answer was sealed into the journal and before it is applied
   * to the key (simulates a crash there).
   */
  afterProviderAnswer?: () => void
  /** How the sealing of a rotate answer waits for a busy vault (tests pass a fast sleep). */
  journalRetry?: RetryOptions
}

function mapStatus(s: RemoteKeyStatus): CredentialStatus {
  if (s === 'active') return 'active'
  if (s === 'expired') return 'expired'
  return 'revoked' // revoked, disabled
}

function envVarFor(provider: SyncProvider, name: string, taken: Set<string>): string {
  const slug =
    name
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40) || 'KEY'
  const base = `${provider.toUpperCase()}_${slug}${slug.endsWith('TOKEN') || slug.endsWith('KEY') ? '' : '_TOKEN'}`
  let v = /^[0-9]/.test(base) ? `_${base}` : base
  for (let i = 2; taken.has(v); i++) v = `${base}_${i}`
  taken.add(v)
  return v
}

/** What provider sync uses of the core. */
export type SyncHost = Pick<
  KeyshelfCore,
  | 'createCredentialNow'
  | 'createEnvironmentNow'
  | 'credentialNow'
  | 'credentialsInEnvironment'
  | 'environmentNow'
  | 'getCredential'
  | 'listApps'
  | 'listCredentials'
  | 'listEnvironments'
  | 'onUnlock'
  | 'readValue'
  | 'recordAudit'
  | 'repository'
  | 'history'
  | 'rotateWith'
  | 'setRotationState'
  | 'transaction'
  | 'updateCredential'
  | 'updateCredentialNow'
  | 'updateEnvironmentNow'
>

/**
 * Provider connections, pull-sync and rotation through provider APIs, on top of the vault service.
 * Remote calls happen first; local changes are applied in one transaction, so a failed sync changes
 * nothing. Rotations are journalled: an intent row is committed before the rotate call and closed in the
 * same transaction that stores the new secret.
 */
export class ProviderSyncService {
  constructor(
    private readonly svc: SyncHost,
    private readonly deps: SyncDeps,
    private readonly clock: () => number = Date.now,
  ) {
    svc.onUnlock(() => this.recoverJournal())
  }

  private repo(): SyncRepository {
    return new SyncRepository(this.svc.repository())
  }

  private adapter(provider: SyncProvider): ProviderAdapter {
    const a = this.deps.adapters[provider]
    if (!a) throw new KeyshelfError('PROVIDER_ERROR', `${DISPLAY[provider]} is not available in this build.`)
    return a
  }

  private connectionFor(c: ConnectionRecord, token?: string): ProviderConnection {
    const conn: ProviderConnection = {
      baseUrl: c.baseUrl,
      token: token ?? this.svc.readValue(c.tokenCredentialId, this.tokenFieldId(c.tokenCredentialId)),
      ...(c.accountId ? { accountId: c.accountId } : {}),
      ...(c.authScheme ? { authScheme: c.authScheme } : {}),
      ...(c.wsUrl ? { wsUrl: c.wsUrl } : {}),
      ...(c.resources?.length ? { resources: c.resources } : {}),
    }
    if (c.provider === 'aws-iam') {
      const id = this.awsKeyId(this.credential(c.tokenCredentialId))
      if (id) conn.accessKeyId = id
      if (c.region && c.region !== 'global') conn.region = c.region
    }
    return conn
  }

  /** AWS: the public access key id stored next to a secret access key. */
  private awsKeyId(cred: CredentialView): string | null {
    return (
      cred.fields.find((f) => f.envVar.startsWith(AWS_ID_VAR) && f.kind === 'public')?.masked.clear ?? null
    )
  }

  private tokenFieldId(credentialId: string): string {
    const c = this.credential(credentialId)
    const f = c.fields.find((x) => x.kind === 'secret') ?? c.fields[0]
    if (!f) throw new NotFoundError('The connection token')
    return f.id
  }

  private credential(id: string): CredentialView {
    return this.svc.credentialNow(id)
  }

  private view(c: ConnectionRecord): ConnectionView {
    return {
      id: c.id,
      appId: c.appId,
      environmentId: c.environmentId,
      environmentName: this.svc.environmentNow(c.environmentId).name,
      provider: c.provider,
      baseUrl: c.baseUrl,
      region: c.region,
      tokenCredentialId: c.tokenCredentialId,
      lastSyncedAt: c.lastSyncedAt,
    }
  }

  /** Connections of an app (or all). */
  listConnections(appId?: string): ConnectionView[] {
    return this.repo()
      .listConnections(appId)
      .map((c) => this.view(c))
  }

  /**
   * Connects an app to a provider: verifies the token first (a rejected token saves nothing), stores it as
   * an encrypted vault key, records the connection, then runs the first sync.
   */
  async connect(input: ConnectInput): Promise<{ connection: ConnectionView; summary: SyncSummary }> {
    const apps = await this.svc.listApps()
    const app = apps.find((a) => a.id === input.appId)
    if (!app) throw new NotFoundError('The app')
    const baseUrl = this.baseUrl(input)
    const adapter = this.adapter(input.provider)
    if (input.provider === 'aws-iam' && !input.accessKeyId) {
      throw new InvalidInputError(
        'Give the access key id that goes with this secret access key (--access-key-id).',
      )
    }
    const conn: ProviderConnection = {
      baseUrl,
      token: input.token,
      ...(input.accountId ? { accountId: input.accountId } : {}),
      ...(input.accessKeyId ? { accessKeyId: input.accessKeyId } : {}),
      ...(input.awsRegion ? { region: input.awsRegion } : {}),
      ...(input.resources?.length ? { resources: input.resources } : {}),
    }
    const verified = await adapter.verify(conn)
    if (!verified.valid) {
      throw new KeyshelfError('PROVIDER_ERROR', refusedKeyMessage(DISPLAY[input.provider], verified.reason))
    }
    const envName = input.environmentName ?? verified.environmentName
    if (!envName) throw new InvalidInputError('Say which environment this key belongs to (--env).')
    const envs = await this.svc.listEnvironments({ appId: app.id })
    const now = this.clock()
    const connectionId = randomUUID()
    this.svc.transaction(() => {
      const env =
        envs.find((e) => e.name.toLowerCase() === envName.toLowerCase()) ??
        this.svc.createEnvironmentNow({
          appId: app.id,
          name: envName,
          apiUrl: '',
          wsUrl: '',
          region: input.region ?? '',
          notes: '',
        })
      const token = this.svc.createCredentialNow({
        environmentId: env.id,
        name: `${DISPLAY[input.provider]} ${input.provider === 'novu' ? 'secret key' : 'API token'}`,
        provider: input.provider,
        providerCredentialId: verified.remoteId ?? '',
        status: 'active',
        role: 'connection',
        allowedHosts: [],
        owner: '',
        tags: ['connection'],
        notes: '',
        expiresAt: verified.expiresAt,
        rotationIntervalDays: 90,
        lastRotatedAt: null,
        fields: [
          ...(input.provider === 'aws-iam'
            ? [
                {
                  label: 'Access key id',
                  envVar: AWS_ID_VAR,
                  kind: 'public' as const,
                  value: input.accessKeyId ?? '',
                },
              ]
            : []),
          { label: 'Secret', envVar: TOKEN_ENV_VARS[input.provider], kind: 'secret', value: input.token },
        ],
      })
      this.repo().putConnection({
        id: connectionId,
        appId: app.id,
        environmentId: env.id,
        tokenCredentialId: token.id,
        createdAt: now,
        lastSyncedAt: null,
        provider: input.provider,
        baseUrl,
        region:
          input.provider === 'aws-iam'
            ? (input.awsRegion ?? 'us-east-1')
            : input.apiUrl
              ? 'self-hosted'
              : (input.region ?? (input.provider === 'novu' ? 'us' : 'global')),
        accountId: input.accountId ?? null,
        authScheme: null,
        wsUrl: null,
        ...(input.resources?.length ? { resources: input.resources } : {}),
      })
    })
    const summary = await this.syncConnection(connectionId)
    const connection = this.repo().getConnection(connectionId)
    if (!connection) throw new NotFoundError('The connection')
    return { connection: this.view(connection), summary }
  }

  private baseUrl(input: ConnectInput): string {
    if (input.apiUrl) {
      let u: URL
      try {
        u = new URL(input.apiUrl)
      } catch {
        throw new InvalidInputError('The API URL is not a valid URL.')
      }
      if (u.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) {
        throw new InvalidInputError('The API URL must use https (plain http is allowed only for localhost).')
      }
      return input.apiUrl.replace(/\/+$/, '')
    }
    if (input.provider === 'novu') return PROVIDER_BASE_URLS.novu[input.region ?? 'us']
    return PROVIDER_BASE_URLS[input.provider]
  }

  /** Syncs every connection of an app (or of every app). */
  async sync(appId?: string): Promise<SyncSummary[]> {
    const out: SyncSummary[] = []
    for (const c of this.repo().listConnections(appId)) out.push(await this.syncConnection(c.id))
    return out
  }

  /** Pulls one connection's remote metadata and applies it in one transaction. */
  async syncConnection(connectionId: string): Promise<SyncSummary> {
    const c = this.repo().getConnection(connectionId)
    if (!c) throw new NotFoundError('The connection')
    const adapter = this.adapter(c.provider)
    const conn = this.connectionFor(c)
    const progress = (label: string, done: number, total: number | null) =>
      this.deps.onProgress?.({ task: 'sync', label, done, total })
    progress(`Contacting ${DISPLAY[c.provider]}`, 0, null)
    const overlapNotes: string[] = []
    const finishedOverlaps = await this.finishOverlaps(c, conn, overlapNotes)
    // 1. Everything remote first; nothing local changes if any call fails.
    // Novu environments map to Keyshelf environments; Cloudflare accounts are not environments.
    const remoteEnvs: RemoteEnvironment[] =
      c.provider === 'novu' && adapter.listEnvironments ? await adapter.listEnvironments(conn) : []
    const remoteKeys: RemoteKey[] = await adapter.list(conn, {
      onProgress: (done, total) => progress(`Reading ${DISPLAY[c.provider]} keys`, done, total ?? null),
    })
    // 2. Apply in one transaction.
    const now = this.clock()
    const summary: SyncSummary = {
      connectionId: c.id,
      provider: c.provider,
      syncedAt: now,
      added: 0,
      updated: 0,
      revoked: 0,
      unchanged: 0,
      environments: [],
      finishedOverlaps,
      notes: overlapNotes,
    }
    const envs = await this.svc.listEnvironments({ appId: c.appId })
    const creds = await this.svc.listCredentials({ appId: c.appId })
    const previous = await this.previousVersions(c, creds, remoteKeys)
    const perEnv = new Map<string, SyncSummary['environments'][number]>()
    const tally = (envId: string, envName: string, what: 'added' | 'updated' | 'revoked' | 'unchanged') => {
      let e = perEnv.get(envId)
      if (!e) {
        e = { name: envName, added: 0, updated: 0, revoked: 0, unchanged: 0 }
        perEnv.set(envId, e)
      }
      e[what]++
      summary[what]++
    }
    this.svc.transaction(() => {
      const envByName = new Map(envs.map((e) => [e.name.toLowerCase(), e]))
      // Novu environments: name, URLs, and the public application identifier.
      for (const re of remoteEnvs) {
        let env = envByName.get(re.name.toLowerCase())
        if (!env) {
          env = this.svc.createEnvironmentNow({
            appId: c.appId,
            name: re.name,
            apiUrl: re.apiUrl ?? '',
            wsUrl: re.wsUrl ?? '',
            region: re.region,
            notes: '',
          })
          envByName.set(env.name.toLowerCase(), env)
        } else {
          // Empty URLs and region are filled in; values the user set are never rewritten without asking:
          // a difference is returned for the window (or CLI) to offer.
          const fill = {
            apiUrl: env.apiUrl || (re.apiUrl ?? ''),
            wsUrl: env.wsUrl || (re.wsUrl ?? ''),
            region: env.region || re.region,
          }
          if (fill.apiUrl !== env.apiUrl || fill.wsUrl !== env.wsUrl || fill.region !== env.region)
            env = this.svc.updateEnvironmentNow({ id: env.id, patch: fill })
          const theirs = { apiUrl: re.apiUrl ?? env.apiUrl, wsUrl: re.wsUrl ?? env.wsUrl, region: re.region }
          if (theirs.apiUrl !== env.apiUrl || theirs.wsUrl !== env.wsUrl || theirs.region !== env.region)
            (summary.environmentChanges ??= []).push({
              environmentId: env.id,
              name: env.name,
              ...theirs,
              current: { apiUrl: env.apiUrl, wsUrl: env.wsUrl, region: env.region },
            })
        }
        if (re.applicationIdentifier !== null) {
          const envId = env.id
          const existing = creds.find(
            (x) => x.environmentId === envId && x.fields.some((f) => f.envVar === NOVU_APP_ID_VAR),
          )
          if (!existing) {
            this.svc.createCredentialNow({
              environmentId: env.id,
              name: 'Application identifier',
              provider: c.provider,
              providerCredentialId: re.remoteId,
              status: 'active',
              role: '',
              allowedHosts: [],
              owner: '',
              tags: [],
              notes: '',
              expiresAt: null,
              rotationIntervalDays: null,
              lastRotatedAt: null,
              fields: [
                {
                  label: 'Application identifier',
                  envVar: NOVU_APP_ID_VAR,
                  kind: 'public',
                  value: re.applicationIdentifier,
                },
              ],
            })
            tally(env.id, env.name, 'added')
          } else {
            const field = existing.fields.find((f) => f.envVar === NOVU_APP_ID_VAR)
            if (field && field.masked.clear !== re.applicationIdentifier) {
              this.svc.updateCredentialNow({
                id: existing.id,
                patch: {},
                fields: existing.fields.map((f) =>
                  f.id === field.id
                    ? {
                        id: f.id,
                        label: f.label,
                        envVar: f.envVar,
                        kind: f.kind,
                        value: re.applicationIdentifier ?? '',
                      }
                    : { id: f.id, label: f.label, envVar: f.envVar, kind: f.kind },
                ),
              })
              tally(env.id, env.name, 'updated')
            } else tally(env.id, env.name, 'unchanged')
          }
        }
      }
      // Keys.
      const connEnv = envs.find((e) => e.id === c.environmentId)
      const connEnvName = connEnv?.name ?? ''
      const remoteIds = new Set(remoteKeys.map((k) => k.remoteId))
      const local = creds.filter((x) => x.provider === c.provider && x.providerCredentialId !== '')
      const takenVars = new Set(
        creds
          .filter((x) => x.environmentId === c.environmentId)
          .flatMap((x) => x.fields.map((f) => f.envVar)),
      )
      for (const rk of remoteKeys) {
        const prev = previous.get(rk.remoteId)
        const match =
          (rk.isConnectionKey ? creds.find((x) => x.id === c.tokenCredentialId) : undefined) ??
          this.byValue(local, rk) ??
          (prev ? undefined : local.find((x) => x.providerCredentialId === rk.remoteId))
        if (!match && prev) {
          // The old key of a two-key rotation: a previous version of a local key, not a new active key.
          const owner = creds.find((x) => x.id === prev.credentialId)
          const until =
            prev.until !== null ? new Date(prev.until).toISOString().slice(0, 16).replace('T', ' ') : null
          summary.notes.push(
            `"${rk.name}" is the previous value of "${owner?.name ?? 'a key'}" (two-key rotation)` +
              `${until ? `, kept for its overlap until ${until} UTC` : ''}: it was not added as a new key. ` +
              'Delete it at the provider when the overlap ends (keyshelf key finish-rotation).',
          )
          tally(
            owner?.environmentId ?? c.environmentId,
            this.nameOf(envs, owner?.environmentId ?? c.environmentId),
            'unchanged',
          )
          continue
        }
        const status = mapStatus(rk.status)
        if (match) {
          const secretField = match.fields.find((f) => f.kind === 'secret')
          const patch: Parameters<KeyshelfCore['updateCredentialNow']>[0]['patch'] = {}
          if (match.status !== status) patch.status = status
          if (match.expiresAt !== rk.expiresAt) patch.expiresAt = rk.expiresAt
          if (match.providerCredentialId !== rk.remoteId) patch.providerCredentialId = rk.remoteId
          // The provider's creation date is when the value was last issued (Cloudflare issued_on, GitLab created_at).
          if (rk.createdAt !== null && (match.lastRotatedAt === null || rk.createdAt > match.lastRotatedAt))
            patch.lastRotatedAt = rk.createdAt
          // The connection token takes its remote name once (it was stored under a generic one at connect).
          if (
            match.id === c.tokenCredentialId &&
            rk.name &&
            match.name === this.connectionName(c.provider) &&
            !creds.some((x) => x.environmentId === match.environmentId && x.name === rk.name)
          )
            patch.name = rk.name
          let changed = Object.keys(patch).length > 0
          if (changed) this.svc.updateCredentialNow({ id: match.id, patch })
          // A value the provider shows and that differs locally was rotated elsewhere: keep history.
          if (rk.secret !== undefined && secretField && rk.secret !== '') {
            const current = this.svc.readValue(match.id, secretField.id)
            if (current !== rk.secret) {
              this.svc.rotateWith(match.id, [{ fieldId: secretField.id, value: rk.secret }], {
                reason: `rotate:${c.provider}`,
                validUntil: null,
              })
              changed = true
            }
          }
          tally(
            match.environmentId,
            this.nameOf(envs, match.environmentId),
            changed ? 'updated' : 'unchanged',
          )
        } else {
          const shown = rk.secret !== undefined && rk.secret !== ''
          this.svc.createCredentialNow({
            environmentId: c.environmentId,
            name: rk.name || `${DISPLAY[c.provider]} key ${rk.remoteId.slice(0, 8)}`,
            provider: c.provider,
            providerCredentialId: rk.remoteId,
            status,
            role: '',
            allowedHosts: [],
            owner: '',
            tags: rk.scopes.slice(0, 50).map((s) => s.slice(0, 100)),
            notes: shown
              ? ''
              : `Added by sync. ${DISPLAY[c.provider]} does not show this key's value: paste it if you have it.`,
            expiresAt: rk.expiresAt,
            rotationIntervalDays: 90,
            lastRotatedAt: rk.createdAt,
            fields: [
              ...(c.provider === 'aws-iam'
                ? [
                    {
                      label: 'Access key id',
                      envVar: envVarFor(c.provider, `${rk.name} access key id`, takenVars),
                      kind: 'public' as const,
                      value: rk.remoteId,
                    },
                  ]
                : []),
              {
                label: 'Secret',
                envVar: envVarFor(c.provider, rk.name, takenVars),
                kind: 'secret',
                value: rk.secret ?? '',
              },
            ],
          })
          if (!shown)
            summary.notes.push(
              `"${rk.name}" was added without its value: ${DISPLAY[c.provider]} does not show it.`,
            )
          tally(c.environmentId, connEnvName, 'added')
        }
      }
      // Keys gone remotely: mark revoked, keep them and their history.
      const scope = c.provider === 'novu' ? local.filter((x) => x.environmentId === c.environmentId) : local
      for (const x of scope) {
        if (x.fields.some((f) => f.envVar === NOVU_APP_ID_VAR)) continue
        if (remoteIds.has(x.providerCredentialId) || x.status === 'revoked') continue
        if (x.id === c.tokenCredentialId && remoteKeys.length === 0) continue
        this.svc.updateCredentialNow({ id: x.id, patch: { status: 'revoked' } })
        tally(x.environmentId, this.nameOf(envs, x.environmentId), 'revoked')
      }
      this.repo().putConnection({ ...c, lastSyncedAt: now })
      this.svc.recordAudit('sync', null, {
        provider: c.provider,
        added: summary.added,
        updated: summary.updated,
        revoked: summary.revoked,
        unchanged: summary.unchanged,
      })
    })
    summary.environments = [...perEnv.values()]
    progress(`Synced ${DISPLAY[c.provider]}`, remoteKeys.length, remoteKeys.length)
    return summary
  }

  private connectionName(provider: SyncProvider): string {
    return `${DISPLAY[provider]} ${provider === 'novu' ? 'secret key' : 'API token'}`
  }

  /** The local key whose current value is the remote key's value (when the provider shows it). */
  private byValue(local: CredentialView[], rk: RemoteKey): CredentialView | undefined {
    if (rk.secret === undefined || rk.secret === '') return undefined
    const fp = this.svc.repository().mask('secret', rk.secret).fingerprint
    return local.find((x) => x.fields.some((f) => f.kind === 'secret' && f.masked.fingerprint === fp))
  }

  /**
   * Remote keys that are the previous value of a local key, by remote id → owner and overlap end: the old
   * key of an unfinished two-key rotation (journal), or a value the provider shows that equals a historic
   * version of a local key (keyed fingerprint, e.g. after a guided rotation done in the dashboard).
   */
  private async previousVersions(
    c: ConnectionRecord,
    creds: CredentialView[],
    remoteKeys: RemoteKey[],
  ): Promise<Map<string, { credentialId: string; until: number | null }>> {
    const out = new Map<string, { credentialId: string; until: number | null }>()
    for (const j of this.repo().journalInStates(['done'])) {
      if (j.connectionId === c.id && j.revokeRemoteId && !j.revoked)
        out.set(j.revokeRemoteId, { credentialId: j.credentialId, until: j.revokeAfter })
    }
    const shown = remoteKeys.filter((k) => k.secret !== undefined && k.secret !== '' && !out.has(k.remoteId))
    if (shown.length === 0) return out
    const repo = this.svc.repository()
    const fps = new Map(shown.map((k) => [repo.mask('secret', k.secret ?? '').fingerprint, k.remoteId]))
    const current = new Set(creds.flatMap((x) => x.fields.map((f) => f.masked.fingerprint)))
    for (const x of creds.filter((y) => y.provider === c.provider)) {
      for (const v of await this.svc.history({ credentialId: x.id })) {
        for (const f of v.fields) {
          const remoteId = fps.get(f.masked.fingerprint)
          if (remoteId !== undefined && !current.has(f.masked.fingerprint) && !out.has(remoteId))
            out.set(remoteId, { credentialId: x.id, until: v.validUntil })
        }
      }
    }
    return out
  }

  private nameOf(envs: { id: string; name: string }[], id: string): string {
    return envs.find((e) => e.id === id)?.name ?? ''
  }

  /**
   * Deletes old keys of dual-phase rotations whose overlap has ended. A provider that wants this done in its
   * dashboard (Novu with an API key) leaves the journal open and adds a note with the link.
   */
  private async finishOverlaps(
    c: ConnectionRecord,
    conn: ProviderConnection,
    notes: string[],
  ): Promise<number> {
    const now = this.clock()
    let n = 0
    for (const j of this.repo().journalInStates(['done'])) {
      if (
        j.connectionId !== c.id ||
        !j.revokeRemoteId ||
        j.revoked ||
        j.revokeAfter === null ||
        j.revokeAfter > now
      ) {
        continue
      }
      try {
        await this.adapter(c.provider).revoke(conn, j.revokeRemoteId)
      } catch (err) {
        if (err instanceof ProviderNeedsDashboardError) {
          notes.push(err.message)
          continue
        }
        throw err
      }
      this.svc.transaction(() => this.repo().putJournal({ ...j, revoked: true }))
      n++
    }
    return n
  }

  /**
   * Ends the overlap of a key's two-key rotation now: deletes the old key at the provider (or, when the
   * provider wants that done in its dashboard, says where) and closes the journal entry. Safe to repeat.
   */
  async finishRotation(
    credentialId: string,
  ): Promise<{ deleted: boolean; alreadyGone: boolean; message: string }> {
    const cred = await this.svc.getCredential({ id: credentialId })
    const j = this.repo()
      .journalFor(cred.id)
      .find((x) => x.state === 'done' && x.revokeRemoteId && !x.revoked)
    if (!j?.revokeRemoteId) {
      return {
        deleted: false,
        alreadyGone: false,
        message: 'This key has no old key waiting to be deleted: no two-key rotation is open.',
      }
    }
    const c =
      (j.connectionId !== null ? this.repo().getConnection(j.connectionId) : undefined) ??
      this.connectionOfCredential(cred)
    const adapter = this.adapter(c.provider)
    const r = await adapter.revoke(this.connectionFor(c), j.revokeRemoteId)
    this.svc.transaction(() => {
      this.repo().putJournal({ ...j, revoked: true })
      this.svc.recordAudit('sync', cred.id, { provider: c.provider, finishedOverlap: true })
    })
    const stray = j.note === STRAY_NOTE
    return {
      deleted: !r.alreadyGone,
      alreadyGone: r.alreadyGone,
      message: stray
        ? r.alreadyGone
          ? `${DISPLAY[c.provider]} no longer had the unusable key ${j.revokeRemoteId}; nothing else changed.`
          : `Deleted the unusable key ${j.revokeRemoteId} at ${DISPLAY[c.provider]}; your stored key is unchanged. You can rotate again.`
        : r.alreadyGone
          ? `${DISPLAY[c.provider]} no longer had the old key; the rotation is finished.`
          : `Deleted the old key at ${DISPLAY[c.provider]}; only the new key works now.`,
    }
  }

  private connectionOfCredential(cred: CredentialView): ConnectionRecord {
    const conns = this.repo().listConnections(cred.appId)
    const c =
      conns.find((x) => x.tokenCredentialId === cred.id) ?? conns.find((x) => x.provider === cred.provider)
    if (!c) {
      throw new KeyshelfError(
        'PROVIDER_ERROR',
        `This key is not connected to a provider. Connect the app first (keyshelf provider add).`,
      )
    }
    return c
  }

  /**
   * Rotates a key through its provider. The intent is committed before the call; the new secret, the old
   * value (in history, with the overlap) and the journal's "done" are committed together. A lost answer
   * marks the key "rotation state unknown: verify" and is never retried.
   */
  async rotateViaProvider(
    credentialId: string,
    opts: { overlapHours?: number | undefined } = {},
  ): Promise<ProviderRotationOutcome> {
    const cred = await this.svc.getCredential({ id: credentialId })
    if (cred.rotationState === 'unknown') {
      throw new KeyshelfError(
        'CONFLICT',
        'The last rotation of this key has an unknown outcome. Run verify first; Keyshelf never rotates blindly.',
      )
    }
    if (!cred.providerCredentialId) {
      throw new KeyshelfError(
        'PROVIDER_ERROR',
        'Keyshelf does not know this key’s id at the provider. Sync first.',
      )
    }
    const c = this.connectionOfCredential(cred)
    const provider = c.provider
    const adapter = this.adapter(provider)
    const field = cred.fields.find((f) => f.kind === 'secret')
    if (!field) throw new InvalidInputError('This key has no secret field to rotate.')
    const isSelf = c.tokenCredentialId === cred.id
    const conn = this.connectionFor(c, isSelf ? this.svc.readValue(cred.id, field.id) : undefined)
    const wantDual = (opts.overlapHours ?? 0) > 0 && adapter.capabilities.rotateDual
    const journal: JournalRecord = {
      id: randomUUID(),
      credentialId: cred.id,
      connectionId: c.id,
      startedAt: this.clock(),
      finishedAt: null,
      state: 'pending',
      provider,
      oldRemoteId: cred.providerCredentialId,
      strategy: wantDual ? 'dual' : 'single',
      revokeRemoteId: null,
      revokeAfter: null,
      revoked: false,
      note: null,
      answer: null,
    }
    const pendingAnswer = this.repo()
      .journalFor(cred.id)
      .find((j) => j.state === 'pending' && j.answer !== null)
    if (pendingAnswer) {
      // Rotated at the provider, not yet applied: apply that answer; never call the provider again.
      return this.outcomeOf(this.applyAnswer(pendingAnswer), pendingAnswer.answer!)
    }
    this.svc.transaction(() => {
      // Re-read inside the write lock: another process may have started a rotation of this key meanwhile.
      if (
        this.repo()
          .journalFor(cred.id)
          .some((j) => j.state === 'pending')
      ) {
        throw new KeyshelfError(
          'CONFLICT',
          'A rotation of this key is already under way (or was interrupted). Run key verify; Keyshelf never rotates twice.',
        )
      }
      this.repo().putJournal(journal)
    })
    let result
    try {
      result = await adapter.rotate(conn, cred.providerCredentialId, {
        strategy: wantDual ? 'prefer-dual' : 'single',
        ...(wantDual ? { overlapMs: Math.round((opts.overlapHours ?? 0) * HOUR_MS) } : {}),
      })
    } catch (err) {
      if (isProviderError(err, 'OUTCOME_UNKNOWN')) {
        this.svc.transaction(() => {
          this.repo().putJournal({ ...journal, state: 'unknown', finishedAt: this.clock() })
          this.svc.setRotationState(cred.id, 'unknown')
        })
        throw new KeyshelfError(
          'PROVIDER_ERROR',
          `${DISPLAY[provider]} did not answer the rotation, so Keyshelf cannot tell whether the key changed. ` +
            'The key is marked "rotation state unknown": run verify before using or rotating it again.',
        )
      }
      this.svc.transaction(() =>
        this.repo().putJournal({ ...journal, state: 'failed', finishedAt: this.clock() }),
      )
      throw err
    }
    const answer: JournalAnswer = {
      newSecret: result.newSecret,
      newRemoteId: result.newRemoteId,
      strategy: result.strategy,
      oldRemoteId: result.oldRemoteId,
      oldValidUntil: result.oldValidUntil,
      newExpiresAt: result.newExpiresAt,
      fallbackReason: result.fallbackReason,
      alsoInvalidated: result.alsoInvalidated,
    }
    const answered: JournalRecord = { ...journal, answer }
    // The provider has rotated: its answer exists nowhere else. Seal it into the journal at once, in its
    // own small transaction, waiting for a busy vault as long as it takes.
    await writeUntilDone(
      () => this.svc.transaction(() => this.repo().putJournal(answered)),
      this.deps.journalRetry,
    )
    this.deps.afterProviderAnswer?.()
    let updated: CredentialView
    try {
      updated = this.applyAnswer(answered)
    } catch (err) {
      const cause = isBusyError(err)
        ? 'the vault is busy'
        : err instanceof KeyshelfError && err.code !== 'INTERNAL'
          ? err.message.replace(/\.$/, '')
          : 'the vault could not be written'
      throw new RotationNotAppliedError(DISPLAY[provider], cause)
    }
    return { ...this.outcomeOf(updated, answer), oldKeyState: result.oldKeyState, note: result.note }
  }

  private outcomeOf(credential: CredentialView, a: JournalAnswer): ProviderRotationOutcome {
    return {
      credential,
      strategy: a.strategy,
      oldKeyState: a.strategy === 'dual' ? 'valid-until' : 'dead',
      oldValidUntil: a.oldValidUntil,
      fallbackReason: a.fallbackReason,
      note: null,
    }
  }

  /**
   * Applies a sealed provider answer to its key in one transaction: new value (old one in history, with
   * the overlap), new remote id and expiry, keys the provider killed with it marked revoked, journal done.
   * Re-reads the journal row inside the transaction, so an answer is applied once even with two processes.
   */
  private applyAnswer(j: JournalRecord): CredentialView {
    const a = j.answer
    if (!a) throw new KeyshelfError('INTERNAL', 'This journal entry has no provider answer.')
    const cred = this.svc.credentialNow(j.credentialId)
    const field = cred.fields.find((f) => f.kind === 'secret')
    if (!field) throw new InvalidInputError('This key has no secret field to rotate.')
    const dual = a.strategy === 'dual'
    const alsoDead = a.alsoInvalidated.length
      ? this.svc
          .credentialsInEnvironment(cred.environmentId)
          .filter(
            (x) =>
              x.id !== cred.id &&
              x.provider === j.provider &&
              a.alsoInvalidated.includes(x.providerCredentialId),
          )
      : []
    // AWS: the access key id (public) changes with the secret.
    const idField =
      j.provider === 'aws-iam'
        ? cred.fields.find((f) => f.kind === 'public' && f.envVar.startsWith(AWS_ID_VAR))
        : undefined
    const values = [
      { fieldId: field.id, value: a.newSecret },
      ...(idField ? [{ fieldId: idField.id, value: a.newRemoteId }] : []),
    ]
    let applied: CredentialView | null = null
    this.svc.transaction(() => {
      const current = this.repo()
        .journalFor(j.credentialId)
        .find((x) => x.id === j.id)
      if (!current || current.state !== 'pending') {
        applied = this.svc.credentialNow(j.credentialId) // another process applied it meanwhile
        return
      }
      applied = this.svc.rotateWith(cred.id, values, {
        reason: `rotate:${j.provider}`,
        validUntil: dual ? a.oldValidUntil : null,
        patch: {
          providerCredentialId: a.newRemoteId,
          ...(a.newExpiresAt !== null ? { expiresAt: a.newExpiresAt } : {}),
        },
        extra: () => {
          for (const x of alsoDead) this.svc.setRotationState(x.id, 'settled', 'revoked')
          this.repo().putJournal({
            ...j,
            strategy: a.strategy,
            state: 'done',
            finishedAt: this.clock(),
            revokeRemoteId: dual ? a.oldRemoteId : null,
            revokeAfter: dual ? (a.oldValidUntil ?? this.clock()) : null,
            note: a.fallbackReason,
            answer: null, // the secret now lives in the key (and history); the journal keeps no copy
          })
        },
      })
    })
    return applied ?? this.svc.credentialNow(j.credentialId)
  }

  /** Applies every "rotated at the provider, not yet applied" answer; returns how many were applied. */
  applyPendingAnswers(credentialId?: string): number {
    let n = 0
    for (const j of this.repo().journalInStates(['pending'])) {
      if (j.answer === null || (credentialId !== undefined && j.credentialId !== credentialId)) continue
      try {
        this.applyAnswer(j)
        n++
      } catch (err) {
        if (err instanceof NotFoundError) continue
        if (!isBusyError(err)) throw err // busy: stays pending, applied next time
      }
    }
    return n
  }

  /** After a crash: every rotation still "pending" becomes "unknown", and its key says so. */
  recoverJournal(): number {
    // First the answers the provider gave and the journal kept: apply them.
    this.applyPendingAnswers()
    const pending = this.repo()
      .journalInStates(['pending'])
      .filter((j) => j.answer === null)
    if (pending.length === 0) return 0
    this.svc.transaction(() => {
      for (const j of pending) {
        this.repo().putJournal({
          ...j,
          state: 'unknown',
          finishedAt: this.clock(),
          note: 'recovered after a crash',
        })
        try {
          this.svc.setRotationState(j.credentialId, 'unknown')
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err
        }
      }
    })
    return pending.length
  }

  /**
   * Verifies a key with its provider. For a key whose rotation outcome is unknown, settles it with read
   * calls only (never a second rotate).
   */
  async verify(credentialId: string): Promise<VerifyOutcome> {
    if (this.applyPendingAnswers(credentialId) > 0) {
      return {
        credential: await this.svc.getCredential({ id: credentialId }),
        result: 'settled-rotated',
        message:
          'The provider had rotated this key and Keyshelf had saved the new value; it is now applied (old value in history).',
      }
    }
    const cred = await this.svc.getCredential({ id: credentialId })
    const c = this.connectionOfCredential(cred)
    const adapter = this.adapter(c.provider)
    const field = cred.fields.find((f) => f.kind === 'secret')
    if (!field) throw new InvalidInputError('This key has no secret field to verify.')
    const value = this.svc.readValue(cred.id, field.id)
    const isSelf = c.tokenCredentialId === cred.id
    const conn = this.connectionFor(c, isSelf ? value : undefined)
    if (cred.rotationState === 'unknown') {
      const j = this.repo()
        .journalInStates(['unknown', 'pending'])
        .filter((x) => x.credentialId === cred.id)
        .pop()
      const check = await adapter.settleRotation(conn, {
        oldRemoteId: j?.oldRemoteId ?? cred.providerCredentialId,
        oldSecret: value,
        strategy: j?.strategy ?? 'single',
        startedAt: j?.startedAt ?? this.clock(),
        name: cred.name,
      })
      const close = () => {
        if (j) this.repo().putJournal({ ...j, state: 'settled', finishedAt: this.clock(), note: check.state })
      }
      if (check.state === 'not-rotated') {
        const stray = check.strayRemoteId ?? null
        this.svc.transaction(() => {
          // A key the lost call created (its secret is lost): kept open so finish-rotation deletes it by id,
          // never automatically (it could be someone else's).
          if (j && stray) {
            this.repo().putJournal({
              ...j,
              state: 'done',
              finishedAt: this.clock(),
              revokeRemoteId: stray,
              revokeAfter: null,
              revoked: false,
              note: STRAY_NOTE,
              answer: null,
            })
          } else close()
          this.svc.setRotationState(cred.id, 'settled')
        })
        return {
          credential: await this.svc.getCredential({ id: cred.id }),
          result: 'settled-not-rotated',
          message: stray
            ? `The rotation did not finish; the stored key still works. ${check.detail}`
            : `The rotation did not happen; the stored key still works. ${check.detail}`,
        }
      }
      if (check.state === 'rotated' && check.recoveredSecret) {
        const secret = check.recoveredSecret
        const updated = this.svc.rotateWith(cred.id, [{ fieldId: field.id, value: secret }], {
          reason: `rotate:${c.provider}`,
          validUntil: null,
          patch: check.newRemoteId ? { providerCredentialId: check.newRemoteId } : {},
          extra: close,
        })
        return {
          credential: updated,
          result: 'settled-rotated',
          message: `The rotation did happen; Keyshelf recovered the new key and stored it. ${check.detail}`,
        }
      }
      if (check.state === 'rotated') {
        this.svc.transaction(() => {
          close()
          this.svc.setRotationState(cred.id, 'settled', 'revoked')
        })
        return {
          credential: await this.svc.getCredential({ id: cred.id }),
          result: 'settled-value-lost',
          message:
            `The rotation did happen, but its new value was lost with the answer. The stored value no longer works: ` +
            `create a new key in the ${DISPLAY[c.provider]} dashboard and paste it with rotate. ${check.detail}`,
        }
      }
      return {
        credential: cred,
        result: 'still-unknown',
        message: `Keyshelf still cannot tell whether the rotation happened. ${check.detail} Try verify again later.`,
      }
    }
    const awsId = c.provider === 'aws-iam' ? this.awsKeyId(cred) : null
    const v = await adapter.verify(conn, awsId ? `${awsId}:${value}` : value)
    const status: CredentialStatus = v.valid ? 'active' : mapStatus(v.status)
    if (status !== cred.status || (v.expiresAt !== null && v.expiresAt !== cred.expiresAt)) {
      await this.svc.updateCredential({
        id: cred.id,
        patch: { status, ...(v.expiresAt !== null ? { expiresAt: v.expiresAt } : {}) },
      })
    }
    return {
      credential: await this.svc.getCredential({ id: cred.id }),
      result: v.valid ? 'valid' : 'invalid',
      message: v.valid
        ? `${DISPLAY[c.provider]} accepts this key.`
        : `${DISPLAY[c.provider]} rejects this key: ${v.reason ?? 'it is not valid'}.`,
    }
  }

  /** The rotation journal of a key, newest first (no secrets). */
  journal(credentialId: string): JournalRecord[] {
    return this.repo().journalFor(credentialId)
  }
}

/**
 * One sentence for a key the provider refused while connecting, with one prefix and one "nothing saved":
 * the adapter's "Cloudflare rejected the API token: it was rolled… Nothing was changed. Paste…" becomes
 * "Cloudflare did not accept the API token: it was rolled… Paste…. Nothing was saved."
 */
export function refusedKeyMessage(name: string, reason: string | null | undefined): string {
  const text = (reason ?? '').trim() || 'it is not valid'
  const own = /^[\w ]+? rejected the ([^:.]+)(:[\s\S]*)?$/.exec(text)
  const what = own?.[1] ?? 'key'
  const rest = (own ? (own[2] ?? '') : `: ${text}`)
    .replace(/\s*Nothing was (changed|saved)\.\s*/g, ' ')
    .trim()
    .replace(/\.+$/, '')
  return `${name} did not accept the ${what}${rest}. Nothing was saved.`
}
