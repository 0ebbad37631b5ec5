import type { Database } from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import { existsSync, rmSync } from 'node:fs'
import type { AppSummary, ParsedInput, VaultService } from '../../src-shared/contract'

/** Commands implemented by KeyshelfCore on top of the service (providers; .env import/export; quick unlock). */
export type ExtensionCommand =
  | 'quickUnlockStatus'
  | 'setQuickUnlock'
  | 'quickUnlock'
  | 'listConnections'
  | 'connectProvider'
  | 'syncProviders'
  | 'rotateViaProvider'
  | 'verifyCredential'
  | 'finishProviderRotation'
  | 'guidedRotationPlan'
  | 'guidedRotationComplete'
  | 'guidedReminders'
  | 'dismissGuidedReminder'
  | 'verifyAllKeys'
  | 'exportPreview'
  | 'exportCopy'
  | 'exportSave'
  | 'gitignoreLastExport'
  | 'importPreview'
  | 'importApply'
import type {
  App,
  AuditEntry,
  AuditEvent,
  CredentialView,
  DueCounts,
  DueItem,
  Environment,
  KdfParams,
  Preferences,
  SearchHit,
  VaultStatus,
  VersionReason,
  VersionView,
} from '../../src-shared/model'
import { DEFAULT_KDF } from '../../src-shared/model'
import { assertKdfParams } from './crypto/kdf'
import { AuthenticationFailedError, open, seal } from './crypto/aead'
import { deriveSubkeys, wipe, type SessionKeys } from './crypto/subkeys'
import { openDatabase } from './db/open-database'
import {
  ConflictError,
  InvalidInputError,
  KeyshelfError,
  LockedError,
  NotFoundError,
  WrongPasswordError,
} from './errors'
import type { Logger } from './logger'
import { silentLogger } from './logger'
import type { Clock, SecretClipboard, Settings } from './platform-ports'
import { MemoryClipboard, MemorySettings } from './platform-ports'
import { countDue, rotationInfo } from './rotation/rotation-status'
import {
  buildHeader,
  storeHeader,
  hasHeader,
  readHeader,
  rewrapHeader,
  unlockHeader,
  type VaultHeader,
} from './vault/vault-header'
import { CredentialCache } from './vault/credential-cache'
import {
  readRotationRows,
  VaultRepository,
  type CredentialRecord,
  type FieldMeta,
} from './vault/vault.repository'

/** What the service is built from. Only `src-main/index.ts`, the CLI and tests build one. */
export interface ServiceDeps {
  /** Path of the vault file, or ':memory:'. */
  vaultPath: string
  clock?: Clock
  clipboard?: SecretClipboard
  settings?: Settings
  logger?: Logger
}

const HOUR_MS = 3_600_000
const KEY_CHECK_TEXT = 'keyshelf key check v1'
const KEY_CHECK_AAD = 'meta:key_check:value'

interface Session {
  header: VaultHeader
  dataKey: Buffer
  keys: SessionKeys
  repo: VaultRepository
  apps: Map<string, App>
  envs: Map<string, Environment>
  creds: CredentialCache
  dataVersion: number
  searchIndex: SearchEntry[] | null
}

interface SearchEntry {
  hit: SearchHit
  hay: string
}

/** A resolved `APP/ENV/ENV_VAR` address. */
export interface FieldAddress {
  app: App
  environment: Environment
  credential: CredentialView
  field: FieldMeta
}

/**
 * The Keyshelf vault service: the one implementation of the contract that IPC, the CLI and the tests call.
 * Inputs arrive parsed (see ipc-dispatch). Secret values leave only through reveal, revealVersion, copy
 * (to the clipboard port) and the explicit value readers used by export and run.
 */
export class KeyshelfService implements Omit<VaultService, ExtensionCommand> {
  readonly vaultPath: string
  private readonly clock: Clock
  protected readonly clipboard: SecretClipboard
  protected readonly settings: Settings
  private readonly logger: Logger
  private db: Database | null = null
  private session: Session | null = null
  private readonly unlockHooks: (() => void)[] = []

  constructor(deps: ServiceDeps) {
    this.vaultPath = deps.vaultPath
    this.clock = deps.clock ?? Date.now
    this.clipboard = deps.clipboard ?? new MemoryClipboard(this.clock)
    this.settings = deps.settings ?? new MemorySettings()
    this.logger = deps.logger ?? silentLogger
  }

  // ------------------------------------------------------------------ lifecycle

  private vaultExists(): boolean {
    if (!this.db && (this.vaultPath === ':memory:' || !existsSync(this.vaultPath))) return false
    const db = this.database()
    // A file with neither a header nor data (a create interrupted between schema and header) is no vault.
    if (hasHeader(db)) return true
    return db.prepare('SELECT 1 FROM apps LIMIT 1').get() !== undefined
  }

  private database(): Database {
    if (!this.db) {
      if (this.vaultPath !== ':memory:' && !existsSync(this.vaultPath)) {
        throw new KeyshelfError(
          'NO_VAULT',
          `No vault at ${this.vaultPath}. Create one first (keyshelf init).`,
        )
      }
      this.db = openDatabase(this.vaultPath)
    }
    return this.db
  }

  private requireSession(): Session {
    const s = this.session
    if (!s) throw new LockedError()
    this.refreshIfChanged(s)
    return s
  }

  /** Reloads the in-memory overview when another connection (the CLI, another window) committed. */
  private refreshIfChanged(s: Session): void {
    const v = s.repo.db.pragma('data_version', { simple: true }) as number
    if (v !== s.dataVersion) {
      this.loadOverview(s)
      s.dataVersion = v
    }
  }

  private loadOverview(s: Session): void {
    s.apps = new Map(s.repo.loadApps().map((a) => [a.id, a]))
    s.envs = new Map(s.repo.loadEnvironments().map((e) => [e.id, e]))
    s.creds.load()
    s.searchIndex = null
  }

  private startSession(header: VaultHeader, dataKey: Buffer): Session {
    const db = this.database()
    const keys = deriveSubkeys(dataKey, header.vaultId)
    const repo = new VaultRepository(db, keys)
    const s: Session = {
      header,
      dataKey,
      keys,
      repo,
      apps: new Map(),
      envs: new Map(),
      creds: new CredentialCache(repo),
      dataVersion: db.pragma('data_version', { simple: true }) as number,
      searchIndex: null,
    }
    try {
      this.loadOverview(s)
      const check = db.prepare("SELECT value FROM meta WHERE key = 'key_check'").get()
      if (!check) {
        const blob = seal(keys.enc, Buffer.from(KEY_CHECK_TEXT), KEY_CHECK_AAD).toString('base64')
        db.prepare("INSERT INTO meta (key, value) VALUES ('key_check', ?)").run(blob)
      }
    } catch (err) {
      wipe(dataKey, keys.enc, keys.fingerprint)
      throw err
    }
    this.session = s
    return s
  }

  async status(): Promise<VaultStatus> {
    if (!this.vaultExists()) return { state: 'no-vault', due: null }
    let due: DueCounts | null = null
    try {
      due = await this.dueCounts()
    } catch (err) {
      // A corrupt file still reports "locked"; unlock then explains what is wrong.
      if (!(err instanceof KeyshelfError)) throw err
    }
    return { state: this.session ? 'unlocked' : 'locked', due }
  }

  async create(input: ParsedInput<'create'>): Promise<VaultStatus> {
    if (this.vaultExists()) {
      throw new KeyshelfError(
        'VAULT_EXISTS',
        `A vault already exists at ${this.vaultPath}. Unlock it instead.`,
      )
    }
    const kdf: KdfParams = {
      ...DEFAULT_KDF,
      ...input.kdf,
      algorithm: 'argon2id',
    }
    // Refuse weak parameters before a file exists: a header-less file would block a later create.
    assertKdfParams(kdf)
    // Argon2 runs before any file exists; the file then gets its schema and header in a few milliseconds.
    const created = await buildHeader(input.password, kdf, this.clock())
    const fileIsNew = this.vaultPath !== ':memory:' && !existsSync(this.vaultPath)
    this.db ??= openDatabase(this.vaultPath)
    try {
      storeHeader(this.db, created.header)
    } catch (err) {
      wipe(created.dataKey)
      // Leave no half-made vault behind: a header-less file would make the next create refuse.
      this.db.close()
      this.db = null
      if (fileIsNew) {
        for (const suffix of ['', '-wal', '-shm']) rmSync(this.vaultPath + suffix, { force: true })
      }
      throw err
    }
    const { header, dataKey } = created
    const s = this.startSession(header, dataKey)
    this.write(s, () =>
      this.audit(s, 'create', null, {
        kdf: { m: kdf.memoryKiB, t: kdf.iterations, p: kdf.parallelism },
      }),
    )
    return this.status()
  }

  async unlock(input: ParsedInput<'unlock'>): Promise<VaultStatus> {
    if (!this.vaultExists()) throw new KeyshelfError('NO_VAULT', 'There is no vault yet. Create one first.')
    if (this.session) this.dropSession()
    const header = readHeader(this.database())
    const dataKey = await unlockHeader(header, input.password)
    const s = this.startSession(header, dataKey)
    this.write(s, () => this.audit(s, 'unlock', null, {}))
    for (const hook of this.unlockHooks) hook()
    return this.status()
  }

  /**
   * Unlocks with the vault's data key (quick unlock: the OS keychain keeps it). The key is checked against
   * a sealed value in the header table; one that does not open this vault is WRONG_PASSWORD and writes nothing.
   */
  async unlockWithDataKey(key: Buffer): Promise<VaultStatus> {
    if (!this.vaultExists()) throw new KeyshelfError('NO_VAULT', 'There is no vault yet. Create one first.')
    if (this.session) this.dropSession()
    const db = this.database()
    const header = readHeader(db)
    const row = db.prepare("SELECT value FROM meta WHERE key = 'key_check'").get() as
      { value: string } | undefined
    const keys = deriveSubkeys(key, header.vaultId)
    try {
      if (!row || key.length !== 32) throw new AuthenticationFailedError()
      open(keys.enc, Buffer.from(row.value, 'base64'), KEY_CHECK_AAD)
    } catch (err) {
      if (!(err instanceof AuthenticationFailedError)) throw err
      throw new KeyshelfError(
        'WRONG_PASSWORD',
        'The quick-unlock key does not open this vault. Enter your master password.',
      )
    } finally {
      wipe(keys.enc, keys.fingerprint)
    }
    const s = this.startSession(header, Buffer.from(key))
    this.write(s, () => this.audit(s, 'unlock', null, { method: 'quick-unlock' }))
    for (const hook of this.unlockHooks) hook()
    return this.status()
  }

  /** A copy of the unlocked data key, for quick unlock only (handed to the OS keychain, never stored in clear). */
  dataKeyForQuickUnlock(): Buffer {
    return Buffer.from(this.requireSession().dataKey)
  }

  async lock(): Promise<VaultStatus> {
    this.dropSession()
    return this.status()
  }

  private dropSession(): void {
    const s = this.session
    if (s) {
      wipe(s.dataKey, s.keys.enc, s.keys.fingerprint)
      s.apps.clear()
      s.envs.clear()
      s.creds.clear()
      s.searchIndex = null
      this.session = null
    }
    this.clipboard.clearIfOurs()
  }

  /**
   * Decrypts the rest of the credential overview in small steps after unlock (the desktop calls this), so
   * the first search is warm. Resolves when done or when the vault was locked meanwhile.
   */
  async warmUp(step = 250): Promise<void> {
    const s = this.session
    while (s && this.session === s && !s.creds.warm(step)) {
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }

  /** Locks and closes the database file. */
  async close(): Promise<void> {
    this.dropSession()
    this.db?.close()
    this.db = null
  }

  async changePassword(input: ParsedInput<'changePassword'>): Promise<null> {
    const s = this.requireSession()
    const header = readHeader(s.repo.db)
    const check = await unlockHeader(header, input.current).catch((err: unknown) => {
      if (err instanceof WrongPasswordError) throw new WrongPasswordError()
      throw err
    })
    wipe(check)
    s.header = await rewrapHeader(s.repo.db, header, s.dataKey, input.next)
    this.write(s, () => this.audit(s, 'password-change', null, {}))
    return null
  }

  /** The unlocked session's KDF parameters (for `keyshelf` info and tests). */
  kdfParams(): KdfParams {
    return { ...this.requireSession().header.kdf }
  }

  // ------------------------------------------------------------------ apps

  private appSummary(s: Session, app: App): AppSummary {
    let environmentCount = 0
    for (const e of s.envs.values()) if (e.appId === app.id) environmentCount++
    const summary: AppSummary = {
      ...app,
      environmentCount,
      credentialCount: 0,
      overdue: 0,
      dueSoon: 0,
      expired: 0,
    }
    const now = this.clock()
    const warn = this.settings.get().warnDays
    for (const c of s.creds.plainRows()) {
      const env = s.envs.get(c.environmentId)
      if (env?.appId !== app.id) continue
      summary.credentialCount++
      const st = rotationInfo(c, now, warn).status
      if (st === 'overdue') summary.overdue++
      else if (st === 'due-soon') summary.dueSoon++
      else if (st === 'expired') summary.expired++
    }
    return summary
  }

  async listApps(): Promise<AppSummary[]> {
    const s = this.requireSession()
    return [...s.apps.values()]
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }))
      .map((a) => this.appSummary(s, a))
  }

  private checkPathName(kind: string, name: string): void {
    if (name.includes('/'))
      throw new InvalidInputError(`${kind} names cannot contain "/" (it separates APP/ENV/KEY).`)
  }

  private findAppByName(s: Session, name: string): App | undefined {
    const n = name.toLowerCase()
    for (const a of s.apps.values()) if (a.name.toLowerCase() === n) return a
    return undefined
  }

  async createApp(input: ParsedInput<'createApp'>): Promise<App> {
    return this.createAppNow(input)
  }

  /** Synchronous body of createApp, usable inside {@link transaction}. */
  createAppNow(input: ParsedInput<'createApp'>): App {
    const s = this.requireSession()
    this.checkPathName('App', input.name)
    if (this.findAppByName(s, input.name))
      throw new ConflictError(`An app named "${input.name}" already exists.`)
    const now = this.clock()
    const app: App = {
      id: randomUUID(),
      ...input,
      createdAt: now,
      updatedAt: now,
    }
    this.write(s, () => {
      s.repo.putApp(app)
      this.audit(s, 'edit', null, { action: 'create-app', app: app.name })
    })
    s.apps.set(app.id, app)
    return app
  }

  private getApp(s: Session, id: string): App {
    const app = s.apps.get(id)
    if (!app) throw new NotFoundError('The app')
    return app
  }

  async updateApp(input: ParsedInput<'updateApp'>): Promise<App> {
    return this.updateAppNow(input)
  }

  /** Synchronous body of updateApp, usable inside {@link transaction}. */
  updateAppNow(input: ParsedInput<'updateApp'>): App {
    const s = this.requireSession()
    const app = this.getApp(s, input.id)
    const patch = stripUndefined(input.patch)
    if (patch.name !== undefined) {
      this.checkPathName('App', patch.name)
      const other = this.findAppByName(s, patch.name)
      if (other && other.id !== app.id)
        throw new ConflictError(`An app named "${patch.name}" already exists.`)
    }
    const next: App = { ...app, ...patch, updatedAt: this.clock() }
    this.write(s, () => {
      s.repo.putApp(next)
      this.audit(s, 'edit', null, { action: 'update-app', app: next.name })
    })
    s.apps.set(next.id, next)
    return next
  }

  async deleteApp(input: ParsedInput<'deleteApp'>): Promise<null> {
    const s = this.requireSession()
    const app = this.getApp(s, input.id)
    this.write(s, () => {
      s.repo.deleteApp(app.id)
      this.audit(s, 'delete', null, { app: app.name })
    })
    this.loadOverview(s)
    return null
  }

  // ------------------------------------------------------------------ environments

  async listEnvironments(input: ParsedInput<'listEnvironments'>): Promise<Environment[]> {
    const s = this.requireSession()
    this.getApp(s, input.appId)
    return this.envsOf(s, input.appId)
  }

  private envsOf(s: Session, appId: string): Environment[] {
    return [...s.envs.values()]
      .filter((e) => e.appId === appId)
      .sort((a, b) => a.position - b.position || a.createdAt - b.createdAt)
  }

  private findEnvByName(s: Session, appId: string, name: string): Environment | undefined {
    const n = name.toLowerCase()
    return this.envsOf(s, appId).find((e) => e.name.toLowerCase() === n)
  }

  async createEnvironment(input: ParsedInput<'createEnvironment'>): Promise<Environment> {
    return this.createEnvironmentNow(input)
  }

  /** Synchronous body of createEnvironment, usable inside {@link transaction}. */
  createEnvironmentNow(input: ParsedInput<'createEnvironment'>): Environment {
    const s = this.requireSession()
    const app = this.getApp(s, input.appId)
    this.checkPathName('Environment', input.name)
    if (this.findEnvByName(s, app.id, input.name)) {
      throw new ConflictError(`${app.name} already has an environment named "${input.name}".`)
    }
    const now = this.clock()
    const existing = this.envsOf(s, app.id)
    const env: Environment = {
      id: randomUUID(),
      ...input,
      position: (existing[existing.length - 1]?.position ?? -1) + 1,
      createdAt: now,
      updatedAt: now,
    }
    this.write(s, () => {
      s.repo.putEnvironment(env)
      this.audit(s, 'edit', null, {
        action: 'create-environment',
        app: app.name,
        environment: env.name,
      })
    })
    s.envs.set(env.id, env)
    s.searchIndex = null
    return env
  }

  private getEnv(s: Session, id: string): Environment {
    const env = s.envs.get(id)
    if (!env) throw new NotFoundError('The environment')
    return env
  }

  async updateEnvironment(input: ParsedInput<'updateEnvironment'>): Promise<Environment> {
    return this.updateEnvironmentNow(input)
  }

  /** Synchronous body of updateEnvironment, usable inside {@link transaction}. */
  updateEnvironmentNow(input: ParsedInput<'updateEnvironment'>): Environment {
    const s = this.requireSession()
    const env = this.getEnv(s, input.id)
    const patch = stripUndefined(input.patch)
    if (patch.name !== undefined) {
      this.checkPathName('Environment', patch.name)
      const other = this.findEnvByName(s, env.appId, patch.name)
      if (other && other.id !== env.id)
        throw new ConflictError(`An environment named "${patch.name}" already exists.`)
    }
    const next: Environment = { ...env, ...patch, updatedAt: this.clock() }
    this.write(s, () => {
      s.repo.putEnvironment(next)
      this.audit(s, 'edit', null, {
        action: 'update-environment',
        environment: next.name,
      })
    })
    s.envs.set(next.id, next)
    s.searchIndex = null
    return next
  }

  async deleteEnvironment(input: ParsedInput<'deleteEnvironment'>): Promise<null> {
    const s = this.requireSession()
    const env = this.getEnv(s, input.id)
    this.write(s, () => {
      s.repo.deleteEnvironment(env.id)
      this.audit(s, 'delete', null, {
        environment: env.name,
        app: s.apps.get(env.appId)?.name,
      })
    })
    this.loadOverview(s)
    return null
  }

  // ------------------------------------------------------------------ credentials

  private view(s: Session, c: CredentialRecord): CredentialView {
    const env = s.envs.get(c.environmentId)
    const o = c.overview
    return {
      id: c.id,
      environmentId: c.environmentId,
      appId: env?.appId ?? '',
      name: o.name,
      provider: o.provider,
      providerCredentialId: o.providerCredentialId,
      status: c.status,
      role: o.role,
      allowedHosts: [...o.allowedHosts],
      owner: o.owner,
      tags: [...o.tags],
      notes: o.notes,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      lastRotatedAt: c.lastRotatedAt,
      expiresAt: c.expiresAt,
      rotationIntervalDays: c.rotationIntervalDays,
      rotationState: c.rotationState,
      fields: o.fields.map((f) => ({ ...f, masked: { ...f.masked } })),
      rotation: rotationInfo(c, this.clock(), this.settings.get().warnDays),
    }
  }

  async listCredentials(input: ParsedInput<'listCredentials'>): Promise<CredentialView[]> {
    const s = this.requireSession()
    const out: CredentialView[] = []
    const now = this.clock()
    const warn = this.settings.get().warnDays
    for (const row of s.creds.plainRows()) {
      if (input.environmentId && row.environmentId !== input.environmentId) continue
      if (input.appId && s.envs.get(row.environmentId)?.appId !== input.appId) continue
      if (input.status && rotationInfo(row, now, warn).status !== input.status) continue
      const c = s.creds.get(row.id)
      if (c) out.push(this.view(s, c))
    }
    return out.sort((a, b) => a.name.localeCompare(b.name) || a.createdAt - b.createdAt)
  }

  private getCred(s: Session, id: string): CredentialRecord {
    const c = s.creds.get(id)
    if (!c) throw new NotFoundError('The key')
    return c
  }

  async getCredential(input: ParsedInput<'getCredential'>): Promise<CredentialView> {
    const s = this.requireSession()
    return this.view(s, this.getCred(s, input.id))
  }

  /** Env vars in use in an environment, except those of `exceptCredential`. */
  private envVarsInUse(s: Session, environmentId: string, exceptCredential?: string): Set<string> {
    const used = new Set<string>()
    for (const c of s.creds.inEnvironment(environmentId)) {
      if (c.id === exceptCredential) continue
      for (const f of c.overview.fields) used.add(f.envVar)
    }
    return used
  }

  private checkFieldsUnique(
    s: Session,
    environmentId: string,
    envVars: string[],
    exceptCredential?: string,
  ): void {
    const used = this.envVarsInUse(s, environmentId, exceptCredential)
    const seen = new Set<string>()
    for (const v of envVars) {
      if (seen.has(v))
        throw new ConflictError(`${v} is listed twice; each env var must be unique in its environment.`)
      if (used.has(v)) throw new ConflictError(`${v} is already used by another key in this environment.`)
      seen.add(v)
    }
  }

  private checkCredName(s: Session, environmentId: string, name: string, exceptCredential?: string): void {
    const n = name.toLowerCase()
    for (const c of s.creds.inEnvironment(environmentId)) {
      if (
        c.environmentId === environmentId &&
        c.id !== exceptCredential &&
        c.overview.name.toLowerCase() === n
      ) {
        throw new ConflictError(`This environment already has a key named "${name}".`)
      }
    }
  }

  async createCredential(input: ParsedInput<'createCredential'>): Promise<CredentialView> {
    return this.createCredentialNow(input)
  }

  /** Synchronous body of createCredential, usable inside {@link transaction}. */
  createCredentialNow(input: ParsedInput<'createCredential'>): CredentialView {
    const s = this.requireSession()
    const env = this.getEnv(s, input.environmentId)
    this.checkCredName(s, env.id, input.name)
    this.checkFieldsUnique(
      s,
      env.id,
      input.fields.map((f) => f.envVar),
    )
    const now = this.clock()
    const id = randomUUID()
    const fields = input.fields.map((f) => ({ ...f, id: randomUUID() }))
    const rec: CredentialRecord = {
      id,
      environmentId: env.id,
      status: input.status,
      createdAt: now,
      updatedAt: now,
      lastRotatedAt: input.lastRotatedAt,
      expiresAt: input.expiresAt,
      rotationIntervalDays: input.rotationIntervalDays,
      rotationState: 'settled',
      overview: {
        name: input.name,
        provider: input.provider,
        providerCredentialId: input.providerCredentialId,
        role: input.role,
        allowedHosts: input.allowedHosts,
        owner: input.owner,
        tags: input.tags,
        notes: input.notes,
        fields: fields.map((f) => ({
          id: f.id,
          label: f.label,
          envVar: f.envVar,
          kind: f.kind,
          masked: s.repo.mask(f.kind, f.value),
        })),
      },
    }
    this.write(s, () => {
      s.repo.putCredential(rec)
      fields.forEach((f, i) => s.repo.putFieldValue(f.id, id, i, f.kind, f.value))
      this.audit(s, 'edit', id, {
        action: 'create-key',
        key: input.name,
        envVars: fields.map((f) => f.envVar),
      })
    })
    s.creds.set(rec)
    s.searchIndex = null
    return this.view(s, rec)
  }

  private readValues(s: Session, c: CredentialRecord): Record<string, string> {
    const values: Record<string, string> = {}
    for (const f of c.overview.fields) values[f.id] = s.repo.readFieldValue(f.id, c.id)
    return values
  }

  private snapshot(
    s: Session,
    c: CredentialRecord,
    values: Record<string, string>,
    reason: VersionReason,
    validUntil: number | null,
  ): void {
    s.repo.insertVersion(
      {
        id: randomUUID(),
        credentialId: c.id,
        createdAt: this.clock(),
        reason,
        validUntil,
        fields: c.overview.fields,
      },
      values,
    )
  }

  async updateCredential(input: ParsedInput<'updateCredential'>): Promise<CredentialView> {
    return this.updateCredentialNow(input)
  }

  /** Synchronous body of updateCredential, usable inside {@link transaction}. */
  updateCredentialNow(input: ParsedInput<'updateCredential'>): CredentialView {
    const s = this.requireSession()
    const c = this.getCred(s, input.id)
    const patch = stripUndefined(input.patch)
    if (patch.name !== undefined) this.checkCredName(s, c.environmentId, patch.name, c.id)
    const now = this.clock()
    const next: CredentialRecord = {
      ...c,
      status: patch.status ?? c.status,
      lastRotatedAt: patch.lastRotatedAt !== undefined ? patch.lastRotatedAt : c.lastRotatedAt,
      expiresAt: patch.expiresAt !== undefined ? patch.expiresAt : c.expiresAt,
      rotationIntervalDays:
        patch.rotationIntervalDays !== undefined ? patch.rotationIntervalDays : c.rotationIntervalDays,
      updatedAt: now,
      overview: {
        ...c.overview,
        name: patch.name ?? c.overview.name,
        provider: patch.provider ?? c.overview.provider,
        providerCredentialId: patch.providerCredentialId ?? c.overview.providerCredentialId,
        role: patch.role ?? c.overview.role,
        allowedHosts: patch.allowedHosts ?? c.overview.allowedHosts,
        owner: patch.owner ?? c.overview.owner,
        tags: patch.tags ?? c.overview.tags,
        notes: patch.notes ?? c.overview.notes,
      },
    }
    const writes: {
      id: string
      kind: FieldMeta['kind']
      value: string | undefined
    }[] = []
    let removed: string[] = []
    if (input.fields) {
      const byId = new Map(c.overview.fields.map((f) => [f.id, f]))
      this.checkFieldsUnique(
        s,
        c.environmentId,
        input.fields.map((f) => f.envVar),
        c.id,
      )
      const metas: FieldMeta[] = []
      for (const f of input.fields) {
        if (f.id !== undefined) {
          const old = byId.get(f.id)
          if (!old) throw new NotFoundError('A field of this key')
          const kindChanged = old.kind !== f.kind
          let masked = old.masked
          if (f.value !== undefined || kindChanged) {
            const value = f.value ?? s.repo.readFieldValue(old.id, c.id)
            masked = s.repo.mask(f.kind, value)
            writes.push({ id: old.id, kind: f.kind, value })
          }
          metas.push({
            id: old.id,
            label: f.label,
            envVar: f.envVar,
            kind: f.kind,
            masked,
          })
        } else {
          if (f.value === undefined)
            throw new InvalidInputError(`A value is required for the new field ${f.envVar}.`)
          const id = randomUUID()
          metas.push({
            id,
            label: f.label,
            envVar: f.envVar,
            kind: f.kind,
            masked: s.repo.mask(f.kind, f.value),
          })
          writes.push({ id, kind: f.kind, value: f.value })
        }
      }
      const kept = new Set(input.fields.map((f) => f.id).filter((x): x is string => x !== undefined))
      removed = c.overview.fields.filter((f) => !kept.has(f.id)).map((f) => f.id)
      next.overview = { ...next.overview, fields: metas }
    }
    this.write(s, () => {
      const oldValues = this.readValues(s, c)
      const valueChanged =
        removed.length > 0 || writes.some((w) => oldValues[w.id] !== undefined && oldValues[w.id] !== w.value)
      if (valueChanged) this.snapshot(s, c, oldValues, 'edit', null)
      s.repo.putCredential(next)
      for (const id of removed) s.repo.deleteField(id)
      next.overview.fields.forEach((f, i) => {
        const w = writes.find((x) => x.id === f.id)
        const value = w?.value ?? oldValues[f.id]
        if (value !== undefined) s.repo.putFieldValue(f.id, c.id, i, f.kind, value)
      })
      this.audit(s, 'edit', c.id, {
        action: 'update-key',
        key: next.overview.name,
        valuesChanged: valueChanged,
      })
    })
    s.creds.set(next)
    s.searchIndex = null
    return this.view(s, next)
  }

  async deleteCredential(input: ParsedInput<'deleteCredential'>): Promise<null> {
    const s = this.requireSession()
    const c = this.getCred(s, input.id)
    this.write(s, () => {
      s.repo.deleteCredential(c.id)
      this.audit(s, 'delete', c.id, {
        key: c.overview.name,
        envVars: c.overview.fields.map((f) => f.envVar),
      })
    })
    s.creds.delete(c.id)
    s.searchIndex = null
    return null
  }

  async addField(input: ParsedInput<'addField'>): Promise<CredentialView> {
    const s = this.requireSession()
    const c = this.getCred(s, input.credentialId)
    return this.updateCredential({
      id: c.id,
      patch: {},
      fields: [
        ...c.overview.fields.map((f) => ({
          id: f.id,
          label: f.label,
          envVar: f.envVar,
          kind: f.kind,
        })),
        {
          label: input.label,
          envVar: input.envVar,
          kind: input.kind,
          value: input.value,
        },
      ],
    })
  }

  // ------------------------------------------------------------------ values

  private findField(s: Session, fieldId: string): { c: CredentialRecord; f: FieldMeta } {
    const credId = s.repo.credentialIdOfField(fieldId)
    const c = credId ? s.creds.get(credId) : undefined
    const f = c?.overview.fields.find((x) => x.id === fieldId)
    if (c && f) return { c, f }
    throw new NotFoundError('The field')
  }

  async reveal(input: ParsedInput<'reveal'>): Promise<{ value: string }> {
    const s = this.requireSession()
    const { c, f } = this.findField(s, input.fieldId)
    const value = s.repo.readFieldValue(f.id, c.id)
    this.write(s, () => this.audit(s, 'reveal', c.id, { key: c.overview.name, envVar: f.envVar }))
    return { value }
  }

  async copy(input: ParsedInput<'copy'>): Promise<{ clearsAt: number | null }> {
    const s = this.requireSession()
    const { c, f } = this.findField(s, input.fieldId)
    const value = s.repo.readFieldValue(f.id, c.id)
    const result = this.clipboard.writeSecret(value, this.settings.get().clipboardClearSeconds * 1000)
    this.write(s, () => this.audit(s, 'copy', c.id, { key: c.overview.name, envVar: f.envVar }))
    return result
  }

  /**
   * Reads the current values of an environment's fields for export and run (never crosses IPC raw).
   * Audited by the caller with what and where.
   */
  readEnvironmentValues(
    environmentId: string,
    only?: readonly string[],
  ): {
    envVar: string
    kind: FieldMeta['kind']
    value: string
    credentialId: string
  }[] {
    const s = this.requireSession()
    this.getEnv(s, environmentId)
    const out: {
      envVar: string
      kind: FieldMeta['kind']
      value: string
      credentialId: string
    }[] = []
    const creds = s.creds
      .inEnvironment(environmentId)
      .filter((c) => c.status !== 'revoked')
      .sort((a, b) => a.createdAt - b.createdAt || a.overview.name.localeCompare(b.overview.name))
    for (const c of creds) {
      for (const f of c.overview.fields) {
        if (only && !only.includes(f.envVar)) continue
        out.push({
          envVar: f.envVar,
          kind: f.kind,
          value: s.repo.readFieldValue(f.id, c.id),
          credentialId: c.id,
        })
      }
    }
    if (only) {
      const found = new Set(out.map((o) => o.envVar))
      const missing = only.filter((v) => !found.has(v))
      if (missing.length > 0) throw new NotFoundError(`${missing.join(', ')} in this environment`)
    }
    return out
  }

  /** Records an audit event from a client (export, run, sync); details must never contain values. */
  recordAudit(event: AuditEvent, credentialId: string | null, details: Record<string, unknown>): void {
    const s = this.requireSession()
    this.write(s, () => this.audit(s, event, credentialId, details))
  }

  async rotate(input: ParsedInput<'rotate'>): Promise<CredentialView> {
    return this.rotateWith(input.credentialId, input.values, {
      reason: 'manual',
      overlapHours: input.overlapHours,
    })
  }

  /**
   * Replaces field values in one transaction: the previous values become a version (with reason and
   * overlap), lastRotatedAt moves to now and the rotation state settles. `extra` runs inside the same
   * transaction (the provider journal uses it).
   */
  rotateWith(
    credentialId: string,
    values: { fieldId: string; value: string }[],
    opts: {
      reason: VersionReason
      overlapHours?: number | undefined
      validUntil?: number | null
      patch?: Partial<Pick<CredentialRecord, 'status' | 'expiresAt'>> & {
        providerCredentialId?: string
      }
      extra?: () => void
    },
  ): CredentialView {
    const s = this.requireSession()
    const c = this.getCred(s, credentialId)
    const now = this.clock()
    const byId = new Map(c.overview.fields.map((f) => [f.id, f]))
    const seen = new Set<string>()
    for (const v of values) {
      const f = byId.get(v.fieldId)
      if (!f) throw new NotFoundError('A field of this key')
      if (seen.has(v.fieldId)) throw new InvalidInputError(`${f.envVar} is given twice.`)
      seen.add(v.fieldId)
    }
    const next: CredentialRecord = {
      ...c,
      status: opts.patch?.status ?? 'active',
      expiresAt: opts.patch?.expiresAt !== undefined ? opts.patch.expiresAt : c.expiresAt,
      lastRotatedAt: now,
      updatedAt: now,
      rotationState: 'settled',
      overview: {
        ...c.overview,
        providerCredentialId: opts.patch?.providerCredentialId ?? c.overview.providerCredentialId,
        fields: c.overview.fields.map((f) => {
          const v = values.find((x) => x.fieldId === f.id)
          return v ? { ...f, masked: s.repo.mask(f.kind, v.value) } : f
        }),
      },
    }
    const validUntil =
      opts.validUntil !== undefined
        ? opts.validUntil
        : opts.overlapHours
          ? now + Math.round(opts.overlapHours * HOUR_MS)
          : null
    this.write(s, () => {
      const old = this.readValues(s, c)
      for (const v of values) {
        if (old[v.fieldId] === v.value) {
          throw new InvalidInputError(
            `The new value for ${byId.get(v.fieldId)?.envVar ?? 'the field'} is the same as the current one.`,
          )
        }
      }
      this.snapshot(s, c, old, opts.reason, validUntil)
      s.repo.putCredential(next)
      next.overview.fields.forEach((f, i) => {
        const v = values.find((x) => x.fieldId === f.id)
        if (v) s.repo.putFieldValue(f.id, c.id, i, f.kind, v.value)
      })
      opts.extra?.()
      this.audit(s, 'rotate', c.id, {
        key: c.overview.name,
        envVars: values.map((v) => byId.get(v.fieldId)?.envVar),
        reason: opts.reason,
        validUntil,
      })
    })
    s.creds.set(next)
    return this.view(s, next)
  }

  async history(input: ParsedInput<'history'>): Promise<VersionView[]> {
    const s = this.requireSession()
    const c = this.getCred(s, input.credentialId)
    return s.repo.listVersions(c.id).map((v) => ({
      id: v.id,
      credentialId: v.credentialId,
      createdAt: v.createdAt,
      reason: v.reason,
      validUntil: v.validUntil,
      fields: v.fields.map((f) => ({
        fieldId: f.id,
        label: f.label,
        envVar: f.envVar,
        kind: f.kind,
        masked: { ...f.masked },
      })),
    }))
  }

  async revealVersion(input: ParsedInput<'revealVersion'>): Promise<{ value: string }> {
    const s = this.requireSession()
    const found = s.repo.readVersionValue(input.versionId, input.fieldId)
    if (!found) throw new NotFoundError('That version')
    this.write(s, () =>
      this.audit(s, 'reveal', found.credentialId, {
        version: input.versionId,
        field: input.fieldId,
      }),
    )
    return { value: found.value }
  }

  // ------------------------------------------------------------------ search and due

  private buildIndex(s: Session): SearchEntry[] {
    const entries: SearchEntry[] = []
    for (const a of s.apps.values()) {
      entries.push({
        hit: {
          kind: 'app',
          appId: a.id,
          environmentId: null,
          credentialId: null,
          fieldId: null,
          label: a.name,
        },
        hay: [a.name, a.appId, a.description, ...a.tags].join('\n').toLowerCase(),
      })
    }
    for (const e of s.envs.values()) {
      const app = s.apps.get(e.appId)
      entries.push({
        hit: {
          kind: 'environment',
          appId: e.appId,
          environmentId: e.id,
          credentialId: null,
          fieldId: null,
          label: `${app?.name ?? '?'} › ${e.name}`,
        },
        hay: [app?.name ?? '', e.name, e.region].join('\n').toLowerCase(),
      })
    }
    for (const c of s.creds.values()) {
      const e = s.envs.get(c.environmentId)
      const app = e ? s.apps.get(e.appId) : undefined
      const base = [app?.name ?? '', e?.name ?? '', c.overview.name, c.overview.provider, ...c.overview.tags]
      for (const f of c.overview.fields) {
        entries.push({
          hit: {
            kind: 'field',
            appId: e?.appId ?? '',
            environmentId: c.environmentId,
            credentialId: c.id,
            fieldId: f.id,
            label: `${app?.name ?? '?'} › ${e?.name ?? '?'} › ${c.overview.name} (${f.envVar})`,
          },
          hay: [...base, f.envVar, f.label].join('\n').toLowerCase(),
        })
      }
    }
    return entries
  }

  async search(input: ParsedInput<'search'>): Promise<SearchHit[]> {
    const s = this.requireSession()
    s.searchIndex ??= this.buildIndex(s)
    const terms = input.query.toLowerCase().split(/\s+/).filter(Boolean)
    const limit = input.limit ?? 50
    const hits: SearchHit[] = []
    if (terms.length === 0) return hits
    for (const entry of s.searchIndex) {
      if (terms.every((t) => entry.hay.includes(t))) {
        hits.push(entry.hit)
        if (hits.length >= limit) break
      }
    }
    return hits
  }

  async dueReport(input: ParsedInput<'dueReport'>): Promise<DueItem[]> {
    const s = this.requireSession()
    const now = this.clock()
    const warn = input.withinDays ?? this.settings.get().warnDays
    const items: DueItem[] = []
    for (const row of s.creds.plainRows()) {
      const info = rotationInfo(row, now, warn)
      if (info.status !== 'overdue' && info.status !== 'due-soon' && info.status !== 'expired') continue
      const c = s.creds.get(row.id)
      if (!c) continue
      const env = s.envs.get(c.environmentId)
      const app = env ? s.apps.get(env.appId) : undefined
      items.push({
        credentialId: c.id,
        appId: app?.id ?? '',
        appName: app?.name ?? '',
        environmentId: c.environmentId,
        environmentName: env?.name ?? '',
        name: c.overview.name,
        envVars: c.overview.fields.map((f) => f.envVar),
        rotation: info,
        expiresAt: c.expiresAt,
        lastRotatedAt: c.lastRotatedAt,
      })
    }
    return items.sort(
      (a, b) =>
        (a.rotation.governingAt ?? Infinity) - (b.rotation.governingAt ?? Infinity) ||
        a.name.localeCompare(b.name),
    )
  }

  async dueCounts(): Promise<DueCounts> {
    if (!this.vaultExists()) return { overdue: 0, dueSoon: 0, expired: 0, total: 0 }
    return countDue(readRotationRows(this.database()), this.clock(), this.settings.get().warnDays)
  }

  async auditLog(input: ParsedInput<'auditLog'>): Promise<AuditEntry[]> {
    const s = this.requireSession()
    return s.repo.listAudit(input.limit ?? 200)
  }

  async getPreferences(): Promise<Preferences> {
    return this.settings.get()
  }

  async setPreferences(input: ParsedInput<'setPreferences'>): Promise<Preferences> {
    return this.settings.set(stripUndefined(input))
  }

  // ------------------------------------------------------------------ addressing (CLI)

  /** Finds an app by name (case-insensitive). */
  appByName(name: string): App {
    const s = this.requireSession()
    const app = this.findAppByName(s, name)
    if (!app) throw new NotFoundError(`App "${name}"`)
    return app
  }

  /** Finds an environment of an app by name (case-insensitive). */
  environmentByName(appName: string, envName: string): { app: App; environment: Environment } {
    const s = this.requireSession()
    const app = this.appByName(appName)
    const environment = this.findEnvByName(s, app.id, envName)
    if (!environment) throw new NotFoundError(`Environment "${envName}" of ${app.name}`)
    return { app, environment }
  }

  /** Resolves `APP/ENV/ENV_VAR` to a field. */
  fieldByPath(path: string): FieldAddress {
    const { app, environment, rest } = this.splitPath(path)
    const s = this.requireSession()
    for (const c of s.creds.inEnvironment(environment.id)) {
      const field = c.overview.fields.find((f) => f.envVar === rest)
      if (field) return { app, environment, credential: this.view(s, c), field }
    }
    throw new NotFoundError(`${rest} in ${app.name}/${environment.name}`)
  }

  /** Resolves `APP/ENV/NAME` to a credential, by its name or by one of its env vars. */
  credentialByPath(path: string): {
    app: App
    environment: Environment
    credential: CredentialView
  } {
    const { app, environment, rest } = this.splitPath(path)
    const s = this.requireSession()
    const n = rest.toLowerCase()
    const inEnv = s.creds.inEnvironment(environment.id)
    const c =
      inEnv.find((x) => x.overview.name.toLowerCase() === n) ??
      inEnv.find((x) => x.overview.fields.some((f) => f.envVar === rest))
    if (!c) throw new NotFoundError(`Key "${rest}" in ${app.name}/${environment.name}`)
    return { app, environment, credential: this.view(s, c) }
  }

  private splitPath(path: string): {
    app: App
    environment: Environment
    rest: string
  } {
    const parts = path.split('/')
    if (parts.length < 3 || parts.some((p) => p === '')) {
      throw new InvalidInputError(`"${path}" is not an address; use APP/ENV/KEY.`)
    }
    const [appName, envName, ...rest] = parts as [string, string, ...string[]]
    const { app, environment } = this.environmentByName(appName, envName)
    return { app, environment, rest: rest.join('/') }
  }

  // ------------------------------------------------------------------ for core modules (sync, import)

  /**
   * Runs `fn` (synchronous service calls such as createCredentialNow, rotateWith) in ONE transaction.
   * If it throws, the database rolls back and the in-memory overview is reloaded, so nothing changed.
   */
  transaction<T>(fn: () => T): T {
    const s = this.requireSession()
    try {
      // IMMEDIATE: take the write lock first (waiting up to busy_timeout), so another process that wrote
      // meanwhile (a second keyshelf, the desktop app) does not fail this one with SQLITE_BUSY.
      return s.repo.db.transaction(fn).immediate()
    } catch (err) {
      if (this.session === s) this.loadOverview(s)
      throw err
    }
  }

  /** Synchronous view of one credential. */
  credentialNow(id: string): CredentialView {
    const s = this.requireSession()
    return this.view(s, this.getCred(s, id))
  }

  /** Synchronous views of an environment's credentials. */
  credentialsInEnvironment(environmentId: string): CredentialView[] {
    const s = this.requireSession()
    this.getEnv(s, environmentId)
    return s.creds.inEnvironment(environmentId).map((c) => this.view(s, c))
  }

  /** Synchronous lookup of one environment. */
  environmentNow(id: string): Environment {
    return { ...this.getEnv(this.requireSession(), id) }
  }

  /** The unlocked repository, for core modules that own their own tables (provider sync, journal). */
  repository(): VaultRepository {
    return this.requireSession().repo
  }

  /** Reads one current value without auditing; callers audit what they do with it. */
  readValue(credentialId: string, fieldId: string): string {
    const s = this.requireSession()
    const c = this.getCred(s, credentialId)
    if (!c.overview.fields.some((f) => f.id === fieldId)) throw new NotFoundError('The field')
    return s.repo.readFieldValue(fieldId, c.id)
  }

  /** Sets the rotation state (e.g. 'unknown' after a lost provider answer). */
  setRotationState(
    credentialId: string,
    state: CredentialRecord['rotationState'],
    status?: CredentialRecord['status'],
  ): void {
    const s = this.requireSession()
    const c = this.getCred(s, credentialId)
    const next: CredentialRecord = {
      ...c,
      rotationState: state,
      status: status ?? c.status,
      updatedAt: this.clock(),
    }
    this.write(s, () => s.repo.putCredential(next))
    s.creds.set(next)
  }

  /** Registers a hook that runs right after every successful unlock (journal recovery). */
  onUnlock(hook: () => void): void {
    this.unlockHooks.push(hook)
  }

  // ------------------------------------------------------------------ internals

  /** Runs `fn` in one SQLite transaction; the in-memory overview is updated by callers only after commit. */
  private write(s: Session, fn: () => void): void {
    s.repo.db.transaction(fn).immediate() // see transaction()
    s.dataVersion = s.repo.db.pragma('data_version', {
      simple: true,
    }) as number
  }

  private audit(s: Session, event: AuditEvent, credentialId: string | null, details: object): void {
    s.repo.insertAudit(randomUUID(), this.clock(), event, credentialId, details)
    this.logger.info('audit', { event })
  }
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v
  return out as { [K in keyof T]?: Exclude<T[K], undefined> }
}
