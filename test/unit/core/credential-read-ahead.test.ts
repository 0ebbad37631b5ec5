/**
 * `unlock(…, { readAhead: true })` reads the credential rows while Argon2id runs (credential-read-ahead.ts).
 * They stand in for the first full load only while nothing could have changed them.
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

async function vault() {
  const v = await closedVaultWithKeys(12)
  cleanups.push(v.cleanup)
  return v
}

/** Whether each full load took the rows read ahead (true) or read them again (false). */
function readAheadTaken(): () => boolean[] {
  const spy = vi.spyOn(
    VaultRepository.prototype as unknown as { takeReadAhead: () => unknown },
    'takeReadAhead',
  )
  return () => spy.mock.results.map((r) => r.value !== null)
}

async function core(path: string): Promise<KeyshelfCore> {
  const svc = createCore({ vaultPath: path })
  cleanups.push(() => svc.close())
  return svc
}

const names = async (svc: KeyshelfCore) =>
  (await svc.search({ query: 'shop', limit: 1000 }))
    .filter((h) => h.kind === 'field')
    .map((h) => h.label)
    .sort()

describe('reading credential rows ahead at unlock', () => {
  it('the first full load takes the rows read while the KDF ran, with the same result as without', async () => {
    const v = await vault()
    const plain = await core(v.path)
    await plain.unlock({ password: TEST_PASSWORD })
    const expected = await names(plain)
    await plain.close()

    const taken = readAheadTaken()
    const svc = await core(v.path)
    await svc.unlock({ password: TEST_PASSWORD }, { readAhead: true })
    expect(await names(svc)).toEqual(expected)
    expect(expected.length).toBeGreaterThanOrEqual(12)
    expect(taken()).toEqual([true])
  })

  it('another process commits after the read: the rows are read again and the change shows', async () => {
    const v = await vault()
    const taken = readAheadTaken()
    const svc = await core(v.path)
    await svc.unlock({ password: TEST_PASSWORD }, { readAhead: true })
    const other = await core(v.path)
    await other.unlock({ password: TEST_PASSWORD })
    await other.updateCredential({ id: v.ids[4]!, patch: { name: 'Renamed elsewhere' } })
    expect((await names(svc)).filter((n) => n.includes('Renamed elsewhere'))).toHaveLength(1)
    expect(taken()).toEqual([false])
  })

  it('a plaintext column changed with SQL after the read is still VAULT_CORRUPT', async () => {
    const v = await vault()
    const svc = await core(v.path)
    await svc.unlock({ password: TEST_PASSWORD }, { readAhead: true })
    const db = new BetterSqlite3(v.path)
    db.prepare('UPDATE credentials SET expires_at = 1 WHERE id = ?').run(v.ids[2])
    db.close()
    await expect(svc.search({ query: 'shop', limit: 1000 })).rejects.toMatchObject({ code: 'VAULT_CORRUPT' })
  })

  it('an unlock hook that writes (a recovered rotation, the Trash purge) drops the rows read ahead', async () => {
    const v = await vault()
    const taken = readAheadTaken()
    const svc = await core(v.path)
    svc.onUnlock(() => {
      svc.transaction(() => svc.updateAppNow({ id: v.appId, patch: { description: 'written at unlock' } }))
    })
    await svc.unlock({ password: TEST_PASSWORD }, { readAhead: true })
    expect((await names(svc)).length).toBeGreaterThanOrEqual(12)
    expect(taken()).toEqual([false])
  })

  it('this process writes anything after unlock: the rows are read again', async () => {
    const v = await vault()
    const taken = readAheadTaken()
    const svc = await core(v.path)
    await svc.unlock({ password: TEST_PASSWORD }, { readAhead: true })
    // Any write of its own (here the app, not a key) and the rows are no longer trusted to be current.
    await svc.updateApp({ id: v.appId, patch: { description: 'edited after unlock' } })
    expect((await names(svc)).length).toBeGreaterThanOrEqual(12)
    expect(taken()).toEqual([false])
  })
})
