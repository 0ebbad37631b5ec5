import BetterSqlite3 from 'better-sqlite3'
import type { Database } from 'better-sqlite3'
import { chmodSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { SchemaTooNewError, VaultCorruptError } from '../errors'
import { fileSystemError } from '../fs-errors'
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations'

/** Options for opening a vault database. */
export interface OpenOptions {
  /** Open without creating the file (fails with NO_VAULT semantics left to the caller). */
  readonly?: boolean
  /** Migrations to apply (tests pass a prefix to build older schemas). */
  migrations?: readonly Migration[]
  /** Accept an existing 0-byte file as a new database (init over an empty file). */
  allowEmpty?: boolean
}

/** Reads PRAGMA user_version. */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/**
 * Runs every pending migration in ONE transaction and sets user_version; refuses a database newer than
 * the code. A failure rolls back to the version the file had.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations[migrations.length - 1]?.version ?? 0
  const current = schemaVersion(db)
  if (current > LATEST_VERSION || current > latest) throw new SchemaTooNewError(current, latest)
  const pending = migrations.filter((m) => m.version > current)
  if (pending.length === 0) return current
  db.transaction(() => {
    for (const m of pending) m.up(db)
    db.pragma(`user_version = ${latest}`)
  })()
  return latest
}

/** SQLite's smallest database file is one 512-byte page; anything shorter is not a vault. */
const MIN_DB_BYTES = 512
const SIDE_FILES = ['-wal', '-shm'] as const

/**
 * Opens (or creates) a vault database with safe pragmas: WAL, foreign keys, secure_delete, and
 * owner-only permissions (0600) on the file, its -wal and -shm, whatever mode a copied-in file had.
 * - A file shorter than one page (0 or 1 byte, a truncated copy) is VaultCorruptError, never rewritten,
 *   unless `allowEmpty` (init over an empty file).
 * - `PRAGMA quick_check` runs first: a damaged file is VaultCorruptError (exit 4).
 * - File-system failures (missing or read-only folder, a folder where the file should be, a read-only
 *   vault) are FileSystemError naming the path and the cause.
 * - A failed open removes the -wal/-shm files it created.
 */
export function openDatabase(path: string, opts: OpenOptions = {}): Database {
  const memory = path === ':memory:'
  const write = !memory && !opts.readonly
  const sideExisted = new Map(SIDE_FILES.map((s) => [s, !memory && existsSync(path + s)]))
  let existed = memory
  if (!memory) {
    try {
      const st = statSync(path)
      existed = true
      if (st.isFile() && st.size < MIN_DB_BYTES && !(opts.allowEmpty && st.size === 0)) {
        throw new VaultCorruptError(`the vault file is ${st.size} bytes long, too short to be a vault`)
      }
    } catch (err) {
      if (err instanceof VaultCorruptError) throw err
      if ((err as { code?: unknown }).code !== 'ENOENT') throw fileSystemError(err, path) ?? err
    }
  }
  if (write && !existed) {
    const dir = dirname(path)
    try {
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 })
    } catch (err) {
      throw fileSystemError(err, path) ?? err
    }
  }
  // Owner-only before SQLite creates -wal/-shm (they copy the main file's mode).
  if (write && existed) ownerOnly(path)
  let db: Database
  try {
    db = new BetterSqlite3(path, {
      readonly: opts.readonly ?? false,
      fileMustExist: opts.readonly ?? false,
    })
  } catch (err) {
    throw fileSystemError(err, path, write) ?? asCorrupt(err, 'the vault file cannot be opened')
  }
  try {
    if (write) {
      if (!existed) chmodSync(path, 0o600)
      const mode = db.pragma('journal_mode', { simple: true })
      if (mode !== 'wal') db.pragma('journal_mode = WAL')
      for (const s of SIDE_FILES) if (existsSync(path + s)) ownerOnly(path + s)
    }
    db.pragma('foreign_keys = ON')
    db.pragma('secure_delete = ON')
    db.pragma('busy_timeout = 5000')
    if (existed && !memory) {
      const check = db.pragma('quick_check', { simple: true })
      if (check !== 'ok')
        throw new VaultCorruptError('the database structure is damaged (quick_check failed)')
    }
    if (!opts.readonly) {
      try {
        migrate(db, opts.migrations)
      } catch (err) {
        // A migration that cannot run on an existing file (a table "already exists") means the schema
        // does not match its version number: damage, not a bug to report as "unexpected".
        if (existed && (err as { name?: unknown }).name === 'SqliteError' && !fileSystemError(err, path))
          throw new VaultCorruptError('the schema does not match its version')
        throw err
      }
      if (existed && !memory && !opts.migrations) assertSchema(db)
    } else {
      const v = schemaVersion(db)
      if (v > LATEST_VERSION) throw new SchemaTooNewError(v, LATEST_VERSION)
    }
    return db
  } catch (err) {
    db.close()
    for (const s of SIDE_FILES) {
      if (!sideExisted.get(s)) rmSync(path + s, { force: true })
    }
    throw fileSystemError(err, path, write) ?? asCorrupt(err, 'the file is not a Keyshelf vault')
  }
}

let expectedSchema: string | null = null

/** Tables, their columns and indexes: what the code relies on, independent of the CREATE text. */
function schemaShape(db: Database): string {
  const objects = db
    .prepare(
      "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )
    .all() as { type: string; name: string; tbl_name: string }[]
  return JSON.stringify(
    objects.map((o) => ({
      ...o,
      columns:
        o.type === 'table'
          ? db.prepare(`SELECT name, type, "notnull", pk, dflt_value FROM pragma_table_info(?)`).all(o.name)
          : db.prepare('SELECT name FROM pragma_index_info(?)').all(o.name),
      checks:
        o.type === 'table'
          ? db.prepare('SELECT "from", "table", "to" FROM pragma_foreign_key_list(?)').all(o.name)
          : [],
    })),
  )
}

/** A vault whose tables or indexes differ from what the migrations build (an edited schema) is corrupt. */
function assertSchema(db: Database): void {
  if (schemaVersion(db) !== LATEST_VERSION) return
  if (expectedSchema === null) {
    const fresh = new BetterSqlite3(':memory:')
    try {
      migrate(fresh)
      expectedSchema = schemaShape(fresh)
    } finally {
      fresh.close()
    }
  }
  if (schemaShape(db) !== expectedSchema) throw new VaultCorruptError('the database schema was changed')
}

/** Sets mode 0600 when group or others have any access (a vault copied in with 0644). */
function ownerOnly(file: string): void {
  if (process.platform === 'win32') return
  try {
    const st = statSync(file)
    if ((st.mode & 0o077) !== 0) chmodSync(file, st.mode & 0o700)
  } catch (err) {
    throw fileSystemError(err, file) ?? err
  }
}

function asCorrupt(err: unknown, where: string): unknown {
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB'))
    return new VaultCorruptError(where)
  return err
}
