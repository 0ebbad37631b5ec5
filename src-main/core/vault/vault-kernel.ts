import type { Database } from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import { existsSync, rmSync } from 'node:fs'
import type { ParsedInput } from '../../../src-shared/contract'
import type { App, AuditEntry, AuditEvent, Environment, KdfParams } from '../../../src-shared/model'
import { DEFAULT_KDF } from '../../../src-shared/model'
import { AuthenticationFailedError, open, randomKey } from '../crypto/aead'
import { assertKdfParams } from '../crypto/kdf'
import { deriveSubkeys, wipe, type SessionKeys } from '../crypto/subkeys'
import { auditOriginNow, type AuditOrigin } from '../audit-origin'
import { openDatabase } from '../db/open-database'
import { KeyshelfError, LockedError, WrongPasswordError } from '../errors'
import type { Logger } from '../logger'
import { silentLogger } from '../logger'
import type { Clock, SecretClipboard, Settings } from '../platform-ports'
import { MemoryClipboard, MemorySettings } from '../platform-ports'
import { CredentialCache } from './credential-cache'
import { readCredentialsAhead, totalChanges } from './credential-read-ahead'
import {
  buildHeader,
  hasHeader,
  readHeader,
  rewrapHeader,
  storeHeader,
  unlockHeader,
  wrapNewKey,
  writeHeader,
  type VaultHeader,
} from './vault-header'
import { resealAll } from './rekey'
import { rowBindingVersion, upgradeRowBinding } from './row-binding-upgrade'
import { ROW_BINDING_VERSION } from './row-binding'
import {
  ensureStructureDigest,
  KEY_CHECK_AAD,
  keyCheckBlob,
  StructureTracker,
  verifyStructureDigest,
  writeStructureDigest,
} from './structure-digest'
import { VaultRepository } from './vault.repository'

/** What the core is built from. Only `src-main/index.ts`, the CLI and tests build one. */
export interface ServiceDeps {
  /** Path of the vault file, or ':memory:'. */
  vaultPath: string
  clock?: Clock
  clipboard?: SecretClipboard
  settings?: Settings
  logger?: Logger
  /** Who this core serves ('app' or 'cli'): recorded in audit entries unless a call sets its own. */
  origin?: AuditOrigin
}

/**
 * One unlocked vault: its keys, repository and the decrypted overview (apps, environments, credential
 * cache). Modules read the overview from here and update it only after their write committed.
 */
export interface Session {
  header: VaultHeader
  dataKey: Buffer
  keys: SessionKeys
  repo: VaultRepository
  apps: Map<string, App>
  envs: Map<string, Environment>
  creds: CredentialCache
  /** SQLite's data_version at the last load or own write; another connection's commit changes it. */
  dataVersion: number
  /** Bumped whenever names or addresses in the overview change; derived caches (search) rebuild on change. */
  revision: number
}

/**
 * The vault kernel: the database file, the session (create, unlock, lock, password change, data key),
 * writes and transactions (`BEGIN IMMEDIATE`), the audit log, and the in-memory overview with its
 * data_version refresh. Every module is composed around one kernel; none holds vault state of its own.
 */
export class VaultKernel {
  readonly vaultPath: string
  readonly clock: Clock
  readonly clipboard: SecretClipboard
  readonly settings: Settings
  readonly logger: Logger
  /** The default origin of audit entries (see audit-origin.ts). */
  private readonly origin: AuditOrigin | undefined
  private db: Database | null = null
  private current: Session | null = null
  private readonly unlockHooks: (() => void)[] = []
  private readonly lockHooks: (() => void)[] = []
  /** Keeps the sealed structure digest current on this connection while unlocked (structure-digest.ts). */
  private readonly structure = new StructureTracker()

  constructor(deps: ServiceDeps) {
    this.vaultPath = deps.vaultPath
    this.clock = deps.clock ?? Date.now
    this.clipboard = deps.clipboard ?? new MemoryClipboard(this.clock)
    this.settings = deps.settings ?? new MemorySettings()
    this.logger = deps.logger ?? silentLogger
    this.origin = deps.origin
  }

  // ------------------------------------------------------------------ file

  /** True when the path holds a vault (a header, or data from before an interrupted create). Opens the file. */
  exists(forCreate = false): boolean {
    if (!this.db && (this.vaultPath === ':memory:' || !existsSync(this.vaultPath))) return false
    const db = this.database(forCreate)
    // A file with neither a header nor data (a create interrupted between schema and header) is no vault.
    if (hasHeader(db)) return true
    return db.prepare('SELECT 1 FROM apps LIMIT 1').get() !== undefined
  }

  /**
   * The open database; NO_VAULT when the file does not exist. `forCreate` accepts an existing 0-byte file
   * (init over an empty file); otherwise a file too short to be a vault is VAULT_CORRUPT.
   */
  database(forCreate = false): Database {
    if (!this.db) {
      if (this.vaultPath !== ':memory:' && !existsSync(this.vaultPath)) {
        throw new KeyshelfError(
          'NO_VAULT',
          `No vault at ${this.vaultPath}. Create one first (keyshelf init).`,
        )
      }
      this.db = openDatabase(this.vaultPath, { allowEmpty: forCreate })
    }
    return this.db
  }

  /** Locks and closes the database file. */
  close(): void {
    this.lock()
    this.db?.close()
    this.db = null
    this.structure.forget()
  }

  // ------------------------------------------------------------------ session

  /** True while a session is open (does not refresh). */
  get unlocked(): boolean {
    return this.current !== null
  }

  /** The session, refreshed if another connection committed; LOCKED when there is none. */
  session(): Session {
    const s = this.current
    if (!s) throw new LockedError()
    this.refreshIfChanged(s)
    return s
  }

  /** The session as it is, or null (no refresh, no error): for background work that stops on lock. */
  peekSession(): Session | null {
    return this.current
  }

  /**
   * Creates the vault file's header with `password` (KDF: the defaults with `kdfOverrides`, refused if weak)
   * and opens a session. VAULT_EXISTS if there is one.
   */
  async create(password: string, kdfOverrides?: ParsedInput<'create'>['kdf']): Promise<void> {
    if (this.exists(true)) {
      throw new KeyshelfError(
        'VAULT_EXISTS',
        `A vault already exists at ${this.vaultPath}. Unlock it instead.`,
      )
    }
    const kdf: KdfParams = { ...DEFAULT_KDF, ...kdfOverrides, algorithm: 'argon2id' }
    // Refuse weak parameters before a file exists: a header-less file would block a later create.
    assertKdfParams(kdf)
    // Argon2 runs before any file exists; the file then gets its schema and header in a few milliseconds.
    const created = await buildHeader(password, kdf, this.clock())
    const fileIsNew = this.vaultPath !== ':memory:' && !existsSync(this.vaultPath)
    this.db ??= openDatabase(this.vaultPath, { allowEmpty: true })
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
    const s = this.startSession(created.header, created.dataKey)
    this.write(s, () =>
      this.audit(s, 'create', null, {
        kdf: { m: kdf.memoryKiB, t: kdf.iterations, p: kdf.parallelism },
      }),
    )
  }

  /**
   * Opens a session with the master password (WRONG_PASSWORD if it does not open the header). `readAhead`:
   * the caller will load every credential next (the CLI's `key list`, `search`): their rows are read while
   * Argon2id runs (credential-read-ahead.ts).
   */
  async unlock(password: string, opts: { readAhead?: boolean } = {}): Promise<void> {
    if (!this.exists()) throw new KeyshelfError('NO_VAULT', 'There is no vault yet. Create one first.')
    const db = this.database()
    const header = readHeader(db)
    // A wrong password leaves an open session open: check first, then replace the session.
    const derived = unlockHeader(header, password)
    const ahead = opts.readAhead ? readCredentialsAhead(db) : null
    const dataKey = await derived
    if (this.current) this.lock()
    const s = this.startSession(header, dataKey)
    this.write(s, () => this.audit(s, 'unlock', null, {}))
    const before = ahead ? totalChanges(db) : 0
    for (const hook of this.unlockHooks) hook()
    if (ahead && this.current === s) s.repo.adoptReadAhead(ahead, totalChanges(db) !== before)
  }

  /**
   * Opens a session with the vault's data key (quick unlock). The key is checked against a sealed value in
   * the meta table; one that does not open this vault is WRONG_PASSWORD and writes nothing.
   */
  unlockWithDataKey(key: Buffer): void {
    if (!this.exists()) throw new KeyshelfError('NO_VAULT', 'There is no vault yet. Create one first.')
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
    if (this.current) this.lock()
    const s = this.startSession(header, Buffer.from(key))
    this.write(s, () => this.audit(s, 'unlock', null, { method: 'quick-unlock' }))
    for (const hook of this.unlockHooks) hook()
  }

  /** Wipes the keys and the overview and clears a clipboard value this app put there. */
  lock(): void {
    const s = this.current
    if (s) {
      wipe(s.dataKey, s.keys.enc, s.keys.fingerprint)
      s.apps.clear()
      s.envs.clear()
      s.creds.clear()
      s.revision++
      this.current = null
      this.structure.detach()
      for (const hook of this.lockHooks) hook()
    }
    this.clipboard.clearIfOurs()
  }

  /** Re-wraps the data key under `next` after checking `current` (WRONG_PASSWORD if it is not). */
  async changePassword(current: string, next: string): Promise<void> {
    const s = this.session()
    const header = readHeader(s.repo.db)
    const check = await unlockHeader(header, current).catch((err: unknown) => {
      if (err instanceof WrongPasswordError) throw new WrongPasswordError()
      throw err
    })
    wipe(check)
    s.header = await rewrapHeader(s.repo.db, header, s.dataKey, next)
    this.write(s, () => this.audit(s, 'password-change', null, {}))
  }

  /**
   * Rotates the data key: a new random key, every ciphertext re-sealed (fingerprints recomputed) and the
   * header re-wrapped in ONE transaction, with an audit entry. Needs the master password (WRONG_PASSWORD
   * writes nothing). An old copy of the file and an old password then open nothing written afterwards.
   */
  async rekey(
    password: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ resealed: number }> {
    const s = this.session()
    const header = readHeader(s.repo.db)
    const dataKey = randomKey()
    // The password check and the new wrap (fresh salt) are two Argon2 runs: in parallel (thread pool).
    // A wrong password is WRONG_PASSWORD before anything is written; the new wrap is then dropped.
    const [check, next] = await Promise.allSettled([
      unlockHeader(header, password),
      wrapNewKey(header, dataKey, password),
    ])
    if (check.status === 'rejected' || next.status === 'rejected') {
      if (check.status === 'fulfilled') wipe(check.value)
      wipe(dataKey)
      throw check.status === 'rejected' ? check.reason : (next as PromiseRejectedResult).reason
    }
    wipe(check.value)
    const keys = deriveSubkeys(dataKey, header.vaultId)
    let resealed = 0
    try {
      this.write(s, () => {
        resealed = resealAll(s.repo.db, s.keys, keys, onProgress)
        writeHeader(s.repo.db, next.value)
        s.repo.db.prepare("UPDATE meta SET value = ? WHERE key = 'key_check'").run(keyCheckBlob(keys.enc))
        new VaultRepository(s.repo.db, keys).insertAudit(randomUUID(), this.clock(), 'rekey', null, {
          resealed,
        })
        // The audit insert above was folded in under the old key: recompute under the new one, last.
        writeStructureDigest(s.repo.db, keys.enc)
      })
    } catch (err) {
      wipe(dataKey, keys.enc, keys.fingerprint)
      throw err
    }
    wipe(keys.enc, keys.fingerprint)
    this.lock()
    this.startSession(next.value, dataKey)
    return { resealed }
  }

  /** A copy of the unlocked data key, for quick unlock only (handed to the OS keychain, never stored in clear). */
  dataKeyCopy(): Buffer {
    return Buffer.from(this.session().dataKey)
  }

  /** The unlocked vault's KDF parameters (a copy). */
  kdfParams(): KdfParams {
    return { ...this.session().header.kdf }
  }

  /** Registers a hook that runs right after every successful unlock (journal recovery). */
  onUnlock(hook: () => void): void {
    this.unlockHooks.push(hook)
  }

  /** Registers a hook that runs when a session ends (modules drop caches derived from the overview). */
  onLock(hook: () => void): void {
    this.lockHooks.push(hook)
  }

  // ------------------------------------------------------------------ writes and audit

  /** Runs `fn` in one IMMEDIATE transaction; callers update the overview only after it returns (committed). */
  write(s: Session, fn: () => void): void {
    s.repo.db
      .transaction(() => {
        // Inside BEGIN IMMEDIATE: reload what another process committed before building on it.
        this.refreshIfChanged(s)
        fn()
      })
      .immediate() // see transaction()
    s.dataVersion = s.repo.db.pragma('data_version', { simple: true }) as number
  }

  /**
   * Runs `fn` (synchronous module calls such as createCredentialNow, rotateWith) in ONE transaction.
   * If it throws, the database rolls back and the in-memory overview is reloaded, so nothing changed.
   */
  transaction<T>(fn: () => T): T {
    const s = this.session()
    try {
      // IMMEDIATE: take the write lock first (waiting up to busy_timeout), so another process that wrote
      // meanwhile (a second keyshelf, the desktop app) does not fail this one with SQLITE_BUSY.
      return s.repo.db.transaction(fn).immediate()
    } catch (err) {
      if (this.current === s) this.reloadOverview(s)
      throw err
    }
  }

  /** Appends an audit entry inside the caller's write; details must never contain values. */
  audit(s: Session, event: AuditEvent, credentialId: string | null, details: object): void {
    const origin = auditOriginNow() ?? this.origin
    const withOrigin = origin && !('origin' in details) ? { ...details, origin } : details
    s.repo.insertAudit(randomUUID(), this.clock(), event, credentialId, withOrigin)
    this.logger.info('audit', { event })
  }

  /** Records an audit event in its own write (export, run, sync); details must never contain values. */
  recordAudit(event: AuditEvent, credentialId: string | null, details: Record<string, unknown>): void {
    const s = this.session()
    this.write(s, () => this.audit(s, event, credentialId, details))
  }

  /** The newest `limit` audit entries (the audit table is checked against the structure digest first). */
  auditLog(limit: number): AuditEntry[] {
    const s = this.session()
    verifyStructureDigest(s.repo.db, s.keys.enc, ['audit'])
    return s.repo.listAudit(limit)
  }

  // ------------------------------------------------------------------ overview

  /** Reloads apps, environments and credential rows (all outside the Trash) from the database. */
  reloadOverview(s: Session): void {
    // One read transaction: the structure check and the loads see the same snapshot (another process may
    // commit at any moment).
    s.repo.db.transaction(() => {
      // Rows deleted or moved without the key would silently vanish from their lists: refuse instead.
      verifyStructureDigest(s.repo.db, s.keys.enc)
      // Trashed rows are opened too (a forged deleted_at is VAULT_CORRUPT) but stay out of the overview.
      s.apps = new Map(
        s.repo
          .loadApps()
          .filter((a) => a.deletedAt === null)
          .map(({ deletedAt: _d, ...a }) => [a.id, a]),
      )
      s.envs = new Map(
        s.repo
          .loadEnvironments()
          .filter((e) => e.deletedAt === null && s.apps.has(e.appId))
          .map(({ deletedAt: _d, ...e }) => [e.id, e]),
      )
      s.creds.load()
    })()
    s.revision++
  }

  /** Marks the overview's names or addresses as changed, so derived caches (the search index) rebuild. */
  touch(s: Session): void {
    s.revision++
  }

  /**
   * Decrypts the rest of the credential overview in small steps (the desktop calls this after unlock), so
   * the first search is warm. Resolves when done or when the vault was locked meanwhile.
   */
  async warmUp(step: number): Promise<void> {
    const s = this.current
    while (s && this.current === s && !s.creds.warm(step)) {
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }

  /** Reloads the in-memory overview when another connection (the CLI, another window) committed. */
  private refreshIfChanged(s: Session): void {
    const v = s.repo.db.pragma('data_version', { simple: true }) as number
    if (v !== s.dataVersion) {
      this.reloadOverview(s)
      s.dataVersion = v
    }
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
      revision: 0,
    }
    try {
      const older = rowBindingVersion(db) < ROW_BINDING_VERSION
      upgradeRowBinding(db, keys.enc) // first unlock after the row-binding upgrade: one transaction
      // First unlock of a vault without a structure digest (new, or older code): written now.
      ensureStructureDigest(db, keys.enc, older)
      this.structure.attach(db, keys.enc)
      this.reloadOverview(s)
    } catch (err) {
      this.structure.detach()
      wipe(dataKey, keys.enc, keys.fingerprint)
      throw err
    }
    this.current = s
    return s
  }
}
