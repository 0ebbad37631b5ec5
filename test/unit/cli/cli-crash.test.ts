/**
 * The rotation journal against a real crash: the CLI process is killed with SIGKILL after Cloudflare
 * answered a roll, after the answer was sealed into the journal, and before it was applied to the key. The
 * next process must apply the sealed answer on unlock (the vault ends with Cloudflare's current token),
 * all without a second roll at the provider.
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

  it('recovers on restart: the sealed answer is applied, no second roll', async () => {
    const before = (await v.ok(['get', PATH])).stdoutBytes
    const crashed = await v.ks(['key', 'rotate', PATH, '--via-provider'], {
      env: { VITEST: 'true', KEYSHELF_TEST_SIGKILL_AFTER_PROVIDER_ANSWER: '1' },
    })
    expect(crashed.signal).toBe('SIGKILL')
    expect(cf.count(CF_ROUTES.roll)).toBe(1)
    // The next process unlocks and applies what the journal kept: Cloudflare's current token.
    const after = (await v.ok(['get', PATH])).out
    expect(Buffer.from(after)).not.toEqual(before)
    expect(after).toBe(cf.state.secretOf(cf.state.adminId))

    const listed = JSON.parse((await v.ok(['key', 'list', 'Edge', '--json'])).out) as {
      fields: { envVar: string }[]
      rotationState: string
    }[]
    const key = listed.find((k) => k.fields.some((f) => f.envVar === 'CLOUDFLARE_API_TOKEN'))
    expect(key?.rotationState).toBe('settled')
    const verified = await v.ks(['key', 'verify', PATH])
    expectCode(verified, 0)
    expect(cf.count(CF_ROUTES.roll)).toBe(1)
  })
})
