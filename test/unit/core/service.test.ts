import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../../src-main/core/db/open-database'
import { dispatch } from '../../../src-main/core/ipc-dispatch'
import { MemoryClipboard, MemorySettings } from '../../../src-main/core/platform-ports'
import { DAY_MS } from '../../../src-main/core/rotation/rotation-status'
import { KeyshelfCore } from '../../../src-main/core/core'
import { credentialInput, newVault, seedAppEnv, TEST_PASSWORD } from '../../helpers/vault.helper'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

async function vault(deps: Parameters<typeof newVault>[0] = {}) {
  const v = await newVault(deps)
  cleanups.push(v.cleanup)
  return v
}

describe('vault lifecycle', () => {
  it('reports no-vault, then unlocked after create, locked after lock', async () => {
    const v = await vault()
    const other = new KeyshelfCore({ vaultPath: v.path + '.missing' })
    expect((await other.status()).state).toBe('no-vault')
    expect((await v.svc.status()).state).toBe('unlocked')
    expect((await v.svc.lock()).state).toBe('locked')
    await expect(v.svc.listApps()).rejects.toMatchObject({ code: 'LOCKED' })
  })

  it('refuses to create over an existing vault', async () => {
    const v = await vault()
    const again = new KeyshelfCore({ vaultPath: v.path })
    await expect(again.create({ password: 'another password' })).rejects.toMatchObject({
      code: 'VAULT_EXISTS',
    })
  })

  it('treats a file left by an interrupted create (schema, no header, no data) as no vault', async () => {
    const v = await vault()
    const path = v.path + '.half'
    openDatabase(path).close() // what a create killed between schema and header leaves behind
    const svc = new KeyshelfCore({ vaultPath: path })
    cleanups.push(() => svc.close())
    expect((await svc.status()).state).toBe('no-vault')
    await svc.create({ password: 'a good password', kdf: { memoryKiB: 19 * 1024, iterations: 2 } })
    expect((await svc.status()).state).toBe('unlocked')
  })

  it('unlocks with the right password, rejects a wrong one with WRONG_PASSWORD', async () => {
    const v = await vault()
    const { envId } = await seedAppEnv(v.svc)
    await v.svc.createCredential(credentialInput(envId))
    await v.svc.close()
    const svc = new KeyshelfCore({ vaultPath: v.path })
    cleanups.push(() => svc.close())
    await expect(svc.unlock({ password: 'wrong' })).rejects.toMatchObject({ code: 'WRONG_PASSWORD' })
    expect((await svc.status()).state).toBe('locked')
    await svc.unlock({ password: TEST_PASSWORD })
    const creds = await svc.listCredentials({})
    expect(creds).toHaveLength(1)
    expect((await svc.reveal({ fieldId: creds[0]!.fields[0]!.id })).value).toBe('sk_test_0123456789abcdef')
  })

  it('changes the password by re-wrapping the data key only', async () => {
    const v = await vault()
    const { envId } = await seedAppEnv(v.svc)
    await v.svc.createCredential(credentialInput(envId))
    await expect(v.svc.changePassword({ current: 'nope', next: 'new password 123' })).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
    })
    await v.svc.changePassword({ current: TEST_PASSWORD, next: 'new password 123' })
    await v.svc.close()
    const svc = new KeyshelfCore({ vaultPath: v.path })
    cleanups.push(() => svc.close())
    await expect(svc.unlock({ password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'WRONG_PASSWORD' })
    await svc.unlock({ password: 'new password 123' })
    const [c] = await svc.listCredentials({})
    expect((await svc.reveal({ fieldId: c!.fields[0]!.id })).value).toBe('sk_test_0123456789abcdef')
  })

  it('lock drops the overview and clears the clipboard it wrote', async () => {
    const clipboard = new MemoryClipboard()
    const v = await vault({ clipboard })
    const { envId } = await seedAppEnv(v.svc)
    const c = await v.svc.createCredential(credentialInput(envId))
    await v.svc.copy({ fieldId: c.fields[0]!.id })
    expect(clipboard.text).toBe('sk_test_0123456789abcdef')
    await v.svc.lock()
    expect(clipboard.text).toBe('')
  })
})

describe('apps, environments and credentials', () => {
  it('CRUD with uniqueness rules', async () => {
    const v = await vault()
    const { appId, envId } = await seedAppEnv(v.svc)
    await expect(
      v.svc.createApp({ name: 'novu', description: '', appId: '', tags: [], notes: '' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
    await expect(
      v.svc.createApp({ name: 'a/b', description: '', appId: '', tags: [], notes: '' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    const app = await v.svc.updateApp({ id: appId, patch: { description: 'Notifications', appId: 'APP-1' } })
    expect(app).toMatchObject({ name: 'Novu', description: 'Notifications', appId: 'APP-1' })
    await v.svc.createEnvironment({
      appId,
      name: 'Staging',
      apiUrl: 'https://eu.api.novu.co',
      wsUrl: '',
      region: 'eu',
      notes: '',
    })
    expect((await v.svc.listEnvironments({ appId })).map((e) => e.name)).toEqual(['Production', 'Staging'])

    const pair = await v.svc.createCredential(
      credentialInput(envId, {
        name: 'Accounting',
        fields: [
          { label: 'Shared key', envVar: 'ACC_SHARED', kind: 'public', value: 'shared-123' },
          { label: 'Secret key', envVar: 'ACC_SECRET', kind: 'secret', value: 'secret-abcdefghijkl' },
        ],
      }),
    )
    expect(pair.fields.map((f) => f.envVar)).toEqual(['ACC_SHARED', 'ACC_SECRET'])
    expect(pair.fields[0]!.masked.clear).toBe('shared-123')
    expect(pair.fields[1]!.masked).toMatchObject({ clear: null, last4: 'ijkl' })
    await expect(
      v.svc.createCredential(
        credentialInput(envId, {
          name: 'Other',
          fields: [{ label: '', envVar: 'ACC_SECRET', kind: 'secret', value: 'x' }],
        }),
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT' })

    const added = await v.svc.addField({
      credentialId: pair.id,
      label: 'Webhook',
      envVar: 'ACC_HOOK',
      kind: 'secret',
      value: 'whsec_1',
    })
    expect(added.fields).toHaveLength(3)
    expect(added.fields[2]!.masked.last4).toBeNull()

    const apps = await v.svc.listApps()
    expect(apps[0]).toMatchObject({ name: 'Novu', environmentCount: 2, credentialCount: 1 })

    await v.svc.deleteCredential({ id: pair.id })
    expect(await v.svc.listCredentials({ appId })).toHaveLength(0)
    await v.svc.deleteApp({ id: appId })
    expect(await v.svc.listApps()).toHaveLength(0)
  })

  it('never puts a secret value in a list, only in reveal', async () => {
    const v = await vault()
    const { envId } = await seedAppEnv(v.svc)
    await v.svc.createCredential(
      credentialInput(envId, {
        fields: [{ label: '', envVar: 'S', kind: 'secret', value: 'CANARY-secret-value-42' }],
      }),
    )
    const listed = JSON.stringify([
      await v.svc.listCredentials({}),
      await v.svc.listApps(),
      await v.svc.search({ query: 's' }),
      await v.svc.dueReport({}),
    ])
    expect(listed).not.toContain('CANARY-secret-value')
  })

  it('edits keep the previous values as a version', async () => {
    const v = await vault()
    const { envId } = await seedAppEnv(v.svc)
    const c = await v.svc.createCredential(credentialInput(envId))
    const f = c.fields[0]!
    const edited = await v.svc.updateCredential({
      id: c.id,
      patch: { notes: 'rolled by hand' },
      fields: [
        { id: f.id, label: 'Secret', envVar: 'API_SECRET', kind: 'secret', value: 'sk_test_new_value_000' },
      ],
    })
    expect(edited.notes).toBe('rolled by hand')
    expect(edited.lastRotatedAt).toBeNull()
    const h = await v.svc.history({ credentialId: c.id })
    expect(h).toHaveLength(1)
    expect(h[0]!.reason).toBe('edit')
    expect((await v.svc.revealVersion({ versionId: h[0]!.id, fieldId: f.id })).value).toBe(
      'sk_test_0123456789abcdef',
    )
    // A metadata-only edit keeps no version
    await v.svc.updateCredential({ id: c.id, patch: { owner: 'ops' } })
    expect(await v.svc.history({ credentialId: c.id })).toHaveLength(1)
  })
})

describe('rotation', () => {
  it('keeps every previous value with reason and overlap, and resets the due date', async () => {
    let now = Date.UTC(2026, 0, 1)
    const v = await vault({ clock: () => now })
    const { envId } = await seedAppEnv(v.svc)
    const c = await v.svc.createCredential(credentialInput(envId))
    const f = c.fields[0]!
    for (let i = 1; i <= 12; i++) {
      now += 30 * DAY_MS
      const r = await v.svc.rotate({
        credentialId: c.id,
        values: [{ fieldId: f.id, value: `value-${i}` }],
        overlapHours: i === 12 ? 12 : undefined,
      })
      expect(r.lastRotatedAt).toBe(now)
      expect(r.rotation.status).toBe('ok')
    }
    const h = await v.svc.history({ credentialId: c.id })
    expect(h).toHaveLength(12)
    expect(h[0]!.reason).toBe('manual')
    expect(h[0]!.validUntil).toBe(now + 12 * 3_600_000)
    expect((await v.svc.revealVersion({ versionId: h[11]!.id, fieldId: f.id })).value).toBe(
      'sk_test_0123456789abcdef',
    )
    expect((await v.svc.revealVersion({ versionId: h[0]!.id, fieldId: f.id })).value).toBe('value-11')
    expect((await v.svc.reveal({ fieldId: f.id })).value).toBe('value-12')
  })

  it('refuses a rotation to the same value and changes nothing', async () => {
    const v = await vault()
    const { envId } = await seedAppEnv(v.svc)
    const c = await v.svc.createCredential(credentialInput(envId))
    await expect(
      v.svc.rotate({
        credentialId: c.id,
        values: [{ fieldId: c.fields[0]!.id, value: 'sk_test_0123456789abcdef' }],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(await v.svc.history({ credentialId: c.id })).toHaveLength(0)
    expect((await v.svc.getCredential({ id: c.id })).lastRotatedAt).toBeNull()
  })

  it('due report and counts for keys rotated 10, 80 and 95 days ago and a past expiry; counts work locked', async () => {
    const now = Date.UTC(2026, 10, 22)
    const v = await vault({ clock: () => now, settings: new MemorySettings() })
    const { envId } = await seedAppEnv(v.svc)
    for (const [name, days] of [
      ['Fresh', 10],
      ['Soon', 80],
      ['Late', 95],
    ] as const) {
      await v.svc.createCredential(
        credentialInput(envId, {
          name,
          lastRotatedAt: now - days * DAY_MS,
          fields: [{ label: '', envVar: name.toUpperCase(), kind: 'secret', value: 'v-' + name }],
        }),
      )
    }
    await v.svc.createCredential(
      credentialInput(envId, {
        name: 'Gone',
        expiresAt: now - DAY_MS,
        lastRotatedAt: now,
        fields: [{ label: '', envVar: 'GONE', kind: 'secret', value: 'v' }],
      }),
    )
    const report = await v.svc.dueReport({})
    expect(report.map((r) => [r.name, r.rotation.status, r.rotation.daysLeft])).toEqual([
      ['Late', 'overdue', -5],
      ['Gone', 'expired', -1],
      ['Soon', 'due-soon', 10],
    ])
    await v.svc.lock()
    const locked = { overdue: 1, dueSoon: 1, expired: 1, total: 3, verified: false }
    expect(await v.svc.dueCounts()).toEqual(locked)
    expect((await v.svc.status()).due).toEqual(locked)
  })
})

describe('search', () => {
  it('matches apps, environments, names and env vars with every term', async () => {
    const v = await vault()
    const { envId } = await seedAppEnv(v.svc, 'Cloudflare', 'Staging')
    await v.svc.createCredential(
      credentialInput(envId, {
        name: 'DNS token',
        fields: [{ label: '', envVar: 'CF_API_TOKEN', kind: 'secret', value: 'x' }],
      }),
    )
    expect((await v.svc.search({ query: 'cf_api' })).map((h) => h.kind)).toEqual(['field'])
    expect((await v.svc.search({ query: 'cloudflare staging dns' }))[0]!.label).toBe(
      'Cloudflare › Staging › DNS token (CF_API_TOKEN)',
    )
    expect(await v.svc.search({ query: 'nothing-like-this' })).toEqual([])
  })
})

describe('audit', () => {
  it('records reveal, copy, edit, rotate and delete without values', async () => {
    const v = await vault()
    const { envId } = await seedAppEnv(v.svc)
    const c = await v.svc.createCredential(credentialInput(envId))
    await v.svc.reveal({ fieldId: c.fields[0]!.id })
    await v.svc.copy({ fieldId: c.fields[0]!.id })
    await v.svc.rotate({
      credentialId: c.id,
      values: [{ fieldId: c.fields[0]!.id, value: 'rotated-value-xyz' }],
    })
    await v.svc.deleteCredential({ id: c.id })
    const log = await v.svc.auditLog({})
    expect(log.map((e) => e.event).slice(0, 4)).toEqual(['delete', 'rotate', 'copy', 'reveal'])
    const text = JSON.stringify(log)
    expect(text).not.toContain('sk_test_0123456789abcdef')
    expect(text).not.toContain('rotated-value-xyz')
  })
})

describe('dispatch (the IPC path)', () => {
  it('validates input with zod and returns typed errors', async () => {
    const v = await vault()
    expect(await dispatch(v.svc, 'createApp', { name: '' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    expect(await dispatch(v.svc, 'reveal', { fieldId: 'not-a-uuid' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    expect(await dispatch(v.svc, 'createApp', { name: 'X', extra: 1 })).toMatchObject({ ok: false })
    expect(await dispatch(v.svc, 'constructor', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    expect(await dispatch(v.svc, '__proto__', {})).toMatchObject({ ok: false })
    const r = await dispatch(v.svc, 'createApp', { name: 'Novu' })
    expect(r).toMatchObject({ ok: true, value: { name: 'Novu', description: '', tags: [] } })
    expect(
      await dispatch(v.svc, 'reveal', { fieldId: '00000000-0000-4000-8000-000000000000' }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })

  it('does not echo a rejected value in the error', async () => {
    const v = await vault()
    const { envId } = await seedAppEnv(v.svc)
    const r = await dispatch(v.svc, 'createCredential', {
      environmentId: envId,
      name: 'x',
      fields: [{ envVar: '1BAD', kind: 'secret', value: 'CANARY-VALUE-999' }],
    })
    expect(r.ok).toBe(false)
    expect(JSON.stringify(r)).not.toContain('CANARY-VALUE-999')
  })
})
