import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  baoApi,
  startBaoDev,
  startBaoRaftCluster,
  type BaoCluster,
  type BaoServer,
} from '../../helpers/openbao'

describe('OpenBao test peers', () => {
  let dev: BaoServer
  let raft: BaoCluster
  beforeAll(async () => {
    // allSettled: when one fails to start, the other is still kept so afterAll stops it.
    const [d, r] = await Promise.allSettled([startBaoDev(), startBaoRaftCluster()])
    if (d.status === 'fulfilled') dev = d.value
    if (r.status === 'fulfilled') raft = r.value
    if (d.status === 'rejected') throw d.reason
    if (r.status === 'rejected') throw r.reason
  })
  afterAll(async () => {
    await Promise.all([dev?.stop(), raft?.stop()])
  })

  it('the dev server has KV v2 at secret/ and the policies give tokens of the right reach', async () => {
    const t = await dev.teamTokens()
    await baoApi(dev.addr, t.rotator, 'POST', 'secret/data/keyshelf/a/b/c', { data: { A: '1' } })
    await expect(
      baoApi(dev.addr, t.reader, 'POST', 'secret/data/keyshelf/a/b/c', { data: { A: '2' } }),
    ).rejects.toThrow(/403/)
    const out = JSON.parse(
      await dev.cli(['kv', 'get', '-mount=secret', 'keyshelf/a/b/c'], { token: t.reader }),
    )
    expect(out.data.data).toEqual({ A: '1' })
    await expect(baoApi(dev.addr, t.rotator, 'GET', 'secret/data/other')).rejects.toThrow(/403/)
  })

  it('the raft cluster elects a new leader when the leader is killed, and keeps the data', async () => {
    const leader = await raft.leader()
    await baoApi(leader.addr, raft.rootToken, 'POST', 'secret/data/x', { data: { V: 'one' } })
    await leader.kill()
    const next = await raft.waitForNewLeader(leader)
    expect(next.id).not.toBe(leader.id)
    const got = (await baoApi(next.addr, raft.rootToken, 'GET', 'secret/data/x')) as {
      data: { data: unknown }
    }
    expect(got.data.data).toEqual({ V: 'one' })
  })
})
