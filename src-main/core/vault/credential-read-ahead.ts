import type { Database } from 'better-sqlite3'
import { stampOf } from './overview-snapshot'
import { ROW_BINDING_VERSION, rowAad } from './row-binding'
import { rowBindingVersion } from './row-binding-upgrade'
import { liveCredentialsWhere, type RawCredentialRow } from './vault.repository'

/**
 * The live credential rows and their snapshot stamp (overview-snapshot.ts), read BEFORE the key is known:
 * the CLI's `key list` and `search` ask for this at unlock, and it runs while Argon2id works on the thread
 * pool, so the first full load after unlock does not read and hash 10,000 rows again (about 40 ms).
 *
 * Nothing here needs the key, and nothing is trusted because of it: the rows are opened (or matched against
 * the sealed snapshot) exactly as if they had been read later. They are used only while they are provably
 * the rows a later read would return:
 * - not when this unlock will re-seal rows (a vault before row binding) or finish a journalled rotation;
 * - the repository takes them only if no unlock hook wrote anything (`total_changes()` unchanged), and uses
 *   them only while SQLite's `data_version` (another connection committed) and this connection's
 *   `total_changes()` (any write of its own) are what they were.
 * Otherwise they are dropped and the rows are read again.
 */
export interface CredentialReadAhead {
  rows: RawCredentialRow[]
  stamp: string
  /** `PRAGMA data_version` when the rows were read. */
  dataVersion: number
}

/** Reads the live credential rows and their stamp now, or null when this unlock may rewrite them. */
export function readCredentialsAhead(db: Database): CredentialReadAhead | null {
  try {
    return read(db)
  } catch {
    return null // only a head start: whatever went wrong, the normal read reports it
  }
}

function read(db: Database): CredentialReadAhead | null {
  if (rowBindingVersion(db) < ROW_BINDING_VERSION) return null // the first unlock re-seals every row
  const unfinished = db
    .prepare("SELECT 1 FROM rotation_journal WHERE state = 'pending' OR finished_at IS NULL LIMIT 1")
    .get()
  if (unfinished) return null // recovering the journal at unlock may write credentials
  const dataVersion = db.pragma('data_version', { simple: true }) as number
  const rows = db.prepare(`SELECT * FROM credentials ${liveCredentialsWhere(db)}`).all() as RawCredentialRow[]
  return { rows, stamp: stampRows(rows), dataVersion }
}

/** The snapshot stamp of rows as read from the table. */
export function stampRows(rows: readonly RawCredentialRow[]): string {
  return stampOf(rows.map((r) => ({ id: r.id, aad: rowAad('credentials', r.id, 'enc', r), enc: r.enc })))
}

/** This connection's count of rows it changed since it opened (any table). */
export function totalChanges(db: Database): number {
  return (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n
}
