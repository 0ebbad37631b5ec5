/**
 * Issue 10 bench follow-up: what the window asks for right after unlock must not decrypt the whole vault.
 * An app's keys decrypt only that app's environments; the search index carries only what search needs and
 * lets a request that arrives meanwhile be answered first.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { VaultRepository } from '../../../src-main/core/vault/vault.repository'
import { TEST_PASSWORD, credentialInput, newVault, seedAppEnv } from '../../helpers/vault.helper'

let cleanup: (() => Promise<void>) | undefined
afterEach(async () => {
  vi.restoreAllMocks()
  await cleanup?.()
  cleanup = undefined
})

/** Two apps: five keys in the first, `inB` in the second; locked and unlocked again, so nothing is decrypted. */
async function twoApps(inB = 5) {
  const v = await newVault()
  cleanup = v.cleanup
  const a = await seedAppEnv(v.svc, 'Novu', 'Production')
  const b = await seedAppEnv(v.svc, 'Stripe', 'Production')
  v.svc.transaction(() => {
    for (let i = 0; i < 5; i++)
      v.svc.createCredentialNow(credentialInput(a.envId, { name: `A ${i}`, fields: field(`A_${i}`) }))
    for (let i = 0; i < inB; i++)
      v.svc.createCredentialNow(credentialInput(b.envId, { name: `B ${i}`, fields: field(`B_${i}`) }))
  })
  await v.svc.lock()
  await v.svc.unlock({ password: TEST_PASSWORD })
  return { v, a, b }
}

const field = (envVar: string) => [
  { label: '', envVar, kind: 'secret' as const, value: `sk_${envVar}_0123456789` },
]

describe('listCredentials({ appId }) after unlock', () => {
  it("decrypts that app's environments only, not every credential in the vault", async () => {
    const { v, a } = await twoApps()
    const all = vi.spyOn(VaultRepository.prototype, 'loadCredentials')
    const one = vi.spyOn(VaultRepository.prototype, 'loadCredential')
    const inEnv = vi.spyOn(VaultRepository.prototype, 'loadCredentialsIn')
    const list = await v.svc.listCredentials({ appId: a.appId })
    expect(list.map((c) => c.name)).toEqual(['A 0', 'A 1', 'A 2', 'A 3', 'A 4'])
    expect(all).not.toHaveBeenCalled()
    expect(one).not.toHaveBeenCalled()
    expect(inEnv.mock.calls).toEqual([[a.envId]])
  })
})

describe('searchIndex', () => {
  it('carries names, provider, tags and field labels/env vars only (no masked forms, dates or notes)', async () => {
    const { v } = await twoApps()
    const idx = await v.svc.searchIndex()
    expect(idx.credentials).toHaveLength(10)
    for (const c of idx.credentials) {
      expect(Object.keys(c).sort()).toEqual([
        'appId',
        'environmentId',
        'fields',
        'id',
        'name',
        'provider',
        'tags',
      ])
      for (const f of c.fields) expect(Object.keys(f).sort()).toEqual(['envVar', 'id', 'label'])
    }
  })

  it('lets a request that arrives while it decrypts (an IPC message) be answered before it finishes', async () => {
    const { v, a } = await twoApps(600)
    const order: string[] = []
    const search = v.svc.searchIndex().then((idx) => order.push(`search ${idx.credentials.length}`))
    const keys = new Promise<void>((resolve) =>
      setImmediate(
        () =>
          void v.svc.listCredentials({ appId: a.appId }).then((l) => {
            order.push(`keys ${l.length}`)
            resolve()
          }),
      ),
    )
    await Promise.all([search, keys])
    expect(order).toEqual(['keys 5', 'search 605'])
  })
})
