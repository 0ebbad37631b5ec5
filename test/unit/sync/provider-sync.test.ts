import { afterEach, describe, expect, it } from 'vitest'
import { createCore, type KeyshelfCore } from '../../../src-main/core/core'
import { dispatch } from '../../../src-main/core/ipc-dispatch'
import { startCloudflareFake, CF_ROUTES } from '../../fakes/cloudflare.fake'
import { startGitlabFake, GL_ROUTES } from '../../fakes/gitlab.fake'
import { startNovuFake, NOVU_ROUTES } from '../../fakes/novu.fake'
import { newVault, TEST_PASSWORD } from '../../helpers/vault.helper'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

/** Provider calls with no real waiting: retries sleep 0 ms. */
const fast = { providerOptions: { sleep: async () => {}, retry: { timeoutMs: 400, maxRetries: 2 } } }

async function setup(deps: Parameters<typeof newVault>[0] = {}) {
  const v = await newVault({ ...fast, ...deps })
  cleanups.push(v.cleanup)
  const app = await v.svc.createApp({ name: 'Acme', description: '', appId: '', tags: [], notes: '' })
  return { ...v, appId: app.id }
}

async function snapshot(svc: KeyshelfCore) {
  const creds = await svc.listCredentials({})
  const values: Record<string, string> = {}
  for (const c of creds) for (const f of c.fields) values[f.id] = svc.readValue(c.id, f.id)
  const envs = (await svc.listApps()).length
  return JSON.stringify({ creds: creds.map((c) => ({ ...c, rotation: null })), values, envs })
}

describe('Cloudflare sync', () => {
  it('connects, lists every page, re-syncs unchanged, marks a deleted token revoked and keeps it', async () => {
    const cf = await startCloudflareFake({ tokens: 120 })
    cleanups.push(() => cf.close())
    const { svc, appId } = await setup()
    const admin = cf.state.secretOf(cf.state.adminId)
    const { connection, summary } = await svc.connectProvider({
      appId,
      provider: 'cloudflare',
      token: admin,
      environmentName: 'Production',
      apiUrl: cf.url,
    })
    expect(connection.provider).toBe('cloudflare')
    expect(summary.added).toBe(119) // the admin token is the connection key itself
    expect(summary.updated + summary.unchanged).toBe(1)
    expect(cf.count(CF_ROUTES.list)).toBeGreaterThanOrEqual(3) // 120 tokens, 50 per page
    const creds = await svc.listCredentials({ appId })
    expect(creds).toHaveLength(120)
    // Cloudflare never shows token values: sync adds records without blanking anything it cannot see.
    const tokenCred = creds.find((c) => c.id === connection.tokenCredentialId)!
    expect(svc.readValue(tokenCred.id, tokenCred.fields[0]!.id)).toBe(admin)

    const again = await svc.syncProviders({ appId })
    expect(again[0]).toMatchObject({ added: 0, revoked: 0, updated: 0, unchanged: 120 })
    // Cloudflare accounts are not environments: only the one the token was stored in exists.
    expect((await svc.listEnvironments({ appId })).map((e) => e.name)).toEqual(['Production'])

    const [victimId] = [...cf.state.tokens.keys()].filter((id) => id !== cf.state.adminId)
    cf.state.tokens.delete(victimId!)
    const third = await svc.syncProviders({ appId })
    expect(third[0]).toMatchObject({ revoked: 1, added: 0 })
    const victim = (await svc.listCredentials({ appId })).find((c) => c.providerCredentialId === victimId)!
    expect(victim.status).toBe('revoked')
    expect(victim.rotation.status).toBe('revoked')
  })

  it('the connecting token carries its remote name, issued_on as last rotated and expires_on', async () => {
    const now = Date.UTC(2026, 10, 22)
    const issued = '2025-12-20T09:00:00Z'
    const expires = '2027-06-01T00:00:00Z'
    const cf = await startCloudflareFake({
      clock: () => now,
      tokens: [
        { name: 'deploy-bot', issuedOn: issued, expiresOn: expires },
        { name: 'ci', access: 'none' },
      ],
    })
    cleanups.push(() => cf.close())
    const { svc, appId } = await setup({ clock: () => now })
    const { connection } = await svc.connectProvider({
      appId,
      provider: 'cloudflare',
      token: cf.state.secretOf(cf.state.adminId),
      environmentName: 'Production',
      apiUrl: cf.url,
    })
    const tok = await svc.getCredential({ id: connection.tokenCredentialId })
    expect(tok.name).toBe('deploy-bot')
    expect(tok.lastRotatedAt).toBe(Date.parse(issued))
    expect(tok.expiresAt).toBe(Date.parse(expires))
    expect(tok.rotation.status).not.toBe('ok') // 11 months old with a 90-day interval
  })

  it('an account-owned token without an account id is refused with "give the account id", saving nothing', async () => {
    const account = { id: 'e'.repeat(32), name: 'Acme' }
    const cf = await startCloudflareFake({
      accounts: [account],
      tokens: [{ name: 'acct', owner: account.id }],
    })
    cleanups.push(() => cf.close())
    const { svc, appId } = await setup()
    const token = cf.state.secretOf(cf.state.adminId)
    const r = await dispatch(svc, 'connectProvider', {
      appId,
      provider: 'cloudflare',
      token,
      environmentName: 'Production',
      apiUrl: cf.url,
    })
    expect(r.ok ? '' : r.error.message).toContain('account id')
    expect(await svc.listCredentials({ appId })).toHaveLength(0)
    const ok = await svc.connectProvider({
      appId,
      provider: 'cloudflare',
      token,
      environmentName: 'Production',
      apiUrl: cf.url,
      accountId: account.id,
    })
    expect(ok.summary.added + ok.summary.updated + ok.summary.unchanged).toBe(1)
  })

  it('a failed sync (500, 401, timeout) changes nothing and says what happened', async () => {
    const cf = await startCloudflareFake({ tokens: 60 })
    cleanups.push(() => cf.close())
    const { svc, appId } = await setup()
    await svc.connectProvider({
      appId,
      provider: 'cloudflare',
      token: cf.state.secretOf(cf.state.adminId),
      environmentName: 'Production',
      apiUrl: cf.url,
    })
    cf.state.addToken({ name: 'new one' })
    const before = await snapshot(svc)
    cf.setMode({ kind: 'fail', status: 500, route: CF_ROUTES.list, times: 100 })
    const r = await dispatch(svc, 'syncProviders', { appId })
    expect(r).toMatchObject({ ok: false, error: { code: 'PROVIDER_ERROR' } })
    expect(await snapshot(svc)).toBe(before)
    cf.setMode({ kind: 'slow', delayMs: 1_500, route: CF_ROUTES.list, times: 100 })
    const slow = await dispatch(svc, 'syncProviders', { appId })
    expect(slow).toMatchObject({ ok: false, error: { code: 'PROVIDER_ERROR' } })
    expect(await snapshot(svc)).toBe(before)
    cf.setMode({ kind: 'normal' })
    expect((await svc.syncProviders({ appId }))[0]).toMatchObject({ added: 1 })
  })

  it('rejects a bad token at connect time and saves nothing', async () => {
    const cf = await startCloudflareFake({ tokens: 2 })
    cleanups.push(() => cf.close())
    const { svc, appId } = await setup()
    const r = await dispatch(svc, 'connectProvider', {
      appId,
      provider: 'cloudflare',
      token: 'cfut_not_a_real_token_000',
      environmentName: 'Production',
      apiUrl: cf.url,
    })
    expect(r).toMatchObject({ ok: false, error: { code: 'PROVIDER_ERROR' } })
    expect(JSON.stringify(r)).not.toContain('cfut_not_a_real_token_000')
    expect(await svc.listCredentials({})).toHaveLength(0)
    expect(await svc.listConnections({})).toHaveLength(0)
  })

  it('rotates through the provider: new value stored, old value in history, old token dead', async () => {
    const cf = await startCloudflareFake({ tokens: 3 })
    cleanups.push(() => cf.close())
    const { svc, appId } = await setup()
    const { connection } = await svc.connectProvider({
      appId,
      provider: 'cloudflare',
      token: cf.state.secretOf(cf.state.adminId),
      environmentName: 'Production',
      apiUrl: cf.url,
    })
    const old = cf.state.secretOf(cf.state.adminId)
    const out = await svc.rotateViaProvider({ credentialId: connection.tokenCredentialId })
    expect(out).toMatchObject({ strategy: 'single', oldKeyState: 'dead' })
    const cred = out.credential
    const now = svc.readValue(cred.id, cred.fields[0]!.id)
    expect(now).not.toBe(old)
    expect(now).toBe(cf.state.secretOf(cf.state.adminId))
    const history = await svc.history({ credentialId: cred.id })
    expect(history[0]!.reason).toBe('rotate:cloudflare')
    expect((await svc.revealVersion({ versionId: history[0]!.id, fieldId: cred.fields[0]!.id })).value).toBe(
      old,
    )
    // The vault now works with the new token; the old one is refused by the provider.
    expect((await svc.verifyCredential({ credentialId: cred.id })).result).toBe('valid')
    expect(svc.providers.journal(cred.id)[0]!.state).toBe('done')
  })

  it('a dropped rotate answer marks the key unknown, never re-rotates, and verify settles it', async () => {
    const cf = await startCloudflareFake({ tokens: 3 })
    cleanups.push(() => cf.close())
    const { svc, appId } = await setup()
    const { connection } = await svc.connectProvider({
      appId,
      provider: 'cloudflare',
      token: cf.state.secretOf(cf.state.adminId),
      environmentName: 'Production',
      apiUrl: cf.url,
    })
    const target = (await svc.listCredentials({ appId })).find((c) => c.id !== connection.tokenCredentialId)!
    const before = svc.readValue(target.id, target.fields[0]!.id)
    cf.setMode({ kind: 'drop', route: CF_ROUTES.roll, times: 1 })
    const r = await dispatch(svc, 'rotateViaProvider', { credentialId: target.id })
    expect(r).toMatchObject({ ok: false, error: { code: 'PROVIDER_ERROR' } })
    expect(r.ok ? '' : r.error.message).toMatch(/did not answer.*verify/)
    expect(cf.count(CF_ROUTES.roll)).toBe(1)
    const unknown = await svc.getCredential({ id: target.id })
    expect(unknown.rotationState).toBe('unknown')
    expect(svc.readValue(target.id, target.fields[0]!.id)).toBe(before)
    // A second rotate is refused without calling the provider.
    const again = await dispatch(svc, 'rotateViaProvider', { credentialId: target.id })
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    expect(cf.count(CF_ROUTES.roll)).toBe(1)
    const settled = await svc.verifyCredential({ credentialId: target.id })
    expect(settled.result).toMatch(/^settled-/)
    expect(settled.credential.rotationState).toBe('settled')
    expect(cf.count(CF_ROUTES.roll)).toBe(1)
  })

  it('a crash after the provider answered: the sealed answer is applied on the next unlock, never re-rotated', async () => {
    const cf = await startCloudflareFake({ tokens: 2 })
    cleanups.push(() => cf.close())
    let crash = true
    const { svc, appId, path } = await setup({
      afterProviderAnswer: () => {
        if (crash) throw new Error('simulated crash')
      },
    })
    const { connection } = await svc.connectProvider({
      appId,
      provider: 'cloudflare',
      token: cf.state.secretOf(cf.state.adminId),
      environmentName: 'Production',
      apiUrl: cf.url,
    })
    const target = (await svc.listCredentials({ appId })).find((c) => c.id !== connection.tokenCredentialId)!
    const before = svc.readValue(target.id, target.fields[0]!.id)
    await expect(svc.rotateViaProvider({ credentialId: target.id })).rejects.toThrow('simulated crash')
    crash = false
    expect(cf.count(CF_ROUTES.roll)).toBe(1)
    expect(svc.providers.journal(target.id)[0]).toMatchObject({ state: 'pending' })
    expect(svc.readValue(target.id, target.fields[0]!.id)).toBe(before)
    await svc.close()
    // Restart: a new process opens the same file; unlock applies the sealed answer.
    const restarted = createCore({ vaultPath: path, ...fast })
    cleanups.push(() => restarted.close())
    await restarted.unlock({ password: TEST_PASSWORD })
    const after = await restarted.getCredential({ id: target.id })
    expect(after.rotationState).toBe('settled')
    expect(restarted.readValue(target.id, target.fields[0]!.id)).toBe(
      cf.state.secretOf(target.providerCredentialId),
    )
    expect(restarted.providers.journal(target.id)[0]).toMatchObject({ state: 'done', answer: null })
    const history = await restarted.history({ credentialId: target.id })
    expect(
      (await restarted.revealVersion({ versionId: history[0]!.id, fieldId: target.fields[0]!.id })).value,
    ).toBe(before)
    expect(cf.count(CF_ROUTES.roll)).toBe(1)
  })

  it('rotating again while an answer is pending applies it and never calls the provider again', async () => {
    const cf = await startCloudflareFake({ tokens: 2 })
    cleanups.push(() => cf.close())
    let crash = true
    const { svc, appId } = await setup({
      afterProviderAnswer: () => {
        if (crash) throw new Error('simulated crash')
      },
    })
    const { connection } = await svc.connectProvider({
      appId,
      provider: 'cloudflare',
      token: cf.state.secretOf(cf.state.adminId),
      environmentName: 'Production',
      apiUrl: cf.url,
    })
    const target = (await svc.listCredentials({ appId })).find((c) => c.id !== connection.tokenCredentialId)!
    await expect(svc.rotateViaProvider({ credentialId: target.id })).rejects.toThrow('simulated crash')
    crash = false
    const again = await svc.rotateViaProvider({ credentialId: target.id })
    expect(svc.readValue(target.id, again.credential.fields[0]!.id)).toBe(
      cf.state.secretOf(target.providerCredentialId),
    )
    expect(cf.count(CF_ROUTES.roll)).toBe(1)
    expect(svc.providers.journal(target.id)[0]).toMatchObject({ state: 'done' })
  })
})

describe('Novu sync', () => {
  it('creates environments with application identifiers and regional URLs; keeps the secret key', async () => {
    const novu = await startNovuFake()
    cleanups.push(() => novu.close())
    const { svc, appId } = await setup()
    const devKey = novu.state.keyOf('Development')
    const { connection, summary } = await svc.connectProvider({
      appId,
      provider: 'novu',
      token: devKey,
      apiUrl: novu.url,
    })
    expect(connection.environmentName).toBe('Development')
    expect(summary.environments.map((e) => e.name).sort()).toEqual(['Development', 'Production'])
    const envs = await svc.listEnvironments({ appId })
    expect(envs.map((e) => e.name).sort()).toEqual(['Development', 'Production'])
    const creds = await svc.listCredentials({ appId })
    const ids = creds.filter((c) => c.fields.some((f) => f.envVar === 'NOVU_APPLICATION_IDENTIFIER'))
    expect(ids).toHaveLength(2)
    for (const c of ids) {
      expect(c.rotationIntervalDays).toBeNull()
      expect(c.fields[0]!.kind).toBe('public')
      const env = novu.state.environments.find(
        (e) => envs.find((x) => x.id === c.environmentId)?.name === e.name,
      )!
      expect(c.fields[0]!.masked.clear).toBe(env.identifier)
    }
    const secret = creds.find((c) => c.fields.some((f) => f.envVar === 'NOVU_SECRET_KEY'))!
    expect(svc.readValue(secret.id, secret.fields[0]!.id)).toBe(devKey)
    expect(novu.count(NOVU_ROUTES.environments)).toBeGreaterThan(0)
  })

  it('rotates with the rolling two-key flow when asked for an overlap, and deletes the old key after it', async () => {
    let now = Date.UTC(2026, 10, 22)
    // Novu's docs: an API key may create and delete keys (its code says otherwise; see the next tests).
    const novu = await startNovuFake({ keyManagementViaApiKey: true })
    cleanups.push(() => novu.close())
    const { svc, appId } = await setup({ clock: () => now })
    const { connection } = await svc.connectProvider({
      appId,
      provider: 'novu',
      token: novu.state.keyOf('Development'),
      apiUrl: novu.url,
    })
    const countBefore = (await svc.listCredentials({ appId })).length
    const out = await svc.rotateViaProvider({ credentialId: connection.tokenCredentialId, overlapHours: 12 })
    expect(out.strategy).toBe('dual')
    expect(out.oldKeyState).toBe('valid-until')
    expect(novu.state.env('Development').apiKeys).toHaveLength(2)
    const h = await svc.history({ credentialId: connection.tokenCredentialId })
    expect(h[0]!.validUntil).toBe(now + 12 * 3_600_000)
    // During the overlap, sync sees both keys: the old one is the previous version, not a new active key.
    for (let i = 0; i < 2; i++) {
      const during = await svc.syncProviders({ appId })
      expect(during[0]!.added).toBe(0)
      expect(during[0]!.notes.join(' ')).toContain('is the previous value of')
    }
    const creds = await svc.listCredentials({ appId })
    expect(creds).toHaveLength(countBefore)
    expect(
      creds.filter((c) => c.fields.some((f) => f.envVar.startsWith('NOVU_') && f.kind === 'secret')),
    ).toHaveLength(1)
    now += 13 * 3_600_000
    const s = await svc.syncProviders({ appId })
    expect(s[0]!.finishedOverlaps).toBe(1)
    expect(novu.state.env('Development').apiKeys).toHaveLength(1)
    expect(novu.count(NOVU_ROUTES.deleteKey)).toBe(1)
  })

  it('a second key made in the dashboard and pasted in is recognised by sync as the new value, the old one as previous', async () => {
    const novu = await startNovuFake() // Novu's code: key management is dashboard-only for API keys
    cleanups.push(() => novu.close())
    const { svc, appId } = await setup()
    const oldKey = novu.state.keyOf('Development')
    const { connection } = await svc.connectProvider({
      appId,
      provider: 'novu',
      token: oldKey,
      apiUrl: novu.url,
    })
    const countBefore = (await svc.listCredentials({ appId })).length
    const r = await dispatch(svc, 'rotateViaProvider', {
      credentialId: connection.tokenCredentialId,
      overlapHours: 24,
    })
    expect(r.ok).toBe(false)
    const msg = r.ok ? '' : r.error.message
    expect(msg).toContain('API endpoint not available')
    expect(msg).toContain('was not revoked')
    expect(msg).toContain('Create the new secret key in')
    // The user does it in the dashboard (a Bearer session), then pastes the new key with an overlap.
    const created = await fetch(`${novu.url}/v1/environments/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${novu.state.bearerFor('Development')}` },
    })
    const keys = ((await created.json()) as { data: { key: string }[] }).data
    const newKey = keys[1]!.key
    const cred = await svc.getCredential({ id: connection.tokenCredentialId })
    await svc.rotate({
      credentialId: cred.id,
      values: [{ fieldId: cred.fields[0]!.id, value: newKey }],
      overlapHours: 24,
    })
    const synced = await svc.syncProviders({ appId })
    expect(synced[0]!.added).toBe(0)
    expect(synced[0]!.notes.join(' ')).toContain('is the previous value of')
    const after = await svc.listCredentials({ appId })
    expect(after).toHaveLength(countBefore)
    const conn = after.find((c) => c.id === connection.tokenCredentialId)!
    expect(svc.readValue(conn.id, conn.fields[0]!.id)).toBe(newKey)
    expect(conn.status).toBe('active')
  })

  it("finish-rotation deletes the old key at the provider; with Novu's code it points to the dashboard", async () => {
    let now = Date.UTC(2026, 10, 22)
    const novu = await startNovuFake({ keyManagementViaApiKey: true })
    cleanups.push(() => novu.close())
    const { svc, appId } = await setup({ clock: () => now })
    const { connection } = await svc.connectProvider({
      appId,
      provider: 'novu',
      token: novu.state.keyOf('Development'),
      apiUrl: novu.url,
    })
    await svc.rotateViaProvider({ credentialId: connection.tokenCredentialId, overlapHours: 12 })
    // Now the server follows Novu's code: delete over an API key is refused, and sync says where to do it.
    novu.state.options.keyManagementViaApiKey = false
    now += 13 * 3_600_000
    const s = await svc.syncProviders({ appId })
    expect(s[0]!.finishedOverlaps).toBe(0)
    expect(s[0]!.notes.join(' ')).toContain('Delete the old secret key in')
    novu.state.options.keyManagementViaApiKey = true
    const done = await svc.providers.finishRotation(connection.tokenCredentialId)
    expect(done).toMatchObject({ deleted: true, alreadyGone: false })
    expect(novu.state.env('Development').apiKeys).toHaveLength(1)
    const again = await svc.providers.finishRotation(connection.tokenCredentialId)
    expect(again.deleted).toBe(false)
    expect(again.message).toContain('no two-key rotation is open')
  })

  it('explains that current servers refuse regenerate through an API key', async () => {
    const novu = await startNovuFake({ regenerateViaApiKey: false })
    cleanups.push(() => novu.close())
    const { svc, appId } = await setup()
    const { connection } = await svc.connectProvider({
      appId,
      provider: 'novu',
      token: novu.state.keyOf('Development'),
      apiUrl: novu.url,
    })
    const before = await snapshot(svc)
    const r = await dispatch(svc, 'rotateViaProvider', { credentialId: connection.tokenCredentialId })
    expect(r.ok).toBe(false)
    expect(r.ok ? '' : r.error.message).toMatch(/dashboard/i)
    expect((await svc.getCredential({ id: connection.tokenCredentialId })).rotationState).toBe('settled')
    expect(await snapshot(svc)).toBe(before)
  })
})

describe('Novu single-phase regenerate', () => {
  it('stores the new key and marks the other keys it killed as revoked', async () => {
    const novu = await startNovuFake({
      regenerateViaApiKey: true,
      environments: [
        {
          name: 'Development',
          keys: ['11111111111111111111111111111111', '22222222222222222222222222222222'],
        },
      ],
    })
    cleanups.push(() => novu.close())
    const { svc, appId } = await setup()
    const { connection, summary } = await svc.connectProvider({
      appId,
      provider: 'novu',
      token: '11111111111111111111111111111111',
      apiUrl: novu.url,
    })
    expect(summary.added).toBeGreaterThanOrEqual(1)
    const out = await svc.rotateViaProvider({ credentialId: connection.tokenCredentialId })
    expect(out).toMatchObject({ strategy: 'single', oldKeyState: 'dead' })
    const creds = await svc.listCredentials({ appId })
    const other = creds.find(
      (c) =>
        c.id !== connection.tokenCredentialId &&
        c.fields.some((f) => f.envVar !== 'NOVU_APPLICATION_IDENTIFIER'),
    )!
    expect(other.status).toBe('revoked')
    expect(svc.readValue(connection.tokenCredentialId, out.credential.fields[0]!.id)).toBe(
      novu.state.keyOf('Development'),
    )
  })
})

describe('GitLab sync', () => {
  it('rotates a personal access token: a new id comes back, the old token is dead, and a second rotation works', async () => {
    const gl = await startGitlabFake({ tokens: 2 })
    cleanups.push(() => gl.close())
    const { svc, appId } = await setup()
    const { connection, summary } = await svc.connectProvider({
      appId,
      provider: 'gitlab',
      token: gl.state.secretOf(gl.state.adminId),
      environmentName: 'CI',
      apiUrl: gl.url,
    })
    expect(summary.added).toBe(2)
    const first = await svc.rotateViaProvider({ credentialId: connection.tokenCredentialId })
    expect(first.credential.providerCredentialId).not.toBe(String(gl.state.adminId))
    const second = await svc.rotateViaProvider({ credentialId: connection.tokenCredentialId })
    expect(second.credential.providerCredentialId).not.toBe(first.credential.providerCredentialId)
    expect(gl.state.familyRevocations).toBe(0)
    expect(gl.count(GL_ROUTES.rotateSelf) + gl.count(GL_ROUTES.rotate)).toBe(2)
    expect(await svc.history({ credentialId: connection.tokenCredentialId })).toHaveLength(2)
    expect((await svc.verifyCredential({ credentialId: connection.tokenCredentialId })).result).toBe('valid')
  })
})
