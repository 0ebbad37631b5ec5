/**
 * Team commands as processes against a real OpenBao dev server: team connect (token on stdin, userpass
 * password on stdin), team share, team apps, sync, key rotate through the team, a reader refused, due
 * --team and report --team. No token or value may reach stderr (the harness checks every run).
 */
import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baoApi, startBaoDev, type BaoServer } from '../../helpers/openbao'
import { cleanup, expectCode, expectNoSecrets, secret, tempVault, type TestVault } from './cli-harness'

// Each test spawns several CLI processes; on a loaded 2-core machine that takes longer than the default 30 s.
describe('keyshelf team … against a real OpenBao dev server', { timeout: 120_000 }, () => {
  let bao: BaoServer
  let alice: TestVault
  let bob: TestVault
  let reader: TestVault
  let tokens: { reader: string; rotator: string; admin: string }
  const STRIPE = secret('sk_live_cli_team_CANARY_1')
  const STRIPE2 = secret('sk_live_cli_team_CANARY_2')

  beforeAll(async () => {
    bao = await startBaoDev()
    tokens = await bao.teamTokens()
    secret(tokens.reader)
    secret(tokens.rotator)
    secret(bao.rootToken)
    await baoApi(bao.addr, bao.rootToken, 'POST', 'sys/auth/userpass', { type: 'userpass' })
    await baoApi(bao.addr, bao.rootToken, 'POST', 'auth/userpass/users/bob', {
      password: secret('bob-cli-password-9'),
      token_policies: ['keyshelf-rotator'],
    })
    ;[alice, bob, reader] = await Promise.all([tempVault(), tempVault(), tempVault()])
  })
  afterAll(async () => {
    cleanup()
    await bao?.stop()
  })

  it('Alice connects with a token on stdin and shares an app; Bob connects with userpass and syncs it', async () => {
    await alice.ok(['app', 'add', 'Shop'])
    await alice.ok(['env', 'add', 'Shop', 'Production'])
    await alice.ok(
      ['key', 'add', 'Shop', 'Production', 'Stripe', '--env-var', 'STRIPE_SECRET_KEY', '--value-stdin'],
      {
        stdin: STRIPE,
      },
    )
    const c = await alice.ok(['team', 'connect', 'payments', '--addr', bao.addr, '--token-stdin'], {
      stdin: tokens.rotator + '\n',
    })
    expect(c.err).toMatch(/Connected team payments .*keyshelf-rotator/)
    const refused = await alice.ks(
      ['team', 'connect', 'x', '--addr', 'http://bao.example.com:8200', '--token-stdin'],
      {
        stdin: tokens.rotator,
      },
    )
    expect(refused.code).not.toBe(0)
    expect(refused.err).toMatch(/must use https/)
    const s = await alice.ok(['team', 'share', 'Shop', '--team', 'payments'])
    expect(s.err).toMatch(/Shared Shop with team payments: 1 key in 1 environment/)
    const apps = JSON.parse((await alice.ok(['team', 'apps', '--json'])).out)
    expect(apps).toEqual([{ slug: 'shop', name: 'Shop', environments: ['production'], keys: 1, local: true }])

    await bob.ok(['team', 'connect', 'payments', '--addr', bao.addr, '--username', 'bob'], {
      stdin: 'bob-cli-password-9\n',
    })
    const sync = await bob.ok(['sync'])
    expect(sync.out).toMatch(/team payments: 1 new, 0 updated, 0 unchanged/)
    expect((await bob.ok(['get', 'Shop/Production/STRIPE_SECRET_KEY'])).out).toBe(STRIPE)
    const list = await bob.ok(['team', 'list'])
    expect(list.out).toMatch(/payments .*userpass-bob .*synced/)
    expectNoSecrets(list.out)
  })

  it('key rotate writes to the team first; Bob gets it with sync; bao kv get agrees', async () => {
    await alice.ok(['key', 'rotate', 'Shop/Production/STRIPE_SECRET_KEY', '--value-stdin'], {
      stdin: STRIPE2,
    })
    const kv = JSON.parse(await bao.cli(['kv', 'get', '-mount=secret', 'keyshelf/shop/production/stripe']))
    expect(kv.data.data).toEqual({ STRIPE_SECRET_KEY: STRIPE2 })
    expect(kv.data.metadata.version).toBe(2)
    expect((await bob.ok(['sync'])).out).toMatch(/1 updated/)
    expect((await bob.ok(['get', 'Shop/Production/STRIPE_SECRET_KEY'])).out).toBe(STRIPE2)
  })

  it('a reader token is refused rotation with a clear message, and the local copy is unchanged', async () => {
    await reader.ok(['team', 'connect', 'payments', '--addr', bao.addr, '--token-stdin'], {
      stdin: tokens.reader,
    })
    await reader.ok(['sync'])
    const history = ['key', 'history', 'Shop/Production/STRIPE_SECRET_KEY', '--json']
    const before = (await reader.ok(history)).out
    const r = await reader.ks(['key', 'rotate', 'Shop/Production/STRIPE_SECRET_KEY', '--value-stdin'], {
      stdin: 'sk_reader_attempt_CANARY',
    })
    expect(r.code).not.toBe(0)
    expect(r.err).toMatch(/not allowed to write keyshelf\/shop\/production\/stripe/)
    expect(r.err).not.toContain('sk_reader_attempt_CANARY')
    expect((await reader.ok(history)).out).toBe(before)
    expect((await reader.ok(['get', 'Shop/Production/STRIPE_SECRET_KEY'])).out).toBe(STRIPE2)
  })

  it('report --team writes a valid calendar without values; due --team lists the team keys', async () => {
    const ics = (await bob.ok(['report', '--format', 'ics', '--team', 'payments'])).out
    expectNoSecrets(ics)
    const cal = new ICAL.Component(ICAL.parse(ics))
    const uids = cal.getAllSubcomponents('vevent').map((e) => String(e.getFirstPropertyValue('uid')))
    expect(uids).toEqual(['rotation-due.keyshelf%2fshop%2fproduction%2fstripe@keyshelf'])
    const md = (await bob.ok(['report', '--format', 'md'])).out
    expect(md).toContain('Shop › Production › Stripe')
    expectNoSecrets(md)
    const due = await bob.ks(['due', '--team', 'payments', '--within', '365', '--json'])
    expectCode(due, 0)
    expect(JSON.parse(due.out).map((d: { name: string }) => d.name)).toEqual(['Stripe'])
  })
})
