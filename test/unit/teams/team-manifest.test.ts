/**
 * The per-environment manifest on a real OpenBao dev server: a pull with nothing changed reads the
 * manifests instead of every key's metadata; a key added or changed with `bao kv put` (no Keyshelf, so the
 * manifest does not know) is still found: a new key at once (it is listed but not in the manifest), a
 * changed key at the scheduled full check (or `pull --full`), which also repairs the manifest. A manifest
 * deleted by hand makes the next pull read everything and write it again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KeyshelfCore } from '../../../src-main/core/core'
import { startBaoDev, type BaoServer } from '../../helpers/openbao'
import { credentialInput, newVault, seedAppEnv } from '../../helpers/vault.helper'

const KEYS = 60
const HOUR = 60 * 60_000

describe('team manifests', { timeout: 120_000 }, () => {
  let bao: BaoServer
  let alice: { svc: KeyshelfCore; cleanup: () => Promise<void> }
  let bob: { svc: KeyshelfCore; cleanup: () => Promise<void> }
  let offset = 0
  const requests: string[] = []
  const counting: typeof fetch = (input, init) => {
    requests.push(
      `${init?.method ?? 'GET'} ${new URL(String(input instanceof Request ? input.url : input)).pathname}`,
    )
    return fetch(input, init)
  }
  // One key's metadata (a LIST of the environment is a GET on the folder and does not count).
  const metadataReads = () =>
    requests.filter((r) => /^GET \/v1\/secret\/metadata\/keyshelf\/shop\/prod\/[^/_][^/]*$/.test(r)).length

  beforeAll(async () => {
    bao = await startBaoDev()
    const t = await bao.teamTokens()
    alice = await newVault()
    bob = await newVault({ fetch: counting, clock: () => Date.now() + offset })
    const { appId, envId } = await seedAppEnv(alice.svc, 'Shop', 'Prod')
    alice.svc.transaction(() => {
      for (let i = 0; i < KEYS; i++)
        alice.svc.createCredentialNow(
          credentialInput(envId, {
            name: `key-${i}`,
            fields: [{ label: '', envVar: `KEY_${i}`, kind: 'secret', value: `v-${i}` }],
          }),
        )
    })
    await alice.svc.teams.connect({
      name: 't',
      addrs: bao.addr,
      login: { method: 'token', token: t.rotator },
    })
    await bob.svc.teams.connect({ name: 't', addrs: bao.addr, login: { method: 'token', token: t.rotator } })
    await alice.svc.teams.share(appId)
  })
  afterAll(async () => {
    await Promise.all([alice?.cleanup(), bob?.cleanup()])
    await bao?.stop()
  })

  const value = async (name: string): Promise<string> => {
    const c = (await bob.svc.listCredentials({})).find((x) => x.name === name)!
    return (await bob.svc.reveal({ fieldId: c.fields[0]!.id })).value
  }

  it('share writes a manifest of versions and metadata hashes, never a value', async () => {
    const m = JSON.parse(
      await bao.cli(['kv', 'get', '-format=json', '-mount=secret', 'keyshelf/shop/prod/_manifest']),
    )
    const data = m.data.data as Record<string, string>
    expect(Object.keys(data)).toEqual(['part-0'])
    const lines = data['part-0']!.split('\n')
    expect(lines).toHaveLength(KEYS)
    expect(lines).toContainEqual(expect.stringMatching(/^key-7\t1:[A-Za-z0-9_-]{22}$/))
    expect(JSON.stringify(data)).not.toMatch(/v-\d/)
  })

  it('a pull with nothing changed reads the manifest, not each key', async () => {
    expect((await bob.svc.teams.pull()).created).toBe(KEYS) // first pull: a full check
    requests.length = 0
    const s = await bob.svc.teams.pull()
    expect(s).toMatchObject({ created: 0, updated: 0, unchanged: KEYS })
    expect(metadataReads()).toBe(0)
    expect(requests.length).toBeLessThan(10)
  })

  it('a key rotated in Keyshelf is pulled at once (the manifest entry moved)', async () => {
    const c = (await alice.svc.listCredentials({})).find((x) => x.name === 'key-3')!
    await alice.svc.rotate({ credentialId: c.id, values: [{ fieldId: c.fields[0]!.id, value: 'v-3-new' }] })
    requests.length = 0
    expect(await bob.svc.teams.pull()).toMatchObject({ updated: 1, unchanged: KEYS - 1 })
    expect(metadataReads()).toBe(1)
    expect(await value('key-3')).toBe('v-3-new')
  })

  it('bao kv put without Keyshelf: a new key at once, a changed key at the scheduled full check', async () => {
    await bao.cli(['kv', 'put', '-mount=secret', 'keyshelf/shop/prod/by-hand', 'BY_HAND=h-1'])
    await bao.cli(['kv', 'put', '-mount=secret', 'keyshelf/shop/prod/key-5', 'KEY_5=v-5-by-hand'])
    const s1 = await bob.svc.teams.pull()
    expect(s1.created).toBe(1)
    expect(await value('by-hand')).toBe('h-1')
    offset += HOUR + 1000 // the manifests are trusted for an hour
    requests.length = 0
    const s2 = await bob.svc.teams.pull()
    expect(s2).toMatchObject({ updated: 1, created: 0 })
    expect(metadataReads()).toBe(KEYS + 1)
    expect(await value('key-5')).toBe('v-5-by-hand')
    // The full check repaired the manifest: the next pull needs no metadata.
    requests.length = 0
    expect(await bob.svc.teams.pull()).toMatchObject({ updated: 0, unchanged: KEYS + 1 })
    expect(metadataReads()).toBe(0)
  })

  it('pull --full checks every key; a manifest deleted by hand is read around and written again', async () => {
    await bao.cli(['kv', 'put', '-mount=secret', 'keyshelf/shop/prod/key-9', 'KEY_9=v-9-by-hand'])
    requests.length = 0
    expect(await bob.svc.teams.pull(undefined, { full: true })).toMatchObject({ updated: 1 })
    expect(metadataReads()).toBe(KEYS + 1)
    await bao.cli(['kv', 'metadata', 'delete', '-mount=secret', 'keyshelf/shop/prod/_manifest'])
    requests.length = 0
    expect(await bob.svc.teams.pull()).toMatchObject({ updated: 0, unchanged: KEYS + 1 })
    expect(metadataReads()).toBe(KEYS + 1)
    requests.length = 0
    await bob.svc.teams.pull()
    expect(metadataReads()).toBe(0)
  })
})
