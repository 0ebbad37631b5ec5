/**
 * Issue 9 (adversarial): filtered listings select on plaintext columns. A row moved to another parent, or
 * deleted, with SQL and without the password must not silently vanish from its list: the authenticated
 * structure digest (vault/structure-digest.ts) makes it VAULT_CORRUPT when the overview loads. Legitimate
 * writes from two processes, cascades and rekey keep the digest consistent.
 */
import BetterSqlite3 from 'better-sqlite3'
import { copyFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createCore } from '../../../src-main/core/core'
import { seal } from '../../../src-main/core/crypto/aead'
import { deriveSubkeys } from '../../../src-main/core/crypto/subkeys'
import { readHeader } from '../../../src-main/core/vault/vault-header'
import { STRUCTURE, KEY_CHECK_AAD } from '../../../src-main/core/vault/structure-digest'
import { credentialInput, newVault, seedAppEnv, TEST_PASSWORD } from '../../helpers/vault.helper'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

/** Shop with Prod and Staging, a key in each (Prod's rotated once: a history row), closed. */
async function shop() {
  const v = await newVault()
  cleanups.push(v.cleanup)
  const { appId, envId: prodId } = await seedAppEnv(v.svc, 'Shop', 'Prod')
  const staging = await v.svc.createEnvironment({
    appId,
    name: 'Staging',
    apiUrl: '',
    wsUrl: '',
    region: '',
    notes: '',
  })
  const prod = await v.svc.createCredential(
    credentialInput(prodId, {
      name: 'Database',
      fields: [{ label: 'URL', envVar: 'DATABASE_URL', kind: 'secret', value: 'postgres://prod/db' }],
    }),
  )
  await v.svc.rotate({
    credentialId: prod.id,
    values: [{ fieldId: prod.fields[0]!.id, value: 'postgres://prod/db2' }],
  })
  const stage = await v.svc.createCredential(
    credentialInput(staging.id, {
      name: 'Cache',
      fields: [{ label: 'URL', envVar: 'REDIS_URL', kind: 'secret', value: 'redis://staging' }],
    }),
  )
  const key = v.svc.dataKeyForQuickUnlock()
  await v.svc.close()
  return { ...v, appId, prodId, stagingId: staging.id, prod, stage, key }
}

function sql(path: string, statement: string, ...params: unknown[]): void {
  const db = new BetterSqlite3(path)
  db.prepare(statement).run(...params)
  db.close()
}

const code = (p: Promise<unknown>): Promise<unknown> =>
  p.catch((e: { code?: string }) => `error ${String(e.code)}`)

/** Every listing the window and `key list` use, as one string; or the error code. */
async function listings(path: string, key: Buffer): Promise<string> {
  const svc = createCore({ vaultPath: path })
  try {
    await svc.unlockWithDataKey(key)
    const out: unknown[] = [await svc.listApps()]
    for (const a of await svc.listApps()) {
      for (const e of await svc.listEnvironments({ appId: a.id })) {
        const creds = await svc.listCredentials({ environmentId: e.id })
        out.push(
          e.name,
          creds.map((c) => c.name),
        )
        for (const c of creds) out.push((await svc.history({ credentialId: c.id })).length)
      }
    }
    out.push((await svc.auditLog({ limit: 1000 })).length)
    return JSON.stringify(out)
  } catch (e) {
    return `error ${String((e as { code?: string }).code)}`
  } finally {
    await svc.close()
  }
}

describe('structure digest', () => {
  it('a key moved to another environment with SQL does not silently vanish from its list: VAULT_CORRUPT', async () => {
    const v = await shop()
    sql(v.path, 'UPDATE credentials SET environment_id = ? WHERE id = ?', v.stagingId, v.prod.id)
    const svc = createCore({ vaultPath: v.path })
    cleanups.push(() => svc.close())
    const prodList = await code(
      svc.unlock({ password: TEST_PASSWORD }).then(() => svc.listCredentials({ environmentId: v.prodId })),
    )
    expect(prodList).toBe('error VAULT_CORRUPT')
  })

  it('every row of every covered table, deleted with SQL, is VAULT_CORRUPT (never a shorter list)', async () => {
    const v = await shop()
    const base = join(v.dir, 'base.db')
    copyFileSync(v.path, base)
    const work = join(v.dir, 'work.db')
    const reset = () => {
      for (const s of ['', '-wal', '-shm']) rmSync(work + s, { force: true })
      copyFileSync(base, work)
    }
    reset()
    const expected = await listings(work, v.key)
    expect(expected.startsWith('error')).toBe(false)
    const raw = new BetterSqlite3(base, { readonly: true })
    const deletions: { label: string; rowid: number; table: string }[] = []
    for (const table of Object.keys(STRUCTURE)) {
      const rows = raw.prepare(`SELECT rowid AS r FROM ${table}`).all() as { r: number }[]
      for (const r of rows) deletions.push({ label: `${table} rowid ${r.r}`, rowid: r.r, table })
    }
    raw.close()
    expect(deletions.filter((d) => d.table === 'versions').length).toBeGreaterThan(0)
    const wrong: string[] = []
    for (const d of deletions) {
      reset()
      // Foreign keys are off on a plain connection, like sqlite3's default: no cascade hides the deletion.
      sql(work, `DELETE FROM ${d.table} WHERE rowid = ?`, d.rowid)
      const got = await listings(work, v.key)
      if (got !== 'error VAULT_CORRUPT') wrong.push(`${d.label}: ${got === expected ? 'same' : got}`)
    }
    expect(wrong).toEqual([])
    expect(deletions.length).toBeGreaterThan(8)
  }, 300_000)

  it('a cascade delete with foreign keys on, a copied row, and a deleted digest are all VAULT_CORRUPT', async () => {
    const v = await shop()
    const cases: [string, (db: BetterSqlite3.Database) => void][] = [
      [
        'cascade',
        (db) => {
          db.pragma('foreign_keys = ON')
          db.prepare('DELETE FROM environments WHERE id = ?').run(v.stagingId)
        },
      ],
      [
        'copied version row',
        (db) =>
          db
            .prepare(
              "INSERT INTO versions SELECT 'aaaaaaaa-0000-4000-8000-000000000000', credential_id, created_at, reason, valid_until, meta_enc, values_enc FROM versions LIMIT 1",
            )
            .run(),
      ],
      ['digest deleted', (db) => db.prepare("DELETE FROM meta WHERE key = 'structure_digest'").run()],
      ['key check deleted', (db) => db.prepare("DELETE FROM meta WHERE key = 'key_check'").run()],
    ]
    const base = join(v.dir, 'base.db')
    copyFileSync(v.path, base)
    for (const [label, edit] of cases) {
      for (const s of ['', '-wal', '-shm']) rmSync(v.path + s, { force: true })
      copyFileSync(base, v.path)
      const db = new BetterSqlite3(v.path)
      edit(db)
      db.close()
      const svc = createCore({ vaultPath: v.path })
      const got = await code(svc.unlock({ password: TEST_PASSWORD }).then(() => svc.listCredentials({})))
      await svc.close()
      expect(got, label).toBe('error VAULT_CORRUPT')
    }
  })

  it('legitimate writes keep it consistent: two processes, cascades, history, rekey, lock and unlock', async () => {
    const v = await shop()
    const a = createCore({ vaultPath: v.path })
    const b = createCore({ vaultPath: v.path })
    cleanups.push(
      () => a.close(),
      () => b.close(),
    )
    await a.unlock({ password: TEST_PASSWORD })
    await b.unlock({ password: TEST_PASSWORD })
    const c = await a.createCredential(
      credentialInput(v.stagingId, {
        name: 'From A',
        fields: [{ label: '', envVar: 'FROM_A', kind: 'secret', value: 'va' }],
      }),
    )
    await b.createCredential(
      credentialInput(v.prodId, {
        name: 'From B',
        fields: [{ label: '', envVar: 'FROM_B', kind: 'secret', value: 'vb' }],
      }),
    )
    await a.updateCredential({ id: c.id, patch: { status: 'revoked' } })
    await b.rotate({
      credentialId: v.stage.id,
      values: [{ fieldId: v.stage.fields[0]!.id, value: 'redis://2' }],
    })
    // b sees a's writes (reload after another process's commit verifies the digest)
    expect((await b.listCredentials({ environmentId: v.stagingId })).map((x) => x.name).sort()).toEqual([
      'Cache',
      'From A',
    ])
    await a.deleteEnvironment({ id: v.stagingId }) // cascades to its keys, fields and history
    expect((await b.listCredentials({})).map((x) => x.name).sort()).toEqual(['Database', 'From B'])
    await b.rekey({ password: TEST_PASSWORD })
    await b.createCredential(
      credentialInput(v.prodId, {
        name: 'After rekey',
        fields: [{ label: '', envVar: 'AFTER', kind: 'secret', value: 'vc' }],
      }),
    )
    await a.lock()
    await b.lock()
    await a.unlock({ password: TEST_PASSWORD })
    expect((await a.listCredentials({})).map((x) => x.name).sort()).toEqual([
      'After rekey',
      'Database',
      'From B',
    ])
    expect((await a.auditLog({ limit: 100 })).length).toBeGreaterThan(5)
    await a.deleteApp({ id: v.appId })
    await a.close()
    const fresh = createCore({ vaultPath: v.path })
    cleanups.push(() => fresh.close())
    await fresh.unlock({ password: TEST_PASSWORD })
    expect(await fresh.listApps()).toEqual([])
  })

  it('a vault from before the digest gets one on its first unlock; a row deleted after that is caught', async () => {
    const v = await shop()
    // Turn it into what the previous code wrote: a version-1 key check and no digest.
    const db = new BetterSqlite3(v.path)
    const keys = deriveSubkeys(v.key, readHeader(db).vaultId)
    const v1 = seal(keys.enc, Buffer.from('keyshelf key check v1'), KEY_CHECK_AAD).toString('base64')
    db.prepare("UPDATE meta SET value = ? WHERE key = 'key_check'").run(v1)
    db.prepare("DELETE FROM meta WHERE key = 'structure_digest'").run()
    db.close()
    const svc = createCore({ vaultPath: v.path })
    await svc.unlock({ password: TEST_PASSWORD })
    expect((await svc.listCredentials({})).length).toBe(2)
    await svc.close()
    sql(v.path, 'DELETE FROM credentials WHERE id = ?', v.stage.id)
    const again = createCore({ vaultPath: v.path })
    cleanups.push(() => again.close())
    expect(await code(again.unlock({ password: TEST_PASSWORD }))).toBe('error VAULT_CORRUPT')
  })

  it('a write made while the connection is locked fails instead of leaving the digest behind', async () => {
    const v = await shop()
    const svc = createCore({ vaultPath: v.path })
    cleanups.push(() => svc.close())
    await svc.unlock({ password: TEST_PASSWORD })
    const db = svc.repository().db
    await svc.lock()
    expect(() => db.prepare('DELETE FROM versions').run()).toThrow()
    await svc.unlock({ password: TEST_PASSWORD })
    expect((await svc.history({ credentialId: v.prod.id })).length).toBe(1)
  })
})
