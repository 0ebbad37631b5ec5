/**
 * The sealed overview snapshot (core/vault/overview-snapshot.ts): listing or searching every key opens one
 * ciphertext instead of one per key, but only while the snapshot matches the rows exactly. A change by
 * anyone, a plaintext column changed without the key, a damaged snapshot or a rekey all fall back to
 * opening every row (and so to the row-binding checks).
 */
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createCore, type KeyshelfCore } from '../../../src-main/core/core'
import { VaultRepository } from '../../../src-main/core/vault/vault.repository'
import { closedVaultWithKeys, TEST_PASSWORD } from '../../helpers/vault.helper'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  while (cleanups.length) await cleanups.pop()?.()
})

/** A closed vault with 30 keys in one environment. */
async function vault() {
  const v = await closedVaultWithKeys(30)
  cleanups.push(v.cleanup)
  return v
}

async function opened(path: string): Promise<KeyshelfCore> {
  const svc = createCore({ vaultPath: path })
  cleanups.push(() => svc.close())
  await svc.unlock({ password: TEST_PASSWORD })
  return svc
}

/** How many credential overviews a full load opened row by row. */
function countRowOpens() {
  const spy = vi.spyOn(VaultRepository.prototype, 'openJson')
  return () => spy.mock.calls.filter((c) => c[0] === 'credentials').length
}

const labels = async (svc: KeyshelfCore, query: string) =>
  (await svc.search({ query, limit: 1000 })).map((h) => h.label).sort()

function snapshotRow(path: string): string | undefined {
  const db = new BetterSqlite3(path, { readonly: true })
  try {
    const r = db.prepare("SELECT value FROM meta WHERE key = 'overview_snapshot'").get() as
      { value: string } | undefined
    return r?.value
  } finally {
    db.close()
  }
}

function sql(path: string, statement: string, ...params: unknown[]): void {
  const db = new BetterSqlite3(path)
  db.prepare(statement).run(...params)
  db.close()
}

describe('the overview snapshot', () => {
  it('a second session lists every key from the snapshot, opening no row, with the same result', async () => {
    const v = await vault()
    const first = await opened(v.path)
    const before = await labels(first, 'key')
    await first.close()
    expect(snapshotRow(v.path)).toBeTruthy()

    const opens = countRowOpens()
    const second = await opened(v.path)
    expect(await labels(second, 'key')).toEqual(before)
    expect(before.length).toBeGreaterThanOrEqual(30)
    expect(opens()).toBe(0)
  })

  it('holds no secret value: the sealed snapshot is not plaintext and never contains one', async () => {
    const v = await vault()
    const svc = await opened(v.path)
    await labels(svc, 'key')
    const row = snapshotRow(v.path) ?? ''
    const bytes = Buffer.from(row, 'base64')
    expect(bytes.length).toBeGreaterThan(1000)
    expect(bytes.includes('sk_live_value_')).toBe(false)
    expect(bytes.includes('KEY_1')).toBe(false) // sealed: not even the names are readable
  })

  it('a key renamed by another process is listed with its new name (the stale snapshot is not used)', async () => {
    const v = await vault()
    const first = await opened(v.path)
    await labels(first, 'key')
    await first.close()

    const writer = await opened(v.path)
    await writer.updateCredential({ id: v.ids[3]!, patch: { name: 'Renamed elsewhere' } })
    await writer.close()

    const opens = countRowOpens()
    const reader = await opened(v.path)
    const found = await labels(reader, 'renamed')
    expect(found).toHaveLength(1)
    expect(found[0]).toContain('Renamed elsewhere')
    expect(opens()).toBeGreaterThanOrEqual(30) // rebuilt from the rows
  })

  it('a bound plaintext column changed with SQL is still VAULT_CORRUPT (the snapshot does not hide it)', async () => {
    const v = await vault()
    const first = await opened(v.path)
    await labels(first, 'key')
    await first.close()
    // expires_at is not in the structure digest: only the row binding catches it, when the row is opened.
    sql(v.path, 'UPDATE credentials SET expires_at = 1 WHERE id = ?', v.ids[5])
    const svc = await opened(v.path)
    await expect(svc.search({ query: 'key', limit: 1000 })).rejects.toMatchObject({ code: 'VAULT_CORRUPT' })
  })

  it('a damaged snapshot is ignored and rebuilt, never an error', async () => {
    const v = await vault()
    const first = await opened(v.path)
    const before = await labels(first, 'key')
    await first.close()
    const row = snapshotRow(v.path)!
    const flipped = Buffer.from(row, 'base64')
    flipped[40] = (flipped[40] ?? 0) ^ 0xff
    sql(v.path, "UPDATE meta SET value = ? WHERE key = 'overview_snapshot'", flipped.toString('base64'))

    const svc = await opened(v.path)
    expect(await labels(svc, 'key')).toEqual(before)
    expect(snapshotRow(v.path)).not.toBe(flipped.toString('base64'))
  })

  it('a vault busy with another writer answers at once, without waiting to store the snapshot', async () => {
    const v = await vault()
    const svc = await opened(v.path)
    const other = new BetterSqlite3(v.path)
    cleanups.push(() => void other.close())
    other.exec('BEGIN IMMEDIATE') // holds the write lock
    const t0 = performance.now()
    const found = await labels(svc, 'key')
    const waited = performance.now() - t0
    other.exec('ROLLBACK')
    expect(found.length).toBeGreaterThanOrEqual(30)
    expect(snapshotRow(v.path)).toBeUndefined()
    // Not a timing assertion on speed: the busy timeout is 5 s, so a wait for the lock would show.
    expect(waited).toBeLessThan(4000)
  })

  it('a full disk answers the listing, stores no snapshot and leaves the vault as it was', async () => {
    const v = await vault()
    const svc = await opened(v.path)
    // SQLite's own limit on this connection: the 5 kB+ snapshot row no longer fits (SQLITE_FULL).
    const db = (svc.repository() as unknown as { db: BetterSqlite3.Database }).db
    const pages = db.pragma('page_count', { simple: true }) as number
    db.pragma(`max_page_count = ${pages}`)
    const found = await labels(svc, 'key')
    expect(found.length).toBeGreaterThanOrEqual(30)
    expect(snapshotRow(v.path)).toBeUndefined()
    // The connection still writes what fits, and the vault opens as before.
    await svc.close()
    const again = await opened(v.path)
    expect(await labels(again, 'key')).toEqual(found)
  })

  it('rekey drops the snapshot sealed with the old key; the next full load rebuilds it under the new one', async () => {
    const v = await vault()
    const svc = await opened(v.path)
    const before = await labels(svc, 'key')
    expect(snapshotRow(v.path)).toBeTruthy()
    await svc.rekey({ password: TEST_PASSWORD })
    expect(snapshotRow(v.path)).toBeUndefined()
    await svc.close()
    const again = await opened(v.path)
    expect(await labels(again, 'key')).toEqual(before)
    expect(snapshotRow(v.path)).toBeTruthy()
  })
})
