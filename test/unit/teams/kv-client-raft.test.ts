import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KvClient } from '../../../src-main/core/teams/kv.client'
import { startBaoRaftCluster, type BaoCluster } from '../../helpers/openbao'

describe('KvClient against a real 3-node OpenBao Raft cluster', () => {
  let cluster: BaoCluster
  beforeAll(async () => {
    cluster = await startBaoRaftCluster()
  }, 120_000)
  afterAll(async () => {
    await cluster?.stop()
  })

  it('keeps writing through the other nodes when the leader is killed mid-way', async () => {
    const tokens = await cluster.teamTokens()
    const leader = await cluster.leader()
    // The leader first, so the kill hits the node the client is using.
    const addrs = [leader.addr, ...cluster.addrs.filter((a) => a !== leader.addr)]
    const c = new KvClient({ addrs, token: tokens.rotator, maxWaitMs: 60_000 })
    const n = 40
    let killed: Promise<void> | null = null
    for (let i = 0; i < n; i++) {
      if (i === 10) killed = leader.kill()
      const r = await c.write(`keyshelf/raft/prod/k${i}`, { [`K_${i}`]: `value-${i}` }, 0)
      expect(r.version).toBe(1)
    }
    await killed
    expect(leader.running()).toBe(false)
    expect(c.currentNode).not.toBe(leader.addr)
    // Once in several runs a list answered right after the failover missed the newest key (a node that
    // had not applied it yet); it appears within moments. Data that never arrives still fails here.
    let names = await c.list('keyshelf/raft/prod')
    for (let i = 0; i < 50 && names.length < n; i++) {
      await new Promise((r) => setTimeout(r, 100))
      names = await c.list('keyshelf/raft/prod')
    }
    expect(names).toHaveLength(n)
    for (let i = 0; i < n; i++) {
      expect((await c.read(`keyshelf/raft/prod/k${i}`))?.data).toEqual({ [`K_${i}`]: `value-${i}` })
    }
  }, 120_000)
})
