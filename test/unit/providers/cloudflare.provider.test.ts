import { afterEach, describe, expect, it } from 'vitest'
import {
  CloudflareProvider,
  type ProviderError,
  normaliseCloudflareUrl,
  type ProviderConnection,
} from '../../../src-main/core/providers'
import {
  CF_ROUTES,
  startCloudflareFake,
  type CloudflareFake,
  type CloudflareFakeOptions,
} from '../../fakes/cloudflare.fake'
import { fakeClock } from '../../fakes/http-fake'
import { caught, testDeps } from './provider-test.helpers'

let fake: CloudflareFake | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function setup(opts: CloudflareFakeOptions = {}) {
  const clock = fakeClock()
  fake = await startCloudflareFake({ clock: clock.now, ...opts })
  const deps = testDeps({ clock: clock.now })
  const cf = new CloudflareProvider(deps)
  const adminId = fake.state.adminId
  const conn: ProviderConnection = { baseUrl: fake.url, token: fake.state.secretOf(adminId) }
  return { fake, cf, conn, deps, clock, adminId }
}

describe('Cloudflare fake follows the contract', () => {
  it('wraps answers in the envelope, with verify messages and list result_info', async () => {
    const { fake, conn, adminId } = await setup({ tokens: 12 })
    const auth = { authorization: `Bearer ${conn.token}` }
    const verify = await (await fetch(`${fake.url}/user/tokens/verify`, { headers: auth })).json()
    expect(verify).toEqual({
      success: true,
      errors: [],
      messages: [{ code: 10000, message: 'This API Token is valid and active', type: null }],
      result: { id: adminId, status: 'active' },
    })
    const page = (await (
      await fetch(`${fake.url}/user/tokens?page=2&per_page=5`, { headers: auth })
    ).json()) as {
      result: Record<string, unknown>[]
      result_info: unknown
    }
    expect(page.result_info).toEqual({ page: 2, per_page: 5, count: 5, total_count: 12, total_pages: 3 })
    expect(page.result.every((t) => !('value' in t) && !('secret' in t))).toBe(true)
  })

  it('answers 401 code 1000 for unknown tokens and 7003 for unknown routes', async () => {
    const { fake } = await setup()
    const res = await fetch(`${fake.url}/user/tokens`, {
      headers: { authorization: `Bearer ${'n'.repeat(40)}` },
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({
      success: false,
      errors: [{ code: 1000, message: 'Invalid API Token' }],
      messages: [],
      result: null,
    })
    const route = await fetch(`${fake.url}/user/tokens/roll`, { method: 'POST' })
    expect(((await route.json()) as { errors: { code: number }[] }).errors[0]?.code).toBe(7003)
  })

  it('shows the value only when a token is created', async () => {
    const { fake, conn } = await setup()
    const res = await fetch(`${fake.url}/user/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${conn.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'new', policies: [] }),
    })
    const created = (await res.json()) as { result: { id: string; value: string } }
    expect(created.result.value).toMatch(/^cfut_[A-Za-z0-9]{40}[0-9a-f]{8}$/)
    const got = (await (
      await fetch(`${fake.url}/user/tokens/${created.result.id}`, {
        headers: { authorization: `Bearer ${conn.token}` },
      })
    ).json()) as { result: Record<string, unknown> }
    expect('value' in got.result).toBe(false)
  })
})

describe('CloudflareProvider: list and verify', () => {
  it('lists every page with progress and maps fields to RemoteKey', async () => {
    const { cf, conn, fake, adminId } = await setup({ tokens: 237 })
    const progress: [number, number | undefined][] = []
    const keys = await cf.list(conn, { onProgress: (d, t) => progress.push([d, t]) })
    expect(keys).toHaveLength(237)
    expect(new Set(keys.map((k) => k.remoteId)).size).toBe(237)
    expect(progress).toEqual([
      [50, 237],
      [100, 237],
      [150, 237],
      [200, 237],
      [237, 237],
    ])
    expect(fake.count(CF_ROUTES.list)).toBe(5)
    const admin = keys.find((k) => k.remoteId === adminId)
    expect(admin).toMatchObject({
      provider: 'cloudflare',
      name: 'token-0001',
      status: 'active',
      expiresAt: null,
      isConnectionKey: true,
      scopes: ['API Tokens Write'],
      maskedHint: null,
    })
    expect(admin?.createdAt).toBe(fakeClock().now())
    expect(keys.filter((k) => k.isConnectionKey)).toHaveLength(1)
    expect(keys.every((k) => k.secret === undefined)).toBe(true)
  })

  it('maps disabled and expired tokens, and expires_on to expiresAt', async () => {
    const { cf, conn, fake, clock } = await setup()
    const soon = new Date(clock.now() + 60_000).toISOString()
    const past = new Date(clock.now() - 60_000).toISOString()
    fake.state.addToken({ name: 'off', status: 'disabled', access: 'none' })
    fake.state.addToken({ name: 'old', expiresOn: past, access: 'none' })
    fake.state.addToken({ name: 'soon', expiresOn: soon, access: 'none' })
    const keys = await cf.list(conn)
    const by = (n: string) => keys.find((k) => k.name === n)
    expect(by('off')?.status).toBe('disabled')
    expect(by('old')).toMatchObject({ status: 'expired', expiresAt: Date.parse(past) })
    expect(by('soon')).toMatchObject({ status: 'active', expiresAt: Date.parse(soon) })
    clock.advance(120_000)
    expect((await cf.list(conn)).find((k) => k.name === 'soon')?.status).toBe('expired')
  })

  it('verifies tokens, including disabled ones and unknown ones', async () => {
    const { cf, conn, fake, adminId } = await setup()
    expect(await cf.verify(conn)).toEqual({
      valid: true,
      remoteId: adminId,
      status: 'active',
      expiresAt: null,
      reason: null,
    })
    const off = fake.state.addToken({ name: 'off', status: 'disabled' })
    expect(await cf.verify(conn, off.secret)).toMatchObject({
      valid: false,
      remoteId: off.id,
      status: 'disabled',
    })
    const bad = await cf.verify(conn, 'cfut_' + 'x'.repeat(48))
    expect(bad).toMatchObject({ valid: false, status: 'revoked' })
    expect(bad.reason).toContain('Cloudflare rejected the API token')
  })

  it('maps envelope errors: 403 names the permission and quotes the code', async () => {
    const { cf, conn, fake } = await setup()
    const reader = fake.state.addToken({ name: 'dns', access: 'none' })
    const err = (await caught(cf.list({ ...conn, token: reader.secret }))) as ProviderError
    expect(err.kind).toBe('FORBIDDEN')
    expect(err.providerCode).toBe('10000')
    expect(err.message).toContain('“API Tokens Read” or “API Tokens Write” permission')
    expect(err.message).toContain('Authentication error (code 10000)')
    const auth = (await caught(
      cf.list({ ...conn, token: 'wrong-token-value-123'.padEnd(40, 'x') }),
    )) as ProviderError
    expect(auth.kind).toBe('AUTH')
    expect(auth.providerCode).toBe('1000')
    expect(auth.message).toContain('Invalid API Token (code 1000)')
  })

  it('lists account tokens and accounts', async () => {
    const account = { id: 'a'.repeat(32), name: 'Acme' }
    const { cf, fake } = await setup({
      accounts: [account],
      tokens: [
        { name: 'acct-admin', owner: account.id },
        { name: 'acct-ci', owner: account.id, access: 'none' },
      ],
    })
    const conn = { baseUrl: fake.url, token: fake.state.secretOf(fake.state.adminId), accountId: account.id }
    const keys = await cf.list(conn)
    expect(keys.map((k) => k.name)).toEqual(['acct-admin', 'acct-ci'])
    expect(fake.count(CF_ROUTES.accountList)).toBe(1)
    // Cloudflare's code: an account-owned token may not list accounts (400/1001); the given account is used.
    expect(await cf.listEnvironments(conn)).toEqual([
      {
        provider: 'cloudflare',
        remoteId: account.id,
        name: account.id,
        parentId: null,
        applicationIdentifier: null,
        apiUrl: fake.url,
        wsUrl: null,
        region: 'global',
        isConnectionEnvironment: true,
      },
    ])
    const badAccount = (await caught(cf.list({ ...conn, accountId: '../user' }))) as ProviderError
    expect(badAccount.kind).toBe('NOT_FOUND')
  })

  it('a malformed token is invalid (6003/6111), not an exception', async () => {
    const { cf, conn, fake } = await setup()
    const raw = await fetch(`${fake.url}/user/tokens/verify`, { headers: { authorization: 'Bearer short' } })
    expect(raw.status).toBe(400)
    for (const token of ['short', 'has spaces in it but is long enough to pass 40', 'x'.repeat(12)]) {
      const v = await cf.verify({ ...conn, token })
      expect(v.valid).toBe(false)
      expect(v.reason).toContain('malformed')
      expect(v.reason).toContain('code 6003')
    }
  })

  it('an account-owned token without an account id asks for the account id', async () => {
    const account = { id: 'b'.repeat(32), name: 'Acme' }
    const { cf, fake } = await setup({
      accounts: [account],
      tokens: [{ name: 'acct-admin', owner: account.id }],
    })
    const token = fake.state.secretOf(fake.state.adminId)
    const v = await cf.verify({ baseUrl: fake.url, token })
    expect(v).toMatchObject({ valid: false, needsAccountId: true })
    expect(v.reason).toContain('account id')
    expect(fake.count(CF_ROUTES.accounts)).toBe(1)
    const ok = await cf.verify({ baseUrl: fake.url, token, accountId: account.id })
    expect(ok.valid).toBe(true)
    // A token that is simply unknown is not mistaken for an account token.
    const unknown = await cf.verify({ baseUrl: fake.url, token: 'u'.repeat(40) })
    expect(unknown.needsAccountId).toBeUndefined()
  })

  it('revoke reports "already gone" for token-not-found only, not for "no route" (wrong account)', async () => {
    const account = { id: 'c'.repeat(32), name: 'Acme' }
    const { cf, fake, conn } = await setup({
      accounts: [account],
      tokens: [
        { name: 'acct-admin', owner: account.id },
        { name: 'victim', owner: account.id, access: 'none' },
      ],
    })
    const acct = { ...conn, accountId: account.id }
    const victim = [...fake.state.tokens.values()].find((t) => t.name === 'victim')!
    const wrong = (await caught(
      cf.revoke({ ...acct, accountId: 'd'.repeat(32) }, victim.id),
    )) as ProviderError
    expect(wrong.kind).toBe('NOT_FOUND')
    expect(wrong.providerCode).toBe('7003')
    expect(wrong.message).toContain('no such API route')
    expect(fake.state.tokens.has(victim.id)).toBe(true)
    expect(await cf.revoke(acct, victim.id)).toEqual({ alreadyGone: false })
    expect(await cf.revoke(acct, victim.id)).toEqual({ alreadyGone: true })
  })

  it('normalises base URLs', () => {
    expect(normaliseCloudflareUrl('https://api.cloudflare.com/client/v4/')).toBe(
      'https://api.cloudflare.com/client/v4',
    )
    expect(normaliseCloudflareUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/client/v4')
  })
})

describe('CloudflareProvider: roll and delete', () => {
  it('rolls a token: same id, new value, old value 401 at once', async () => {
    const { cf, conn, fake } = await setup()
    const ci = fake.state.addToken({ name: 'ci', access: 'none' })
    const r = await cf.rotate(conn, ci.id)
    expect(r).toMatchObject({
      strategy: 'single',
      newRemoteId: ci.id,
      oldRemoteId: ci.id,
      oldKeyState: 'dead',
      connectionKeyReplaced: false,
      fallbackReason: null,
    })
    expect(r.newSecret).not.toBe(ci.secret)
    expect(r.newSecret).toBe(fake.state.secretOf(ci.id))
    expect((await cf.verify(conn, ci.secret)).valid).toBe(false)
    expect((await cf.verify(conn, r.newSecret)).valid).toBe(true)
    expect(fake.count(CF_ROUTES.roll)).toBe(1)
  })

  it('says when the connection token rolled itself', async () => {
    const { cf, conn, adminId } = await setup()
    const r = await cf.rotate(conn, adminId, { strategy: 'prefer-dual' })
    expect(r.connectionKeyReplaced).toBe(true)
    expect(r.fallbackReason).toContain('Cloudflare has no two-key rotation')
    expect(((await caught(cf.list(conn))) as ProviderError).kind).toBe('AUTH')
    expect(await cf.list({ ...conn, token: r.newSecret })).toHaveLength(2)
  })

  it('refuses a dual-phase rotation without calling the server', async () => {
    const { cf, conn, fake, adminId } = await setup()
    expect(((await caught(cf.rotate(conn, adminId, { strategy: 'dual' }))) as ProviderError).kind).toBe(
      'UNSUPPORTED',
    )
    expect(fake.count(CF_ROUTES.roll)).toBe(0)
  })

  it('deletes a token; its value then gets 401 and a second delete is already gone', async () => {
    const { cf, conn, fake } = await setup()
    const ci = fake.state.addToken({ name: 'ci', access: 'none' })
    expect(await cf.revoke(conn, ci.id)).toEqual({ alreadyGone: false })
    expect((await cf.verify(conn, ci.secret)).valid).toBe(false)
    expect(await cf.revoke(conn, ci.id)).toEqual({ alreadyGone: true })
  })

  it('a dropped roll answer is OUTCOME_UNKNOWN after one request; the old value is dead and settling says rotated', async () => {
    const { cf, conn, fake } = await setup()
    const ci = fake.state.addToken({ name: 'ci', access: 'none' })
    fake.setMode({ kind: 'drop', route: CF_ROUTES.roll })
    const err = (await caught(cf.rotate(conn, ci.id))) as ProviderError
    expect(err.kind).toBe('OUTCOME_UNKNOWN')
    expect(err.message).toContain('rotation state unknown: verify')
    expect(fake.count(CF_ROUTES.roll)).toBe(1)
    expect((await cf.verify(conn, ci.secret)).valid).toBe(false)
    const pending = { oldRemoteId: ci.id, oldSecret: ci.secret, strategy: 'single' as const, startedAt: 0 }
    const check = await cf.settleRotation(conn, pending)
    expect(check).toMatchObject({ state: 'rotated', newRemoteId: ci.id, recoveredSecret: null })
    const self = await cf.settleRotation({ ...conn, token: ci.secret }, pending)
    expect(self.state).toBe('rotated')
    expect(self.detail).toContain('Roll the token again in the Cloudflare dashboard')
    expect(fake.count(CF_ROUTES.roll)).toBe(1)
  })

  it('a 5xx on roll is OUTCOME_UNKNOWN (not retried); settling finds it not rotated', async () => {
    const { cf, conn, fake, deps } = await setup()
    const ci = fake.state.addToken({ name: 'ci', access: 'none' })
    fake.setMode({ kind: 'fail', status: 502, route: CF_ROUTES.roll })
    expect(((await caught(cf.rotate(conn, ci.id))) as ProviderError).kind).toBe('OUTCOME_UNKNOWN')
    expect(fake.count(CF_ROUTES.roll)).toBe(1)
    expect(deps.sleep.waits).toEqual([])
    const check = await cf.settleRotation(conn, {
      oldRemoteId: ci.id,
      oldSecret: ci.secret,
      strategy: 'single',
      startedAt: 0,
    })
    expect(check.state).toBe('not-rotated')
  })

  it('a slow roll times out as OUTCOME_UNKNOWN and is not sent again', async () => {
    const { cf, conn, fake } = await setup()
    const ci = fake.state.addToken({ name: 'ci', access: 'none' })
    fake.setMode({ kind: 'slow', delayMs: 300, route: CF_ROUTES.roll })
    expect(((await caught(cf.rotate(conn, ci.id, { timeoutMs: 50 }))) as ProviderError).kind).toBe(
      'OUTCOME_UNKNOWN',
    )
    expect(fake.count(CF_ROUTES.roll)).toBe(1)
  })
})

describe('CloudflareProvider: rate limits and timeouts on reads', () => {
  it('retries a list page after Retry-After', async () => {
    const { cf, conn, fake, deps } = await setup({ tokens: 60 })
    fake.setMode({ kind: 'rate-limit', retryAfterSec: 3, route: CF_ROUTES.list, times: 1 })
    expect(await cf.list(conn)).toHaveLength(60)
    expect(deps.sleep.waits).toEqual([3000])
    expect(fake.count(CF_ROUTES.list)).toBe(3)
  })

  it('fails fast when Cloudflare blocks for five minutes', async () => {
    const { cf, conn, deps } = await setup({ rateLimit: { limit: 2, blockSeconds: 300 } })
    await cf.verify(conn)
    const err = (await caught(cf.list(conn))) as ProviderError
    expect(err.kind).toBe('RATE_LIMITED')
    expect(err.retryAfterMs).toBe(300_000)
    expect(err.message).toContain('Try again in 5 min')
    expect(deps.sleep.waits).toEqual([])
  })

  it('retries a read that timed out', async () => {
    const { cf, conn, fake } = await setup()
    fake.setMode({ kind: 'slow', delayMs: 300, route: CF_ROUTES.verify, times: 1 })
    expect((await cf.verify(conn, undefined, { timeoutMs: 60 })).valid).toBe(true)
    expect(fake.count(CF_ROUTES.verify)).toBe(2)
  })

  it('reports TIMEOUT when every attempt is too slow', async () => {
    const { cf, conn } = await setup()
    fake?.setMode({ kind: 'slow', delayMs: 200, route: CF_ROUTES.verify })
    const err = (await caught(cf.verify(conn, undefined, { timeoutMs: 30 }))) as ProviderError
    expect(err.kind).toBe('TIMEOUT')
    expect(fake?.count(CF_ROUTES.verify)).toBe(4)
  })
})
