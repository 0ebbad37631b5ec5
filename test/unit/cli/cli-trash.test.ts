/**
 * The Trash from the CLI as processes (issue 10 §20): `app rm` / `env rm` move to the Trash and say how to
 * get it back; `trash list [--json]`, `trash restore APP[/ENV] [--as NAME]`, `trash rm` and `trash empty`
 * (both refuse without --yes off a terminal).
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { cleanup, expectCode, secret, tempVault, type TestVault } from './cli-harness'

afterAll(cleanup)

interface TrashJson {
  address: string
  kind: string
  app: string
  name: string
  environments?: number
  keys: number
  appInTrash?: boolean
  deletedAt: string
  removedAt: string
  daysLeft: number
}

const value = secret('sk_trash_value_0123456789abcdef')

describe('the Trash from the CLI', () => {
  let v: TestVault
  beforeEach(async () => {
    v = await tempVault()
    await v.ok(['app', 'add', 'Novu Cloud'])
    await v.ok(['env', 'add', 'Novu Cloud', 'Prod'])
    await v.ok(['env', 'add', 'Novu Cloud', 'Dev'])
    await v.ok(['key', 'add', 'Novu Cloud', 'Prod', 'API key', '--env-var', 'NOVU_KEY', '--value-stdin'], {
      stdin: value,
    })
  }, 120_000)

  const trash = async (): Promise<TrashJson[]> =>
    JSON.parse((await v.ok(['trash', 'list', '--json'])).out) as TrashJson[]

  it('app rm moves the app to the Trash and says how to restore it; restore brings back its keys', async () => {
    const empty = await v.ok(['trash', 'list'])
    expect(empty.err).toMatch(/^The Trash is empty\. Deleted apps and environments wait here for 30 days/)
    const rm = await v.ok(['app', 'rm', 'Novu Cloud', '--yes'])
    expect(rm.err).toBe(
      'Moved Novu Cloud to the Trash (kept 30 days; `keyshelf trash restore "Novu Cloud"` brings it back).\n',
    )
    expect(JSON.parse((await v.ok(['app', 'list', '--json'])).out)).toEqual([])
    expectCode(await v.ks(['get', 'Novu Cloud/Prod/NOVU_KEY']), 5)

    const [item, ...rest] = await trash()
    expect(rest).toEqual([])
    expect(item).toMatchObject({ address: 'Novu Cloud', kind: 'app', environments: 2, keys: 1, daysLeft: 30 })
    expect(Date.parse(item!.removedAt) - Date.parse(item!.deletedAt)).toBe(30 * 86_400_000)
    const table = (await v.ok(['trash', 'list'])).out
    expect(table).toMatch(/^ITEM\s+KIND\s+HOLDS\s+DELETED\s+REMOVED/)
    expect(table).toMatch(/Novu Cloud\s+app\s+2 environments, 1 key\s+today\s+in 30 days/)

    const back = await v.ok(['trash', 'restore', 'novu cloud'])
    expect(back.err).toBe('Restored Novu Cloud with 2 environments, 1 key.\n')
    expect(await trash()).toEqual([])
    expect((await v.ok(['get', 'Novu Cloud/Prod/NOVU_KEY'])).out).toBe(value)
  }, 180_000)

  it('env rm and restore of one environment; a taken name needs --as', async () => {
    const rm = await v.ok(['env', 'rm', 'Novu Cloud', 'Prod', '--yes'])
    expect(rm.err).toMatch(
      /^Moved Novu Cloud\/Prod to the Trash \(kept 30 days; `keyshelf trash restore "Novu Cloud\/Prod"`/,
    )
    expect((await trash()).map((i) => [i.address, i.kind, i.keys, i.appInTrash])).toEqual([
      ['Novu Cloud/Prod', 'environment', 1, false],
    ])
    await v.ok(['env', 'add', 'Novu Cloud', 'prod'])
    const taken = await v.ks(['trash', 'restore', 'Novu Cloud/Prod'])
    expectCode(taken, 1)
    expect(taken.err).toContain('Novu Cloud already has an environment named "Prod"')
    expect(taken.err).toContain('keyshelf trash restore "Novu Cloud/Prod" --as "Prod (restored)"')
    await v.ok(['trash', 'restore', 'Novu Cloud/Prod', '--as', 'Prod old'])
    expect((await v.ok(['get', 'Novu Cloud/Prod old/NOVU_KEY'])).out).toBe(value)
  }, 180_000)

  it('an environment whose app is in the Trash too: restore the app first', async () => {
    await v.ok(['env', 'rm', 'Novu Cloud', 'Prod', '--yes'])
    await v.ok(['app', 'rm', 'Novu Cloud', '--yes'])
    const refused = await v.ks(['trash', 'restore', 'Novu Cloud/Prod'])
    expectCode(refused, 1)
    expect(refused.err).toContain('which is in the Trash too. Restore the app first')
    expect(refused.err).toContain('(keyshelf trash restore "Novu Cloud")')
    const missing = await v.ks(['trash', 'restore', 'Novu Clod/Prd'])
    expectCode(missing, 5)
    expect(missing.err).toMatch(/"Novu Clod\/Prd" is not in the Trash\..*Novu Cloud\/Prod/)
  }, 180_000)

  it('trash rm and trash empty refuse without --yes off a terminal, and delete forever with it', async () => {
    await v.ok(['env', 'rm', 'Novu Cloud', 'Dev', '--yes'])
    await v.ok(['app', 'add', 'Other'])
    await v.ok(['app', 'rm', 'Other', '--yes'])
    const refused = await v.ks(['trash', 'rm', 'Other'])
    expectCode(refused, 1)
    expect(refused.err).toMatch(/Not deleted\. Pass --yes/)
    expect(await trash()).toHaveLength(2)
    await v.ok(['trash', 'rm', 'Other', '--yes'])
    expect((await trash()).map((i) => i.address)).toEqual(['Novu Cloud/Dev'])
    expectCode(await v.ks(['trash', 'restore', 'Other']), 5)
    expectCode(await v.ks(['trash', 'empty']), 1)
    expect(await trash()).toHaveLength(1)
    const emptied = await v.ok(['trash', 'empty', '--yes'])
    expect(emptied.err).toBe('Emptied the Trash: 1 item(s) deleted forever.\n')
    expect(await trash()).toEqual([])
    expect((await v.ok(['trash', 'empty'])).err).toBe('The Trash is already empty.\n')
    const envs = JSON.parse((await v.ok(['env', 'list', 'Novu Cloud', '--json'])).out) as { name: string }[]
    expect(envs.map((e) => e.name)).toEqual(['Prod'])
    const audit = (await v.ok(['audit', '--limit', '20'])).out
    expect(audit).toMatch(/purge/)
    expect(audit).toMatch(/trash/)
  }, 180_000)
})
