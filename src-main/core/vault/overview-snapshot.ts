import type { Database } from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { AuthenticationFailedError, open, seal } from '../crypto/aead'

/**
 * One sealed copy of every credential's encrypted overview (names, env vars, masked forms; never values),
 * so listing or searching all keys opens one ciphertext instead of 10,000 (the CLI's `key list`, `search`).
 *
 * The snapshot is only a cache of what the rows say, and it is trusted only while it matches them exactly:
 * it carries a SHA-256 stamp over every live credential row's id, bound plaintext columns (its row-binding
 * AAD) and sealed `enc` blob, and is used only when the rows read now give the same stamp. Any write to a
 * credential by anyone (this process, the desktop app, older code) changes the stamp, and the next full
 * load decrypts row by row again and writes a new snapshot. A plaintext column changed without the key
 * changes the stamp too, so the row is then opened and its binding checked as before.
 *
 * Sealed with the vault's data key under its own AAD: it cannot be forged, and a snapshot that does not
 * open (damaged, or sealed before a rekey) is ignored and rebuilt: it holds nothing the rows do not. It
 * lives in the `meta` table (key `overview_snapshot`, base64 like the other sealed meta rows), outside the structure digest.
 */

const META_KEY = 'overview_snapshot'
const AAD = 'meta:overview_snapshot:value:v1'

/** What the stamp reads of one row: its id, its AAD (which names every bound column) and its blob. */
export interface StampedRow {
  id: string
  aad: string
  enc: Buffer
}

/** The stamp of the rows as read now (order matters: the same query, the same order). */
export function stampOf(rows: readonly StampedRow[]): string {
  const h = createHash('sha256')
  // Each piece length-prefixed ("<chars>:<aad><bytes>:" then the blob): no two row lists hash alike.
  for (const r of rows) {
    h.update(`${r.aad.length}:${r.aad}${r.enc.length}:`)
    h.update(r.enc)
  }
  return `${rows.length}:${h.digest('base64')}`
}

/** The overviews by credential id when the stored snapshot matches `stamp`, else null. */
export function readSnapshot<T>(db: Database, encKey: Buffer, stamp: string): Map<string, T> | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(META_KEY) as
    { value: unknown } | undefined
  if (!row || typeof row.value !== 'string') return null
  let parsed: { stamp?: unknown; overviews?: unknown }
  try {
    parsed = JSON.parse(open(encKey, Buffer.from(row.value, 'base64'), AAD).toString('utf8')) as typeof parsed
  } catch (err) {
    if (err instanceof AuthenticationFailedError || err instanceof SyntaxError) return null
    throw err
  }
  if (parsed.stamp !== stamp || !Array.isArray(parsed.overviews)) return null
  return new Map(parsed.overviews as [string, T][])
}

/**
 * Stores a snapshot of `overviews` for the rows that gave `stamp`. Best effort: a busy, read-only or full
 * vault keeps the old snapshot (the next load decrypts row by row, as it did without one).
 */
export function writeSnapshot(
  db: Database,
  encKey: Buffer,
  stamp: string,
  overviews: readonly (readonly [string, unknown])[],
): boolean {
  // Inside someone's transaction the write would become part of it (or fail it): not there.
  if (db.inTransaction) return false
  const blob = seal(encKey, Buffer.from(JSON.stringify({ stamp, overviews }), 'utf8'), AAD)
  // A cache must not wait seconds for another writer: give up after a moment instead.
  const wait = db.pragma('busy_timeout', { simple: true }) as number
  db.pragma('busy_timeout = 50')
  try {
    db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ).run(META_KEY, blob.toString('base64'))
    return true
  } catch {
    return false
  } finally {
    db.pragma(`busy_timeout = ${wait}`)
  }
}

/** Forgets the snapshot (rekey: it was sealed with the old key). Call inside the caller's transaction. */
export function dropSnapshot(db: Database): void {
  db.prepare('DELETE FROM meta WHERE key = ?').run(META_KEY)
}
