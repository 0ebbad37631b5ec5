/**
 * Rotating the vault's data key (`keyshelf rekey`): every ciphertext is opened with the old session keys and
 * sealed again with keys derived from a fresh random data key, fingerprints in stored masks are recomputed
 * with the new fingerprint key, and the header gets the new wrapped key, all in ONE transaction. An old copy
 * of the file plus an old password then opens nothing written after the rekey.
 */
import type { Database } from 'better-sqlite3'
import type { Statement } from 'better-sqlite3'
import { AuthenticationFailedError, NoncePool, open, seal } from '../crypto/aead'
import { fingerprint, type SessionKeys } from '../crypto/subkeys'
import { VaultCorruptError } from '../errors'
import { dropSnapshot } from './overview-snapshot'
import { ROW_BINDING, SEALED_META_KEYS, idColumnOf, metaAad, rowAad, type SealedTable } from './row-binding'

interface MaskLike {
  fingerprint: string
}
interface FieldLike {
  id: string
  masked: MaskLike
}

function openCol(key: Buffer, table: SealedTable, row: Record<string, unknown>, column: string): Buffer {
  try {
    return open(key, row[column] as Buffer, rowAad(table, row.id as string, column, row))
  } catch (err) {
    if (err instanceof AuthenticationFailedError)
      throw new VaultCorruptError(`${table} row ${String(row.id)}, ${column}`)
    throw err
  }
}

/** Recomputes each field mask's fingerprint from its value with the new key (values it cannot find stay). */
function refingerprint(
  fields: FieldLike[],
  values: Map<string, string> | Record<string, string>,
  fpKey: Buffer,
): void {
  for (const f of fields) {
    const v = values instanceof Map ? values.get(f.id) : values[f.id]
    if (v !== undefined) f.masked.fingerprint = fingerprint(fpKey, v)
  }
}

/**
 * Re-seals every sealed column of every table from `from` to `to` (call inside a transaction; the caller
 * writes the new header and key check in the same one). Returns the number of ciphertexts re-sealed.
 * `onRow(done, total)` is called every 500 rows (progress).
 *
 * Speed (10,000 keys, ~32,000 ciphertexts): each ciphertext is opened once and sealed once. `fields` goes
 * first, so the values the fingerprints need come from that same pass (no second decryption); nonces come
 * from a pool; the page cache is raised for the one big transaction (see bench/trust.bench.ts).
 */
export function resealAll(
  db: Database,
  from: SessionKeys,
  to: SessionKeys,
  onRow?: (done: number, total: number) => void,
): number {
  let count = 0
  const tables = [
    'fields',
    ...(Object.keys(ROW_BINDING) as SealedTable[]).filter((t) => t !== 'fields'),
  ] as SealedTable[]
  const total = tables.reduce(
    (n, t) => n + (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n,
    0,
  )
  const nonces = new NoncePool()
  const cache = db.pragma('cache_size', { simple: true }) as number
  db.pragma('cache_size = -65536') // 64 MiB for this transaction: every page of the file is rewritten
  const fieldValues = new Map<string, string>()
  const pending: [Statement, unknown[]][] = []
  try {
    for (const table of tables) {
      const { sealed } = ROW_BINDING[table]
      const idCol = idColumnOf(table)
      const update = db.prepare(
        `UPDATE ${table} SET ${sealed.map((c) => `${c} = ?`).join(', ')} WHERE ${idCol} = ?`,
      )
      for (const row of db.prepare(`SELECT *, ${idCol} AS id FROM ${table}`).iterate() as IterableIterator<
        Record<string, unknown>
      >) {
        const plain = new Map(sealed.map((c) => [c, openCol(from.enc, table, row, c)]))
        if (table === 'fields') {
          fieldValues.set(row.id as string, plain.get('value_enc')!.toString('utf8'))
        } else if (table === 'credentials') {
          const o = JSON.parse(plain.get('enc')!.toString('utf8')) as { fields: FieldLike[] }
          refingerprint(o.fields, fieldValues, to.fingerprint)
          plain.set('enc', Buffer.from(JSON.stringify(o), 'utf8'))
        } else if (table === 'versions') {
          const values = JSON.parse(plain.get('values_enc')!.toString('utf8')) as Record<string, string>
          const meta = JSON.parse(plain.get('meta_enc')!.toString('utf8')) as FieldLike[]
          refingerprint(meta, values, to.fingerprint)
          plain.set('meta_enc', Buffer.from(JSON.stringify(meta), 'utf8'))
        }
        pending.push([
          update,
          [
            ...sealed.map((c) =>
              seal(to.enc, plain.get(c)!, rowAad(table, row.id as string, c, row), nonces),
            ),
            row.id,
          ],
        ])
        for (const b of plain.values()) b.fill(0)
        if (++count % 500 === 0) onRow?.(count, total)
      }
      // Written after the table's read finished (an UPDATE while iterating the same table is not allowed).
      for (const [stmt, args] of pending) stmt.run(...args)
      pending.length = 0
    }
  } finally {
    fieldValues.clear()
    db.pragma(`cache_size = ${cache}`)
  }
  // Sealed meta rows (export targets, guided-rotation reminders).
  const readMeta = db.prepare('SELECT value FROM meta WHERE key = ?')
  const writeMeta = db.prepare('UPDATE meta SET value = ? WHERE key = ?')
  for (const key of SEALED_META_KEYS) {
    const row = readMeta.get(key) as { value: string } | undefined
    if (!row) continue
    let plain: Buffer
    try {
      plain = open(from.enc, Buffer.from(row.value, 'base64'), metaAad(key))
    } catch (err) {
      if (err instanceof AuthenticationFailedError) throw new VaultCorruptError(`meta ${key}`)
      throw err
    }
    writeMeta.run(seal(to.enc, plain, metaAad(key)).toString('base64'), key)
    plain.fill(0)
    count++
  }
  // The overview snapshot is a cache sealed with the old key: dropped, the next full load rebuilds it.
  dropSnapshot(db)
  return count
}
