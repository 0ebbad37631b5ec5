/**
 * The rotation journal against a real crash: the CLI process is killed with SIGKILL after Cloudflare
 * answered a roll and before the vault committed the new token. The next process must find the journal's
 * intent, mark the key "rotation state unknown", refuse to rotate blindly, and settle it with verify, all
 * without a second roll at the provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CF_ROUTES, startCloudflareFake, type CloudflareFake } from '../../fakes/cloudflare.fake'
import { cleanup, expectCode, tempVault, type TestVault } from './cli-harness'

const PATH = 'Edge/Production/CLOUDFLARE_API_TOKEN'

describe('rotation journal after a SIGKILL between the provider answer and the commit', () => {
  let cf: CloudflareFake
  let v: TestVault

  beforeAll(async () => {
    cf = await startCloudflareFake({ tokens: 2 })
    v = await tempVault()
    await v.ok(['app', 'add', 'Edge'])
    const admin = cf.state.secretOf(cf.state.adminId)
    await v.ok(
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
      { stdin: admin },
    )
  })
  afterAll(async () => {
    await cf.close()
    cleanup()
  })

  it('recovers on restart: unknown state, no blind re-rotate, verify settles it', async () => {
    const before = (await v.ok(['get', PATH])).stdoutBytes
    const crashed = await v.ks(['key', 'rotate', PATH, '--via-provider'], {
      env: { VITEST: 'true', KEYSHELF_TEST_SIGKILL_AFTER_PROVIDER_ANSWER: '1' },
    })
    expect(crashed.signal).toBe('SIGKILL')
    expect(cf.count(CF_ROUTES.roll)).toBe(1)
    // The roll happened at Cloudflare; the vault still holds the old (now dead) token.
    expect((await v.ok(['get', PATH])).stdoutBytes).toEqual(before)

    const listed = JSON.parse((await v.ok(['key', 'list', 'Edge', '--json'])).out) as {
      fields: { envVar: string }[]
      rotationState: string
    }[]
    const key = listed.find((k) => k.fields.some((f) => f.envVar === 'CLOUDFLARE_API_TOKEN'))
    expect(key?.rotationState).toBe('unknown')

    const again = await v.ks(['key', 'rotate', PATH, '--via-provider'])
    expectCode(again, 1)
    expect(again.err).toMatch(/verify/)
    expect(cf.count(CF_ROUTES.roll)).toBe(1)

    const verified = await v.ks(['key', 'verify', PATH])
    expectCode(verified, 0)
    expect(verified.out).toMatch(/rotation did happen/)
    expect(cf.count(CF_ROUTES.roll)).toBe(1)
  })
})
