import BetterSqlite3 from 'better-sqlite3'
import type { Database } from 'better-sqlite3'
import { chmodSync, existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { SchemaTooNewError, VaultCorruptError } from '../errors'
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations'

/** Options for opening a vault database. */
export interface OpenOptions {
  /** Open without creating the file (fails with NO_VAULT semantics left to the caller). */
  readonly?: boolean
  /** Migrations to apply (tests pass a prefix to build older schemas). */
  migrations?: readonly Migration[]
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

/**
 * Opens (or creates) a vault database with safe pragmas: WAL, foreign keys, secure_delete, and
 * owner-only permissions on the file and its folder. Non-SQLite files become VaultCorruptError.
 */
export function openDatabase(path: string, opts: OpenOptions = {}): Database {
  const memory = path === ':memory:'
  if (!memory && !opts.readonly) {
    const dir = dirname(path)
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 })
  }
  const existed = memory || existsSync(path)
  let db: Database
  try {
    db = new BetterSqlite3(path, {
      readonly: opts.readonly ?? false,
      fileMustExist: opts.readonly ?? false,
    })
  } catch (err) {
    throw asCorrupt(err, 'the vault file cannot be opened')
  }
  try {
    if (!memory && !opts.readonly) {
      if (!existed) chmodSync(path, 0o600)
      const mode = db.pragma('journal_mode', { simple: true })
      if (mode !== 'wal') db.pragma('journal_mode = WAL')
    }
    db.pragma('foreign_keys = ON')
    db.pragma('secure_delete = ON')
    db.pragma('busy_timeout = 5000')
    if (!opts.readonly) migrate(db, opts.migrations)
    else {
      const v = schemaVersion(db)
      if (v > LATEST_VERSION) throw new SchemaTooNewError(v, LATEST_VERSION)
    }
    return db
  } catch (err) {
    db.close()
    throw asCorrupt(err, 'the file is not a Keyshelf vault')
  }
}

function asCorrupt(err: unknown, where: string): unknown {
  const code = (err as { code?: unknown }).code
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return new VaultCorruptError(where)
  return err
}
