/**
 * As processes: `verify --last` prints the stored checks, `due` and `reminders` name the old key of a
 * guided rotation to revoke, `reminders done` drops it; `key rm` on a synced key says only the local copy
 * went (Cloudflare loopback fake). The vault is prepared in-process, pointed at the verify fakes, with a
 * clock three hours back so the overlap has ended for the CLI (real clock).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, type KeyshelfCore } from '../../../src-main/core/core'
import { startCloudflareFake, type CloudflareFake } from '../../fakes/cloudflare.fake'
import { startVerifyFakes, type VerifyFakes } from '../../fakes/verify.fake'
import { TEST_KDF, credentialInput, seedAppEnv } from '../../helpers/vault.helper'
import { PASSWORD, cleanup, expectCode, secret, tempVault, type TestVault } from './cli-harness'

const HOUR = 3_600_000
const STRIPE = 'Shop/Production/STRIPE_SECRET_KEY'

describe('stored checks and revoke reminders in the CLI', () => {
  let v: TestVault
  let fakes: VerifyFakes
  let core: KeyshelfCore

  beforeAll(async () => {
    fakes = await startVerifyFakes()
    v = await tempVault(false)
    const start = Date.now() - 3 * HOUR
    core = createCore({ vaultPath: v.path, verifyOrigins: fakes.origins, clock: () => start })
    await core.create({ password: PASSWORD, kdf: TEST_KDF })
    const { envId } = await seedAppEnv(core, 'Shop', 'Production')
    const old = secret('sk_test_OLDoldOLDold0001')
    const stripe = await core.createCredential(
      credentialInput(envId, {
        name: 'Stripe',
        fields: [{ label: 'Secret', envVar: 'STRIPE_SECRET_KEY', kind: 'secret', value: old }],
      }),
    )
    await core.createCredential(
      credentialInput(envId, {
        name: 'OpenAI',
        fields: [
          {
            label: 'Secret',
            envVar: 'OPENAI_API_KEY',
            kind: 'secret',
            value: secret('sk-proj-OLDoldOLDoldOLDold01'),
          },
        ],
      }),
    )
    const fresh = secret('sk_test_NEWnewNEWnew0003')
    fakes.valid.stripe?.add(fresh)
    await core.guidedRotationComplete({ credentialId: stripe.id, value: fresh, overlapHours: 1 })
    await core.verifyAllKeys({})
    await core.close()
  })
  afterAll(async () => {
    await fakes.close()
    cleanup()
  })

  it('verify --last prints each key’s stored check without asking a provider', async () => {
    const asked = () =>
      (fakes.fakes.stripe?.requests.length ?? 0) + (fakes.fakes.openai?.requests.length ?? 0)
    const before = asked()
    const r = await v.ks(['verify', '--last'])
    expectCode(r, 2)
    expect(r.out).toMatch(/^valid +Stripe \(stripe, \d{4}-/m)
    expect(r.out).toMatch(/^invalid +OpenAI \(openai, \d{4}-.*rejects this key/m)
    expect(asked()).toBe(before)
    const json = JSON.parse((await v.ks(['verify', '--last', '--json'])).out) as {
      name: string
      check: { state: string }
    }[]
    expect(json.map((x) => [x.name, x.check.state]).sort()).toEqual([
      ['OpenAI', 'invalid'],
      ['Stripe', 'valid'],
    ])
  })

  it('due lists the old key to revoke and says how; reminders done drops it', async () => {
    const due = await v.ks(['due'])
    expectCode(due, 0)
    expect(due.out).toMatch(/revoke old key +Shop +Production +Stripe/)
    expect(due.err).toContain(
      `${STRIPE}: revoke the old key at https://dashboard.stripe.com/apikeys, then run keyshelf reminders done ${STRIPE}.`,
    )
    const json = JSON.parse((await v.ok(['due', '--json'])).out) as { revokeOldKey?: { provider: string } }[]
    expect(json[0]?.revokeOldKey?.provider).toBe('Stripe')
    const list = await v.ok(['reminders'])
    expect(list.out).toMatch(
      /^due +Stripe \(Stripe\): overlap ended \d{4}-.*revoke it at https:\/\/dashboard\.stripe\.com\/apikeys/m,
    )
    expectCode(await v.ks(['reminders', 'done', 'Shop/Production/OPENAI_API_KEY']), 1)
    await v.ok(['reminders', 'done', STRIPE])
    expect((await v.ok(['due'])).err).toContain('Nothing is due')
    expect((await v.ok(['reminders'])).err).toContain('No old key is waiting to be revoked')
  })
})

describe('key rm on a synced key', () => {
  let cf: CloudflareFake
  let v: TestVault
  beforeAll(async () => {
    cf = await startCloudflareFake({ tokens: 3 })
    v = await tempVault()
    await v.ok(['app', 'add', 'Edge'])
    const admin = secret(cf.state.secretOf(cf.state.adminId))
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
      { stdin: `${admin}\n` },
    )
  })
  afterAll(async () => {
    await cf.close()
    cleanup()
  })

  it('says it removed only the local copy and the key still works at the provider', async () => {
    const keys = JSON.parse((await v.ok(['key', 'list', 'Edge', '--json'])).out) as {
      name: string
      fields: { envVar: string }[]
    }[]
    const other = keys.find((k) => !k.fields.some((f) => f.envVar === 'CLOUDFLARE_API_TOKEN'))
    expect(other).toBeDefined()
    const tokensBefore = cf.state.tokens.size
    const r = await v.ks(['key', 'rm', `Edge/Production/${other?.name ?? ''}`, '--yes'])
    expectCode(r, 0)
    expect(r.err).toContain(`Deleted ${other?.name}.`)
    expect(r.err).toContain("This removed only Keyshelf's copy: the key still exists at")
    expect(r.err).toContain('still works')
    expect(cf.state.tokens.size).toBe(tokensBefore)
    // A key typed by hand says nothing about a provider.
    await v.ok(['key', 'add', 'Edge', 'Production', 'Local', '--env-var', 'LOCAL_KEY', '--value-stdin'], {
      stdin: secret('local-value-0001'),
    })
    const local = await v.ks(['key', 'rm', 'Edge/Production/Local', '--yes'])
    expectCode(local, 0)
    expect(local.err).not.toContain('only Keyshelf')
  })
})
