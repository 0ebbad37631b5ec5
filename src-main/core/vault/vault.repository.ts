import type { Database, Statement } from 'better-sqlite3'
import { last4Of } from './last4'
import type {
  App,
  AuditEvent,
  CredentialStatus,
  Environment,
  FieldKind,
  MaskedValue,
  ProviderId,
  RotationState,
  VersionReason,
} from '../../../src-shared/model'
import { AuthenticationFailedError, open, seal } from '../crypto/aead'
import type { SessionKeys } from '../crypto/subkeys'
import { fingerprint } from '../crypto/subkeys'
import { VaultCorruptError } from '../errors'
import { stampRows, totalChanges, type CredentialReadAhead } from './credential-read-ahead'
import { readSnapshot, writeSnapshot } from './overview-snapshot'
import { metaAad, rowAad, type SealedMetaKey, type SealedTable } from './row-binding'

/** Decrypted per-field metadata, kept in the credential's encrypted overview. */
export interface FieldMeta {
  id: string
  label: string
  envVar: string
  kind: FieldKind
  masked: MaskedValue
}

/** The encrypted part of a credential row: everything the user typed except the values. */
export interface CredentialOverview {
  name: string
  provider: ProviderId
  providerCredentialId: string
  role: string
  allowedHosts: string[]
  owner: string
  tags: string[]
  notes: string
  fields: FieldMeta[]
}

/** The plaintext columns of a credential row. */
export interface CredentialRow {
  id: string
  environmentId: string
  status: CredentialStatus
  createdAt: number
  updatedAt: number
  lastRotatedAt: number | null
  expiresAt: number | null
  rotationIntervalDays: number | null
  rotationState: RotationState
}

export interface CredentialRecord extends CredentialRow {
  overview: CredentialOverview
}

/** A row as stored: the model object plus its Trash time (null when it is not in the Trash). */
export type Stored<T> = T & { deletedAt: number | null }

/**
 * SQL condition on `credentials`: its environment and that environment's app are not in the Trash. Every
 * reader of credentials (overview, search, due, locked counts, export, run, sync) goes through it.
 */
export const LIVE_CREDENTIAL = `environment_id IN (SELECT e.id FROM environments e JOIN apps a ON a.id = e.app_id
    WHERE e.deleted_at IS NULL AND a.deleted_at IS NULL)`

/**
 * `WHERE <LIVE_CREDENTIAL>` when anything is in the Trash, '' otherwise (two partial-index probes: the
 * usual empty Trash costs the 10,000-key scans nothing).
 */
export function liveCredentialsWhere(db: Database): string {
  const any = db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM apps WHERE deleted_at IS NOT NULL)
         OR EXISTS (SELECT 1 FROM environments WHERE deleted_at IS NOT NULL) AS t`,
    )
    .get() as { t: number }
  return any.t ? `WHERE ${LIVE_CREDENTIAL}` : ''
}

type AppEnc = Pick<App, 'name' | 'description' | 'appId' | 'tags' | 'notes'>
type EnvEnc = Pick<Environment, 'name' | 'apiUrl' | 'wsUrl' | 'region' | 'notes'>

/** A version's encrypted snapshot of the previous field metadata. */
export interface VersionRecord {
  id: string
  credentialId: string
  createdAt: number
  reason: VersionReason
  validUntil: number | null
  fields: FieldMeta[]
}

/** A credentials row as SQLite returns it. */
export interface RawCredentialRow {
  id: string
  environment_id: string
  status: CredentialStatus
  created_at: number
  updated_at: number
  last_rotated_at: number | null
  expires_at: number | null
  rotation_interval_days: number | null
  rotation_state: RotationState
  enc: Buffer
}

/**
 * Row-level storage with encryption. Every `*enc` column is sealed with the session key and an AAD that
 * binds it to its table, row id and column and to the row's plaintext columns (parents, status, dates;
 * see row-binding.ts). A ciphertext moved to another row or column, or a plaintext column changed or
 * swapped without the key, fails to open (VaultCorruptError). All SQL is parameterised. Callers own
 * transactions (`db.transaction`).
 */
export class VaultRepository {
  private readonly stmts = new Map<string, Statement>()

  constructor(
    readonly db: Database,
    private readonly keys: SessionKeys,
  ) {}

  private stmt(sql: string): Statement {
    let s = this.stmts.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.stmts.set(sql, s)
    }
    return s
  }

  /**
   * Seals a JSON value for one column of one row. `row` holds the row's plaintext columns by their SQL
   * names; the ones row-binding.ts lists for `table` are bound into the AAD.
   */
  sealJson(table: SealedTable, id: string, column: string, row: object, value: unknown): Buffer {
    return this.sealText(table, id, column, row, JSON.stringify(value))
  }

  /** Seals a string for one column of one row (see {@link sealJson}). */
  sealText(table: SealedTable, id: string, column: string, row: object, text: string): Buffer {
    return seal(this.keys.enc, Buffer.from(text, 'utf8'), rowAad(table, id, column, row))
  }

  /**
   * Opens a sealed JSON value of a row as read from the database (`row` = its plaintext columns). Tampering,
   * a moved ciphertext or a changed plaintext column becomes VaultCorruptError.
   */
  openJson<T>(table: SealedTable, id: string, column: string, row: object, blob: Buffer): T {
    return JSON.parse(this.openText(table, id, column, row, blob)) as T
  }

  /** A sealed `meta` row's JSON value, or `fallback` when the row does not exist. Tampering is VAULT_CORRUPT. */
  readSealedMeta<T>(key: SealedMetaKey, fallback: T): T {
    const row = this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined
    if (!row) return fallback
    try {
      return JSON.parse(
        open(this.keys.enc, Buffer.from(row.value, 'base64'), metaAad(key)).toString('utf8'),
      ) as T
    } catch (err) {
      if (err instanceof AuthenticationFailedError || err instanceof SyntaxError) {
        throw new VaultCorruptError(`meta ${key}`)
      }
      throw err
    }
  }

  /** Seals and stores a `meta` row's JSON value (call inside a write transaction). */
  writeSealedMeta(key: SealedMetaKey, value: unknown): void {
    const blob = seal(this.keys.enc, Buffer.from(JSON.stringify(value), 'utf8'), metaAad(key))
    this.stmt(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ).run(key, blob.toString('base64'))
  }

  /** Opens a sealed string of a row (see {@link openJson}). */
  openText(table: SealedTable, id: string, column: string, row: object, blob: Buffer): string {
    try {
      return open(this.keys.enc, blob, rowAad(table, id, column, row)).toString('utf8')
    } catch (err) {
      if (err instanceof AuthenticationFailedError || err instanceof SyntaxError) {
        throw new VaultCorruptError(`${table} row ${id}, ${column}`)
      }
      throw err
    }
  }

  /** The masked form of a value: kind, last 4 characters of long secrets, and a keyed fingerprint. */
  mask(kind: FieldKind, value: string): MaskedValue {
    return {
      last4: kind === 'secret' ? last4Of(value) : null,
      fingerprint: fingerprint(this.keys.fingerprint, value),
      clear: kind === 'public' ? value : null,
      empty: value === '',
      endsWithNewline: value.endsWith('\n'),
    }
  }

  // ---- apps ----
  /**
   * Every app, live and in the Trash (each one opened, so a `deleted_at` set or cleared without the key is
   * VaultCorruptError at unlock, never a silently hidden or revived app).
   */
  loadApps(): Stored<App>[] {
    const rows = this.stmt('SELECT id, created_at, updated_at, deleted_at, enc FROM apps').all() as {
      id: string
      created_at: number
      updated_at: number
      deleted_at: number | null
      enc: Buffer
    }[]
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      deletedAt: r.deleted_at,
      ...this.openJson<AppEnc>('apps', r.id, 'enc', r, r.enc),
    }))
  }

  putApp(app: App): void {
    const enc: AppEnc = {
      name: app.name,
      description: app.description,
      appId: app.appId,
      tags: app.tags,
      notes: app.notes,
    }
    this.stmt(
      `INSERT INTO apps (id, created_at, updated_at, enc) VALUES (?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at, enc = excluded.enc`,
    ).run(
      app.id,
      app.createdAt,
      app.updatedAt,
      this.sealJson('apps', app.id, 'enc', { created_at: app.createdAt, updated_at: app.updatedAt }, enc),
    )
  }

  deleteApp(id: string): void {
    this.stmt('DELETE FROM apps WHERE id = ?').run(id)
  }

  // ---- environments ----
  /** Every environment, live and in the Trash (each one opened; see {@link loadApps}). */
  loadEnvironments(): Stored<Environment>[] {
    const rows = this.stmt(
      'SELECT id, app_id, position, created_at, updated_at, deleted_at, enc FROM environments',
    ).all() as {
      id: string
      app_id: string
      position: number
      created_at: number
      updated_at: number
      deleted_at: number | null
      enc: Buffer
    }[]
    return rows.map((r) => ({
      id: r.id,
      appId: r.app_id,
      position: r.position,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      deletedAt: r.deleted_at,
      ...this.openJson<EnvEnc>('environments', r.id, 'enc', r, r.enc),
    }))
  }

  /**
   * Moves an app or environment into the Trash (`deletedAt` = a time) or out of it (null): the row's `enc`
   * is opened and sealed again with the new `deleted_at` bound into its AAD, with `rename` applied to the
   * sealed name if given. Nothing else of the row (or its children) changes. Call inside a write.
   */
  setDeletedAt(table: 'apps' | 'environments', id: string, deletedAt: number | null, rename?: string): void {
    const row = this.stmt(`SELECT * FROM ${table} WHERE id = ?`).get(id) as
      (Record<string, unknown> & { id: string; enc: Buffer }) | undefined
    if (!row) throw new VaultCorruptError(`${table} row ${id} is missing`)
    const enc = this.openJson<Record<string, unknown>>(table, id, 'enc', row, row.enc)
    if (rename !== undefined) enc['name'] = rename
    const next = { ...row, deleted_at: deletedAt }
    this.stmt(`UPDATE ${table} SET deleted_at = ?, enc = ? WHERE id = ?`).run(
      deletedAt,
      this.sealJson(table, id, 'enc', next, enc),
      id,
    )
  }

  putEnvironment(env: Environment): void {
    const enc: EnvEnc = {
      name: env.name,
      apiUrl: env.apiUrl,
      wsUrl: env.wsUrl,
      region: env.region,
      notes: env.notes,
    }
    this.stmt(
      `INSERT INTO environments (id, app_id, position, created_at, updated_at, enc) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at, enc = excluded.enc`,
    ).run(
      env.id,
      env.appId,
      env.position,
      env.createdAt,
      env.updatedAt,
      this.sealJson(
        'environments',
        env.id,
        'enc',
        { app_id: env.appId, position: env.position, created_at: env.createdAt, updated_at: env.updatedAt },
        enc,
      ),
    )
  }

  deleteEnvironment(id: string): void {
    this.stmt('DELETE FROM environments WHERE id = ?').run(id)
  }

  // ---- credentials ----
  private static rowOf(r: RawCredentialRow): CredentialRow {
    return {
      id: r.id,
      environmentId: r.environment_id,
      status: r.status,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      lastRotatedAt: r.last_rotated_at,
      expiresAt: r.expires_at,
      rotationIntervalDays: r.rotation_interval_days,
      rotationState: r.rotation_state,
    }
  }

  /** The SQL form of a credential's plaintext columns (what the AAD binds). */
  private static rawOf(c: CredentialRow): Omit<RawCredentialRow, 'enc'> {
    return {
      id: c.id,
      environment_id: c.environmentId,
      status: c.status,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      last_rotated_at: c.lastRotatedAt,
      expires_at: c.expiresAt,
      rotation_interval_days: c.rotationIntervalDays,
      rotation_state: c.rotationState,
    }
  }

  private readAhead: { ahead: CredentialReadAhead; totalChanges: number } | null = null

  /**
   * Keeps rows read before unlock finished (credential-read-ahead.ts) for the next full load; taken only if
   * nothing was written since they were read, and used only while that still holds.
   */
  adoptReadAhead(ahead: CredentialReadAhead, changesSinceRead: boolean): void {
    this.readAhead = changesSinceRead ? null : { ahead, totalChanges: totalChanges(this.db) }
  }

  private takeReadAhead(): CredentialReadAhead | null {
    const r = this.readAhead
    this.readAhead = null
    if (!r) return null
    const dataVersion = this.db.pragma('data_version', { simple: true }) as number
    return dataVersion === r.ahead.dataVersion && totalChanges(this.db) === r.totalChanges ? r.ahead : null
  }

  /** Every credential outside the Trash, decrypted. */
  loadCredentials(): CredentialRecord[] {
    const ahead = this.takeReadAhead()
    const rows =
      ahead?.rows ??
      (this.stmt(`SELECT * FROM credentials ${liveCredentialsWhere(this.db)}`).all() as RawCredentialRow[])
    // One sealed snapshot of every overview, used only while it matches these rows exactly
    // (overview-snapshot.ts); otherwise every row is opened and its binding checked, and a new snapshot is
    // stored for the next load.
    const stamp = ahead?.stamp ?? stampRows(rows)
    const snapshot = readSnapshot<CredentialOverview>(this.db, this.keys.enc, stamp)
    if (snapshot && rows.every((r) => snapshot.has(r.id))) {
      return rows.map((r) => ({ ...VaultRepository.rowOf(r), overview: snapshot.get(r.id)! }))
    }
    const records = rows.map((r) => ({
      ...VaultRepository.rowOf(r),
      overview: this.openJson<CredentialOverview>('credentials', r.id, 'enc', r, r.enc),
    }))
    writeSnapshot(
      this.db,
      this.keys.enc,
      stamp,
      records.map((r) => [r.id, r.overview] as const),
    )
    return records
  }

  /**
   * The plaintext columns of every credential outside the Trash: no decryption (counts, badges, due dates).
   * A credential whose environment or app is in the Trash is not listed.
   */
  loadCredentialRows(): CredentialRow[] {
    const rows = this.stmt(
      `SELECT id, environment_id, status, created_at, updated_at, last_rotated_at, expires_at,
         rotation_interval_days, rotation_state FROM credentials ${liveCredentialsWhere(this.db)}`,
    ).all() as Omit<RawCredentialRow, 'enc'>[]
    return rows.map((r) => VaultRepository.rowOf({ ...r, enc: Buffer.alloc(0) }))
  }

  /** Every credential of one environment, decrypted. */
  loadCredentialsIn(environmentId: string): CredentialRecord[] {
    const rows = this.stmt('SELECT * FROM credentials WHERE environment_id = ?').all(
      environmentId,
    ) as RawCredentialRow[]
    return rows.map((r) => ({
      ...VaultRepository.rowOf(mustMatch(r, 'environment_id', environmentId, 'credentials')),
      overview: this.openJson<CredentialOverview>('credentials', r.id, 'enc', r, r.enc),
    }))
  }

  /** The credential a field belongs to, or null. */
  credentialIdOfField(fieldId: string): string | null {
    const r = this.stmt('SELECT credential_id FROM fields WHERE id = ?').get(fieldId) as
      { credential_id: string } | undefined
    return r?.credential_id ?? null
  }

  loadCredential(id: string): CredentialRecord | null {
    const r = this.stmt('SELECT * FROM credentials WHERE id = ?').get(id) as RawCredentialRow | undefined
    if (!r) return null
    // The requested id goes into the AAD: a damaged index that points at another row cannot answer for it.
    return {
      ...VaultRepository.rowOf({ ...r, id }),
      overview: this.openJson<CredentialOverview>('credentials', id, 'enc', r, r.enc),
    }
  }

  putCredential(c: CredentialRecord): void {
    this.stmt(
      `INSERT INTO credentials (id, environment_id, status, created_at, updated_at, last_rotated_at, expires_at,
         rotation_interval_days, rotation_state, enc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET environment_id = excluded.environment_id, status = excluded.status,
         updated_at = excluded.updated_at, last_rotated_at = excluded.last_rotated_at,
         expires_at = excluded.expires_at, rotation_interval_days = excluded.rotation_interval_days,
         rotation_state = excluded.rotation_state, enc = excluded.enc`,
    ).run(
      c.id,
      c.environmentId,
      c.status,
      c.createdAt,
      c.updatedAt,
      c.lastRotatedAt,
      c.expiresAt,
      c.rotationIntervalDays,
      c.rotationState,
      this.sealJson('credentials', c.id, 'enc', VaultRepository.rawOf(c), c.overview),
    )
  }

  /** Number of credentials per environment id (plaintext only; the Trash shows what an item holds). */
  countCredentialsByEnvironment(): Map<string, number> {
    const rows = this.stmt(
      'SELECT environment_id AS id, count(*) AS n FROM credentials GROUP BY environment_id',
    ).all() as { id: string; n: number }[]
    return new Map(rows.map((r) => [r.id, r.n]))
  }

  deleteCredential(id: string): void {
    this.stmt('DELETE FROM credentials WHERE id = ?').run(id)
  }

  // ---- field values ----
  putFieldValue(
    fieldId: string,
    credentialId: string,
    position: number,
    kind: FieldKind,
    value: string,
  ): void {
    const enc = this.sealText(
      'fields',
      fieldId,
      'value_enc',
      { credential_id: credentialId, position, kind },
      value,
    )
    this.stmt(
      `INSERT INTO fields (id, credential_id, position, kind, value_enc) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET position = excluded.position, kind = excluded.kind, value_enc = excluded.value_enc`,
    ).run(fieldId, credentialId, position, kind, enc)
  }

  deleteField(fieldId: string): void {
    this.stmt('DELETE FROM fields WHERE id = ?').run(fieldId)
  }

  /** Decrypts one field value. Only called on an explicit request (reveal, copy, export, run). */
  readFieldValue(fieldId: string, credentialId: string): string {
    const row = this.stmt(
      'SELECT credential_id, position, kind, value_enc FROM fields WHERE id = ? AND credential_id = ?',
    ).get(fieldId, credentialId) as
      { credential_id: string; position: number; kind: string; value_enc: Buffer } | undefined
    if (!row) throw new VaultCorruptError(`field ${fieldId} has no stored value`)
    return this.openText('fields', fieldId, 'value_enc', row, row.value_enc)
  }

  // ---- versions ----
  insertVersion(v: VersionRecord, values: Record<string, string>): void {
    this.stmt(
      `INSERT INTO versions (id, credential_id, created_at, reason, valid_until, meta_enc, values_enc)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      v.id,
      v.credentialId,
      v.createdAt,
      v.reason,
      v.validUntil,
      this.sealJson('versions', v.id, 'meta_enc', versionRaw(v), v.fields),
      this.sealJson('versions', v.id, 'values_enc', versionRaw(v), values),
    )
  }

  /** Credentials whose previous value is still valid (an overlap window ending after `now`): id -> end. */
  overlapsAfter(now: number): Map<string, number> {
    const rows = this.stmt(
      `SELECT credential_id AS id, MAX(valid_until) AS until FROM versions
       WHERE valid_until > ? GROUP BY credential_id`,
    ).all(now) as { id: string; until: number }[]
    return new Map(rows.map((r) => [r.id, r.until]))
  }

  listVersions(credentialId: string): VersionRecord[] {
    const rows = this.stmt(
      `SELECT id, credential_id, created_at, reason, valid_until, meta_enc FROM versions
       WHERE credential_id = ? ORDER BY created_at DESC, rowid DESC`,
    ).all(credentialId) as {
      id: string
      credential_id: string
      created_at: number
      reason: VersionReason
      valid_until: number | null
      meta_enc: Buffer
    }[]
    return rows.map((r) => ({
      id: r.id,
      credentialId: mustMatch(r, 'credential_id', credentialId, 'versions').credential_id,
      createdAt: r.created_at,
      reason: r.reason,
      validUntil: r.valid_until,
      fields: this.openJson<FieldMeta[]>('versions', r.id, 'meta_enc', r, r.meta_enc),
    }))
  }

  /** Decrypts one historic value. */
  readVersionValue(versionId: string, fieldId: string): { credentialId: string; value: string } | null {
    const row = this.stmt(
      'SELECT credential_id, created_at, reason, valid_until, values_enc FROM versions WHERE id = ?',
    ).get(versionId) as
      | {
          credential_id: string
          created_at: number
          reason: string
          valid_until: number | null
          values_enc: Buffer
        }
      | undefined
    if (!row) return null
    const values = this.openJson<Record<string, string>>(
      'versions',
      versionId,
      'values_enc',
      row,
      row.values_enc,
    )
    const value = values[fieldId]
    return value === undefined ? null : { credentialId: row.credential_id, value }
  }

  // ---- audit ----
  insertAudit(id: string, at: number, event: AuditEvent, credentialId: string | null, details: object): void {
    const next = this.stmt('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM audit').get() as { seq: number }
    this.stmt(
      'INSERT INTO audit (id, seq, at, event, credential_id, details_enc) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      id,
      next.seq,
      at,
      event,
      credentialId,
      this.sealJson(
        'audit',
        id,
        'details_enc',
        { seq: next.seq, at, event, credential_id: credentialId },
        details,
      ),
    )
  }

  /** The newest `limit` audit entries, of one credential when `credentialId` is given. */
  listAudit(
    limit: number,
    credentialId?: string,
  ): {
    id: string
    at: number
    event: AuditEvent
    credentialId: string | null
    details: Record<string, unknown>
  }[] {
    const rows = (
      credentialId === undefined
        ? this.stmt(
            'SELECT id, seq, at, event, credential_id, details_enc FROM audit ORDER BY seq DESC LIMIT ?',
          ).all(limit)
        : this.stmt(
            'SELECT id, seq, at, event, credential_id, details_enc FROM audit WHERE credential_id = ? ORDER BY seq DESC LIMIT ?',
          ).all(credentialId, limit)
    ) as {
      id: string
      seq: number
      at: number
      event: AuditEvent
      credential_id: string | null
      details_enc: Buffer
    }[]
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      event: r.event,
      credentialId: r.credential_id,
      details: this.openJson<Record<string, unknown>>('audit', r.id, 'details_enc', r, r.details_enc),
    }))
  }
}

/** A row found through an index must really have the value looked up (a damaged index is corruption). */
function mustMatch<R extends { id: string }, K extends keyof R>(
  row: R,
  column: K,
  expected: R[K],
  table: string,
): R {
  if (row[column] !== expected) throw new VaultCorruptError(`${table} row ${row.id}, ${String(column)}`)
  return row
}

function versionRaw(v: VersionRecord): Record<string, unknown> {
  return {
    credential_id: v.credentialId,
    created_at: v.createdAt,
    reason: v.reason,
    valid_until: v.validUntil,
  }
}

/**
 * Reads the plaintext rotation columns of keys outside the Trash: works without any key, and is therefore NOT verified (a change made
 * without the key is only detected when the row is opened after unlock). Used for the lock-screen counts.
 */
export function readRotationRows(db: Database): {
  status: CredentialStatus
  createdAt: number
  lastRotatedAt: number | null
  expiresAt: number | null
  rotationIntervalDays: number | null
}[] {
  const rows = db
    .prepare(
      `SELECT status, created_at, last_rotated_at, expires_at, rotation_interval_days FROM credentials
       ${liveCredentialsWhere(db)}`,
    )
    .all() as {
    status: CredentialStatus
    created_at: number
    last_rotated_at: number | null
    expires_at: number | null
    rotation_interval_days: number | null
  }[]
  return rows.map((r) => ({
    status: r.status,
    createdAt: r.created_at,
    lastRotatedAt: r.last_rotated_at,
    expiresAt: r.expires_at,
    rotationIntervalDays: r.rotation_interval_days,
  }))
}
