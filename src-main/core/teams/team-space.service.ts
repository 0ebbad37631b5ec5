import { createHash, randomUUID } from 'node:crypto'
import type { ParsedInput } from '../../../src-shared/contract'
import type { App, CredentialView, Environment, ProgressEvent, ProviderId } from '../../../src-shared/model'
import { PROVIDERS } from '../../../src-shared/model'
import type { TeamPullResult, TeamShareResult, TeamSummary } from '../../../src-shared/teams'
import { ConflictError, InvalidInputError, KeyshelfError, NotFoundError } from '../errors'
import type { Logger } from '../logger'
import type { ReportKey } from '../rotation/rotation-report'
import type { VaultRepository } from '../vault/vault.repository'
import { KvClient, type KvClientOptions, type KvMetadata } from './kv.client'
import { checkPath, parseTeamAddresses } from './team-address'
import {
  ENV_DETAILS,
  MANIFEST,
  decodeManifest,
  encodeManifest,
  appDetails,
  decodeKeyMeta,
  encodeKeyMeta,
  envDetails,
  keyMetaOf,
  teamPath,
  uniqueSlug,
} from './team-layout'
import {
  TeamRepository,
  type TeamAppRecord,
  type TeamAuth,
  type TeamConnectionRecord,
  type TeamLinkRecord,
} from './team.repository'
import { TeamCasConflictError, TeamError } from './team.errors'

/**
 * Team spaces: apps whose keys live in an OpenBao / HashiCorp Vault KV v2 mount, with the local vault as
 * their encrypted offline copy. Remote first: a write goes to the team (check-and-set on the version the
 * local copy holds) and only then to the local vault, so a refused or failed write changes nothing locally.
 * Reads (reveal, export, run) always come from the local copy, which `pull` refreshes.
 */

/** What the team service uses of the vault core (the same methods before and after the core split). */
export interface TeamHost {
  listApps(): Promise<App[]>
  listEnvironments(input: { appId: string }): Promise<Environment[]>
  createAppNow(input: ParsedInput<'createApp'>): App
  createEnvironmentNow(input: ParsedInput<'createEnvironment'>): Environment
  createCredentialNow(input: ParsedInput<'createCredential'>): CredentialView
  updateCredentialNow(input: ParsedInput<'updateCredential'>): CredentialView
  credentialNow(id: string): CredentialView
  credentialsInEnvironment(environmentId: string): CredentialView[]
  environmentNow(id: string): Environment
  readValue(credentialId: string, fieldId: string): string
  rotate(input: ParsedInput<'rotate'>): Promise<CredentialView>
  transaction<T>(fn: () => T): T
  repository(): VaultRepository
  recordAudit(event: 'sync' | 'rotate', credentialId: string | null, details: Record<string, unknown>): void
}

/**
 * A TeamHost over the core whose `rotate` is the local rotation, for a core whose own `rotate` goes
 * through the team service (so a team key is written to the team first, and the local copy after).
 */
export function teamHostOf(
  core: Omit<TeamHost, 'rotate'>,
  rotateLocal: (input: ParsedInput<'rotate'>) => Promise<CredentialView>,
): TeamHost {
  return {
    listApps: () => core.listApps(),
    listEnvironments: (i) => core.listEnvironments(i),
    createAppNow: (i) => core.createAppNow(i),
    createEnvironmentNow: (i) => core.createEnvironmentNow(i),
    createCredentialNow: (i) => core.createCredentialNow(i),
    updateCredentialNow: (i) => core.updateCredentialNow(i),
    credentialNow: (id) => core.credentialNow(id),
    credentialsInEnvironment: (id) => core.credentialsInEnvironment(id),
    environmentNow: (id) => core.environmentNow(id),
    readValue: (c, f) => core.readValue(c, f),
    rotate: rotateLocal,
    transaction: (fn) => core.transaction(fn),
    repository: () => core.repository(),
    recordAudit: (e, c, d) => core.recordAudit(e, c, d),
  }
}

/** Dependencies of the team service. */
export interface TeamDeps {
  clock?: () => number
  logger?: Logger
  fetch?: typeof fetch
  onProgress?: (e: ProgressEvent) => void
  /** KvClient tuning (timeouts, failover bound); tests shorten it. */
  kv?: Pick<KvClientOptions, 'timeoutMs' | 'maxWaitMs' | 'maxAttempts' | 'sleep'>
  /** Parallel requests during share and pull (default 16). */
  concurrency?: number
  /** How long a pull trusts the manifests before checking every key's metadata again (default 1 hour). */
  fullCheckMs?: number
  /** The team home: it lets the local copy take a rotation only after the team accepted it. */
  home?: { afterTeamWrite<T>(credentialId: string, fn: () => Promise<T>): Promise<T> }
}

/** How `connect` authenticates. Secrets here are sealed in the vault, never logged. */
export type TeamLogin =
  | { method: 'token'; token: string }
  | { method: 'approle'; roleId: string; secretId: string; authMount?: string }
  | { method: 'userpass'; username: string; password: string; authMount?: string }

/** Input of `connect`. */
export interface TeamConnectInput {
  name: string
  addrs: string | string[]
  mount?: string
  prefix?: string
  namespace?: string
  login: TeamLogin
}

/** A team as the CLI and window see it: no token. */
export type TeamView = TeamSummary

/** What a pull did (`offlineSince` is set when no node answered: nothing was pulled, the local copy is served). */
export type PullSummary = Omit<TeamPullResult, 'error'>

/** What a share did (`alreadyShared`: keys already linked to the team, left as they are). */
export type ShareSummary = TeamShareResult

/** One app in a team space. */
export interface TeamAppView {
  slug: string
  name: string
  environments: string[]
  keys: number
  /** True when this vault has a local copy. */
  local: boolean
}

/** Maps over `items` with at most `n` promises in flight; the first error stops new work and is thrown. */
async function pool<T, R>(
  items: readonly T[],
  n: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length)
  let next = 0
  let failed: unknown = null
  const worker = async (): Promise<void> => {
    while (failed === null && next < items.length) {
      const i = next++
      try {
        out[i] = await fn(items[i]!, i)
      } catch (err) {
        if (failed === null) failed = err
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker))
  if (failed !== null) throw failed
  return out
}

/** A stable hash of a custom_metadata map (order-independent). */
export function metaHash(cm: Record<string, string>): string {
  const sorted = Object.keys(cm)
    .sort()
    .map((k) => [k, cm[k]])
  return createHash('sha256').update(JSON.stringify(sorted)).digest('base64url').slice(0, 22)
}

const isDir = (name: string): boolean => name.endsWith('/')
const baseName = (name: string): string => name.replace(/\/$/, '')

/** See the file comment. */
export class TeamSpaceService {
  private readonly clock: () => number
  private readonly concurrency: number
  private readonly clients = new Map<string, KvClient>()
  private readonly fullCheckMs: number
  /** During a pull: the lower-cased key names per local environment (so creating 10,000 keys stays linear). */
  private takenNames: Map<string, Set<string>> | null = null

  constructor(
    private readonly host: TeamHost,
    private readonly deps: TeamDeps = {},
  ) {
    this.clock = deps.clock ?? Date.now
    this.concurrency = deps.concurrency ?? 16
    this.fullCheckMs = deps.fullCheckMs ?? 60 * 60_000
  }

  private repo(): TeamRepository {
    return new TeamRepository(this.host.repository())
  }

  private client(c: TeamConnectionRecord): KvClient {
    let k = this.clients.get(c.id)
    if (!k) {
      k = this.newClient(c.addrs, c.mount, c.namespace)
      this.clients.set(c.id, k)
    }
    k.setToken(c.auth.token)
    return k
  }

  private newClient(addrs: string | string[], mount: string, namespace: string | null): KvClient {
    return new KvClient({
      addrs,
      mount,
      ...(namespace ? { namespace } : {}),
      ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
      ...(this.deps.logger ? { logger: this.deps.logger } : {}),
      ...this.deps.kv,
    })
  }

  // ------------------------------------------------------------------ connections

  /** Connects a team: logs in (or checks the token), then stores the connection sealed in the vault. */
  async connect(input: TeamConnectInput): Promise<TeamView> {
    const name = input.name.trim()
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(name)) {
      throw new InvalidInputError('A team name is 1–64 letters, digits, spaces, ".", "_" or "-".')
    }
    const addrs = parseTeamAddresses(input.addrs)
    const mount = checkPath('mount', input.mount ?? 'secret')
    const prefix = checkPath('prefix', input.prefix ?? 'keyshelf')
    const namespace = input.namespace ? checkPath('namespace', input.namespace) : null
    const existing = this.repo()
      .listConnections()
      .find((c) => c.name.toLowerCase() === name.toLowerCase())
    const kv = this.newClient(addrs, mount, namespace)
    let auth: TeamAuth
    const l = input.login
    if (l.method === 'token') {
      kv.setToken(l.token)
      auth = { method: 'token', token: l.token }
    } else if (l.method === 'approle') {
      const a = await kv.loginAppRole(l.roleId, l.secretId, l.authMount ?? 'approle')
      auth = {
        method: 'approle',
        token: a.token,
        roleId: l.roleId,
        secretId: l.secretId,
        authMount: l.authMount ?? 'approle',
      }
    } else {
      const a = await kv.loginUserpass(l.username, l.password, l.authMount ?? 'userpass')
      auth = {
        method: 'userpass',
        token: a.token,
        username: l.username,
        authMount: l.authMount ?? 'userpass',
      }
    }
    const info = await kv.lookupSelf()
    // The mount must be KV v2 under this prefix: listing it proves the address, namespace and mount.
    await kv.list(prefix)
    const rec: TeamConnectionRecord = {
      id: existing?.id ?? randomUUID(),
      createdAt: existing?.createdAt ?? this.clock(),
      name,
      addrs,
      mount,
      prefix,
      namespace,
      auth,
      displayName: info.displayName,
      policies: info.policies,
      renewable: info.renewable,
      tokenExpiresAt: info.expiresAt,
      offlineSince: null,
      lastSyncAt: existing?.lastSyncAt ?? null,
    }
    this.host.transaction(() => {
      this.repo().putConnection(rec)
      this.host.recordAudit('sync', null, { team: name, action: 'team-connect', method: auth.method })
    })
    this.clients.delete(rec.id)
    return this.view(rec)
  }

  /** The connected teams, without tokens. */
  listTeams(): TeamView[] {
    return this.repo()
      .listConnections()
      .map((c) => this.view(c))
  }

  /**
   * Disconnects a team: its sealed credentials are deleted, and its apps and keys stay in this vault as
   * ordinary local keys (with their history). Nothing in the team space changes.
   */
  disconnect(teamName: string): { team: string; apps: number; keys: number } {
    const c = this.team(teamName)
    const repo = this.repo()
    const apps = repo.listApps(c.id).length
    const keys = repo.listLinks(c.id).length
    this.host.transaction(() => {
      repo.deleteConnection(c.id)
      this.host.recordAudit('sync', null, { team: c.name, action: 'team-disconnect', apps, keys })
    })
    this.clients.delete(c.id)
    return { team: c.name, apps, keys }
  }

  /**
   * Refuses, before anything is asked of a provider, a rotation of a team key that would not go through the
   * team (a provider or guided rotation): the provider's new key could not be written to the team in the
   * same step, and a value a provider issued must never be lost. Says what to do instead.
   */
  refuseOutsideRotation(credentialId: string, how: 'provider' | 'guided'): void {
    const link = this.repo().getLink(credentialId)
    if (!link) return
    const c = this.repo()
      .listConnections()
      .find((x) => x.id === link.connectionId)
    const team = c ? `the team "${c.name}"` : 'a team space'
    const name = this.host.credentialNow(credentialId).name
    throw new KeyshelfError(
      'CONFLICT',
      `${name} lives in ${team}, so Keyshelf does not rotate it ${how === 'provider' ? 'through its provider' : 'with a guided rotation'}: ` +
        `the new key could not be written to the team in the same step. Create the new key at the provider, then store it with ` +
        `\`keyshelf key rotate APP/ENV/ENV_VAR --value-stdin\` (or Rotate in the window), which writes the team first. Nothing was changed.`,
    )
  }

  /** For the window's badges: which team each shared app belongs to, and each team's offline mark. */
  marks(): { apps: Record<string, string>; offlineSince: Record<string, number | null> } {
    const repo = this.repo()
    const conns = repo.listConnections()
    const nameOf = new Map(conns.map((c) => [c.id, c.name]))
    const apps: Record<string, string> = {}
    for (const a of repo.listApps()) {
      const n = nameOf.get(a.connectionId)
      if (n !== undefined) apps[a.appId] = n
    }
    return { apps, offlineSince: Object.fromEntries(conns.map((c) => [c.name, c.offlineSince])) }
  }

  private view(c: TeamConnectionRecord): TeamView {
    const repo = this.repo()
    return {
      id: c.id,
      name: c.name,
      addrs: c.addrs,
      mount: c.mount,
      prefix: c.prefix,
      namespace: c.namespace,
      authMethod: c.auth.method,
      displayName: c.displayName,
      policies: c.policies,
      offlineSince: c.offlineSince,
      lastSyncAt: c.lastSyncAt,
      apps: repo.listApps(c.id).length,
      keys: repo.listLinks(c.id).length,
    }
  }

  /** The connection named `name` (case-insensitive); the only one when `name` is omitted. */
  private team(name?: string): TeamConnectionRecord {
    const all = this.repo().listConnections()
    if (name === undefined) {
      if (all.length === 1) return all[0]!
      if (all.length === 0) throw new NotFoundError('A team (connect one with keyshelf team connect)')
      throw new InvalidInputError(
        `Several teams are connected (${all.map((c) => c.name).join(', ')}); name one with --team.`,
      )
    }
    const c = all.find((x) => x.name.toLowerCase() === name.toLowerCase())
    if (!c) throw new NotFoundError(`The team "${name}"`)
    return c
  }

  /** The team a credential lives in, with its offline mark; null for a local-only key. */
  homeOf(
    credentialId: string,
  ): { team: string; path: string; version: number; offlineSince: number | null } | null {
    const link = this.repo().getLink(credentialId)
    if (!link) return null
    const c = this.repo()
      .listConnections()
      .find((x) => x.id === link.connectionId)
    if (!c) return null
    return { team: c.name, path: link.path, version: link.version, offlineSince: c.offlineSince }
  }

  /**
   * Runs `fn` against the team; renews a renewable token that is close to expiry first (an AppRole
   * connection logs in again when renewal is refused). UNREACHABLE marks the team offline (and the mark is
   * cleared by the next success).
   */
  private async withTeam<T>(c: TeamConnectionRecord, fn: (kv: KvClient) => Promise<T>): Promise<T> {
    const kv = this.client(c)
    try {
      await this.freshen(c, kv)
      let out: T
      try {
        out = await fn(kv)
      } catch (err) {
        // An AppRole token that expired or was revoked: log in again once and repeat (the server refused
        // the first attempt, so repeating cannot write twice).
        if (!(err instanceof TeamError) || err.kind !== 'AUTH' || c.auth.method !== 'approle') throw err
        await this.relogin(c, kv)
        out = await fn(kv)
      }
      if (c.offlineSince !== null) this.save({ ...c, offlineSince: null })
      return out
    } catch (err) {
      if (err instanceof TeamError && err.kind === 'UNREACHABLE' && c.offlineSince === null) {
        c.offlineSince = this.clock()
        this.save(c)
      }
      throw err
    }
  }

  private save(c: TeamConnectionRecord): void {
    this.host.transaction(() => this.repo().putConnection(c))
  }

  private async freshen(c: TeamConnectionRecord, kv: KvClient): Promise<void> {
    if (c.tokenExpiresAt === null || c.tokenExpiresAt - this.clock() > 10 * 60_000) return
    try {
      if (!c.renewable)
        throw new TeamError({ kind: 'AUTH', status: null, operation: 'renew the token' }, 'not renewable')
      const a = await kv.renewSelf()
      c.tokenExpiresAt = a.leaseDurationSeconds > 0 ? this.clock() + a.leaseDurationSeconds * 1000 : null
    } catch (err) {
      if (!(err instanceof TeamError) || err.kind === 'UNREACHABLE' || c.auth.method !== 'approle') return
      await this.relogin(c, kv)
      return
    }
    this.save(c)
  }

  /** AppRole only: a new token from the sealed role id and secret id, saved. */
  private async relogin(c: TeamConnectionRecord, kv: KvClient): Promise<void> {
    if (c.auth.method !== 'approle') return
    const a = await kv.loginAppRole(c.auth.roleId, c.auth.secretId, c.auth.authMount)
    c.auth = { ...c.auth, token: a.token }
    c.renewable = a.renewable
    c.tokenExpiresAt = a.leaseDurationSeconds > 0 ? this.clock() + a.leaseDurationSeconds * 1000 : null
    this.save(c)
  }

  /** Refuses a write to an offline team, once, with what to do; nothing is queued. */
  private writeRefused(c: TeamConnectionRecord, err: unknown): never {
    if (err instanceof TeamError && err.kind === 'UNREACHABLE') {
      const since = new Date(c.offlineSince ?? this.clock()).toISOString().slice(0, 16).replace('T', ' ')
      throw new TeamError(
        { kind: 'UNREACHABLE', status: err.status, operation: err.operation },
        `The team "${c.name}" cannot be reached (offline since ${since} UTC), so the change was refused. ` +
          `Nothing was changed or queued; try again when the team server is back.`,
      )
    }
    throw err
  }

  private progress(label: string, done: number, total: number | null): void {
    this.deps.onProgress?.({ task: 'sync', label, done, total })
  }

  // ------------------------------------------------------------------ share

  /** Puts a local app with its environments and keys in the team space (keys already there are left alone). */
  async share(appId: string, teamName?: string): Promise<ShareSummary> {
    const c = this.team(teamName)
    const repo = this.repo()
    const app = (await this.host.listApps()).find((a) => a.id === appId)
    if (!app) throw new NotFoundError('The app')
    const other = repo.listApps().find((a) => a.appId === appId && a.connectionId !== c.id)
    if (other) throw new ConflictError(`${app.name} is already shared with another team; a key has one home.`)
    const envs = await this.host.listEnvironments({ appId })
    const links = new Set(repo.listLinks(c.id).map((l) => l.credentialId))
    try {
      return await this.withTeam(c, async (kv) => {
        let rec = repo.listApps(c.id).find((a) => a.appId === appId)
        if (!rec) {
          const taken = new Set((await kv.list(c.prefix)).filter(isDir).map(baseName))
          rec = { appId, connectionId: c.id, slug: uniqueSlug(app.name, 'app', taken), envs: {} }
        }
        await this.putDetails(kv, teamPath.appDetails(c.prefix, rec.slug), appDetails(app))
        const envTaken = new Set(Object.values(rec.envs))
        const jobs: { env: Environment; cred: CredentialView; envSlug: string }[] = []
        for (const env of envs) {
          const envSlug = rec.envs[env.id] ?? uniqueSlug(env.name, 'env', envTaken)
          rec.envs[env.id] = envSlug
          await this.putDetails(kv, teamPath.envDetails(c.prefix, rec.slug, envSlug), envDetails(env))
          for (const cred of this.host.credentialsInEnvironment(env.id)) jobs.push({ env, cred, envSlug })
        }
        const finalRec = rec
        this.host.transaction(() => repo.putApp(finalRec))
        const todo = jobs.filter((j) => !links.has(j.cred.id))
        // Slugs of keys already linked (a share that was interrupted and is run again): a new key never
        // takes one, so re-running a share continues where it stopped and never writes a key twice.
        const keyTaken = new Map<string, Set<string>>()
        const appPrefix = `${teamPath.app(c.prefix, finalRec.slug)}/`
        for (const l of repo.listLinks(c.id)) {
          if (!l.path.startsWith(appPrefix)) continue
          const [envSlug, keySlug] = l.path.slice(appPrefix.length).split('/')
          if (envSlug === undefined || keySlug === undefined) continue
          let set = keyTaken.get(envSlug)
          if (!set) keyTaken.set(envSlug, (set = new Set([ENV_DETAILS])))
          set.add(keySlug)
        }
        const planned = todo.map((j) => {
          let set = keyTaken.get(j.envSlug)
          if (!set) keyTaken.set(j.envSlug, (set = new Set([ENV_DETAILS])))
          return {
            ...j,
            path: teamPath.key(c.prefix, finalRec.slug, j.envSlug, uniqueSlug(j.cred.name, 'key', set)),
          }
        })
        let done = 0
        this.progress(`Sharing ${app.name} with ${c.name}`, 0, planned.length)
        const batch: TeamLinkRecord[] = []
        const flush = (): void => {
          const items = batch.splice(0)
          if (items.length > 0) this.host.transaction(() => items.forEach((l) => repo.putLink(l)))
        }
        await pool(planned, this.concurrency, async (j) => {
          const data: Record<string, string> = {}
          for (const f of j.cred.fields) data[f.envVar] = this.host.readValue(j.cred.id, f.id)
          let version: number
          try {
            version = (await kv.write(j.path, data, 0)).version
          } catch (err) {
            if (err instanceof TeamCasConflictError) {
              throw new ConflictError(
                `${j.cred.name} (${j.env.name}) already exists in the team space at ${j.path}; nothing there was overwritten. ` +
                  `Rename the local key or pull the team's copy first.`,
              )
            }
            throw err
          }
          const cm = encodeKeyMeta(keyMetaOf(j.cred, c.displayName, this.clock()))
          await kv.writeMetadata(j.path, cm)
          batch.push({
            credentialId: j.cred.id,
            connectionId: c.id,
            path: j.path,
            version,
            metaHash: metaHash(cm),
          })
          if (batch.length >= 200) flush()
          done++
          if (done % 50 === 0 || done === planned.length)
            this.progress(`Sharing ${app.name} with ${c.name}`, done, planned.length)
        }).finally(flush)
        // The manifests of the environments written to (every linked key of this app, so an interrupted
        // share that is run again completes them too).
        const entries = new Map<string, Record<string, string>>()
        for (const l of repo.listLinks(c.id)) {
          if (!l.path.startsWith(appPrefix) || l.metaHash === undefined) continue
          const [envSlug, keySlug] = l.path.slice(appPrefix.length).split('/')
          if (envSlug === undefined || keySlug === undefined) continue
          const e = entries.get(envSlug) ?? {}
          e[keySlug] = `${l.version}:${l.metaHash}`
          entries.set(envSlug, e)
        }
        // Best effort: the manifest only saves requests (a pull checks keys it cannot trust).
        for (const [envSlug, e] of entries)
          await this.updateManifest(kv, teamPath.manifest(c.prefix, finalRec.slug, envSlug), e).catch(
            () => undefined,
          )
        this.host.recordAudit('sync', null, {
          team: c.name,
          action: 'team-share',
          app: app.name,
          keys: planned.length,
        })
        return {
          team: c.name,
          app: app.name,
          environments: envs.length,
          keys: planned.length,
          alreadyShared: jobs.length - todo.length,
        }
      })
    } catch (err) {
      this.writeRefused(c, err)
    }
  }

  /**
   * Merges `entries` into an environment's manifest (or replaces it with `replace`), with check-and-set;
   * retried a few times when another writer got there first. Best effort for callers that catch: the
   * manifest only saves requests, the scheduled full check does not trust it.
   */
  private async updateManifest(
    kv: KvClient,
    path: string,
    entries: Record<string, string>,
    replace = false,
  ): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = await kv.read(path)
      const before = cur?.data ? decodeManifest(cur.data) : {}
      const next = encodeManifest(replace ? entries : { ...before, ...entries })
      if (cur?.data && JSON.stringify(cur.data) === JSON.stringify(next)) return
      try {
        await kv.write(path, next, cur?.version ?? 0)
        return
      } catch (err) {
        if (!(err instanceof TeamCasConflictError)) throw err
      }
    }
  }

  /** One key's manifest entry after Keyshelf wrote it (a failure leaves it to the next full check). */
  private async noteInManifest(c: TeamConnectionRecord, keyPath: string, entry: string): Promise<void> {
    const parts = keyPath.split('/')
    const slug = parts.pop()
    if (slug === undefined) return
    await this.updateManifest(this.client(c), `${parts.join('/')}/${MANIFEST}`, { [slug]: entry }).catch(
      () => undefined,
    )
  }

  /** Writes a details secret when it differs from what is there (check-and-set on the version read). */
  private async putDetails(kv: KvClient, path: string, data: Record<string, string>): Promise<void> {
    const cur = await kv.read(path)
    if (cur?.data && JSON.stringify(cur.data) === JSON.stringify(data)) return
    await kv.write(path, data, cur?.version ?? 0)
  }

  // ------------------------------------------------------------------ list and pull

  /** The apps in the team space (what `team apps` prints). */
  async teamApps(teamName?: string): Promise<TeamAppView[]> {
    const c = this.team(teamName)
    const localSlugs = new Set(
      this.repo()
        .listApps(c.id)
        .map((a) => a.slug),
    )
    return this.withTeam(c, async (kv) => {
      const apps = (await kv.list(c.prefix)).filter(isDir).map(baseName)
      return pool(apps, this.concurrency, async (slug) => {
        const details = await kv.read(teamPath.appDetails(c.prefix, slug))
        const envs = (await kv.list(teamPath.app(c.prefix, slug))).filter(isDir).map(baseName)
        let keys = 0
        for (const e of envs)
          keys += (await kv.list(teamPath.env(c.prefix, slug, e))).filter(
            (k) => !isDir(k) && !k.startsWith('_'),
          ).length
        return {
          slug,
          name: details?.data?.['name'] || slug,
          environments: envs,
          keys,
          local: localSlugs.has(slug),
        }
      })
    })
  }

  /**
   * Pulls what changed in a team space (every app under the prefix) into the local copy: new keys are
   * created, changed keys updated (a changed value keeps the previous one in local history). When no node
   * answers, nothing changes and the summary says since when the team is offline.
   */
  async pull(teamName?: string, opts: { full?: boolean } = {}): Promise<PullSummary> {
    const c = this.team(teamName)
    let fullCheckAt: number | null = null
    const repo = this.repo()
    const summary: PullSummary = {
      team: c.name,
      created: 0,
      updated: 0,
      unchanged: 0,
      deletedRemotely: 0,
      offlineSince: null,
    }
    try {
      await this.withTeam(c, async (kv) => {
        const appSlugs = (await kv.list(c.prefix)).filter(isDir).map(baseName)
        const linksByPath = new Map(repo.listLinks(c.id).map((l) => [l.path, l]))
        const appsBySlug = new Map(repo.listApps(c.id).map((a) => [a.slug, a]))
        // 1. Walk the tree (lists, and one manifest per environment), creating missing local apps and
        //    environments.
        const keys: { path: string; slug: string; envId: string; manifestPath: string }[] = []
        const manifests = new Map<string, { entries: Record<string, string>; listed: Set<string> } | null>()
        // trash: an app or environment in the local Trash is not pulled into (nor created again).
        const liveApps = new Set((await this.host.listApps()).map((a) => a.id))
        for (const slug of appSlugs) {
          const known = appsBySlug.get(slug)
          if (known && !liveApps.has(known.appId)) continue
          const rec = await this.ensureLocalApp(kv, c, slug, known)
          const envSlugs = (await kv.list(teamPath.app(c.prefix, slug))).filter(isDir).map(baseName)
          for (const envSlug of envSlugs) {
            const knownEnv = Object.entries(rec.envs).find(([, s]) => s === envSlug)?.[0]
            if (knownEnv && !this.isLiveEnvironment(knownEnv)) continue
            const envId = await this.ensureLocalEnv(kv, c, rec, envSlug)
            const manifestPath = teamPath.manifest(c.prefix, slug, envSlug)
            const listed = new Set<string>()
            for (const k of await kv.list(teamPath.env(c.prefix, slug, envSlug))) {
              if (isDir(k) || k.startsWith('_')) continue
              listed.add(k)
              keys.push({ path: teamPath.key(c.prefix, slug, envSlug, k), slug: k, envId, manifestPath })
            }
            const m = listed.size > 0 ? await kv.read(manifestPath) : null
            manifests.set(
              manifestPath,
              m?.data
                ? { entries: decodeManifest(m.data), listed }
                : listed.size > 0
                  ? null
                  : { entries: {}, listed },
            )
          }
        }
        // A full check reads every key's metadata (so a `bao kv put` made without Keyshelf, which does not
        // touch the manifest, is found); otherwise a key whose manifest entry equals the local copy's
        // version and metadata hash is unchanged without a request.
        const now = this.clock()
        const full = opts.full === true || (c.fullCheckAt ?? 0) + this.fullCheckMs <= now
        const seen = new Map<string, Record<string, string>>()
        // 2. Metadata per key that may have changed; data only for what changed.
        let done = 0
        const label = `Pulling ${c.name}`
        this.progress(label, 0, keys.length)
        // Local writes go in batches (one transaction each): what is flushed stays, so a pull that fails
        // half-way resumes from there next time.
        const pending: (() => void)[] = []
        const flush = (): void => {
          const items = pending.splice(0)
          if (items.length > 0) this.host.transaction(() => items.forEach((apply) => apply()))
        }
        this.takenNames = new Map()
        await pool(keys, this.concurrency, async (k) => {
          const link = linksByPath.get(k.path)
          const entry = manifests.get(k.manifestPath)?.entries[k.slug]
          const mine = link && link.metaHash !== undefined ? `${link.version}:${link.metaHash}` : null
          if (!full && mine !== null && entry === mine) {
            summary.unchanged++
          } else {
            const meta = await kv.readMetadata(k.path)
            if (!meta) return
            const seenHere = seen.get(k.manifestPath) ?? {}
            seenHere[k.slug] = `${meta.currentVersion}:${metaHash(meta.customMetadata)}`
            seen.set(k.manifestPath, seenHere)
            if (link && link.version === meta.currentVersion && this.metaSeen(link, meta)) summary.unchanged++
            else {
              const cur = await kv.read(k.path)
              if (!cur?.data) summary.deletedRemotely++
              else {
                const data = cur.data
                pending.push(() => this.applyRemoteNow(c, k, link, meta, data, cur.version))
                if (pending.length >= 250) flush()
                if (link) summary.updated++
                else summary.created++
              }
            }
          }
          done++
          if (done % 100 === 0 || done === keys.length) this.progress(label, done, keys.length)
        }).finally(() => {
          flush()
          this.takenNames = null
        })
        // 3. Repair manifests that are missing or disagree with what was read (best effort: a reader token
        //    cannot write, and the next full check reads the metadata anyway).
        for (const [path, m] of manifests) {
          const got = seen.get(path) ?? {}
          const stale =
            m === null ||
            Object.entries(got).some(([slug, v]) => m.entries[slug] !== v) ||
            Object.keys(m.entries).some((slug) => !m.listed.has(slug))
          if (!stale) continue
          const next: Record<string, string> = {}
          for (const slug of m?.listed ?? Object.keys(got)) {
            const v = got[slug] ?? m?.entries[slug]
            if (v !== undefined) next[slug] = v
          }
          await this.updateManifest(kv, path, next, true).catch(() => undefined)
        }
        if (full) fullCheckAt = now
      })
    } catch (err) {
      if (err instanceof TeamError && err.kind === 'UNREACHABLE') {
        summary.offlineSince = this.team(c.name).offlineSince
        return summary
      }
      throw err
    }
    this.save({
      ...this.team(c.name),
      lastSyncAt: this.clock(),
      ...(fullCheckAt !== null ? { fullCheckAt } : {}),
    })
    this.host.recordAudit('sync', null, {
      team: c.name,
      action: 'team-pull',
      created: summary.created,
      updated: summary.updated,
    })
    return summary
  }

  /** False for an environment in the Trash (or gone). */
  private isLiveEnvironment(id: string): boolean {
    try {
      this.host.environmentNow(id)
      return true
    } catch (err) {
      if (err instanceof KeyshelfError && err.code === 'NOT_FOUND') return false
      throw err
    }
  }

  /** Metadata-only edits (owner, expiry) do not bump the KV version: compare the metadata too. */
  private metaSeen(link: TeamLinkRecord, meta: KvMetadata): boolean {
    return link.metaHash === metaHash(meta.customMetadata)
  }

  private async ensureLocalApp(
    kv: KvClient,
    c: TeamConnectionRecord,
    slug: string,
    rec: TeamAppRecord | undefined,
  ): Promise<TeamAppRecord> {
    if (rec) return rec
    const d = (await kv.read(teamPath.appDetails(c.prefix, slug)))?.data ?? {}
    const names = new Set((await this.host.listApps()).map((a) => a.name.toLowerCase()))
    let name = (d['name'] || slug).slice(0, 200)
    if (names.has(name.toLowerCase())) name = `${name} (${c.name})`
    const app = this.host.createAppNow({
      name,
      description: d['description'] ?? '',
      appId: d['app_id'] ?? '',
      tags: (d['tags'] ?? '').split(',').filter((t) => t !== ''),
      notes: d['notes'] ?? '',
    })
    const out: TeamAppRecord = { appId: app.id, connectionId: c.id, slug, envs: {} }
    this.host.transaction(() => this.repo().putApp(out))
    return out
  }

  private async ensureLocalEnv(
    kv: KvClient,
    c: TeamConnectionRecord,
    rec: TeamAppRecord,
    envSlug: string,
  ): Promise<string> {
    const found = Object.entries(rec.envs).find(([, s]) => s === envSlug)
    if (found) return found[0]
    const d = (await kv.read(teamPath.envDetails(c.prefix, rec.slug, envSlug)))?.data ?? {}
    const env = this.host.createEnvironmentNow({
      appId: rec.appId,
      name: (d['name'] || envSlug).slice(0, 100),
      apiUrl: d['api_url'] ?? '',
      wsUrl: d['ws_url'] ?? '',
      region: d['region'] ?? '',
      notes: d['notes'] ?? '',
    })
    rec.envs[env.id] = envSlug
    this.host.transaction(() => this.repo().putApp(rec))
    return env.id
  }

  /** Writes the team's copy of one key into the local vault (one transaction with its link). */
  private applyRemote(...args: Parameters<TeamSpaceService['applyRemoteNow']>): void {
    this.host.transaction(() => this.applyRemoteNow(...args))
  }

  /** The body of {@link applyRemote}; runs inside the caller's transaction. */
  private applyRemoteNow(
    c: TeamConnectionRecord,
    k: { path: string; slug: string; envId: string },
    link: TeamLinkRecord | undefined,
    meta: KvMetadata,
    data: Record<string, string>,
    version: number,
  ): void {
    const envVars = Object.keys(data).filter((v) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(v))
    if (envVars.length === 0) return
    const m = decodeKeyMeta(meta.customMetadata, k.slug, envVars)
    const provider: ProviderId = (PROVIDERS as readonly string[]).includes(m.provider)
      ? (m.provider as ProviderId)
      : 'other'
    const metaPatch = {
      name: m.name.slice(0, 200),
      provider,
      providerCredentialId: m.providerCredentialId,
      status: m.status,
      owner: m.owner,
      tags: m.tags.slice(0, 50),
      expiresAt: m.expiresAt,
      rotationIntervalDays: m.rotationIntervalDays,
      lastRotatedAt: m.lastRotatedAt,
    }
    const repo = this.repo()
    {
      let credentialId: string
      if (link) {
        const cur = this.host.credentialNow(link.credentialId)
        const byVar = new Map(cur.fields.map((f) => [f.envVar, f]))
        this.host.updateCredentialNow({
          id: cur.id,
          patch: metaPatch,
          fields: m.fields.map((f) => {
            const old = byVar.get(f.envVar)
            const value = data[f.envVar]!
            const keep = old !== undefined && this.host.readValue(cur.id, old.id) === value
            return {
              ...(old ? { id: old.id } : {}),
              label: f.label || old?.label || f.envVar,
              envVar: f.envVar,
              kind: f.kind,
              ...(keep ? {} : { value }),
            }
          }),
        })
        credentialId = cur.id
      } else {
        const input: ParsedInput<'createCredential'> = {
          environmentId: k.envId,
          ...metaPatch,
          role: '',
          allowedHosts: [],
          notes: '',
          fields: m.fields.map((f) => ({
            label: f.label || f.envVar,
            envVar: f.envVar,
            kind: f.kind,
            value: data[f.envVar]!,
          })),
        }
        let names = this.takenNames?.get(k.envId)
        if (!names) {
          names = new Set(this.host.credentialsInEnvironment(k.envId).map((x) => x.name.toLowerCase()))
          this.takenNames?.set(k.envId, names)
        }
        const taken = names.has(input.name.toLowerCase())
        // Two team secrets may carry the same display name (one written by hand): the path slug tells them apart.
        if (taken) input.name = `${input.name} (${k.slug})`.slice(0, 200)
        credentialId = this.host.createCredentialNow(input).id
        names.add(input.name.toLowerCase())
      }
      repo.putLink({
        credentialId,
        connectionId: c.id,
        path: k.path,
        version,
        metaHash: metaHash(meta.customMetadata),
      })
    }
  }

  // ------------------------------------------------------------------ rotate

  /**
   * Rotates a team key: the new values go to the team first with check-and-set on the version the local
   * copy holds, then into the local vault (the previous values become local history). When someone else
   * rotated first, the server's newer value becomes the local current value, the values this call tried to
   * write are kept in local history, and a CONFLICT says who changed it and when. A refused write (reader
   * token, offline team) changes nothing locally.
   */
  async rotate(input: ParsedInput<'rotate'>): Promise<CredentialView> {
    const repo = this.repo()
    const link = repo.getLink(input.credentialId)
    if (!link) return this.host.rotate(input)
    const c = repo.listConnections().find((x) => x.id === link.connectionId)
    if (!c) return this.localRotate(input)
    const cred = this.host.credentialNow(input.credentialId)
    const data: Record<string, string> = {}
    for (const f of cred.fields) data[f.envVar] = this.host.readValue(cred.id, f.id)
    for (const v of input.values) {
      const f = cred.fields.find((x) => x.id === v.fieldId)
      if (!f) throw new NotFoundError('The field')
      if (data[f.envVar] === v.value)
        throw new InvalidInputError(`The new value for ${f.envVar} is the same as the current one.`)
      data[f.envVar] = v.value
    }
    let written: number
    try {
      written = await this.withTeam(c, async (kv) => {
        try {
          const w = await kv.write(link.path, data, link.version)
          return w.version
        } catch (err) {
          if (!(err instanceof TeamCasConflictError)) throw err
          await this.loseConflict(c, kv, link, cred, input)
          throw err // replaced by loseConflict
        }
      })
    } catch (err) {
      this.writeRefused(c, err)
    }
    const now = this.clock()
    const view = await this.localRotate(input)
    const meta = encodeKeyMeta(keyMetaOf(view, c.displayName, now))
    let hash: string | undefined
    try {
      await this.client(c).writeMetadata(link.path, meta)
      hash = metaHash(meta)
    } catch {
      // The value is written; only the rotation date in metadata lags (the next pull re-reads this key).
    }
    const { metaHash: _old, ...rest } = link
    this.host.transaction(() =>
      repo.putLink({ ...rest, version: written, ...(hash !== undefined ? { metaHash: hash } : {}) }),
    )
    if (hash !== undefined) await this.noteInManifest(c, link.path, `${written}:${hash}`)
    return view
  }

  /** The local commit of a team rotation (the team home lets it through). */
  private localRotate(input: ParsedInput<'rotate'>): Promise<CredentialView> {
    const home = this.deps.home
    return home
      ? home.afterTeamWrite(input.credentialId, () => this.host.rotate(input))
      : this.host.rotate(input)
  }

  /** After losing check-and-set: take the winner's value, keep ours in history, and say who won. */
  private async loseConflict(
    c: TeamConnectionRecord,
    kv: KvClient,
    link: TeamLinkRecord,
    cred: CredentialView,
    input: ParsedInput<'rotate'>,
  ): Promise<never> {
    const meta = await kv.readMetadata(link.path)
    const cur = await kv.read(link.path)
    // Ours first (so it becomes a version when the winner's value is applied next).
    await this.localRotate({ credentialId: cred.id, values: input.values })
    if (cur?.data && meta) {
      this.applyRemote(
        c,
        { path: link.path, slug: link.path.split('/').pop() ?? 'key', envId: cred.environmentId },
        { ...link },
        meta,
        cur.data,
        cur.version,
      )
    }
    const who = meta?.customMetadata['updated_by'] || 'someone else'
    const whenMs = meta?.versions.find((v) => v.version === meta.currentVersion)?.createdAt ?? null
    const when = whenMs ? new Date(whenMs).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : 'just now'
    throw new TeamCasConflictError(
      link.path,
      meta?.currentVersion ?? null,
      `${who} changed ${cred.name} in the team "${c.name}" first (${when}). Their value is now your current one; ` +
        `the value you tried to write is kept in this key's history, nothing was lost. Rotate again if yours should win.`,
    )
  }

  // ------------------------------------------------------------------ edit

  /**
   * Edits a key's metadata (owner, expiry, rotation policy, name, tags, status). For a team key the
   * team's custom_metadata is written first; a refused write (reader token, offline) changes nothing
   * locally. A team key's fields and values change through rotation, not edit. `updateLocal` is the core's
   * own edit; a local-only key goes straight to it.
   */
  async update(
    input: ParsedInput<'updateCredential'>,
    updateLocal: (i: ParsedInput<'updateCredential'>) => Promise<CredentialView>,
  ): Promise<CredentialView> {
    const repo = this.repo()
    const link = repo.getLink(input.id)
    const c = link ? repo.listConnections().find((x) => x.id === link.connectionId) : undefined
    if (!link || !c) return updateLocal(input)
    if (input.fields !== undefined) {
      throw new InvalidInputError(
        `This key lives in the team "${c.name}": change its values with a rotation, and its fields in the team space. Nothing was changed.`,
      )
    }
    const cur = this.host.credentialNow(input.id)
    const p = input.patch
    const next: CredentialView = {
      ...cur,
      ...(p.name !== undefined ? { name: p.name } : {}),
      ...(p.owner !== undefined ? { owner: p.owner } : {}),
      ...(p.provider !== undefined ? { provider: p.provider } : {}),
      ...(p.providerCredentialId !== undefined ? { providerCredentialId: p.providerCredentialId } : {}),
      ...(p.status !== undefined ? { status: p.status } : {}),
      ...(p.tags !== undefined ? { tags: p.tags } : {}),
      ...(p.expiresAt !== undefined ? { expiresAt: p.expiresAt } : {}),
      ...(p.lastRotatedAt !== undefined ? { lastRotatedAt: p.lastRotatedAt } : {}),
      ...(p.rotationIntervalDays !== undefined ? { rotationIntervalDays: p.rotationIntervalDays } : {}),
    }
    const cm = encodeKeyMeta(keyMetaOf(next, c.displayName, this.clock()))
    try {
      await this.withTeam(c, (kv) => kv.writeMetadata(link.path, cm))
    } catch (err) {
      this.writeRefused(c, err)
    }
    const view = await updateLocal(input)
    this.host.transaction(() => repo.putLink({ ...link, metaHash: metaHash(cm) }))
    await this.noteInManifest(c, link.path, `${link.version}:${metaHash(cm)}`)
    return view
  }

  // ------------------------------------------------------------------ report

  /** The team's keys (local copy) for `due --team` and `report --team`: no values. */
  reportKeys(teamName: string): Promise<ReportKey[]> {
    const c = this.team(teamName)
    const out: ReportKey[] = []
    for (const link of this.repo().listLinks(c.id)) {
      let cred: CredentialView
      try {
        cred = this.host.credentialNow(link.credentialId)
      } catch (err) {
        if (err instanceof KeyshelfError && err.code === 'NOT_FOUND') continue
        throw err
      }
      const env = this.host.environmentNow(cred.environmentId)
      out.push({
        id: link.path,
        appName: '',
        environmentName: env.name,
        name: cred.name,
        envVars: cred.fields.map((f) => f.envVar),
        owner: cred.owner,
        provider: cred.provider,
        status: cred.status,
        createdAt: cred.createdAt,
        lastRotatedAt: cred.lastRotatedAt,
        expiresAt: cred.expiresAt,
        rotationIntervalDays: cred.rotationIntervalDays,
        overlapEndsAt: null,
        team: c.name,
      })
    }
    return this.fillAppNames(out, c)
  }

  private async fillAppNames(keys: ReportKey[], c: TeamConnectionRecord): Promise<ReportKey[]> {
    const names = new Map((await this.host.listApps()).map((a) => [a.id, a.name]))
    const bySlug = new Map(
      this.repo()
        .listApps(c.id)
        .map((a) => [a.slug, names.get(a.appId) ?? a.slug]),
    )
    for (const k of keys) k.appName = bySlug.get(k.id.split('/').slice(-3)[0] ?? '') ?? ''
    return keys
  }
}
