/**
 * Resuming a half-finished share on a real OpenBao dev server: the share of 1,000 keys is interrupted after
 * 400 key writes (the server wrote them, but the answers of the last ones are lost, as when the process or
 * the network dies). Running the share again continues: every key ends up in the team exactly once, at
 * version 1, with its metadata; keys whose names give the same path slug keep distinct paths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KeyshelfCore } from '../../../src-main/core/core'
import { KvClient } from '../../../src-main/core/teams/kv.client'
import { decodeManifest } from '../../../src-main/core/teams/team-layout'
import { startBaoDev, type BaoServer } from '../../helpers/openbao'
import { newVault, seedAppEnv } from '../../helpers/vault.helper'

const TOTAL = 1000

describe('a share of 1,000 keys that was interrupted', { timeout: 300_000 }, () => {
  let bao: BaoServer
  let token: string
  let svc: KeyshelfCore
  let cleanup: () => Promise<void>
  let keyWrites = 0
  let breakAfter = Infinity

  beforeAll(async () => {
    bao = await startBaoDev()
    token = (await bao.teamTokens()).rotator
    // The real server gets every request; after `breakAfter` key writes, each answer is lost and replaced
    // by a refusal (the write itself happened), which stops the share like a dropped connection would.
    const lossy: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input)
      const res = await fetch(input, init)
      if (!/\/v1\/secret\/(data|metadata)\/keyshelf\/shop\/production\/[^_]/.test(url)) return res
      if (init?.method === 'POST' && url.includes('/data/')) keyWrites++
      if (keyWrites <= breakAfter) return res
      return new Response(JSON.stringify({ errors: ['permission denied'] }), {
        status: 403,
        headers: { 'content-type': 'application/json' },
      })
    }
    const v = await newVault({ fetch: lossy })
    svc = v.svc
    cleanup = v.cleanup
  })
  afterAll(async () => {
    await cleanup?.()
    await bao?.stop()
  })

  it('running it again continues where it stopped and writes no key twice', async () => {
    const { appId, envId } = await seedAppEnv(svc, 'Shop', 'Production')
    const field = (envVar: string, value: string) => [{ label: '', envVar, kind: 'secret' as const, value }]
    const base = {
      environmentId: envId,
      provider: 'manual' as const,
      providerCredentialId: '',
      status: 'active' as const,
      role: '',
      allowedHosts: [],
      owner: 'payments',
      tags: [],
      notes: '',
      expiresAt: null,
      rotationIntervalDays: 90,
      lastRotatedAt: null,
    }
    svc.transaction(() => {
      // Two names with the same path slug ("stripe-key"): the first is shared before the interruption.
      svc.createCredentialNow({ ...base, name: 'Stripe key', fields: field('STRIPE_A', 'sa-value') })
      for (let i = 0; i < TOTAL - 2; i++) {
        svc.createCredentialNow({ ...base, name: `key-${i}`, fields: field(`KEY_${i}`, `value-${i}`) })
      }
      svc.createCredentialNow({ ...base, name: 'Stripe-key', fields: field('STRIPE_B', 'sb-value') })
    })
    await svc.teams.connect({ name: 'pay', addrs: bao.addr, login: { method: 'token', token } })

    breakAfter = 400
    const first = await svc.teams.share(appId).catch((e: unknown) => e)
    expect(first).toBeInstanceOf(Error)
    const linkedAfterFirst = svc.teams.listTeams()[0]!.keys
    expect(linkedAfterFirst).toBeGreaterThan(300)
    expect(linkedAfterFirst).toBeLessThan(TOTAL)

    breakAfter = Infinity
    const second = await svc.teams.share(appId)
    expect(second.alreadyShared).toBe(linkedAfterFirst)
    expect(second.keys + second.alreadyShared).toBe(TOTAL)
    expect(svc.teams.listTeams()[0]!.keys).toBe(TOTAL)

    const kv = new KvClient({ addrs: bao.addr, token: bao.rootToken })
    // The environment's manifest lists every key (in parts: OpenBao refuses one string per key for 1,000).
    const manifest = (await kv.read('keyshelf/shop/production/_manifest'))!.data!
    expect(Object.keys(manifest).sort()).toEqual(['part-0', 'part-1', 'part-2'])
    expect(Object.keys(decodeManifest(manifest))).toHaveLength(TOTAL)
    const names = (await kv.list('keyshelf/shop/production')).filter((n) => !n.startsWith('_'))
    expect(names).toHaveLength(TOTAL)
    expect(names).toEqual(expect.arrayContaining(['stripe-key', 'stripe-key-2', 'key-0', `key-${TOTAL - 3}`]))
    // Exactly one version each (nothing written twice), with Keyshelf's metadata and the right value.
    const metas = []
    for (let i = 0; i < names.length; i += 50) {
      metas.push(
        ...(await Promise.all(
          names.slice(i, i + 50).map((n) => kv.readMetadata(`keyshelf/shop/production/${n}`)),
        )),
      )
    }
    expect(metas.filter((m) => m?.currentVersion !== 1)).toEqual([])
    expect(metas.filter((m) => m?.customMetadata['keyshelf'] !== '1')).toEqual([])
    expect((await kv.read('keyshelf/shop/production/stripe-key'))?.data).toEqual({ STRIPE_A: 'sa-value' })
    expect((await kv.read('keyshelf/shop/production/stripe-key-2'))?.data).toEqual({ STRIPE_B: 'sb-value' })
  })
})
