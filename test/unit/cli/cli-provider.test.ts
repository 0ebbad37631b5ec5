/**
 * Provider commands as processes against the loopback Cloudflare fake (running in this test process):
 * provider add (token on stdin), sync --json, key rotate --via-provider and key verify.
 * Against the Novu fake: provider add and sync say which environment settings Novu reports otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCloudflareFake, type CloudflareFake } from '../../fakes/cloudflare.fake'
import { startNovuFake, type NovuFake } from '../../fakes/novu.fake'
import { PASSWORD, cleanup, expectCode, secret, tempVault, type TestVault } from './cli-harness'

const TOKEN_PATH = 'Edge/Production/CLOUDFLARE_API_TOKEN'

interface SyncJson {
  provider: string
  added: number
  updated: number
  revoked: number
  unchanged: number
  syncedAt: string
}

describe('provider commands against the Cloudflare fake', () => {
  let cf: CloudflareFake
  let v: TestVault

  beforeAll(async () => {
    cf = await startCloudflareFake({ tokens: 5 })
    v = await tempVault()
    await v.ok(['app', 'add', 'Edge'])
  })
  afterAll(async () => {
    await cf.close()
    cleanup()
  })

  it('provider add refuses a token Cloudflare rejects, without echoing it, and stores nothing', async () => {
    const bad = secret('cfut_CANARYnotARealTokenAtAll0123456789abcdef')
    const r = await v.ks(
      [
        'provider',
        'add',
        'Edge',
        '--provider',
        'cloudflare',
        '--env',
        'Production',
        '--key-stdin',
        '--api-url',
        cf.url,
      ],
      { stdin: bad },
    )
    expectCode(r, 1)
    expect(r.err).toMatch(/^keyshelf: Cloudflare did not accept the API token: /)
    expect(r.err.match(/Nothing was/g)).toHaveLength(1)
    expect(JSON.parse((await v.ok(['key', 'list', '--json'])).out)).toEqual([])
    // The key is only ever taken from stdin.
    expectCode(await v.ks(['provider', 'add', 'Edge', '--provider', 'cloudflare', '--api-url', cf.url]), 1)
    expectCode(await v.ks(['provider', 'add', 'Edge', '--provider', 'heroku', '--key-stdin']), 1)
  })

  it('provider add takes the token on stdin (KEYSHELF_PASSWORD set), verifies it and syncs', async () => {
    const admin = secret(cf.state.secretOf(cf.state.adminId))
    const r = await v.ks(
      [
        'provider',
        'add',
        'Edge',
        '--provider',
        'cloudflare',
        '--env',
        'Production',
        '--key-stdin',
        '--api-url',
        cf.url,
      ],
      { stdin: `${admin}\n` },
    )
    expectCode(r, 0)
    expect(r.err).toMatch(/Connected Edge to cloudflare \(Production\)/)
    expect(r.out).toMatch(/Synced: \d+ added/)
    const keys = JSON.parse((await v.ok(['key', 'list', 'Edge', '--json'])).out) as {
      provider: string
      fields: { envVar: string }[]
    }[]
    expect(keys).toHaveLength(5)
    expect(keys.every((k) => k.provider === 'cloudflare')).toBe(true)
    expect(keys.flatMap((k) => k.fields.map((f) => f.envVar))).toContain('CLOUDFLARE_API_TOKEN')
    // The stored token is the one given, trimmed of the newline.
    expect((await v.ok(['get', TOKEN_PATH])).out).toBe(admin)
  })

  it('sync --json reports per provider; a token created at Cloudflare shows up as added', async () => {
    const first = await v.ok(['sync', 'Edge', '--json'])
    const [s] = JSON.parse(first.out) as SyncJson[]
    expect(s).toMatchObject({ provider: 'cloudflare', added: 0, updated: 0, revoked: 0, unchanged: 5 })
    expect(Number.isNaN(Date.parse(s?.syncedAt ?? ''))).toBe(false)

    cf.state.addToken({ name: 'ci-deploy', access: 'none' })
    const second = JSON.parse((await v.ok(['sync', '--json'])).out) as SyncJson[]
    expect(second).toEqual([expect.objectContaining({ provider: 'cloudflare', added: 1, unchanged: 5 })])
    const text = await v.ok(['sync', 'Edge'])
    expect(text.out).toMatch(/^cloudflare: 0 added, 0 updated, 0 revoked, 6 unchanged/)
  })

  it('key rotate --via-provider rolls the token at Cloudflare and stores the new value', async () => {
    const before = cf.state.secretOf(cf.state.adminId)
    const r = await v.ks(['key', 'rotate', TOKEN_PATH, '--via-provider'])
    expectCode(r, 0)
    expect(r.err).toMatch(/Rotated .* through cloudflare/)
    const after = secret(cf.state.secretOf(cf.state.adminId))
    expect(after).not.toBe(before)
    expect((await v.ok(['get', TOKEN_PATH])).out).toBe(after)
    const history = JSON.parse((await v.ok(['key', 'history', TOKEN_PATH, '--json'])).out) as {
      reason: string
      masked: string
    }[]
    expect(history[0]).toMatchObject({ reason: 'rotate:cloudflare', masked: `••••${before.slice(-4)}` })
  })

  it('key verify checks the stored token with Cloudflare', async () => {
    const r = await v.ks(['key', 'verify', TOKEN_PATH])
    expectCode(r, 0)
    expect(r.out).toMatch(/accepts/)
    // The connection keeps working with the rotated token.
    expectCode(await v.ks(['sync', 'Edge']), 0)
  })

  it('provider add with --password-stdin: the password line first, then the token', async () => {
    const w = await tempVault()
    await w.ok(['app', 'add', 'Other'])
    const token = cf.state.addToken({ name: 'second-admin', access: 'write' })
    secret(token.secret)
    const r = await w.ks(
      [
        '--password-stdin',
        'provider',
        'add',
        'Other',
        '--provider',
        'cloudflare',
        '--env',
        'Live',
        '--key-stdin',
        '--api-url',
        cf.url,
      ],
      { env: { KEYSHELF_PASSWORD: undefined }, stdin: `${PASSWORD}\n${token.secret}` },
    )
    expectCode(r, 0)
    expect((await w.ok(['get', 'Other/Live/CLOUDFLARE_API_TOKEN'])).out).toBe(token.secret)
  })
})

describe('provider commands against the Novu fake: URLs the user set are kept, the difference is said', () => {
  let novu: NovuFake
  beforeAll(async () => {
    novu = await startNovuFake()
  })
  afterAll(async () => {
    await novu.close()
    cleanup()
  })

  it('provider add and sync name each differing setting, the provider’s beside yours, and change nothing', async () => {
    const v = await tempVault()
    await v.ok(['app', 'add', 'Notify'])
    const mine = ['--api-url', 'https://novu.internal.example', '--ws-url', 'wss://ws.internal.example']
    await v.ok(['env', 'add', 'Notify', 'Development', ...mine, '--region', 'eu'])
    const said =
      `novu reports Development with API URL ${novu.url} (yours: https://novu.internal.example), ` +
      'Region self-hosted (yours: eu); Keyshelf kept yours (keyshelf env edit to change).'
    const r = await v.ks(
      [
        'provider',
        'add',
        'Notify',
        '--provider',
        'novu',
        '--region',
        'custom',
        '--api-url',
        novu.url,
        '--key-stdin',
      ],
      { stdin: secret(novu.state.keyOf('Development')) },
    )
    expectCode(r, 0)
    expect(r.err.split('\n')).toContain(said)
    // The WebSocket URL Novu does not report for a self-hosted API is not a difference.
    expect(r.err).not.toMatch(/WebSocket/)
    const sync = await v.ok(['sync', 'Notify'])
    expect(sync.err.split('\n')).toContain(said)
    const envs = JSON.parse((await v.ok(['env', 'list', 'Notify', '--json'])).out) as {
      name: string
      apiUrl: string
      wsUrl: string
      region: string
    }[]
    expect(envs.find((e) => e.name === 'Development')).toMatchObject({
      apiUrl: 'https://novu.internal.example',
      wsUrl: 'wss://ws.internal.example',
      region: 'eu',
    })
  })
})
