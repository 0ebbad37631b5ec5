/**
 * Team keys when the team server is gone, as processes against a real OpenBao dev server that is then
 * stopped: `get` marks the value as the local copy on stderr (stdout stays the exact value), `due --team`
 * and `report --team` work from the local copy, and a provider rotation of a team key is refused before any
 * provider is asked, saying what to do instead. `team disconnect` keeps the keys as local keys.
 */
import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBaoDev, type BaoServer } from '../../helpers/openbao'
import { cleanup, expectCode, expectNoSecrets, secret, tempVault, type TestVault } from './cli-harness'

describe('keyshelf with a team whose server is down', { timeout: 180_000 }, () => {
  let bao: BaoServer
  let v: TestVault
  const VALUE = secret('sk_live_offline_team_CANARY_7')

  beforeAll(async () => {
    bao = await startBaoDev()
    const tokens = await bao.teamTokens()
    secret(tokens.rotator)
    secret(bao.rootToken)
    v = await tempVault()
    await v.ok(['app', 'add', 'Crm'])
    await v.ok(['env', 'add', 'Crm', 'Production'])
    await v.ok(
      [
        'key',
        'add',
        'Crm',
        'Production',
        'Novu',
        '--env-var',
        'NOVU_API_KEY',
        '--provider',
        'novu',
        '--value-stdin',
      ],
      { stdin: VALUE },
    )
    await v.ok(['key', 'edit', 'Crm/Production/NOVU_API_KEY', '--owner', 'ops-team'])
    await v.ok(['team', 'connect', 'ops', '--addr', bao.addr, '--token-stdin'], { stdin: tokens.rotator })
    await v.ok(['team', 'share', 'Crm'])
    const online = await v.ok(['get', 'Crm/Production/NOVU_API_KEY'])
    expect(online.err).toBe('')
    await bao.stop()
    // The first call that finds no node marks the team offline (it gives up within the failover bound).
    const sync = await v.ok(['sync'], { timeoutMs: 90_000 })
    expect(sync.out).toMatch(/team ops: offline since \d{4}-\d\d-\d\d \d\d:\d\d UTC; serving the local copy/)
  }, 180_000)
  afterAll(async () => {
    cleanup()
    await bao?.stop()
  })

  it('get prints the exact value on stdout and the offline mark on stderr only', async () => {
    const r = await v.ok(['get', 'Crm/Production/NOVU_API_KEY'])
    expect(r.out).toBe(VALUE)
    expect(r.err).toMatch(/^team ops: offline since \d{4}-\d\d-\d\d \d\d:\d\d UTC; this is the local copy/)
    const j = await v.ok(['get', 'Crm/Production/NOVU_API_KEY', '--json'])
    expect(JSON.parse(j.out).value).toBe(VALUE)
    expect(j.err).toMatch(/offline since/)
  })

  it('due --team and report --team work from the local copy, without values', async () => {
    const due = await v.ks(['due', '--team', 'ops', '--within', '365', '--json'])
    expectCode(due, 0)
    expect(JSON.parse(due.out)).toMatchObject([{ owner: 'ops-team', name: 'Novu', env: 'Production' }])
    const ics = (await v.ok(['report', '--format', 'ics', '--team', 'ops'])).out
    expectNoSecrets(ics)
    const cal = new ICAL.Component(ICAL.parse(ics))
    expect(cal.getAllSubcomponents('vevent')).toHaveLength(1)
    const csv = (await v.ok(['report', '--format', 'csv', '--team', 'ops'])).out
    expect(csv).toContain('ops-team')
    expectNoSecrets(csv)
  })

  it('a provider rotation of a team key is refused before any provider is asked, saying what to do', async () => {
    const r = await v.ks(['key', 'rotate', 'Crm/Production/NOVU_API_KEY', '--via-provider'])
    expect(r.code).not.toBe(0)
    expect(r.err).toMatch(/Novu lives in the team "ops", so Keyshelf does not rotate it through its provider/)
    expect(r.err).toMatch(/keyshelf key rotate APP\/ENV\/ENV_VAR --value-stdin/)
    expect((await v.ok(['get', 'Crm/Production/NOVU_API_KEY'])).out).toBe(VALUE)
  })

  it('team disconnect keeps the keys as local keys (no offline mark any more)', async () => {
    const d = await v.ok(['team', 'disconnect', 'ops'])
    expect(d.err).toMatch(/Disconnected team ops: its 1 key in 1 app stay here as local keys/)
    const r = await v.ok(['get', 'Crm/Production/NOVU_API_KEY'])
    expect(r.out).toBe(VALUE)
    expect(r.err).toBe('')
    expect((await v.ok(['team', 'list'])).err).toMatch(/No teams/)
    await v.ok(['key', 'rotate', 'Crm/Production/NOVU_API_KEY', '--value-stdin'], {
      stdin: secret('sk_live_offline_team_CANARY_8'),
    })
  })
})
