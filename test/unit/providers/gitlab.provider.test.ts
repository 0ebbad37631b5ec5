import { afterEach, describe, expect, it } from 'vitest'
import {
  GitlabProvider,
  type ProviderError,
  normaliseGitlabUrl,
  type ProviderConnection,
} from '../../../src-main/core/providers'
import { GL_ROUTES, startGitlabFake, type GitlabFake, type GitlabFakeOptions } from '../../fakes/gitlab.fake'
import { fakeClock } from '../../fakes/http-fake'
import { caught, testDeps } from './provider-test.helpers'

let fake: GitlabFake | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function setup(opts: GitlabFakeOptions = {}, fetchImpl: typeof fetch = globalThis.fetch) {
  const clock = fakeClock()
  fake = await startGitlabFake({ clock: clock.now, ...opts })
  const deps = testDeps({ clock: clock.now, fetch: fetchImpl })
  const gl = new GitlabProvider(deps)
  const adminId = fake.state.adminId
  const conn: ProviderConnection = { baseUrl: fake.url, token: fake.state.secretOf(adminId) }
  return { fake, gl, conn, deps, clock, adminId }
}

const urlOf = (input: Parameters<typeof fetch>[0]): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url

const rotations = (f: GitlabFake): number => f.count(GL_ROUTES.rotate) + f.count(GL_ROUTES.rotateSelf)

describe('GitLab fake follows the contract', () => {
  it('answers 401 with GitLab bodies for unknown, revoked and expired tokens', async () => {
    const { fake, clock } = await setup()
    const get = (token: string) =>
      fetch(`${fake.url}/api/v4/personal_access_tokens/self`, { headers: { 'private-token': token } })
    const unknown = await get('glpat-unknown')
    expect(unknown.status).toBe(401)
    expect(await unknown.json()).toEqual({ message: '401 Unauthorized' })
    const revoked = fake.state.addToken({ name: 'r', revoked: true })
    expect(await (await get(revoked.secret)).json()).toEqual({
      error: 'invalid_token',
      error_description: 'Token was revoked. You have to re-authorize from the user.',
    })
    const yesterday = new Date(clock.now() - 86_400_000).toISOString().slice(0, 10)
    const expired = fake.state.addToken({ name: 'e', expiresAt: yesterday })
    expect(
      ((await (await get(expired.secret)).json()) as { error_description: string }).error_description,
    ).toContain('Token is expired')
  })

  it('paginates with x-total, x-next-page and Link headers', async () => {
    const { fake, conn } = await setup({ tokens: 30 })
    const res = await fetch(`${fake.url}/api/v4/personal_access_tokens?per_page=20&page=1`, {
      headers: { 'private-token': conn.token },
    })
    expect(res.headers.get('x-total')).toBe('31')
    expect(res.headers.get('x-total-pages')).toBe('2')
    expect(res.headers.get('x-next-page')).toBe('2')
    expect(res.headers.get('link')).toContain('rel="next"')
    expect(((await res.json()) as unknown[]).length).toBe(20)
  })
})

describe('GitlabProvider: list and verify', () => {
  it('lists every page of the user’s tokens with progress, mapping status and expires_at', async () => {
    const { gl, conn, fake, clock, adminId } = await setup({ tokens: 150 })
    const yesterday = new Date(clock.now() - 86_400_000).toISOString().slice(0, 10)
    fake.state.addToken({ name: 'gone', revoked: true })
    fake.state.addToken({ name: 'old', expiresAt: yesterday })
    fake.state.addToken({ name: 'dated', expiresAt: '2026-12-31' })
    fake.state.addToken({ name: 'someone else', userId: 2 })
    const progress: [number, number | undefined][] = []
    const keys = await gl.list(conn, { onProgress: (d, t) => progress.push([d, t]) })
    expect(keys).toHaveLength(154)
    expect(progress).toEqual([
      [100, 154],
      [154, 154],
    ])
    expect(fake.count(GL_ROUTES.list)).toBe(2)
    const by = (n: string) => keys.find((k) => k.name === n)
    expect(by('keyshelf')).toMatchObject({
      provider: 'gitlab',
      remoteId: String(adminId),
      status: 'active',
      isConnectionKey: true,
      scopes: ['api'],
      expiresAt: null,
    })
    expect(by('gone')?.status).toBe('revoked')
    expect(by('old')?.status).toBe('expired')
    expect(by('dated')).toMatchObject({ status: 'active', expiresAt: Date.UTC(2026, 11, 31) })
    expect(by('someone else')).toBeUndefined()
  })

  it('verifies with PRIVATE-TOKEN or Bearer, and explains revoked and expired tokens', async () => {
    const { gl, conn, fake, adminId } = await setup()
    expect(await gl.verify(conn)).toMatchObject({ valid: true, remoteId: String(adminId), status: 'active' })
    expect((await gl.verify({ ...conn, authScheme: 'bearer' })).valid).toBe(true)
    const revoked = fake.state.addToken({ name: 'r', revoked: true })
    const r = await gl.verify(conn, revoked.secret)
    expect(r).toMatchObject({ valid: false, status: 'revoked' })
    expect(r.reason).toContain('GitLab says this token was revoked')
    const expired = fake.state.addToken({ name: 'e', expiresAt: '2020-01-01' })
    expect(await gl.verify(conn, expired.secret)).toMatchObject({ valid: false, status: 'expired' })
  })

  it('normalises base URLs', () => {
    expect(normaliseGitlabUrl('https://gitlab.com/')).toBe('https://gitlab.com/api/v4')
    expect(normaliseGitlabUrl('https://git.example.com/gitlab/api/v4')).toBe(
      'https://git.example.com/gitlab/api/v4',
    )
  })
})

describe('GitlabProvider: rotate and revoke', () => {
  it('rotates itself: a new id comes back, the old token is dead, the new one works', async () => {
    const { gl, conn, fake, adminId, clock } = await setup()
    const r = await gl.rotate(conn, String(adminId), { expiresAt: clock.now() + 30 * 86_400_000 })
    expect(r.newRemoteId).not.toBe(String(adminId))
    expect(r).toMatchObject({ strategy: 'single', oldKeyState: 'dead', connectionKeyReplaced: true })
    expect(r.newSecret).toMatch(/^glpat-/)
    expect(r.newExpiresAt).toBe(Date.UTC(2026, 1, 14))
    expect(fake.count(GL_ROUTES.rotateSelf)).toBe(1)
    expect((await gl.verify(conn)).status).toBe('revoked')
    expect(await gl.verify({ ...conn, token: r.newSecret })).toMatchObject({
      valid: true,
      remoteId: r.newRemoteId,
    })
  })

  it("rotates another token by id, keeping its lifetime instead of GitLab's one-week default", async () => {
    const { gl, conn, fake, clock } = await setup()
    // Created 2025-10-17, expires 2026-01-15: a 90-day token (the fake clock is 2026-01-15 12:00 UTC).
    const ci = fake.state.addToken({
      name: 'ci',
      createdAt: '2025-10-17T08:00:00Z',
      expiresAt: '2026-01-16',
    })
    const r = await gl.rotate(conn, String(ci.id), { strategy: 'prefer-dual' })
    expect(r.connectionKeyReplaced).toBe(false)
    expect(r.fallbackReason).toContain('GitLab has no two-key rotation')
    const today = Date.UTC(2026, 0, 15)
    expect(clock.now()).toBeGreaterThanOrEqual(today)
    expect(r.newExpiresAt).toBe(today + 91 * 86_400_000)
    expect(r.note).toContain("keeps the old one's lifetime of 91 days")
    expect(fake.count(GL_ROUTES.rotate)).toBe(1)
    expect(fake.state.tokens.get(ci.id)?.revoked).toBe(true)
    expect(fake.state.tokens.get(Number(r.newRemoteId))?.previousId).toBe(ci.id)
  })

  it('caps the kept lifetime at the instance maximum, and says so', async () => {
    const { gl, conn, fake } = await setup()
    const long = fake.state.addToken({
      name: 'long',
      createdAt: '2025-01-15T00:00:00Z',
      expiresAt: '2027-01-15',
    })
    const r = await gl.rotate(conn, String(long.id))
    expect(r.newExpiresAt).toBe(Date.UTC(2026, 0, 15) + 365 * 86_400_000)
    expect(r.note).toContain('capped by the instance maximum')
    const never = fake.state.addToken({ name: 'never', expiresAt: null })
    const n = await gl.rotate(conn, String(never.id))
    expect(n.newExpiresAt).toBe(Date.UTC(2026, 0, 15) + 365 * 86_400_000)
    expect(n.note).toContain('never expired')
  })

  it('an instance with a shorter maximum refuses the date: a clear CONFLICT, nothing rotated', async () => {
    const { gl, conn, fake } = await setup({ maxLifetimeDays: 30 })
    const t = fake.state.addToken({ name: 'never', expiresAt: null })
    const err = (await caught(gl.rotate(conn, String(t.id)))) as ProviderError
    expect(err.kind).toBe('CONFLICT')
    expect(err.message).toContain('instance allows shorter token lifetimes')
    expect(fake.state.tokens.get(t.id)?.revoked).toBe(false)
    const ok = await gl.rotate({ ...conn, maxTokenLifetimeDays: 30 }, String(t.id))
    expect(ok.newExpiresAt).toBe(Date.UTC(2026, 0, 15) + 30 * 86_400_000)
  })

  it('a 401 on a token id that is not yours is "not found or not yours", not "paste a new token"', async () => {
    const { gl, conn, fake } = await setup()
    const theirs = fake.state.addToken({ name: 'theirs', userId: 2 })
    for (const id of [String(theirs.id), '999999']) {
      const err = (await caught(gl.rotate(conn, id))) as ProviderError
      expect(err.kind).toBe('NOT_FOUND')
      expect(err.status).toBe(401)
      expect(err.message).toContain('did not find this token, or it is not yours')
      expect(err.message).not.toContain('paste')
    }
    expect(fake.state.tokens.get(theirs.id)?.revoked).toBe(false)
    const del = (await caught(gl.revoke(conn, String(theirs.id)))) as ProviderError
    expect(del.kind).toBe('FORBIDDEN')
    expect(del.message).toContain('belongs to another user')
  })

  it('lists, rotates and revokes project and group access tokens', async () => {
    const { gl, conn, fake } = await setup({ resources: ['project:12', 'group:acme/platform'] })
    const deploy = fake.state.addToken({
      name: 'deploy',
      resource: 'project:12',
      createdAt: '2025-12-16T00:00:00Z',
      expiresAt: '2026-01-15',
    })
    const bot = fake.state.addToken({ name: 'bot', resource: 'group:acme/platform', expiresAt: '2026-06-01' })
    const c = { ...conn, resources: ['project:12', 'group:acme/platform'] }
    const keys = await gl.list(c)
    expect(keys.map((k) => k.remoteId)).toEqual(
      expect.arrayContaining([`project:12:${deploy.id}`, `group:acme/platform:${bot.id}`]),
    )
    expect(keys.find((k) => k.remoteId === `project:12:${deploy.id}`)?.name).toBe('deploy (project 12)')
    const r = await gl.rotate(c, `project:12:${deploy.id}`)
    expect(r.newRemoteId).toMatch(/^project:12:\d+$/)
    expect(r.newExpiresAt).toBe(Date.UTC(2026, 0, 15) + 30 * 86_400_000)
    expect(fake.count(GL_ROUTES.resourceRotate)).toBe(1)
    expect(fake.state.tokens.get(deploy.id)?.revoked).toBe(true)
    expect(await gl.revoke(c, `group:acme/platform:${bot.id}`)).toEqual({ alreadyGone: false })
    expect(fake.state.tokens.get(bot.id)?.revoked).toBe(true)
    const missing = (await caught(gl.list({ ...conn, resources: ['project:404'] }))) as ProviderError
    expect(missing.kind).toBe('NOT_FOUND')
    expect(missing.message).toContain('project or group')
  })

  it('never rotates with an old token: it checks first and sends nothing', async () => {
    const { gl, conn, fake, adminId } = await setup()
    const r = await gl.rotate(conn, String(adminId))
    const err = (await caught(gl.rotate(conn, String(adminId)))) as ProviderError
    expect(err.kind).toBe('AUTH')
    expect(err.message).toContain('Keyshelf did not send the rotate request')
    expect(err.message).toContain('revokes every token of that token family')
    expect(rotations(fake)).toBe(1)
    expect(fake.state.familyRevocations).toBe(0)
    expect((await gl.verify({ ...conn, token: r.newSecret })).valid).toBe(true)
  })

  it('reuse detection on the server: rotating with an old token revokes the family, and the error says so', async () => {
    // The token gets rotated elsewhere between Keyshelf's check and its rotate call.
    let successor = ''
    const racing: typeof fetch = async (input, init) => {
      if (init?.method === 'POST' && urlOf(input).endsWith('/self/rotate') && !successor) {
        const res = await globalThis.fetch(input, init)
        successor = ((await res.json()) as { token: string }).token
      }
      return globalThis.fetch(input, init)
    }
    const { gl, conn, fake, adminId } = await setup({}, racing)
    const err = (await caught(gl.rotate(conn, String(adminId)))) as ProviderError
    expect(err.kind).toBe('AUTH')
    expect(err.status).toBe(401)
    expect(err.message).toContain('GitLab says this token was already revoked')
    expect(err.message).toContain('the newest token of this family may now be revoked as well')
    expect(fake.state.familyRevocations).toBe(1)
    expect((await gl.verify({ ...conn, token: successor })).status).toBe('revoked')
  })

  it('refuses to rotate a token GitLab already revoked', async () => {
    const { gl, conn, fake } = await setup()
    const gone = fake.state.addToken({ name: 'gone', revoked: true })
    const err = (await caught(gl.rotate(conn, String(gone.id)))) as ProviderError
    expect(err.kind).toBe('CONFLICT')
    expect(err.message).toContain('Keyshelf did not send the rotate request')
    expect(rotations(fake)).toBe(0)
  })

  it('explains a missing scope', async () => {
    const { gl, conn, fake } = await setup()
    const reader = fake.state.addToken({ name: 'reader', scopes: ['read_api'] })
    const err = (await caught(
      gl.rotate({ ...conn, token: reader.secret }, String(reader.id)),
    )) as ProviderError
    expect(err.kind).toBe('FORBIDDEN')
    expect(err.message).toContain('`self_rotate`')
  })

  it('revokes a token (204); repeating on an unknown id is already gone', async () => {
    const { gl, conn, fake } = await setup()
    const ci = fake.state.addToken({ name: 'ci' })
    expect(await gl.revoke(conn, String(ci.id))).toEqual({ alreadyGone: false })
    expect((await gl.verify(conn, ci.secret)).status).toBe('revoked')
    expect(await gl.revoke(conn, '999999')).toEqual({ alreadyGone: true })
  })

  it('refuses dual-phase rotation', async () => {
    const { gl, conn, fake, adminId } = await setup()
    const err = (await caught(gl.rotate(conn, String(adminId), { strategy: 'dual' }))) as ProviderError
    expect(err.kind).toBe('UNSUPPORTED')
    expect(rotations(fake)).toBe(0)
  })
})

describe('GitlabProvider: lost answers and rate limits', () => {
  it('a dropped rotate answer is OUTCOME_UNKNOWN after exactly one request; settling never rotates', async () => {
    const { gl, conn, fake } = await setup()
    const other = fake.state.addToken({ name: 'keyshelf-2' })
    const ci = fake.state.addToken({ name: 'deploy' })
    fake.setMode({ kind: 'drop', route: GL_ROUTES.rotate })
    const err = (await caught(gl.rotate(conn, String(ci.id)))) as ProviderError
    expect(err.kind).toBe('OUTCOME_UNKNOWN')
    expect(rotations(fake)).toBe(1)
    const pending = {
      oldRemoteId: String(ci.id),
      oldSecret: ci.secret,
      strategy: 'single' as const,
      startedAt: 0,
      name: 'deploy',
    }
    const viaOther = await gl.settleRotation({ ...conn, token: other.secret }, pending)
    const successor = [...fake.state.tokens.values()].find((t) => t.previousId === ci.id)
    expect(viaOther).toMatchObject({
      state: 'rotated',
      newRemoteId: String(successor?.id),
      recoveredSecret: null,
    })
    expect(viaOther.detail).toContain('Never rotate the old token again')
    const viaOld = await gl.settleRotation({ ...conn, token: ci.secret }, pending)
    expect(viaOld.state).toBe('rotated')
    expect(rotations(fake)).toBe(1)
    expect(fake.state.familyRevocations).toBe(0)
    expect(successor?.revoked).toBe(false)
  })

  it('settles a rotation that never reached GitLab as not rotated', async () => {
    const { gl, conn, fake } = await setup()
    const ci = fake.state.addToken({ name: 'deploy' })
    fake.setMode({ kind: 'drop-before', route: GL_ROUTES.rotate })
    expect(((await caught(gl.rotate(conn, String(ci.id)))) as ProviderError).kind).toBe('OUTCOME_UNKNOWN')
    const check = await gl.settleRotation(conn, {
      oldRemoteId: String(ci.id),
      oldSecret: ci.secret,
      strategy: 'single',
      startedAt: 0,
    })
    expect(check.state).toBe('not-rotated')
  })

  it('waits for Retry-After on a throttled read', async () => {
    const { gl, conn, fake, deps } = await setup()
    fake.setMode({ kind: 'rate-limit', retryAfterSec: 4, times: 1 })
    expect((await gl.verify(conn)).valid).toBe(true)
    expect(deps.sleep.waits).toEqual([4000])
  })

  it('does not retry a throttled rotate', async () => {
    const { gl, conn, fake, adminId, deps } = await setup()
    fake.setMode({ kind: 'rate-limit', retryAfterSec: 4, route: GL_ROUTES.rotateSelf })
    const err = (await caught(gl.rotate(conn, String(adminId)))) as ProviderError
    expect(err.kind).toBe('RATE_LIMITED')
    expect(rotations(fake)).toBe(1)
    expect(deps.sleep.waits).toEqual([])
    expect((await gl.verify(conn)).valid).toBe(true)
  })
})
