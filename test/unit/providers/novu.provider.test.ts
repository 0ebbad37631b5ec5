import { afterEach, describe, expect, it } from 'vitest'
import {
  NovuProvider,
  ProviderError,
  ProviderNeedsDashboardError,
  novuDashboardUrl,
  novuEndpoints,
  novuEndpointsForBaseUrl,
  novuKeyHash,
  normaliseNovuApiUrl,
  type ProviderConnection,
} from '../../../src-main/core/providers'
import { fakeClock } from '../../fakes/http-fake'
import { NOVU_ROUTES, startNovuFake, type NovuFake, type NovuFakeOptions } from '../../fakes/novu.fake'
import { caught, testDeps } from './provider-test.helpers'

let fake: NovuFake | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function setup(opts: NovuFakeOptions = {}) {
  const clock = fakeClock()
  fake = await startNovuFake({ clock: clock.now, ...opts })
  const deps = testDeps({ clock: clock.now })
  const novu = new NovuProvider(deps)
  const conn: ProviderConnection = { baseUrl: fake.url, token: fake.state.keyOf('Development') }
  return { fake, novu, conn, deps, clock }
}

const DEV_NOVU_401 = 'Novu rejected the key: it was revoked, regenerated, or belongs to another environment.'

describe('Novu regions', () => {
  it('maps US, EU and self-hosted to API and WebSocket URLs', () => {
    expect(novuEndpoints({ region: 'us' })).toEqual({
      region: 'us',
      apiUrl: 'https://api.novu.co',
      wsUrl: 'https://ws.novu.co',
    })
    expect(novuEndpoints({ region: 'eu' })).toEqual({
      region: 'eu',
      apiUrl: 'https://eu.api.novu.co',
      wsUrl: 'https://eu.ws.novu.co',
    })
    expect(
      novuEndpoints({
        selfHostedApiUrl: 'https://novu.internal:3000/v1/',
        selfHostedWsUrl: 'wss://ws.internal/',
      }),
    ).toEqual({
      region: 'self-hosted',
      apiUrl: 'https://novu.internal:3000',
      wsUrl: 'wss://ws.internal',
    })
    expect(novuEndpoints({ selfHostedApiUrl: 'http://localhost:3000' }).wsUrl).toBeNull()
  })

  it('recognises a cloud region from a stored base URL', () => {
    expect(novuEndpointsForBaseUrl('https://eu.api.novu.co/v1').region).toBe('eu')
    expect(novuEndpointsForBaseUrl('https://api.novu.co').wsUrl).toBe('https://ws.novu.co')
    expect(novuEndpointsForBaseUrl('http://127.0.0.1:4000', 'ws://127.0.0.1:4001').wsUrl).toBe(
      'ws://127.0.0.1:4001',
    )
    expect(normaliseNovuApiUrl(' https://api.novu.co/v1/ ')).toBe('https://api.novu.co')
  })
})

describe('Novu fake follows the contract', () => {
  it('answers auth failures with Nest error bodies', async () => {
    const { fake } = await setup()
    const none = await fetch(`${fake.url}/v1/environments/me`)
    expect(none.status).toBe(401)
    const body = (await none.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      statusCode: 401,
      message: 'Missing authorization header',
      error: 'Unauthorized',
    })
    expect(body.path).toBe('/v1/environments/me')
    expect(typeof body.timestamp).toBe('string')
    const scheme = await fetch(`${fake.url}/v1/environments/me`, { headers: { authorization: 'Token x' } })
    expect(((await scheme.json()) as { message: string }).message).toBe(
      'Invalid authentication scheme: "Token"',
    )
    const unknown = await fetch(`${fake.url}/v1/environments/me`, {
      headers: { authorization: `ApiKey ${'0'.repeat(32)}` },
    })
    expect(((await unknown.json()) as { message: string }).message).toBe('API Key not found')
  })

  it('shows only the caller environment keys to an ApiKey, all keys to a Bearer, none on /me', async () => {
    const { fake, conn } = await setup()
    const asKey = (await (
      await fetch(`${fake.url}/v1/environments`, { headers: { authorization: `ApiKey ${conn.token}` } })
    ).json()) as { data: { name: string; apiKeys: unknown[] }[] }
    expect(asKey.data.map((e) => [e.name, e.apiKeys.length])).toEqual([
      ['Development', 1],
      ['Production', 0],
    ])
    const bearer = fake.state.bearerFor('Development')
    const asBearer = (await (
      await fetch(`${fake.url}/v1/environments`, { headers: { authorization: `Bearer ${bearer}` } })
    ).json()) as { data: { apiKeys: unknown[] }[] }
    expect(asBearer.data.map((e) => e.apiKeys.length)).toEqual([1, 1])
    const me = (await (
      await fetch(`${fake.url}/v1/environments/me`, { headers: { authorization: `ApiKey ${conn.token}` } })
    ).json()) as { data: Record<string, unknown> }
    expect(me.data.name).toBe('Development')
    expect('apiKeys' in me.data).toBe(false)
  })

  it('lets a Bearer regenerate even on current servers', async () => {
    const { fake } = await setup()
    const res = await fetch(`${fake.url}/v1/environments/api-keys/regenerate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.state.bearerFor('Production')}` },
    })
    expect(res.status).toBe(201)
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(1)
  })
})

describe('NovuProvider: environments, keys, verify', () => {
  it('lists environments with application identifiers, parent and region URLs', async () => {
    const { novu, conn, fake } = await setup()
    const envs = await novu.listEnvironments({ ...conn, wsUrl: 'ws://127.0.0.1:1' })
    const dev = fake.state.env('Development')
    const prod = fake.state.env('Production')
    expect(envs).toEqual([
      {
        provider: 'novu',
        remoteId: dev._id,
        name: 'Development',
        parentId: null,
        applicationIdentifier: dev.identifier,
        apiUrl: fake.url,
        wsUrl: 'ws://127.0.0.1:1',
        region: 'self-hosted',
        isConnectionEnvironment: true,
      },
      {
        provider: 'novu',
        remoteId: prod._id,
        name: 'Production',
        parentId: dev._id,
        applicationIdentifier: prod.identifier,
        apiUrl: fake.url,
        wsUrl: 'ws://127.0.0.1:1',
        region: 'self-hosted',
        isConnectionEnvironment: false,
      },
    ])
    expect(fake.count(NOVU_ROUTES.me)).toBe(1)
    expect(fake.count(NOVU_ROUTES.environments)).toBe(1)
  })

  it('marks the environment of a Production key as its own', async () => {
    const { novu, conn, fake } = await setup()
    const envs = await novu.listEnvironments({ ...conn, token: fake.state.keyOf('Production') })
    expect(envs.find((e) => e.isConnectionEnvironment)?.name).toBe('Production')
  })

  it('lists the secret keys of the connection environment by sha256 id, with the value', async () => {
    const { novu, conn } = await setup()
    const progress: [number, number | undefined][] = []
    const keys = await novu.list(conn, { onProgress: (d, t) => progress.push([d, t]) })
    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatchObject({
      provider: 'novu',
      remoteId: novuKeyHash(conn.token),
      name: 'Development secret key',
      status: 'active',
      expiresAt: null,
      isConnectionKey: true,
      secret: conn.token,
      maskedHint: `…${conn.token.slice(-4)}`,
      environmentName: 'Development',
    })
    expect(progress).toEqual([[1, 1]])
  })

  it('computes the id when an older server omits hash', async () => {
    const { novu, conn } = await setup({ returnHash: false })
    expect((await novu.list(conn))[0]?.remoteId).toBe(novuKeyHash(conn.token))
  })

  it('verifies a key and explains a rejected one', async () => {
    const { novu, conn, fake } = await setup()
    expect(await novu.verify(conn)).toMatchObject({
      valid: true,
      remoteId: novuKeyHash(conn.token),
      environmentName: 'Development',
    })
    const bad = await novu.verify(conn, 'f'.repeat(32))
    expect(bad.valid).toBe(false)
    expect(bad.reason).toContain(DEV_NOVU_401)
    expect(fake.count(NOVU_ROUTES.me)).toBe(2)
  })

  it('turns a 401 into the plain-words Novu message', async () => {
    const { novu, conn } = await setup()
    const err = (await caught(novu.list({ ...conn, token: 'a'.repeat(32) }))) as ProviderError
    expect(err).toBeInstanceOf(ProviderError)
    expect(err.kind).toBe('AUTH')
    expect(err.code).toBe('PROVIDER_ERROR')
    expect(err.message).toContain(DEV_NOVU_401)
    expect(err.message).toContain('Paste the current secret key from the Novu dashboard')
    expect(err.message).toContain('API Key not found')
  })

  it('retries a rate-limited read after Retry-After (ApiKey requests only are limited)', async () => {
    const { novu, conn, fake, deps } = await setup()
    fake.setMode({ kind: 'rate-limit', retryAfterSec: 2, times: 1 })
    const bearer = await fetch(`${fake.url}/v1/environments`, {
      headers: { authorization: `Bearer ${fake.state.bearerFor('Development')}` },
    })
    expect(bearer.status).toBe(200)
    await novu.verify(conn)
    expect(deps.sleep.waits).toEqual([2000])
    expect(fake.count(NOVU_ROUTES.me)).toBe(2)
  })
})

describe('NovuProvider: single-phase regenerate', () => {
  it('current servers refuse regenerate over an API key: guided fallback with the environment dashboard', async () => {
    const { novu, conn, fake } = await setup()
    const err = (await caught(
      novu.rotate(conn, novuKeyHash(conn.token), { strategy: 'single' }),
    )) as ProviderNeedsDashboardError
    expect(err).toBeInstanceOf(ProviderNeedsDashboardError)
    expect(err.kind).toBe('UNSUPPORTED')
    expect(err.step).toBe('rotate')
    expect(err.message).toContain('Novu answered "API endpoint not available"')
    expect(err.message).toContain('the key was not revoked')
    expect(err.message).not.toMatch(/was revoked, regenerated/)
    // The fake is a self-hosted URL: the dashboard is named, with the environment.
    expect(err.message).toContain('your Novu dashboard (Development → Settings → API Keys)')
    expect(fake.count(NOVU_ROUTES.regenerate)).toBe(1)
    expect(fake.state.keyOf('Development')).toBe(conn.token)
  })

  it('the older "API endpoint not accessible" wording is the same guided fallback, never "revoked"', async () => {
    const { novu, conn, fake } = await setup({ notExternalMessage: 'API endpoint not accessible' })
    const err = (await caught(novu.rotate(conn, novuKeyHash(conn.token)))) as ProviderNeedsDashboardError
    expect(err).toBeInstanceOf(ProviderNeedsDashboardError)
    expect(err.message).toContain('"API endpoint not accessible"')
    // Tried the API path once (create), then stopped: no regenerate attempt on top.
    expect(fake.count(NOVU_ROUTES.createKey)).toBe(1)
    expect(fake.count(NOVU_ROUTES.regenerate)).toBe(0)
    expect(fake.state.env('Development').apiKeys).toHaveLength(1)
  })

  it("as Novu's code has it, an ApiKey cannot create or delete keys: rotate and revoke go guided", async () => {
    const { novu, conn, fake } = await setup()
    const rot = (await caught(
      novu.rotate(conn, novuKeyHash(conn.token), { strategy: 'dual' }),
    )) as ProviderNeedsDashboardError
    expect(rot).toBeInstanceOf(ProviderNeedsDashboardError)
    expect(rot.message).toContain('Create the new secret key in')
    fake.state.env('Development').apiKeys.push({
      key: 'b'.repeat(32),
      _userId: fake.state.userId,
      hash: novuKeyHash('b'.repeat(32)),
    })
    const rev = (await caught(novu.revoke(conn, novuKeyHash('b'.repeat(32))))) as ProviderNeedsDashboardError
    expect(rev).toBeInstanceOf(ProviderNeedsDashboardError)
    expect(rev.step).toBe('revoke')
    expect(rev.message).toContain('Delete the old secret key in')
    expect(fake.state.env('Development').apiKeys).toHaveLength(2)
  })

  it('links the cloud dashboard page of the environment', () => {
    expect(novuDashboardUrl('https://api.novu.co/v1', { id: 'abc', slug: 'dev_x' })).toBe(
      'https://dashboard.novu.co/env/dev_x/api-keys',
    )
    expect(novuDashboardUrl('https://eu.api.novu.co', { id: 'abc' })).toBe(
      'https://eu.dashboard.novu.co/env/abc/api-keys',
    )
    expect(novuDashboardUrl('http://127.0.0.1:9', { id: 'abc' })).toBeNull()
  })

  it('regenerates on servers that allow it: one new key, old key 401, other environment untouched', async () => {
    const { novu, conn, fake } = await setup({ regenerateViaApiKey: true })
    const prodKey = fake.state.keyOf('Production')
    const oldId = novuKeyHash(conn.token)
    const r = await novu.rotate(conn, oldId, { strategy: 'single' })
    expect(r.strategy).toBe('single')
    expect(r.newSecret).toMatch(/^[0-9a-f]{32}$/)
    expect(r.newSecret).not.toBe(conn.token)
    expect(r.newRemoteId).toBe(novuKeyHash(r.newSecret))
    expect(r).toMatchObject({
      oldRemoteId: oldId,
      oldKeyState: 'dead',
      connectionKeyReplaced: true,
      alsoInvalidated: [],
    })
    expect(fake.state.env('Development').apiKeys).toHaveLength(1)
    expect((await novu.verify(conn)).valid).toBe(false)
    expect((await novu.verify({ ...conn, token: r.newSecret })).valid).toBe(true)
    expect((await novu.verify({ ...conn, token: prodKey })).valid).toBe(true)
    expect(fake.count(NOVU_ROUTES.regenerate)).toBe(1)
  })

  it('reports every key regenerate killed', async () => {
    const second = 'b'.repeat(32)
    const { novu, conn } = await setup({
      regenerateViaApiKey: true,
      environments: [{ name: 'Development', keys: ['a'.repeat(32), second] }],
    })
    const r = await novu.rotate(conn, novuKeyHash(conn.token), { strategy: 'single' })
    expect(r.alsoInvalidated).toEqual([novuKeyHash(second)])
  })

  it('refuses keys of another environment and ids that are not sha256', async () => {
    const { novu, conn, fake } = await setup({ regenerateViaApiKey: true })
    const other = novuKeyHash(fake.state.keyOf('Production'))
    expect(((await caught(novu.rotate(conn, other))) as ProviderError).kind).toBe('NOT_FOUND')
    expect(((await caught(novu.rotate(conn, conn.token))) as ProviderError).kind).toBe('NOT_FOUND')
    expect(fake.count(NOVU_ROUTES.regenerate) + fake.count(NOVU_ROUTES.createKey)).toBe(0)
  })
})

describe('NovuProvider: rolling two-key rotation', () => {
  it('adds a second key (old first), both authenticate, then deleting the old one by hash kills it', async () => {
    const { novu, conn, fake, clock } = await setup({ keyManagementViaApiKey: true })
    const oldId = novuKeyHash(conn.token)
    const r = await novu.rotate(conn, oldId, { strategy: 'dual', overlapMs: 3_600_000 })
    expect(r).toMatchObject({
      strategy: 'dual',
      oldRemoteId: oldId,
      oldKeyState: 'valid-until',
      oldValidUntil: clock.now() + 3_600_000,
      connectionKeyReplaced: false,
      fallbackReason: null,
    })
    expect(fake.state.env('Development').apiKeys.map((k) => k.key)).toEqual([conn.token, r.newSecret])
    expect((await novu.verify(conn)).valid).toBe(true)
    const next = { ...conn, token: r.newSecret }
    expect((await novu.verify(next)).valid).toBe(true)
    const listed = await novu.list(next)
    expect(listed.map((k) => [k.remoteId, k.isConnectionKey])).toEqual([
      [oldId, false],
      [r.newRemoteId, true],
    ])
    expect(await novu.revoke(next, oldId)).toEqual({ alreadyGone: false })
    expect((await novu.verify(conn)).valid).toBe(false)
    expect((await novu.verify(next)).valid).toBe(true)
    expect(await novu.revoke(next, oldId)).toEqual({ alreadyGone: true })
  })

  it('enforces the two-key limit (without sending) and the last-key rule', async () => {
    const { novu, conn, fake } = await setup({ keyManagementViaApiKey: true })
    const r = await novu.rotate(conn, novuKeyHash(conn.token), { strategy: 'dual' })
    const again = (await caught(
      novu.rotate(conn, novuKeyHash(conn.token), { strategy: 'dual' }),
    )) as ProviderError
    expect(again.kind).toBe('CONFLICT')
    expect(again.message).toContain('already has two secret keys')
    expect(fake.count(NOVU_ROUTES.createKey)).toBe(1)
    const raw = await fetch(`${fake.url}/v1/environments/api-keys`, {
      method: 'POST',
      headers: { authorization: `ApiKey ${conn.token}` },
    })
    expect(raw.status).toBe(400)
    expect(((await raw.json()) as { message: string }).message).toBe(
      'Environment can have a maximum of 2 API keys. Delete an existing key before creating a new one.',
    )
    await novu.revoke(conn, novuKeyHash(conn.token))
    const last = (await caught(novu.revoke({ ...conn, token: r.newSecret }, r.newRemoteId))) as ProviderError
    expect(last.kind).toBe('CONFLICT')
    expect(last.message).toContain('last remaining secret key')
    expect(last.status).toBe(400)
  })

  it('handles the documented 204 answer to delete', async () => {
    const { novu, conn } = await setup({ keyManagementViaApiKey: true, deleteStatus: 204 })
    const r = await novu.rotate(conn, novuKeyHash(conn.token), { strategy: 'dual' })
    expect(await novu.revoke({ ...conn, token: r.newSecret }, novuKeyHash(conn.token))).toEqual({
      alreadyGone: false,
    })
  })

  it('explains 403 when the organization has no multiple keys', async () => {
    const { novu, conn } = await setup({ keyManagementViaApiKey: true, multipleKeys: false })
    const err = (await caught(
      novu.rotate(conn, novuKeyHash(conn.token), { strategy: 'dual' }),
    )) as ProviderError
    expect(err.kind).toBe('FORBIDDEN')
    expect(err.message).toContain(
      'Rolling rotation with two secret keys is not enabled for this Novu organization',
    )
    expect(err.message).toContain('Creating additional API keys is not enabled for your organization')
  })

  it('prefer-dual falls back to regenerate on 403, with the reason', async () => {
    const { novu, conn, fake } = await setup({
      keyManagementViaApiKey: true,
      multipleKeys: false,
      regenerateViaApiKey: true,
    })
    const r = await novu.rotate(conn, novuKeyHash(conn.token))
    expect(r.strategy).toBe('single')
    expect(r.fallbackReason).toContain('does not allow a second secret key')
    expect(fake.count(NOVU_ROUTES.createKey)).toBe(1)
    expect(fake.count(NOVU_ROUTES.regenerate)).toBe(1)
  })

  it('prefer-dual on a server without the rolling routes falls back, and explains the dashboard', async () => {
    const { novu, conn } = await setup({ rollingRoutes: false })
    const err = (await caught(novu.rotate(conn, novuKeyHash(conn.token)))) as ProviderError
    expect(err).toBeInstanceOf(ProviderNeedsDashboardError)
    expect(err.message).toContain('Create the new secret key in your Novu dashboard')
  })
})

describe('NovuProvider: lost answers', () => {
  it('a dropped create answer is OUTCOME_UNKNOWN, sent once, and settling recovers the new key', async () => {
    const { novu, conn, fake } = await setup({ keyManagementViaApiKey: true })
    const oldId = novuKeyHash(conn.token)
    fake.setMode({ kind: 'drop', route: NOVU_ROUTES.createKey })
    const err = (await caught(novu.rotate(conn, oldId, { strategy: 'dual' }))) as ProviderError
    expect(err.kind).toBe('OUTCOME_UNKNOWN')
    expect(fake.count(NOVU_ROUTES.createKey)).toBe(1)
    const created = fake.state.env('Development').apiKeys[1]?.key
    const check = await novu.settleRotation(conn, {
      oldRemoteId: oldId,
      oldSecret: conn.token,
      strategy: 'dual',
      startedAt: 0,
    })
    expect(check).toMatchObject({
      state: 'rotated',
      recoveredSecret: created,
      newRemoteId: novuKeyHash(created ?? ''),
    })
    expect(fake.count(NOVU_ROUTES.createKey)).toBe(1)
  })

  it('a dropped regenerate answer settles as rotated with the new key lost', async () => {
    const { novu, conn, fake } = await setup({ regenerateViaApiKey: true })
    fake.setMode({ kind: 'drop', route: NOVU_ROUTES.regenerate })
    const oldId = novuKeyHash(conn.token)
    expect(((await caught(novu.rotate(conn, oldId, { strategy: 'single' }))) as ProviderError).kind).toBe(
      'OUTCOME_UNKNOWN',
    )
    expect(fake.count(NOVU_ROUTES.regenerate)).toBe(1)
    const check = await novu.settleRotation(conn, {
      oldRemoteId: oldId,
      oldSecret: conn.token,
      strategy: 'single',
      startedAt: 0,
    })
    expect(check.state).toBe('rotated')
    expect(check.recoveredSecret).toBeNull()
    expect(check.detail).toContain('Novu dashboard')
    expect(fake.count(NOVU_ROUTES.regenerate)).toBe(1)
  })

  it('during the key-cache lag the old key still reads, and settling recovers the regenerated key', async () => {
    const { novu, conn, fake } = await setup({ regenerateViaApiKey: true, cacheLagMs: 60_000 })
    fake.setMode({ kind: 'drop', route: NOVU_ROUTES.regenerate })
    const oldId = novuKeyHash(conn.token)
    await caught(novu.rotate(conn, oldId, { strategy: 'single' }))
    expect((await novu.verify(conn)).valid).toBe(true)
    const check = await novu.settleRotation(conn, {
      oldRemoteId: oldId,
      oldSecret: conn.token,
      strategy: 'single',
      startedAt: 0,
    })
    expect(check.state).toBe('rotated')
    expect(check.recoveredSecret).toBe(fake.state.keyOf('Development'))
  })

  it('a request dropped before it was handled settles as not rotated', async () => {
    const { novu, conn, fake } = await setup({ keyManagementViaApiKey: true })
    fake.setMode({ kind: 'drop-before', route: NOVU_ROUTES.createKey })
    const oldId = novuKeyHash(conn.token)
    expect(((await caught(novu.rotate(conn, oldId, { strategy: 'dual' }))) as ProviderError).kind).toBe(
      'OUTCOME_UNKNOWN',
    )
    const check = await novu.settleRotation(conn, {
      oldRemoteId: oldId,
      oldSecret: conn.token,
      strategy: 'dual',
      startedAt: 0,
    })
    expect(check.state).toBe('not-rotated')
  })

  it('a slow rotate times out as OUTCOME_UNKNOWN without a second request', async () => {
    const { novu, conn, fake } = await setup({ keyManagementViaApiKey: true })
    fake.setMode({ kind: 'slow', delayMs: 300, route: NOVU_ROUTES.createKey })
    const err = (await caught(
      novu.rotate(conn, novuKeyHash(conn.token), { strategy: 'dual', timeoutMs: 50 }),
    )) as ProviderError
    expect(err.kind).toBe('OUTCOME_UNKNOWN')
    expect(fake.count(NOVU_ROUTES.createKey)).toBe(1)
  })
})
