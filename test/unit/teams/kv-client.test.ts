import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KvClient } from '../../../src-main/core/teams/kv.client'
import { parseTeamAddresses } from '../../../src-main/core/teams/team-address'
import { TeamCasConflictError, TeamError } from '../../../src-main/core/teams/team.errors'
import type { Logger } from '../../../src-main/core/logger'
import { baoApi, freePort, startBaoDev, type BaoServer } from '../../helpers/openbao'

/** A logger that keeps every line, to prove no token or value is ever logged. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const rec =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push(JSON.stringify({ level, message, fields }))
    }
  return { lines, info: rec('info'), warn: rec('warn'), error: rec('error') }
}

describe('team addresses', () => {
  it('accepts https anywhere and http only on loopback, and normalises', () => {
    expect(
      parseTeamAddresses('https://bao-1.example.com:8200/, http://127.0.0.1:8200/v1,http://localhost:1'),
    ).toEqual(['https://bao-1.example.com:8200', 'http://127.0.0.1:8200', 'http://localhost:1'])
    expect(parseTeamAddresses(['http://[::1]:8200'])).toEqual(['http://[::1]:8200'])
    expect(() => parseTeamAddresses('http://bao.example.com:8200')).toThrow(/must use https/)
    expect(() => parseTeamAddresses('http://10.0.0.1:8200')).toThrow(/must use https/)
    expect(() => parseTeamAddresses('https://u:hunter2@bao.example.com')).toThrow(
      /must not contain a user name/,
    )
    expect(() => parseTeamAddresses('https://u:hunter2@bao.example.com')).not.toThrow(/hunter2/)
    expect(() => parseTeamAddresses('ftp://x')).toThrow(/must use https/)
    expect(() => parseTeamAddresses(' , ')).toThrow(/at least one server address/)
    expect(() => parseTeamAddresses('https://bao.example.com/ui/')).toThrow(/drop the path/)
  })

  it('refuses path segments that could climb out of the prefix', () => {
    const c = new KvClient({ addrs: 'http://127.0.0.1:1', token: 't' })
    return expect(c.read('keyshelf/../other')).rejects.toThrow(/cannot be used in a team-space path/)
  })
})

describe('KvClient against a real OpenBao dev server', () => {
  let bao: BaoServer
  let tokens: { reader: string; rotator: string; admin: string }
  beforeAll(async () => {
    bao = await startBaoDev()
    tokens = await bao.teamTokens()
  })
  afterAll(async () => {
    await bao?.stop()
  })

  it('writes with check-and-set, reads versions, and refuses a stale write', async () => {
    const c = new KvClient({ addrs: bao.addr, token: tokens.rotator })
    const p = 'keyshelf/shop/prod/stripe'
    expect(await c.read(p)).toBeNull()
    const v1 = await c.write(p, { STRIPE_KEY: 'sk_live_one' }, 0)
    expect(v1.version).toBe(1)
    // cas 0 means "must not exist": a second creator loses.
    const lost = await c.write(p, { STRIPE_KEY: 'sk_live_other' }, 0).catch((e: unknown) => e)
    expect(lost).toBeInstanceOf(TeamCasConflictError)
    expect((lost as TeamCasConflictError).currentVersion).toBe(1)
    expect((lost as Error).message).not.toContain('sk_live_other')
    const v2 = await c.write(p, { STRIPE_KEY: 'sk_live_two', STRIPE_PUB: 'pk_live_two' }, 1)
    expect(v2.version).toBe(2)
    const stale = await c.write(p, { STRIPE_KEY: 'sk_live_three' }, 1).catch((e: unknown) => e)
    expect(stale).toBeInstanceOf(TeamCasConflictError)
    expect((stale as TeamCasConflictError).currentVersion).toBe(2)
    const latest = await c.read(p)
    expect(latest?.data).toEqual({ STRIPE_KEY: 'sk_live_two', STRIPE_PUB: 'pk_live_two' })
    expect(latest?.version).toBe(2)
    expect((await c.read(p, 1))?.data).toEqual({ STRIPE_KEY: 'sk_live_one' })
  })

  it('keeps custom metadata, lists, and shows deleted and destroyed versions in the history', async () => {
    const admin = new KvClient({ addrs: bao.addr, token: tokens.admin })
    const p = 'keyshelf/crm/staging/sendgrid'
    for (let i = 1; i <= 3; i++) await admin.write(p, { SENDGRID_KEY: `SG.v${i}` }, i - 1)
    await admin.writeMetadata(p, { owner: 'payments-team', 'rotation-days': '90' })
    await admin.destroyVersions(p, [1])
    await admin.deleteVersions(p, [2])
    const meta = await admin.readMetadata(p)
    expect(meta?.currentVersion).toBe(3)
    expect(meta?.customMetadata).toEqual({ owner: 'payments-team', 'rotation-days': '90' })
    expect(meta?.versions.map((v) => [v.version, v.destroyed, v.deletedAt !== null])).toEqual([
      [1, true, false],
      [2, false, true],
      [3, false, false],
    ])
    const one = await admin.read(p, 1)
    expect(one).toMatchObject({ data: null, destroyed: true, version: 1 })
    const two = await admin.read(p, 2)
    expect(two?.data).toBeNull()
    expect(two?.deletedAt).not.toBeNull()
    expect((await admin.read(p))?.customMetadata).toEqual({ owner: 'payments-team', 'rotation-days': '90' })
    expect(await admin.list('keyshelf')).toEqual(expect.arrayContaining(['crm/', 'shop/']))
    expect(await admin.list('keyshelf/crm/staging')).toEqual(['sendgrid'])
    expect(await admin.list('keyshelf/nothing-here')).toEqual([])
    await admin.deleteAll(p)
    expect(await admin.readMetadata(p)).toBeNull()
    await expect(admin.writeMetadata(p, { big: 'x'.repeat(600) })).rejects.toThrow(/too long/)
  })

  it('a reader token can read but its write is refused with a clear message that holds no token or value', async () => {
    const log = recordingLogger()
    const reader = new KvClient({ addrs: bao.addr, token: tokens.reader, logger: log })
    const rotator = new KvClient({ addrs: bao.addr, token: tokens.rotator })
    const p = 'keyshelf/shop/prod/openai'
    await rotator.write(p, { OPENAI_KEY: 'sk-proj-canary-value' }, 0)
    expect((await reader.read(p))?.data).toEqual({ OPENAI_KEY: 'sk-proj-canary-value' })
    const err = await reader.write(p, { OPENAI_KEY: 'sk-proj-new-canary' }, 1).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TeamError)
    expect((err as TeamError).kind).toBe('FORBIDDEN')
    expect((err as Error).message).toMatch(/not allowed to write keyshelf\/shop\/prod\/openai/)
    const text = JSON.stringify([(err as Error).message, (err as TeamError).details, log.lines])
    expect(text).not.toContain(tokens.reader)
    expect(text).not.toContain('sk-proj-new-canary')
    expect((await rotator.read(p))?.version).toBe(1)
    // Outside the prefix nothing is readable.
    await expect(reader.read('other/thing')).rejects.toMatchObject({ kind: 'FORBIDDEN' })
  })

  it('an invalid token is an AUTH error that never quotes the token', async () => {
    const bogus = 's.bogus-token-0123456789'
    const c = new KvClient({ addrs: bao.addr, token: bogus })
    const err = await c.read('keyshelf/x/y/z').catch((e: unknown) => e)
    expect(err).toMatchObject({ kind: 'AUTH' })
    expect(JSON.stringify([(err as Error).message, (err as TeamError).details])).not.toContain(bogus)
  })

  it('looks up and renews a renewable token', async () => {
    const c = new KvClient({ addrs: bao.addr, token: tokens.rotator })
    const info = await c.lookupSelf()
    expect(info.policies).toContain('keyshelf-rotator')
    expect(info.renewable).toBe(true)
    expect(info.ttlSeconds).toBeGreaterThan(0)
    expect(JSON.stringify(info)).not.toContain(tokens.rotator)
    const renewed = await c.renewSelf(7200)
    expect(renewed.renewable).toBe(true)
    expect(renewed.leaseDurationSeconds).toBeGreaterThan(0)
  })

  it('logs in with AppRole and with userpass, and refuses wrong credentials without quoting them', async () => {
    await baoApi(bao.addr, bao.rootToken, 'POST', 'sys/auth/approle', { type: 'approle' })
    await baoApi(bao.addr, bao.rootToken, 'POST', 'auth/approle/role/ci', {
      token_policies: ['keyshelf-reader'],
      token_ttl: '20m',
    })
    const roleId = (
      (await baoApi(bao.addr, bao.rootToken, 'GET', 'auth/approle/role/ci/role-id')) as {
        data: { role_id: string }
      }
    ).data.role_id
    const secretId = (
      (await baoApi(bao.addr, bao.rootToken, 'POST', 'auth/approle/role/ci/secret-id', {})) as {
        data: { secret_id: string }
      }
    ).data.secret_id
    const c = new KvClient({ addrs: bao.addr })
    const auth = await c.loginAppRole(roleId, secretId)
    expect(auth.policies).toContain('keyshelf-reader')
    expect(auth.renewable).toBe(true)
    expect((await c.lookupSelf()).policies).toContain('keyshelf-reader')
    const bad = await new KvClient({ addrs: bao.addr })
      .loginAppRole(roleId, 'wrong-secret-id-xyz')
      .catch((e) => e)
    expect(bad).toMatchObject({ kind: 'AUTH' })
    expect((bad as Error).message).not.toContain('wrong-secret-id-xyz')

    await baoApi(bao.addr, bao.rootToken, 'POST', 'sys/auth/userpass', { type: 'userpass' })
    await baoApi(bao.addr, bao.rootToken, 'POST', 'auth/userpass/users/alice', {
      password: 'alice-pass-123',
      token_policies: ['keyshelf-rotator'],
    })
    const u = new KvClient({ addrs: bao.addr })
    expect((await u.loginUserpass('alice', 'alice-pass-123')).policies).toContain('keyshelf-rotator')
    expect((await u.lookupSelf()).displayName).toBe('userpass-alice')
    const wrong = await new KvClient({ addrs: bao.addr })
      .loginUserpass('alice', 'nope-pass-456')
      .catch((e) => e)
    expect(wrong).toMatchObject({ kind: 'AUTH' })
    expect((wrong as Error).message).not.toContain('nope-pass-456')
  })

  it('sends the namespace header (OpenBao namespaces)', async () => {
    await baoApi(bao.addr, bao.rootToken, 'POST', 'sys/namespaces/team-a', {})
    const headers = {
      'x-vault-token': bao.rootToken,
      'x-vault-namespace': 'team-a',
      'content-type': 'application/json',
    }
    const res = await fetch(`${bao.addr}/v1/sys/mounts/secret`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ type: 'kv', options: { version: '2' } }),
    })
    expect(res.status).toBeLessThan(300)
    const inNs = new KvClient({ addrs: bao.addr, token: bao.rootToken, namespace: 'team-a' })
    await inNs.write('keyshelf/ns-app/dev/k', { K: 'in-namespace' }, 0)
    expect((await inNs.read('keyshelf/ns-app/dev/k'))?.data).toEqual({ K: 'in-namespace' })
    const root = new KvClient({ addrs: bao.addr, token: bao.rootToken })
    expect(await root.read('keyshelf/ns-app/dev/k')).toBeNull()
  })

  it('fails over from a dead address to a live one, and from a sealed node', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`
    const log = recordingLogger()
    const c = new KvClient({ addrs: [dead, bao.addr], token: tokens.rotator, logger: log })
    await c.write('keyshelf/fo/dev/k', { K: 'v' }, 0)
    expect(c.currentNode).toBe(bao.addr)
    expect(log.lines.some((l) => l.includes('unreachable'))).toBe(true)
    expect(log.lines.join('\n')).not.toContain(tokens.rotator)

    const sealed = await startBaoDev()
    try {
      await baoApi(sealed.addr, sealed.rootToken, 'PUT', 'sys/seal')
      const s = new KvClient({ addrs: [sealed.addr, bao.addr], token: tokens.rotator })
      expect((await s.read('keyshelf/fo/dev/k'))?.data).toEqual({ K: 'v' })
      expect(s.currentNode).toBe(bao.addr)
    } finally {
      await sealed.stop()
    }
  })

  it('gives up within its bound when no node answers, with one clear sentence', async () => {
    const a = `http://127.0.0.1:${await freePort()}`
    const b = `http://127.0.0.1:${await freePort()}`
    let slept = 0
    const c = new KvClient({
      addrs: [a, b],
      token: 'tok-never-shown',
      maxAttempts: 6,
      sleep: async (ms) => {
        slept += ms
      },
    })
    const err = await c.read('keyshelf/a/b/c').catch((e: unknown) => e)
    expect(err).toMatchObject({ kind: 'UNREACHABLE' })
    // Two silent rounds over two nodes: offline, without waiting out maxAttempts.
    expect((err as Error).message).toMatch(/tried 2 nodes 4 times/)
    expect((err as Error).message).not.toContain('tok-never-shown')
    expect(slept).toBeGreaterThan(0)
  })
})
