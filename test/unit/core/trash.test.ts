import BetterSqlite3 from 'better-sqlite3'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createCore, type KeyshelfCore } from '../../../src-main/core/core'
import { SyncRepository } from '../../../src-main/core/sync/sync.repository'
import { credentialInput, newVault, tempDir, TEST_PASSWORD } from '../../helpers/vault.helper'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 0, 10)
const FIXTURE = new URL('../../fixtures/vault-v1.db', import.meta.url)

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

async function outcome<T>(p: Promise<T>): Promise<T | string> {
  return p.catch((e: { code?: string }) => `error ${e.code}`)
}

function sql(path: string, statement: string, ...params: unknown[]): void {
  const db = new BetterSqlite3(path)
  db.prepare(statement).run(...params)
  db.close()
}

function count(path: string, table: string): number {
  const db = new BetterSqlite3(path, { readonly: true })
  const n = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  db.close()
  return n
}

const envFields = { apiUrl: '', wsUrl: '', region: '', notes: '' }

/**
 * Shop (Prod: DATABASE_URL overdue + rotated once, Staging: STRIPE_KEY) and Blog (Prod: BLOG_TOKEN),
 * with a provider connection on Shop/Prod. The clock is `now.t`.
 */
async function shop() {
  const now = { t: T0 }
  const v = await newVault({ clock: () => now.t })
  cleanups.push(v.cleanup)
  const svc = v.svc
  const app = await svc.createApp({
    name: 'Shop',
    description: 'the shop',
    appId: 'shop-1',
    tags: ['x'],
    notes: '',
  })
  const prod = await svc.createEnvironment({ appId: app.id, name: 'Prod', ...envFields })
  const staging = await svc.createEnvironment({ appId: app.id, name: 'Staging', ...envFields })
  const db = await svc.createCredential(
    credentialInput(prod.id, {
      name: 'Database',
      lastRotatedAt: T0 - 200 * DAY,
      fields: [{ label: 'URL', envVar: 'DATABASE_URL', kind: 'secret', value: 'postgres://prod/db-1' }],
    }),
  )
  await svc.rotate({
    credentialId: db.id,
    values: [{ fieldId: db.fields[0]!.id, value: 'postgres://prod/db-2' }],
  })
  // Overdue again later on: the rotation above set lastRotatedAt to T0.
  await svc.createCredential(
    credentialInput(staging.id, {
      name: 'Stripe',
      lastRotatedAt: T0 - 100 * DAY,
      fields: [{ label: 'Key', envVar: 'STRIPE_KEY', kind: 'secret', value: 'sk_live_abcdefghijklmnop' }],
    }),
  )
  const blog = await svc.createApp({ name: 'Blog', description: '', appId: '', tags: [], notes: '' })
  const blogProd = await svc.createEnvironment({ appId: blog.id, name: 'Prod', ...envFields })
  await svc.createCredential(
    credentialInput(blogProd.id, {
      name: 'Token',
      fields: [{ label: 'Token', envVar: 'BLOG_TOKEN', kind: 'secret', value: 'blog-token-0123456789' }],
    }),
  )
  new SyncRepository(svc.repository()).putConnection({
    id: 'conn-1',
    appId: app.id,
    environmentId: prod.id,
    tokenCredentialId: db.id,
    createdAt: T0,
    lastSyncedAt: null,
    provider: 'cloudflare',
    baseUrl: 'https://api.cloudflare.com/client/v4',
    region: '',
    accountId: 'acc',
    authScheme: null,
    wsUrl: null,
  })
  return { ...v, now, app, prod, staging, blog, blogProd, db }
}

/** Everything the API shows about the vault (values included), to compare before/after a round trip. */
async function snapshot(svc: KeyshelfCore): Promise<string> {
  const out: unknown[] = []
  const apps = await svc.listApps()
  out.push(apps)
  for (const a of apps) out.push(await svc.listEnvironments({ appId: a.id }))
  const creds = await svc.listCredentials({})
  out.push(creds)
  for (const c of creds) {
    for (const f of c.fields) out.push(await svc.reveal({ fieldId: f.id }))
    for (const h of await svc.history({ credentialId: c.id })) {
      out.push(h)
      for (const f of h.fields) out.push(await svc.revealVersion({ versionId: h.id, fieldId: f.fieldId }))
    }
  }
  out.push(await svc.listConnections({}))
  out.push(await svc.dueReport({}))
  return JSON.stringify(out, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  )
}

describe('deleting moves an app or environment to the Trash', () => {
  it('a trashed app vanishes from every listing, search, due report, locked counts, export and sync', async () => {
    const v = await shop()
    const svc = v.svc
    const dueBefore = (await svc.status()).due!
    expect(dueBefore.overdue).toBe(1) // Stripe (Database was just rotated)
    await svc.deleteApp({ id: v.app.id })

    expect((await svc.listApps()).map((a) => a.name)).toEqual(['Blog'])
    expect(await outcome(svc.listEnvironments({ appId: v.app.id }))).toBe('error NOT_FOUND')
    expect((await svc.listCredentials({})).map((c) => c.name)).toEqual(['Token'])
    expect(await svc.search({ query: 'stripe' })).toEqual([])
    expect(await svc.search({ query: 'shop' })).toEqual([])
    expect(await svc.dueReport({})).toEqual([])
    const index = await svc.searchIndex()
    expect(index.environments.map((e) => e.id)).toEqual([v.blogProd.id])
    expect(await outcome(svc.exportPreview({ environmentId: v.prod.id, format: 'dotenv' }))).toBe(
      'error NOT_FOUND',
    )
    expect(() => svc.readEnvironmentValues(v.staging.id, ['STRIPE_KEY'])).toThrow(/not found/)
    expect(await svc.listConnections({})).toEqual([])
    expect(await svc.syncProviders({})).toEqual([]) // nothing to sync: no request is made
    // Locked counts read plaintext only; they skip trashed keys too.
    await svc.lock()
    expect((await svc.status()).due).toMatchObject({ overdue: 0, total: 0 })
    // The rows are all still there.
    expect(count(v.path, 'credentials')).toBe(3)
    expect(count(v.path, 'versions')).toBe(1)
  })

  it('restore brings back everything exactly: names, environments, keys, values, history, connections, due', async () => {
    const v = await shop()
    const before = await snapshot(v.svc)
    await v.svc.deleteApp({ id: v.app.id })
    const [item] = await v.svc.listTrash()
    expect(item).toMatchObject({
      kind: 'app',
      id: v.app.id,
      name: 'Shop',
      environmentCount: 2,
      credentialCount: 2,
      deletedAt: T0,
      purgeAt: T0 + 30 * DAY,
    })
    v.now.t += 3 * DAY
    await v.svc.restoreFromTrash({ id: v.app.id })
    v.now.t = T0
    expect(await snapshot(v.svc)).toBe(before)
    expect(await v.svc.listTrash()).toEqual([])
    // And after a lock/unlock round trip (the rows re-open with the cleared deleted_at in their AAD).
    await v.svc.lock()
    await v.svc.unlock({ password: TEST_PASSWORD })
    expect(await snapshot(v.svc)).toBe(before)
  })

  it('an environment goes to the Trash alone; the app and its other environment stay', async () => {
    const v = await shop()
    await v.svc.deleteEnvironment({ id: v.prod.id })
    expect((await v.svc.listEnvironments({ appId: v.app.id })).map((e) => e.name)).toEqual(['Staging'])
    expect((await v.svc.listApps()).find((a) => a.id === v.app.id)).toMatchObject({
      environmentCount: 1,
      credentialCount: 1,
    })
    expect(await v.svc.listConnections({ appId: v.app.id })).toEqual([])
    expect(await v.svc.listTrash()).toMatchObject([
      { kind: 'environment', name: 'Prod', appName: 'Shop', appInTrash: false, credentialCount: 1 },
    ])
    await v.svc.restoreFromTrash({ id: v.prod.id })
    expect((await v.svc.listEnvironments({ appId: v.app.id })).map((e) => e.name)).toEqual([
      'Prod',
      'Staging',
    ])
    expect((await v.svc.listConnections({})).map((c) => c.id)).toEqual(['conn-1'])
  })

  it('restoring under a name that is taken now is CONFLICT saying what to do; another name works', async () => {
    const v = await shop()
    await v.svc.deleteApp({ id: v.app.id })
    const other = await v.svc.createApp({ name: 'shop', description: '', appId: '', tags: [], notes: '' })
    const err = await v.svc.restoreFromTrash({ id: v.app.id }).catch((e: Error & { code: string }) => e)
    expect(err).toMatchObject({ code: 'CONFLICT' })
    expect((err as Error).message).toBe(
      'An app named "Shop" already exists, so "Shop" cannot come back under that name. Restore it under another name, or rename the other app first.',
    )
    expect((await v.svc.listTrash()).map((i) => i.id)).toEqual([v.app.id]) // nothing changed
    expect(await outcome(v.svc.restoreFromTrash({ id: v.app.id, name: 'Blog' }))).toBe('error CONFLICT')
    expect(await outcome(v.svc.restoreFromTrash({ id: v.app.id, name: 'a/b' }))).toBe('error INVALID_INPUT')
    const back = await v.svc.restoreFromTrash({ id: v.app.id, name: 'Shop (old)' })
    expect(back).toMatchObject({ name: 'Shop (old)', kind: 'app' })
    const apps = await v.svc.listApps()
    expect(apps.map((a) => a.name)).toEqual(['Blog', 'shop', 'Shop (old)'])
    expect(apps.find((a) => a.id === v.app.id)).toMatchObject({ description: 'the shop', appId: 'shop-1' })
    expect(apps.find((a) => a.id === other.id)?.credentialCount).toBe(0)
    // Environment names too.
    await v.svc.deleteEnvironment({ id: v.staging.id })
    await v.svc.createEnvironment({ appId: v.app.id, name: 'STAGING', ...envFields })
    expect(await outcome(v.svc.restoreFromTrash({ id: v.staging.id }))).toBe('error CONFLICT')
    await v.svc.restoreFromTrash({ id: v.staging.id, name: 'Staging 2' })
    expect((await v.svc.listEnvironments({ appId: v.app.id })).map((e) => e.name)).toEqual([
      'Prod',
      'Staging 2',
      'STAGING',
    ])
    // Survives a lock/unlock (the new name is sealed with the restored row).
    await v.svc.lock()
    await v.svc.unlock({ password: TEST_PASSWORD })
    expect((await v.svc.listApps()).map((a) => a.name)).toContain('Shop (old)')
  })

  it('an environment whose app is in the Trash too cannot be restored on its own: restore the app first', async () => {
    const v = await shop()
    await v.svc.deleteEnvironment({ id: v.staging.id })
    v.now.t += 1000
    await v.svc.deleteApp({ id: v.app.id })
    const trash = await v.svc.listTrash()
    expect(trash.map((i) => [i.kind, i.name, i.environmentCount, i.credentialCount, i.appInTrash])).toEqual([
      ['app', 'Shop', 1, 1, true],
      ['environment', 'Staging', 0, 1, true],
    ])
    const err = await v.svc.restoreFromTrash({ id: v.staging.id }).catch((e: Error) => e)
    expect((err as Error).message).toBe(
      'The environment "Staging" belongs to the app "Shop", which is in the Trash too. Restore the app first, then the environment.',
    )
    await v.svc.restoreFromTrash({ id: v.app.id })
    expect((await v.svc.listEnvironments({ appId: v.app.id })).map((e) => e.name)).toEqual(['Prod'])
    await v.svc.restoreFromTrash({ id: v.staging.id })
    expect((await v.svc.listEnvironments({ appId: v.app.id })).map((e) => e.name)).toEqual([
      'Prod',
      'Staging',
    ])
  })

  it('trash, restore and purge are audited by name, never with a value', async () => {
    const v = await shop()
    await v.svc.deleteApp({ id: v.app.id })
    await v.svc.restoreFromTrash({ id: v.app.id })
    await v.svc.deleteEnvironment({ id: v.prod.id })
    await v.svc.deleteFromTrash({ id: v.prod.id })
    const log = (await v.svc.auditLog({ limit: 10 })).slice(0, 4).reverse()
    expect(log.map((e) => [e.event, e.details])).toEqual([
      ['trash', { app: 'Shop' }],
      ['restore', { app: 'Shop' }],
      ['trash', { app: 'Shop', environment: 'Prod' }],
      ['purge', { app: 'Shop', environment: 'Prod', reason: 'delete-forever' }],
    ])
    expect(JSON.stringify(log)).not.toContain('postgres://')
  })
})

describe('deleting forever', () => {
  it('delete forever removes one item with everything it held; NOT_FOUND for what is not in the Trash', async () => {
    const v = await shop()
    expect(await outcome(v.svc.deleteFromTrash({ id: v.app.id }))).toBe('error NOT_FOUND')
    await v.svc.deleteApp({ id: v.app.id })
    await v.svc.deleteFromTrash({ id: v.app.id })
    expect(await v.svc.listTrash()).toEqual([])
    expect(count(v.path, 'apps')).toBe(1)
    expect(count(v.path, 'environments')).toBe(1)
    expect(count(v.path, 'credentials')).toBe(1)
    expect(count(v.path, 'fields')).toBe(1)
    expect(count(v.path, 'versions')).toBe(0)
    expect(count(v.path, 'provider_connections')).toBe(0)
    expect(await outcome(v.svc.restoreFromTrash({ id: v.app.id }))).toBe('error NOT_FOUND')
  })

  it('empty Trash removes every item (an app and an environment of another app) and reports how many', async () => {
    const v = await shop()
    expect(await v.svc.emptyTrash()).toEqual({ purged: 0 })
    await v.svc.deleteApp({ id: v.app.id })
    await v.svc.deleteEnvironment({ id: v.blogProd.id })
    expect(await v.svc.emptyTrash()).toEqual({ purged: 2 })
    expect(await v.svc.listTrash()).toEqual([])
    expect(count(v.path, 'credentials')).toBe(0)
    expect((await v.svc.listApps()).map((a) => [a.name, a.environmentCount])).toEqual([['Blog', 0]])
  })

  it('items older than 30 days are deleted forever on unlock; younger ones stay', async () => {
    const v = await shop()
    await v.svc.deleteApp({ id: v.app.id })
    v.now.t = T0 + 20 * DAY
    await v.svc.deleteEnvironment({ id: v.blogProd.id })
    v.now.t = T0 + 30 * DAY - 1
    await v.svc.lock()
    await v.svc.unlock({ password: TEST_PASSWORD })
    expect((await v.svc.listTrash()).map((i) => i.name)).toEqual(['Prod', 'Shop'])
    v.now.t = T0 + 30 * DAY
    await v.svc.lock()
    await v.svc.unlock({ password: TEST_PASSWORD })
    expect((await v.svc.listTrash()).map((i) => [i.name, i.appName])).toEqual([['Prod', 'Blog']])
    expect(count(v.path, 'credentials')).toBe(1)
    const purge = (await v.svc.auditLog({ limit: 5 })).find((e) => e.event === 'purge')
    expect(purge?.details).toEqual({ app: 'Shop', reason: 'expired' })
  })
})

describe('the Trash state is authenticated', () => {
  async function closedShop() {
    const v = await shop()
    await v.svc.deleteApp({ id: v.app.id })
    await v.svc.deleteEnvironment({ id: v.blogProd.id })
    await v.svc.close()
    return v
  }

  it('clearing deleted_at with SQL (reviving a trashed app or environment) is VAULT_CORRUPT', async () => {
    for (const table of ['apps', 'environments'] as const) {
      const v = await closedShop()
      sql(v.path, `UPDATE ${table} SET deleted_at = NULL WHERE deleted_at IS NOT NULL`)
      expect(await outcome(createCore({ vaultPath: v.path }).unlock({ password: TEST_PASSWORD }))).toBe(
        'error VAULT_CORRUPT',
      )
    }
  })

  it('setting or changing deleted_at with SQL (hiding a live item, resetting its 30 days) is VAULT_CORRUPT', async () => {
    const cases = [
      ['apps', 'UPDATE apps SET deleted_at = 1 WHERE deleted_at IS NULL'],
      ['apps', 'UPDATE apps SET deleted_at = deleted_at + 1 WHERE deleted_at IS NOT NULL'],
      ['environments', 'UPDATE environments SET deleted_at = 1 WHERE deleted_at IS NULL'],
      ['environments', 'UPDATE environments SET deleted_at = deleted_at + 1 WHERE deleted_at IS NOT NULL'],
    ] as const
    for (const [, statement] of cases) {
      const v = await closedShop()
      sql(v.path, statement)
      const svc = createCore({ vaultPath: v.path, clock: () => v.now.t + 40 * DAY })
      // Even 40 days later (when the auto-purge would run), nothing is purged from a forged row: unlock fails first.
      expect(await outcome(svc.unlock({ password: TEST_PASSWORD }))).toBe('error VAULT_CORRUPT')
      await svc.close()
      expect(count(v.path, 'apps')).toBe(2)
    }
  })

  it('rekey re-seals trashed rows: they stay in the Trash, authenticated, and restore afterwards', async () => {
    const v = await shop()
    await v.svc.deleteApp({ id: v.app.id })
    const before = await v.svc.listTrash()
    await v.svc.rekey({ password: TEST_PASSWORD })
    expect(await v.svc.listTrash()).toEqual(before)
    await v.svc.close()
    sql(v.path, 'UPDATE apps SET deleted_at = NULL')
    expect(await outcome(createCore({ vaultPath: v.path }).unlock({ password: TEST_PASSWORD }))).toBe(
      'error VAULT_CORRUPT',
    )
    const v2 = await shop()
    await v2.svc.deleteApp({ id: v2.app.id })
    await v2.svc.rekey({ password: TEST_PASSWORD })
    await v2.svc.restoreFromTrash({ id: v2.app.id })
    expect((await v2.svc.listCredentials({ appId: v2.app.id })).map((c) => c.name).sort()).toEqual([
      'Database',
      'Stripe',
    ])
  })

  it('a vault from before the row binding (v1) upgrades, then its apps go to the Trash and come back', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const path = join(t.dir, 'vault.db')
    copyFileSync(FIXTURE, path)
    const svc = createCore({ vaultPath: path })
    cleanups.push(() => svc.close())
    await svc.unlock({ password: TEST_PASSWORD })
    const before = await snapshot(svc)
    const apps = await svc.listApps()
    expect(apps.length).toBeGreaterThan(0)
    for (const a of apps) await svc.deleteApp({ id: a.id })
    expect(await svc.listCredentials({})).toEqual([])
    await svc.lock()
    await svc.unlock({ password: TEST_PASSWORD })
    for (const a of apps) await svc.restoreFromTrash({ id: a.id })
    expect(await snapshot(svc)).toBe(before)
  })
})
