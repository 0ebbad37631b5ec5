/**
 * Service-level fixes from the trust audit (issue 9 §3, §4, §6): no lost update between two processes,
 * the data key can be rotated, partial updates keep what they do not name, a failed unlock keeps the
 * session.
 */
import BetterSqlite3 from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { copyFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createCore } from '../../../src-main/core/core'
import { dispatch } from '../../../src-main/core/ipc-dispatch'
import { credentialInput, newVault, seedAppEnv, TEST_PASSWORD } from '../../helpers/vault.helper'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

async function vault() {
  const v = await newVault()
  cleanups.push(v.cleanup)
  const { envId } = await seedAppEnv(v.svc, 'Shop', 'Prod')
  const c = await v.svc.createCredential(
    credentialInput(envId, {
      name: 'Stripe',
      provider: 'manual',
      status: 'revoked',
      expiresAt: 1_900_000_000_000,
      rotationIntervalDays: 30,
      fields: [{ label: 'Key', envVar: 'STRIPE_KEY', kind: 'secret', value: 'sk_live_first_value_0001' }],
    }),
  )
  return { ...v, envId, c }
}

describe('partial updates', () => {
  it('updateCredential { patch: { notes } } keeps status, expiry, interval and provider', async () => {
    const v = await vault()
    const r = await dispatch(v.svc, 'updateCredential', { id: v.c.id, patch: { notes: 'rotated by ops' } })
    expect(r.ok).toBe(true)
    const after = await v.svc.getCredential({ id: v.c.id })
    expect(after).toMatchObject({
      notes: 'rotated by ops',
      status: 'revoked',
      expiresAt: 1_900_000_000_000,
      rotationIntervalDays: 30,
      provider: 'manual',
    })
  })
})

describe('a failed unlock while unlocked', () => {
  it('keeps the session unlocked', async () => {
    const v = await vault()
    await expect(v.svc.unlock({ password: 'not the password' })).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
    })
    expect((await v.svc.status()).state).toBe('unlocked')
    expect((await v.svc.reveal({ fieldId: v.c.fields[0]!.id })).value).toBe('sk_live_first_value_0001')
  })
})

describe('rekey', () => {
  it('re-seals everything under a new data key in one go: values intact, an old copy opens nothing new, audit kept', async () => {
    const v = await vault()
    await v.svc.rotate({
      credentialId: v.c.id,
      values: [{ fieldId: v.c.fields[0]!.id, value: 'sk_live_second_0002' }],
    })
    await v.svc.close()
    const oldCopy = join(v.dir, 'old-copy.db')
    copyFileSync(v.path, oldCopy)
    const svc = createCore({ vaultPath: v.path })
    cleanups.push(() => svc.close())
    await svc.unlock({ password: TEST_PASSWORD })
    const oldKey = svc.dataKeyForQuickUnlock()
    const maskBefore = (await svc.getCredential({ id: v.c.id })).fields[0]!.masked
    // Sealed meta rows (remembered export targets) must survive the rekey too.
    svc.transaction(() => svc.repository().writeSealedMeta('export_targets', [{ path: '/tmp/x.env' }]))
    const r = await svc.rekey({ password: TEST_PASSWORD })
    expect(r.resealed).toBeGreaterThan(5)
    expect(svc.dataKeyForQuickUnlock().equals(oldKey)).toBe(false)
    // A secret added after the rekey
    await svc.createCredential(
      credentialInput(v.envId, {
        name: 'New',
        fields: [{ label: 'N', envVar: 'NEW_SECRET', kind: 'secret', value: 'added-after-rekey-0003' }],
      }),
    )
    expect((await svc.auditLog({ limit: 5 })).some((a) => a.event === 'rekey')).toBe(true)
    await svc.close()

    // Everything reads after a fresh unlock; the fingerprint is the new key's but still matches the value.
    const again = createCore({ vaultPath: v.path })
    cleanups.push(() => again.close())
    await again.unlock({ password: TEST_PASSWORD })
    const c = await again.getCredential({ id: v.c.id })
    expect((await again.reveal({ fieldId: c.fields[0]!.id })).value).toBe('sk_live_second_0002')
    const h = await again.history({ credentialId: c.id })
    expect((await again.revealVersion({ versionId: h[0]!.id, fieldId: c.fields[0]!.id })).value).toBe(
      'sk_live_first_value_0001',
    )
    expect(again.repository().readSealedMeta('export_targets', [])).toEqual([{ path: '/tmp/x.env' }])
    expect(c.fields[0]!.masked.fingerprint).not.toBe(maskBefore.fingerprint)
    expect(again.repository().mask('secret', 'sk_live_second_0002').fingerprint).toBe(
      c.fields[0]!.masked.fingerprint,
    )
    // The old data key (an old copy of the file, an old quick-unlock entry) no longer opens this vault.
    await again.lock()
    await expect(again.unlockWithDataKey(oldKey)).rejects.toMatchObject({ code: 'WRONG_PASSWORD' })

    // The old copy with the old password opens, but knows nothing of what was added after the rekey.
    const old = createCore({ vaultPath: oldCopy })
    cleanups.push(() => old.close())
    await old.unlock({ password: TEST_PASSWORD })
    expect((await old.listCredentials({})).map((x) => x.name)).toEqual(['Stripe'])
  })

  it('a wrong password changes nothing', async () => {
    const v = await vault()
    const key = v.svc.dataKeyForQuickUnlock()
    await expect(v.svc.rekey({ password: 'wrong' })).rejects.toMatchObject({ code: 'WRONG_PASSWORD' })
    expect(v.svc.dataKeyForQuickUnlock().equals(key)).toBe(true)
  })
})

const SQLITE = createRequire(import.meta.url).resolve('better-sqlite3')

describe('no lost update between two processes', () => {
  it('a field another process adds while this one rotates another field is kept', async () => {
    const v = await vault()
    // Prepare, on a copy with the same keys, the rows another keyshelf process would write: a second field.
    await v.svc.close()
    const twin = join(v.dir, 'twin.db')
    copyFileSync(v.path, twin)
    const other = createCore({ vaultPath: twin })
    await other.unlock({ password: TEST_PASSWORD })
    const before = await other.getCredential({ id: v.c.id })
    await other.updateCredential({
      id: v.c.id,
      patch: {},
      fields: [
        { id: before.fields[0]!.id, label: 'Key', envVar: 'STRIPE_KEY', kind: 'secret' },
        {
          label: 'Webhook',
          envVar: 'STRIPE_WEBHOOK_SECRET',
          kind: 'secret',
          value: 'whsec_added_by_cli_0004',
        },
      ],
    })
    await other.close()
    const raw = new BetterSqlite3(twin, { readonly: true })
    const credRow = raw.prepare('SELECT * FROM credentials WHERE id = ?').get(v.c.id) as Record<
      string,
      unknown
    >
    const newField = raw
      .prepare('SELECT * FROM fields WHERE credential_id = ? AND id != ?')
      .get(v.c.id, before.fields[0]!.id) as Record<string, unknown>
    raw.close()

    // This process: unlocked, its overview of the key loaded.
    const svc = createCore({ vaultPath: v.path })
    cleanups.push(() => svc.close())
    await svc.unlock({ password: TEST_PASSWORD })
    await svc.getCredential({ id: v.c.id })

    // The other process takes the write lock, writes its field, and commits 1.5 s later.
    const script = `
      const D = require(${JSON.stringify(SQLITE)});
      const db = new D(${JSON.stringify(v.path)});
      const cred = ${JSON.stringify(credRow, (_k, x) => (x && x.type === 'Buffer' ? { b64: Buffer.from(x.data).toString('base64') } : x))};
      const field = ${JSON.stringify(newField, (_k, x) => (x && x.type === 'Buffer' ? { b64: Buffer.from(x.data).toString('base64') } : x))};
      const val = (x) => (x && x.b64 !== undefined ? Buffer.from(x.b64, 'base64') : x);
      db.exec('BEGIN IMMEDIATE');
      db.prepare('UPDATE credentials SET ' + Object.keys(cred).filter((k) => k !== 'id').map((k) => k + ' = @' + k).join(', ') + ' WHERE id = @id')
        .run(Object.fromEntries(Object.entries(cred).map(([k, x]) => [k, val(x)])));
      db.prepare('INSERT INTO fields (' + Object.keys(field).join(', ') + ') VALUES (' + Object.keys(field).map((k) => '@' + k).join(', ') + ')')
        .run(Object.fromEntries(Object.entries(field).map(([k, x]) => [k, val(x)])));
      process.stdout.write('locked\\n');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, 1500);`
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL')
    })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve())
      child.once('exit', (code) => reject(new Error(`writer exited ${code}`)))
    })
    // Rotating STRIPE_KEY now waits for the lock, then must build on the other process's commit.
    await svc.rotate({
      credentialId: v.c.id,
      values: [{ fieldId: v.c.fields[0]!.id, value: 'sk_live_rotated_0005' }],
    })
    await svc.close()

    const check = createCore({ vaultPath: v.path })
    cleanups.push(() => check.close())
    await check.unlock({ password: TEST_PASSWORD })
    const after = await check.getCredential({ id: v.c.id })
    expect(after.fields.map((f) => f.envVar)).toEqual(['STRIPE_KEY', 'STRIPE_WEBHOOK_SECRET'])
    expect((await check.reveal({ fieldId: after.fields[0]!.id })).value).toBe('sk_live_rotated_0005')
    expect((await check.reveal({ fieldId: after.fields[1]!.id })).value).toBe('whsec_added_by_cli_0004')
  }, 30_000)
})
