import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TeamSpaceService } from '../../../src-main/core/teams/team-space.service'
import type { ProgressEvent } from '../../../src-shared/model'
import { startBaoRaftCluster, type BaoCluster } from '../../helpers/openbao'
import { newVault, seedAppEnv } from '../../helpers/vault.helper'

const N = 1000

describe('pulling 1,000 team keys from a 3-node Raft cluster while its leader is killed', () => {
  let cluster: BaoCluster
  beforeAll(async () => {
    cluster = await startBaoRaftCluster()
  }, 120_000)
  afterAll(async () => {
    await cluster?.stop()
  })

  it('completes through the other nodes, or fails cleanly and the next pull resumes; every key arrives once', async () => {
    const tokens = await cluster.teamTokens()
    const leader = await cluster.leader()
    const addrs = [leader.addr, ...cluster.addrs.filter((a) => a !== leader.addr)]
    let killed: Promise<void> | null = null
    const progress: ProgressEvent[] = []
    const alice = await newVault()
    const bob = await newVault({
      onProgress: (e) => {
        progress.push(e)
        if (killed === null && e.label.startsWith('Pulling') && e.done >= 300) killed = leader.kill()
      },
    })
    try {
      const { appId, envId } = await seedAppEnv(alice.svc, 'Fleet', 'Production')
      alice.svc.transaction(() => {
        for (let i = 0; i < N; i++) {
          alice.svc.createCredentialNow({
            environmentId: envId,
            name: `key-${i}`,
            provider: 'manual',
            providerCredentialId: '',
            status: 'active',
            role: '',
            allowedHosts: [],
            owner: `team-${i % 7}`,
            tags: [],
            notes: '',
            expiresAt: null,
            rotationIntervalDays: 90,
            lastRotatedAt: null,
            fields: [{ label: '', envVar: `FLEET_KEY_${i}`, kind: 'secret', value: `fleet-value-${i}` }],
          })
        }
      })
      const aliceTeams = alice.svc.teams
      await aliceTeams.connect({ name: 'fleet', addrs, login: { method: 'token', token: tokens.rotator } })
      expect((await aliceTeams.share(appId)).keys).toBe(N)

      const bobTeams = bob.svc.teams
      await bobTeams.connect({ name: 'fleet', addrs, login: { method: 'token', token: tokens.reader } })
      let first: Awaited<ReturnType<TeamSpaceService['pull']>> | null = null
      let firstError: unknown = null
      try {
        first = await bobTeams.pull()
      } catch (err) {
        firstError = err
      }
      await killed
      expect(killed).not.toBeNull()
      expect(leader.running()).toBe(false)
      if (firstError !== null) {
        // A clean failure: one clear sentence, no half-written key.
        expect((firstError as Error).message).toMatch(/team server|Try again|try again/i)
      } else {
        expect(first!.offlineSince).toBeNull()
      }
      const second = await bobTeams.pull()
      expect(second.offlineSince).toBeNull()
      const creds = await bob.svc.listCredentials({})
      expect(creds).toHaveLength(N)
      expect(new Set(creds.map((c) => c.name)).size).toBe(N)
      if (firstError === null) expect(second).toMatchObject({ created: 0, updated: 0, unchanged: N })
      else expect(second.created + second.unchanged).toBe(N)
      for (const i of [0, 299, 300, 301, 777, N - 1]) {
        const c = creds.find((x) => x.name === `key-${i}`)!
        expect(c.owner).toBe(`team-${i % 7}`)
        expect((await bob.svc.reveal({ fieldId: c.fields[0]!.id })).value).toBe(`fleet-value-${i}`)
      }
      expect(progress.some((p) => p.total === N)).toBe(true)
    } finally {
      await alice.cleanup()
      await bob.cleanup()
    }
  }, 240_000)
})
