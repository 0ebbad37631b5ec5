import type { Database } from 'better-sqlite3'
import { AuthenticationFailedError, NoncePool, open, seal } from '../crypto/aead'
import { VaultCorruptError } from '../errors'
import {
  idColumnOf,
  legacyAad,
  ROW_BINDING,
  ROW_BINDING_VERSION,
  rowAad,
  type SealedTable,
} from './row-binding'

const MARKER = 'row_binding'

/** The row binding a vault's ciphertexts use: 1 before the upgrade, {@link ROW_BINDING_VERSION} after. */
export function rowBindingVersion(db: Database): number {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(MARKER) as { value: string } | undefined
  return row ? Number(row.value) : 1
}

/**
 * Upgrades a vault written with the version-1 AAD (`table:id:column`) to row binding (see row-binding.ts):
 * every sealed column of every row is opened with the old AAD and sealed again with the new one, and the
 * marker is set, all in ONE immediate transaction. A row that does not open is VaultCorruptError and the
 * vault stays as it was. Does nothing (and writes nothing) when the vault is already upgraded.
 * Returns the number of ciphertexts re-sealed.
 */
export function upgradeRowBinding(db: Database, encKey: Uint8Array): number {
  const version = rowBindingVersion(db)
  if (version === ROW_BINDING_VERSION) return 0
  if (version > ROW_BINDING_VERSION || !Number.isInteger(version)) {
    throw new VaultCorruptError('meta row_binding has an unknown value')
  }
  let count = 0
  const nonces = new NoncePool()
  const cache = db.pragma('cache_size', { simple: true }) as number
  db.pragma('cache_size = -65536') // 64 MiB for the one transaction that rewrites every page
  try {
    db.transaction(() => {
      // Re-read inside the write lock: another process may have upgraded meanwhile.
      if (rowBindingVersion(db) === ROW_BINDING_VERSION) return
      for (const table of Object.keys(ROW_BINDING) as SealedTable[]) {
        const { sealed } = ROW_BINDING[table]
        const rows = db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[]
        const sets = sealed.map((c) => `${c} = ?`).join(', ')
        const idCol = idColumnOf(table)
        const update = db.prepare(`UPDATE ${table} SET ${sets} WHERE ${idCol} = ?`)
        for (const row of rows) {
          const id = row[idCol] as string
          const next = sealed.map((column) => {
            let plain: Buffer
            try {
              plain = open(encKey, row[column] as Buffer, legacyAad(table, id, column))
            } catch (err) {
              if (err instanceof AuthenticationFailedError)
                throw new VaultCorruptError(`${table} row ${id}, ${column}`)
              throw err
            }
            if (table === 'rotation_journal') plain = withConnectionCopy(plain, row.connection_id)
            count++
            return seal(encKey, plain, rowAad(table, id, column, row), nonces)
          })
          update.run(...next, id)
        }
      }
      db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ).run(MARKER, String(ROW_BINDING_VERSION))
    }).immediate()
  } finally {
    db.pragma(`cache_size = ${cache}`)
  }
  return count
}

/** Version-1 journal rows get the authenticated copy of connection_id that version 2 keeps in `enc`. */
function withConnectionCopy(plain: Buffer, connectionId: unknown): Buffer {
  let enc: Record<string, unknown>
  try {
    enc = JSON.parse(plain.toString('utf8')) as Record<string, unknown>
  } catch {
    throw new VaultCorruptError('rotation_journal row is unreadable')
  }
  return Buffer.from(JSON.stringify({ ...enc, connectionId: connectionId ?? null }), 'utf8')
}
