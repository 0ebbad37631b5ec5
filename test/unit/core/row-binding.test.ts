import BetterSqlite3 from 'better-sqlite3'
import { copyFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createCore } from '../../../src-main/core/core'
import { ROW_BINDING } from '../../../src-main/core/vault/row-binding'
import { SyncRepository } from '../../../src-main/core/sync/sync.repository'
import { credentialInput, newVault, seedAppEnv, tempDir, TEST_PASSWORD } from '../../helpers/vault.helper'

const FIXTURE = new URL('../../fixtures/vault-v1.db', import.meta.url)

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

/** Shop with Prod and Staging, each with a DATABASE_URL key. */
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
  const stage = await v.svc.createCredential(
    credentialInput(staging.id, {
      name: 'Database',
      fields: [{ label: 'URL', envVar: 'DATABASE_URL', kind: 'secret', value: 'postgres://staging/db' }],
    }),
  )
  await v.svc.close()
  return { ...v, prodId, stagingId: staging.id, prod, stage }
}

function sql(path: string, statement: string, ...params: unknown[]): void {
  const db = new BetterSqlite3(path)
  db.prepare(statement).run(...params)
  db.close()
}

async function outcome<T>(p: Promise<T>): Promise<T | string> {
  return p.catch((e: { code?: string }) => `error ${e.code}`)
}

describe('the hierarchy and the plaintext columns are authenticated', () => {
  it('a credential moved to another environment with SQL is VAULT_CORRUPT, never the other environment’s value', async () => {
    const v = await shop()
    sql(v.path, 'UPDATE credentials SET environment_id = ? WHERE id = ?', v.prodId, v.stage.id)
    const svc = createCore({ vaultPath: v.path })
    cleanups.push(() => svc.close())
    // The structure digest sees the move when the overview loads (unlock); row binding would catch it on open.
    expect(await outcome(svc.unlock({ password: TEST_PASSWORD }))).toBe('error VAULT_CORRUPT')
    expect(await outcome(svc.reveal({ fieldId: v.stage.fields[0]!.id }))).not.toEqual({
      value: 'postgres://staging/db',
    })
  })

  it('status = revoked set with SQL is VAULT_CORRUPT, not a key silently dropped from export', async () => {
    const v = await shop()
    sql(v.path, "UPDATE credentials SET status = 'revoked' WHERE id = ?", v.prod.id)
    const svc = createCore({ vaultPath: v.path })
    cleanups.push(() => svc.close())
    const listed = await outcome(
      svc.unlock({ password: TEST_PASSWORD }).then(() => svc.listCredentials({ environmentId: v.prodId })),
    )
    expect(listed).toBe('error VAULT_CORRUPT')
  })

  it.each([
    ['last_rotated_at', 'UPDATE credentials SET last_rotated_at = 1 WHERE id = ?'],
    ['rotation_interval_days', 'UPDATE credentials SET rotation_interval_days = 3650 WHERE id = ?'],
    ['expires_at', 'UPDATE credentials SET expires_at = 4102444800000 WHERE id = ?'],
  ])('a changed %s is VAULT_CORRUPT when the row is loaded', async (_col, statement) => {
    const v = await shop()
    sql(v.path, statement, v.prod.id)
    const svc = createCore({ vaultPath: v.path })
    cleanups.push(() => svc.close())
    await svc.unlock({ password: TEST_PASSWORD })
    expect(await outcome(svc.getCredential({ id: v.prod.id }))).toBe('error VAULT_CORRUPT')
  })

  it('a field moved to another credential, and an environment moved to another app, are VAULT_CORRUPT', async () => {
    const v = await shop()
    sql(v.path, 'UPDATE fields SET credential_id = ? WHERE id = ?', v.prod.id, v.stage.fields[0]!.id)
    const svc = createCore({ vaultPath: v.path })
    cleanups.push(() => svc.close())
    await svc.unlock({ password: TEST_PASSWORD })
    expect(await outcome(svc.reveal({ fieldId: v.stage.fields[0]!.id }))).toMatch(
      /^error (VAULT_CORRUPT|NOT_FOUND)$/,
    )
    await svc.lock()
    const other = await svc
      .unlock({ password: TEST_PASSWORD })
      .then(() => svc.createApp({ name: 'Other', description: '', appId: '', tags: [], notes: '' }))
    await svc.close()
    sql(v.path, 'UPDATE environments SET app_id = ? WHERE id = ?', other.id, v.stagingId)
    const again = createCore({ vaultPath: v.path })
    cleanups.push(() => again.close())
    expect(await outcome(again.unlock({ password: TEST_PASSWORD }))).toBe('error VAULT_CORRUPT')
  })
})

describe('upgrade from the previous schema', () => {
  it('re-seals every row of a vault written by the previous code on first unlock, in one transaction', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const path = join(t.dir, 'vault.db')
    copyFileSync(FIXTURE, path)
    const before = new BetterSqlite3(path)
    expect(before.prepare("SELECT value FROM meta WHERE key = 'row_binding'").get()).toBeUndefined()
    const oldFieldCipher = (
      before.prepare('SELECT value_enc FROM fields LIMIT 1').get() as { value_enc: Buffer }
    ).value_enc
    before.close()

    const svc = createCore({ vaultPath: path })
    await svc.unlock({ password: TEST_PASSWORD })
    const creds = await svc.listCredentials({})
    const values = new Map<string, string>()
    for (const c of creds) {
      const env = (await svc.listApps()).length && c.environmentId
      for (const f of c.fields) values.set(`${env}:${f.envVar}`, (await svc.reveal({ fieldId: f.id })).value)
    }
    expect([...values.values()].sort()).toEqual([
      'postgres://prod-user:rotated-pass@prod/db',
      'postgres://staging-user:staging-pass@staging/db',
      'prod.db.internal',
    ])
    const prod = creds.find((c) => c.fields.length === 2)!
    expect(prod.expiresAt).toBe(1_900_000_000_000)
    const history = await svc.history({ credentialId: prod.id })
    expect(history.length).toBeGreaterThan(0)
    expect(
      (await svc.revealVersion({ versionId: history[0]!.id, fieldId: history[0]!.fields[0]!.fieldId })).value,
    ).toBe('postgres://prod-user:prod-pass@prod/db')
    const sync = new SyncRepository(svc.repository())
    expect(sync.getConnection('conn-1')?.accountId).toBe('acc')
    expect(sync.journalFor(prod.id).map((j) => [j.id, j.connectionId, j.state])).toEqual([
      ['journal-1', 'conn-1', 'done'],
    ])
    expect((await svc.auditLog({ limit: 100 })).length).toBeGreaterThan(3)
    await svc.close()

    const after = new BetterSqlite3(path)
    expect(after.prepare("SELECT value FROM meta WHERE key = 'row_binding'").get()).toEqual({ value: '2' })
    const newFieldCipher = (
      after.prepare('SELECT value_enc FROM fields LIMIT 1').get() as { value_enc: Buffer }
    ).value_enc
    expect(newFieldCipher.equals(oldFieldCipher)).toBe(false)
    // and the upgraded vault is bound: a moved credential is now caught
    const [a, b] = after.prepare('SELECT id, environment_id FROM credentials').all() as {
      id: string
      environment_id: string
    }[]
    after.close()
    if (a!.environment_id === b!.environment_id) throw new Error('fixture has both keys in one environment')
    sql(path, 'UPDATE credentials SET environment_id = ? WHERE id = ?', b!.environment_id, a!.id)
    const again = createCore({ vaultPath: path })
    cleanups.push(() => again.close())
    const listed = await outcome(
      again.unlock({ password: TEST_PASSWORD }).then(() => again.listCredentials({})),
    )
    expect(listed).toBe('error VAULT_CORRUPT')
  })

  it('a damaged row stops the upgrade and leaves the previous vault exactly as it was', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const path = join(t.dir, 'vault.db')
    copyFileSync(FIXTURE, path)
    const db = new BetterSqlite3(path)
    const rows = db.prepare('SELECT id, values_enc FROM versions').all() as {
      id: string
      values_enc: Buffer
    }[]
    const damaged = Buffer.from(rows[0]!.values_enc)
    damaged[damaged.length - 1]! ^= 1
    db.prepare('UPDATE versions SET values_enc = ? WHERE id = ?').run(damaged, rows[0]!.id)
    // The fixture predates the team tables (migration 0030 adds them on open): compare what it had.
    const had = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (r) => r.name,
      ),
    )
    const tables = Object.keys(ROW_BINDING).filter((t) => had.has(t))
    expect(tables).toContain('versions')
    // ...and the columns it had (migration 0040 adds deleted_at to apps and environments on open).
    const columns = new Map(
      tables.map((t) => [
        t,
        (db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name).join(', '),
      ]),
    )
    const dump = () =>
      tables
        .map((table) =>
          JSON.stringify(db.prepare(`SELECT ${columns.get(table)} FROM ${table} ORDER BY rowid`).all()),
        )
        .join('\n')
    const snapshot = dump()
    const svc = createCore({ vaultPath: path })
    expect(await outcome(svc.unlock({ password: TEST_PASSWORD }))).toBe('error VAULT_CORRUPT')
    await svc.close()
    expect(dump()).toBe(snapshot)
    expect(db.prepare("SELECT value FROM meta WHERE key = 'row_binding'").get()).toBeUndefined()
    db.close()
    expect(readFileSync(path).length).toBeGreaterThan(0)
  })
})
