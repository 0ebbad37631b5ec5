/**
 * The structure digest: an authenticated record of WHICH rows exist and where each hangs (its parent ids and
 * status), so a row deleted, added or moved without the data key is VAULT_CORRUPT when the listings are
 * loaded, instead of silently vanishing from its environment's list.
 *
 * Row binding (row-binding.ts) already makes a moved row fail to open where it lands; it cannot see a row
 * that is simply gone from a `WHERE environment_id = ?` list. The digest closes that gap:
 * - per table, a count and the XOR of HMAC-SHA256(structure key, [table, ...tuple]) over its rows, where the
 *   tuple is the table's {@link STRUCTURE} columns; sealed (AES-256-GCM, random nonce) in `meta`;
 * - kept up to date INSIDE every write transaction by TEMP triggers that exist only on an unlocked Keyshelf
 *   connection (not in the file): an edit made by any other program (sqlite3, a script) changes the rows
 *   but not the digest;
 * - checked against the tables when the overview is (re)loaded: unlock, and whenever another process
 *   committed; the audit table when the audit log is read.
 * The cost per write is one HMAC, one seal and one small UPDATE per changed row; the check is one HMAC
 * per row (bench/trust.bench.ts measures both at 10,000 keys).
 *
 * Not covered: `fields` (a field row deleted or moved is already VAULT_CORRUPT when its value is read, since
 * the credential's sealed overview lists its fields), and an older copy of the WHOLE file put back (it
 * carries its own, older, consistent digest).
 */
import type { Database } from 'better-sqlite3'
import { createHmac, hkdfSync } from 'node:crypto'
import { AuthenticationFailedError, open, seal } from '../crypto/aead'
import { LockedError, VaultCorruptError } from '../errors'

/** Per table: the columns whose values (with the table name) identify a row and where it hangs. */
export const STRUCTURE = {
  apps: ['id'],
  environments: ['id', 'app_id'],
  credentials: ['id', 'environment_id', 'status'],
  versions: ['id', 'credential_id'],
  audit: ['id', 'seq'],
  provider_connections: ['id', 'app_id', 'environment_id'],
  rotation_journal: ['id', 'credential_id'],
  team_connections: ['id'],
  team_apps: ['app_id', 'connection_id'],
  team_links: ['credential_id', 'connection_id'],
} as const satisfies Record<string, readonly string[]>

/** A table the digest covers. */
export type StructureTable = keyof typeof STRUCTURE

const TABLES = Object.keys(STRUCTURE) as StructureTable[]
/** Checked whenever the overview is loaded (everything but the audit log, which is checked when read). */
export const OVERVIEW_TABLES: readonly StructureTable[] = TABLES.filter((t) => t !== 'audit')

const META_KEY = 'structure_digest'
const META_AAD = 'meta:structure_digest:value:v2'
const FUNCTION = 'keyshelf_structure'

/** The sealed key check (`meta.key_check`); its text says whether the vault keeps a structure digest. */
export const KEY_CHECK_AAD = 'meta:key_check:value'
const KEY_CHECK_V1 = 'keyshelf key check v1'
/** Written by this code: "this vault keeps a structure digest; its absence is tampering". */
export const KEY_CHECK_TEXT = 'keyshelf key check v2 structure'

interface TableDigest {
  n: number
  acc: Uint32Array
}
type Digest = Map<StructureTable, TableDigest>

function macKeyOf(encKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', encKey, Buffer.alloc(0), 'keyshelf/v1/structure', 32))
}

function emptyDigest(): Digest {
  return new Map(TABLES.map((t) => [t, { n: 0, acc: new Uint32Array(8) }]))
}

/** XORs HMAC(macKey, [table, ...tuple]) into `d`, counting `delta` rows. */
function fold(d: TableDigest, macKey: Buffer, table: string, tuple: readonly unknown[], delta: number): void {
  const mac = createHmac('sha256', macKey)
    .update(JSON.stringify([table, ...tuple.map(norm)]))
    .digest()
  for (let i = 0; i < 8; i++) d.acc[i] = d.acc[i]! ^ mac.readUInt32LE(i * 4)
  d.n += delta
}

function norm(v: unknown): string | number | null {
  if (v === undefined || v === null) return null
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'number' || typeof v === 'string') return v
  return Buffer.isBuffer(v) ? v.toString('base64') : String(v)
}

function serialise(d: Digest): Buffer {
  const t: Record<string, [number, string]> = {}
  for (const [table, { n, acc }] of d)
    t[table] = [n, Buffer.from(acc.buffer, acc.byteOffset, 32).toString('hex')]
  return Buffer.from(JSON.stringify({ v: 1, t }), 'utf8')
}

function parse(plain: Buffer): Digest {
  const o = JSON.parse(plain.toString('utf8')) as { v: number; t: Record<string, [number, string]> }
  const d = emptyDigest()
  for (const table of TABLES) {
    const e = o.t[table]
    if (!e) continue // a table added after the digest was written: starts empty, like the table itself
    const bytes = Buffer.from(e[1], 'hex')
    d.set(table, {
      n: e[0],
      acc: new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 32)),
    })
  }
  return d
}

function sealDigest(encKey: Buffer, d: Digest): string {
  return seal(encKey, serialise(d), META_AAD).toString('base64')
}

function openDigest(encKey: Buffer, value: string): Digest {
  try {
    return parse(open(encKey, Buffer.from(value, 'base64'), META_AAD))
  } catch (err) {
    if (err instanceof AuthenticationFailedError || err instanceof SyntaxError)
      throw new VaultCorruptError('meta structure_digest')
    throw err
  }
}

/** The digest of the tables as they are now (every row read). */
function compute(db: Database, macKey: Buffer, tables: readonly StructureTable[]): Digest {
  const d = emptyDigest()
  for (const table of tables) {
    const td = d.get(table)!
    const rows = db
      .prepare(`SELECT ${STRUCTURE[table].join(', ')} FROM ${table}`)
      .raw()
      .all() as unknown[][]
    for (const row of rows) fold(td, macKey, table, row, 1)
  }
  return d
}

/**
 * Writes the digest of the tables as they are now, sealed with `encKey` (call inside a write transaction:
 * first unlock of an older vault, rekey).
 */
export function writeStructureDigest(db: Database, encKey: Buffer): void {
  const macKey = macKeyOf(encKey)
  const value = sealDigest(encKey, compute(db, macKey, TABLES))
  macKey.fill(0)
  db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(META_KEY, value)
}

/**
 * Checks `tables` against the sealed digest: a row deleted, added or moved (a changed parent id or status)
 * without the key is VaultCorruptError naming the table. A missing or forged digest is VaultCorruptError.
 */
export function verifyStructureDigest(
  db: Database,
  encKey: Buffer,
  tables: readonly StructureTable[] = OVERVIEW_TABLES,
): void {
  // One read transaction: the digest and the tables from the same snapshot, so a commit by another process
  // between the two reads is never mistaken for tampering.
  db.transaction(() => verifyIn(db, encKey, tables))()
}

function verifyIn(db: Database, encKey: Buffer, tables: readonly StructureTable[]): void {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(META_KEY) as
    { value: string } | undefined
  if (!row) throw new VaultCorruptError('meta structure_digest is missing')
  const stored = openDigest(encKey, row.value)
  const macKey = macKeyOf(encKey)
  try {
    const now = compute(db, macKey, tables)
    for (const table of tables) {
      const a = stored.get(table)!
      const b = now.get(table)!
      if (a.n !== b.n)
        throw new VaultCorruptError(
          `${table}: ${Math.abs(a.n - b.n)} row${Math.abs(a.n - b.n) === 1 ? '' : 's'} ${a.n > b.n ? 'deleted' : 'added'} without the key`,
        )
      if (a.acc.some((w, i) => w !== b.acc[i]))
        throw new VaultCorruptError(`${table}: a row was moved or changed without the key`)
    }
  } finally {
    macKey.fill(0)
  }
}

/** The sealed key-check value for `encKey` (quick unlock checks a key against it). */
export function keyCheckBlob(encKey: Buffer): string {
  return seal(encKey, Buffer.from(KEY_CHECK_TEXT), KEY_CHECK_AAD).toString('base64')
}

/**
 * Makes sure the vault keeps a structure digest, in one immediate transaction, writing only when needed:
 * - no key check yet (a new vault, or `fresh`: this unlock just upgraded an older vault): key check and
 *   digest are written;
 * - a version-1 key check (a vault from before the digest): the digest of the tables as they are is
 *   written and the key check says version 2 (trust on this first unlock, like the row-binding upgrade);
 * - a version-2 key check: the digest must exist (deleting it is tampering).
 * A key check that does not open, or a missing one on an already upgraded vault, is VaultCorruptError.
 */
export function ensureStructureDigest(db: Database, encKey: Buffer, fresh: boolean): void {
  const state = (): 'none' | 'v1' | 'v2' => {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'key_check'").get() as
      { value: string } | undefined
    if (!row) {
      if (!fresh) throw new VaultCorruptError('meta key_check is missing')
      return 'none'
    }
    let text: string
    try {
      text = open(encKey, Buffer.from(row.value, 'base64'), KEY_CHECK_AAD).toString('utf8')
    } catch (err) {
      if (err instanceof AuthenticationFailedError) throw new VaultCorruptError('meta key_check')
      throw err
    }
    if (text === KEY_CHECK_TEXT) return 'v2'
    if (text === KEY_CHECK_V1) return 'v1'
    throw new VaultCorruptError('meta key_check has an unknown value')
  }
  const hasDigest = () => db.prepare('SELECT 1 FROM meta WHERE key = ?').get(META_KEY) !== undefined
  if (state() === 'v2') {
    if (!hasDigest()) throw new VaultCorruptError('meta structure_digest is missing')
    return
  }
  db.transaction(() => {
    if (state() === 'v2') return // another process upgraded meanwhile
    writeStructureDigest(db, encKey)
    db.prepare(
      "INSERT INTO meta (key, value) VALUES ('key_check', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(keyCheckBlob(encKey))
  }).immediate()
}

/**
 * Keeps the digest current on one connection: registers the SQL function and the TEMP triggers (they live
 * on this connection only, never in the file) that fold every insert, delete and move of a covered row
 * into the sealed digest, in the same transaction as the change. While no key is attached (locked), a
 * write to a covered table fails instead of leaving the digest behind.
 */
export class StructureTracker {
  private encKey: Buffer | null = null
  private macKey: Buffer | null = null
  private installedOn: Database | null = null
  /** The last value this tracker wrote and what it holds, so a run of writes opens the digest once. */
  private last: { value: string; digest: Digest } | null = null

  /** Attaches the session's key (copied) and installs the triggers on `db` if they are not there yet. */
  attach(db: Database, encKey: Buffer): void {
    this.detach()
    this.encKey = Buffer.from(encKey)
    this.macKey = macKeyOf(encKey)
    if (this.installedOn !== db) {
      install(db, (args) => this.step(args))
      this.installedOn = db
    }
  }

  /** Drops the key (lock): covered writes on this connection then fail. */
  detach(): void {
    this.encKey?.fill(0)
    this.macKey?.fill(0)
    this.encKey = null
    this.macKey = null
    this.last = null
  }

  /** The connection closed: its TEMP triggers are gone with it. */
  forget(): void {
    this.detach()
    this.installedOn = null
  }

  private step(args: unknown[]): string {
    const [value, table, op, ...cols] = args as [string, StructureTable, number, ...unknown[]]
    if (!this.encKey || !this.macKey) throw new LockedError()
    const digest = this.last && this.last.value === value ? this.last.digest : openDigest(this.encKey, value)
    const d = digest.get(table)
    if (!d) throw new VaultCorruptError(`structure digest has no entry for ${table}`)
    const width = STRUCTURE[table].length
    if (op === 1) fold(d, this.macKey, table, cols, 1)
    else if (op === -1) fold(d, this.macKey, table, cols, -1)
    else {
      fold(d, this.macKey, table, cols.slice(0, width), -1)
      fold(d, this.macKey, table, cols.slice(width), 1)
    }
    const next = sealDigest(this.encKey, digest)
    this.last = { value: next, digest }
    return next
  }
}

function install(db: Database, step: (args: unknown[]) => string): void {
  db.function(FUNCTION, { varargs: true, deterministic: false }, (...args: unknown[]) => step(args))
  const sql: string[] = []
  for (const table of TABLES) {
    const cols = STRUCTURE[table] as readonly string[]
    const oldCols = cols.map((c) => `OLD.${c}`).join(', ')
    const newCols = cols.map((c) => `NEW.${c}`).join(', ')
    const set = (op: number, args: string) =>
      `UPDATE meta SET value = ${FUNCTION}(value, '${table}', ${op}, ${args}) WHERE key = '${META_KEY}';`
    sql.push(
      `CREATE TEMP TRIGGER IF NOT EXISTS ks_structure_${table}_ins AFTER INSERT ON main.${table}
         BEGIN ${set(1, newCols)} END;`,
      `CREATE TEMP TRIGGER IF NOT EXISTS ks_structure_${table}_del AFTER DELETE ON main.${table}
         BEGIN ${set(-1, oldCols)} END;`,
      `CREATE TEMP TRIGGER IF NOT EXISTS ks_structure_${table}_upd AFTER UPDATE OF ${cols.join(', ')}
         ON main.${table} BEGIN ${set(0, `${oldCols}, ${newCols}`)} END;`,
    )
  }
  db.exec(sql.join('\n'))
}
