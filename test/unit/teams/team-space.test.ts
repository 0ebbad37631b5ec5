import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KeyshelfCore } from '../../../src-main/core/core'
import { type TeamSpaceService } from '../../../src-main/core/teams/team-space.service'
import { TeamCasConflictError, TeamError } from '../../../src-main/core/teams/team.errors'
import type { ProgressEvent } from '../../../src-shared/model'
import { baoApi, startBaoDev, type BaoServer } from '../../helpers/openbao'
import { credentialInput, newVault, seedAppEnv } from '../../helpers/vault.helper'

interface Member {
  svc: KeyshelfCore
  teams: TeamSpaceService
  progress: ProgressEvent[]
  cleanup: () => Promise<void>
}

async function member(): Promise<Member> {
  const progress: ProgressEvent[] = []
  const v = await newVault({ onProgress: (e) => progress.push(e) })
  const teams = v.svc.teams
  return { svc: v.svc, teams, progress, cleanup: v.cleanup }
}

/** The current value of an env var of a credential found by name. */
async function valueOf(m: Member, keyName: string, envVar: string): Promise<string> {
  const c = (await m.svc.listCredentials({})).find((x) => x.name === keyName)
  if (!c) throw new Error(`no key ${keyName}`)
  const f = c.fields.find((x) => x.envVar === envVar)!
  return (await m.svc.reveal({ fieldId: f.id })).value
}

async function historyValues(m: Member, keyName: string, envVar: string): Promise<string[]> {
  const c = (await m.svc.listCredentials({})).find((x) => x.name === keyName)!
  const out: string[] = []
  for (const v of await m.svc.history({ credentialId: c.id })) {
    const f = v.fields.find((x) => x.envVar === envVar)
    if (f) out.push((await m.svc.revealVersion({ versionId: v.id, fieldId: f.fieldId })).value)
  }
  return out
}

describe('team spaces on a real OpenBao dev server', () => {
  let bao: BaoServer
  let alice: Member
  let bob: Member
  let carol: Member
  let readerToken: string
  beforeAll(async () => {
    bao = await startBaoDev()
    const t = await bao.teamTokens()
    readerToken = t.reader
    await baoApi(bao.addr, bao.rootToken, 'POST', 'sys/auth/userpass', { type: 'userpass' })
    for (const u of ['alice', 'bob']) {
      await baoApi(bao.addr, bao.rootToken, 'POST', `auth/userpass/users/${u}`, {
        password: `${u}-password-1`,
        token_policies: ['keyshelf-rotator'],
        token_ttl: '1h',
      })
    }
    ;[alice, bob, carol] = await Promise.all([member(), member(), member()])
  })
  afterAll(async () => {
    await Promise.all([alice?.cleanup(), bob?.cleanup(), carol?.cleanup()])
    await bao?.stop()
  })

  it('Alice shares an app and Bob, on another vault, pulls it with values, owners and field kinds', async () => {
    const a = await alice.teams.connect({
      name: 'Payments',
      addrs: bao.addr,
      login: { method: 'userpass', username: 'alice', password: 'alice-password-1' },
    })
    expect(a.displayName).toBe('userpass-alice')
    expect(JSON.stringify(alice.teams.listTeams())).not.toMatch(/hvs\.|s\.[A-Za-z0-9]{20}/)
    const { appId, envId } = await seedAppEnv(alice.svc, 'Shop', 'Production')
    const staging = await alice.svc.createEnvironment({
      appId,
      name: 'Staging',
      apiUrl: 'https://staging.example',
      wsUrl: '',
      region: 'eu',
      notes: '',
    })
    await alice.svc.createCredential(
      credentialInput(envId, {
        name: 'Stripe',
        owner: 'payments-oncall',
        expiresAt: Date.UTC(2027, 0, 31),
        fields: [
          { label: 'Secret key', envVar: 'STRIPE_SECRET_KEY', kind: 'secret', value: 'sk_live_alice_1' },
          {
            label: 'Publishable',
            envVar: 'STRIPE_PUBLISHABLE_KEY',
            kind: 'public',
            value: 'pk_live_alice_1',
          },
        ],
      }),
    )
    await alice.svc.createCredential(
      credentialInput(staging.id, {
        name: 'SendGrid',
        fields: [{ label: '', envVar: 'SENDGRID_KEY', kind: 'secret', value: 'SG.staging' }],
      }),
    )
    const shared = await alice.teams.share(appId, 'Payments')
    expect(shared).toMatchObject({ keys: 2, environments: 2, alreadyShared: 0 })
    expect(alice.progress.at(-1)).toMatchObject({ done: 2, total: 2 })
    // Sharing again leaves what is there alone.
    expect((await alice.teams.share(appId, 'Payments')).alreadyShared).toBe(2)

    await bob.teams.connect({
      name: 'payments',
      addrs: bao.addr,
      login: { method: 'userpass', username: 'bob', password: 'bob-password-1' },
    })
    expect(await bob.teams.teamApps()).toEqual([
      { slug: 'shop', name: 'Shop', environments: ['production', 'staging'], keys: 2, local: false },
    ])
    const pulled = await bob.teams.pull()
    expect(pulled).toMatchObject({ created: 2, updated: 0, unchanged: 0, offlineSince: null })
    const apps = await bob.svc.listApps()
    expect(apps.map((x) => x.name)).toEqual(['Shop'])
    const envs = await bob.svc.listEnvironments({ appId: apps[0]!.id })
    expect(envs.map((e) => [e.name, e.region]).sort()).toEqual([
      ['Production', ''],
      ['Staging', 'eu'],
    ])
    const stripe = (await bob.svc.listCredentials({})).find((c) => c.name === 'Stripe')!
    expect(stripe.owner).toBe('payments-oncall')
    expect(stripe.expiresAt).toBe(Date.UTC(2027, 0, 31))
    expect(stripe.fields.map((f) => [f.envVar, f.kind, f.label])).toEqual([
      ['STRIPE_SECRET_KEY', 'secret', 'Secret key'],
      ['STRIPE_PUBLISHABLE_KEY', 'public', 'Publishable'],
    ])
    expect(await valueOf(bob, 'Stripe', 'STRIPE_SECRET_KEY')).toBe('sk_live_alice_1')
    expect(bob.teams.homeOf(stripe.id)).toMatchObject({
      team: 'payments',
      path: 'keyshelf/shop/production/stripe',
      version: 1,
    })
    // Nothing changed: a second pull reads metadata only.
    expect(await bob.teams.pull()).toMatchObject({ created: 0, updated: 0, unchanged: 2 })
  })

  it('bao kv get reads what Keyshelf wrote, and Keyshelf reads what bao kv put wrote', async () => {
    const got = JSON.parse(
      await bao.cli(['kv', 'get', '-mount=secret', 'keyshelf/shop/production/stripe'], {
        token: readerToken,
      }),
    )
    expect(got.data.data).toEqual({
      STRIPE_SECRET_KEY: 'sk_live_alice_1',
      STRIPE_PUBLISHABLE_KEY: 'pk_live_alice_1',
    })
    const cm = got.data.metadata.custom_metadata
    expect(cm).toMatchObject({
      keyshelf: '1',
      name: 'Stripe',
      owner: 'payments-oncall',
      'kind:STRIPE_SECRET_KEY': 'secret',
      'kind:STRIPE_PUBLISHABLE_KEY': 'public',
      rotation_days: '90',
      expires: '2027-01-31T00:00:00.000Z',
      updated_by: 'userpass-alice',
    })
    expect(JSON.stringify(cm)).not.toContain('sk_live_alice_1')
    const app = JSON.parse(
      await bao.cli(['kv', 'get', '-mount=secret', 'keyshelf/shop/_app'], { token: readerToken }),
    )
    expect(app.data.data.name).toBe('Shop')

    await bao.cli([
      'kv',
      'put',
      '-mount=secret',
      'keyshelf/shop/production/openai',
      'OPENAI_API_KEY=sk-proj-from-bao',
    ])
    await bao.cli([
      'kv',
      'metadata',
      'put',
      '-mount=secret',
      '-custom-metadata=owner=ml-team',
      '-custom-metadata=rotation_days=30',
      'keyshelf/shop/production/openai',
    ])
    expect(await bob.teams.pull()).toMatchObject({ created: 1, unchanged: 2 })
    const openai = (await bob.svc.listCredentials({})).find((c) => c.name === 'openai')!
    expect(openai.owner).toBe('ml-team')
    expect(openai.rotationIntervalDays).toBe(30)
    expect(openai.fields[0]).toMatchObject({ envVar: 'OPENAI_API_KEY', kind: 'secret' })
    expect(await valueOf(bob, 'openai', 'OPENAI_API_KEY')).toBe('sk-proj-from-bao')
  })

  it('Alice rotates; after a pull Bob gets the new value and keeps the old one in history; KV keeps both versions', async () => {
    await alice.teams.pull()
    const stripe = (await alice.svc.listCredentials({})).find((c) => c.name === 'Stripe')!
    const f = stripe.fields.find((x) => x.envVar === 'STRIPE_SECRET_KEY')!
    await alice.teams.rotate({
      credentialId: stripe.id,
      values: [{ fieldId: f.id, value: 'sk_live_alice_2' }],
    })
    expect(alice.teams.homeOf(stripe.id)?.version).toBe(2)
    expect(await valueOf(alice, 'Stripe', 'STRIPE_SECRET_KEY')).toBe('sk_live_alice_2')
    const v1 = JSON.parse(
      await bao.cli(['kv', 'get', '-mount=secret', '-version=1', 'keyshelf/shop/production/stripe']),
    )
    expect(v1.data.data.STRIPE_SECRET_KEY).toBe('sk_live_alice_1')
    const meta = JSON.parse(
      await bao.cli(['kv', 'metadata', 'get', '-mount=secret', 'keyshelf/shop/production/stripe']),
    )
    expect(meta.data.current_version).toBe(2)
    expect(Date.parse(meta.data.custom_metadata.last_rotated)).toBeGreaterThan(Date.now() - 60_000)

    expect(await bob.teams.pull()).toMatchObject({ updated: 1 })
    expect(await valueOf(bob, 'Stripe', 'STRIPE_SECRET_KEY')).toBe('sk_live_alice_2')
    expect(await historyValues(bob, 'Stripe', 'STRIPE_SECRET_KEY')).toContain('sk_live_alice_1')
  })

  it('an app or environment in the local Trash is not pulled into or created again; restored, it syncs again', async () => {
    const shop = (await bob.svc.listApps()).find((a) => a.name === 'Shop')!
    const prod = (await bob.svc.listEnvironments({ appId: shop.id })).find((e) => e.name === 'Production')!
    const keys = (await bob.svc.listCredentials({ environmentId: prod.id })).length
    expect(keys).toBeGreaterThan(0)
    await bob.svc.deleteEnvironment({ id: prod.id })
    expect(await bob.teams.pull()).toMatchObject({ created: 0, updated: 0 })
    expect((await bob.svc.listEnvironments({ appId: shop.id })).map((e) => e.name)).not.toContain(
      'Production',
    )
    await bob.svc.deleteApp({ id: shop.id })
    expect(await bob.teams.pull()).toMatchObject({ created: 0, updated: 0, unchanged: 0 })
    expect((await bob.svc.listApps()).map((a) => a.name)).toEqual([])
    await bob.svc.restoreFromTrash({ id: shop.id })
    await bob.svc.restoreFromTrash({ id: prod.id })
    const again = await bob.teams.pull()
    expect(again).toMatchObject({ created: 0, updated: 0 })
    expect(again.unchanged).toBeGreaterThanOrEqual(keys)
    expect((await bob.svc.listCredentials({ environmentId: prod.id })).length).toBe(keys)
  })

  it('concurrent rotations: the second loses check-and-set, is told who and when, gets the winner value and keeps its own in history', async () => {
    const stripeA = (await alice.svc.listCredentials({})).find((c) => c.name === 'Stripe')!
    const stripeB = (await bob.svc.listCredentials({})).find((c) => c.name === 'Stripe')!
    const fa = stripeA.fields.find((x) => x.envVar === 'STRIPE_SECRET_KEY')!
    const fb = stripeB.fields.find((x) => x.envVar === 'STRIPE_SECRET_KEY')!
    await alice.teams.rotate({
      credentialId: stripeA.id,
      values: [{ fieldId: fa.id, value: 'sk_live_alice_3' }],
    })
    const err = await bob.teams
      .rotate({ credentialId: stripeB.id, values: [{ fieldId: fb.id, value: 'sk_live_bob_3' }] })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TeamCasConflictError)
    expect((err as Error).message).toMatch(
      /^userpass-alice changed Stripe in the team "payments" first \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)/,
    )
    expect((err as Error).message).toContain('kept in this key')
    expect((err as Error).message).not.toContain('sk_live')
    expect(await valueOf(bob, 'Stripe', 'STRIPE_SECRET_KEY')).toBe('sk_live_alice_3')
    expect(await historyValues(bob, 'Stripe', 'STRIPE_SECRET_KEY')).toContain('sk_live_bob_3')
    const remote = JSON.parse(
      await bao.cli(['kv', 'get', '-mount=secret', 'keyshelf/shop/production/stripe']),
    )
    expect(remote.data.data.STRIPE_SECRET_KEY).toBe('sk_live_alice_3')
    // Bob is now on the winner version: his next rotation goes through.
    await bob.teams.rotate({ credentialId: stripeB.id, values: [{ fieldId: fb.id, value: 'sk_live_bob_4' }] })
    expect(bob.teams.homeOf(stripeB.id)?.version).toBe(4)
  })

  it('a reader token can pull and reveal but is refused rotation with a clear message; nothing changes locally', async () => {
    await carol.teams.connect({
      name: 'payments',
      addrs: bao.addr,
      login: { method: 'token', token: readerToken },
    })
    await carol.teams.pull()
    expect(await valueOf(carol, 'Stripe', 'STRIPE_SECRET_KEY')).toBe('sk_live_bob_4')
    const stripe = (await carol.svc.listCredentials({})).find((c) => c.name === 'Stripe')!
    const f = stripe.fields.find((x) => x.envVar === 'STRIPE_SECRET_KEY')!
    const before = (await carol.svc.history({ credentialId: stripe.id })).length
    const err = await carol.teams
      .rotate({ credentialId: stripe.id, values: [{ fieldId: f.id, value: 'sk_live_carol' }] })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TeamError)
    expect((err as TeamError).kind).toBe('FORBIDDEN')
    expect((err as Error).message).toMatch(/not allowed to write keyshelf\/shop\/production\/stripe/)
    expect((err as Error).message).not.toContain(readerToken)
    expect(await valueOf(carol, 'Stripe', 'STRIPE_SECRET_KEY')).toBe('sk_live_bob_4')
    expect((await carol.svc.history({ credentialId: stripe.id })).length).toBe(before)
    expect(carol.teams.homeOf(stripe.id)?.version).toBe(4)
  })
})

describe('editing a team key', () => {
  it('writes the owner to the team first (Bob sees it after a pull); a reader is refused and nothing changes', async () => {
    const bao = await startBaoDev()
    const [a, b, r] = await Promise.all([member(), member(), member()])
    try {
      const t = await bao.teamTokens()
      const { appId, envId } = await seedAppEnv(a.svc, 'Billing', 'Production')
      const cred = await a.svc.createCredential(credentialInput(envId, { name: 'Adyen', owner: 'old-owner' }))
      await a.teams.connect({ name: 'b', addrs: bao.addr, login: { method: 'token', token: t.rotator } })
      await a.teams.share(appId)
      await b.teams.connect({ name: 'b', addrs: bao.addr, login: { method: 'token', token: t.rotator } })
      await r.teams.connect({ name: 'b', addrs: bao.addr, login: { method: 'token', token: t.reader } })
      await b.teams.pull()
      await r.teams.pull()

      const edited = await a.svc.updateCredential({ id: cred.id, patch: { owner: 'new-owner' } })
      expect(edited.owner).toBe('new-owner')
      const meta = JSON.parse(
        await bao.cli(['kv', 'metadata', 'get', '-mount=secret', 'keyshelf/billing/production/adyen']),
      )
      expect(meta.data.custom_metadata.owner).toBe('new-owner')
      expect(meta.data.current_version).toBe(1)
      expect(await b.teams.pull()).toMatchObject({ updated: 1 })
      expect((await b.svc.listCredentials({}))[0]!.owner).toBe('new-owner')
      expect(await a.teams.pull()).toMatchObject({ unchanged: 1, updated: 0 })
      // The team home refuses a local-only rotation (provider, import): the copy never drifts from the team.
      expect(() =>
        a.svc.rotateWith(cred.id, [{ fieldId: cred.fields[0]!.id, value: 'local-only' }], {
          reason: 'import',
        }),
      ).toThrow(/lives in a team space/)

      const rc = (await r.svc.listCredentials({}))[0]!
      const err = await r.svc
        .updateCredential({ id: rc.id, patch: { owner: 'carol' } })
        .catch((e: unknown) => e)
      expect((err as TeamError).kind).toBe('FORBIDDEN')
      expect((await r.svc.listCredentials({}))[0]!.owner).toBe('old-owner')
      await expect(
        a.svc.updateCredential({
          id: cred.id,
          patch: {},
          fields: [{ label: '', envVar: 'X_Y', kind: 'secret' }],
        }),
      ).rejects.toThrow(/lives in the team "b": change its values with a rotation/)
    } finally {
      await Promise.all([a.cleanup(), b.cleanup(), r.cleanup()])
      await bao.stop()
    }
  })
})

describe('a team whose server goes away', () => {
  it('serves the local copy marked offline, and refuses writes without queueing them', async () => {
    const bao = await startBaoDev()
    const m = await member()
    try {
      const t = await bao.teamTokens()
      const { appId, envId } = await seedAppEnv(m.svc, 'Crm', 'Production')
      await m.svc.createCredential(
        credentialInput(envId, {
          name: 'Twilio',
          fields: [{ label: '', envVar: 'TWILIO_TOKEN', kind: 'secret', value: 'tw-1' }],
        }),
      )
      await m.teams.connect({ name: 'ops', addrs: bao.addr, login: { method: 'token', token: t.rotator } })
      await m.teams.share(appId)
      await bao.stop()
      const before = Date.now()
      const pulled = await m.teams.pull()
      expect(pulled.offlineSince).not.toBeNull()
      expect(pulled.offlineSince!).toBeGreaterThanOrEqual(before)
      expect(m.teams.listTeams()[0]!.offlineSince).toBe(pulled.offlineSince)
      expect(await valueOf(m, 'Twilio', 'TWILIO_TOKEN')).toBe('tw-1')
      const c = (await m.svc.listCredentials({}))[0]!
      expect(m.teams.homeOf(c.id)?.offlineSince).toBe(pulled.offlineSince)
      const err = await m.teams
        .rotate({ credentialId: c.id, values: [{ fieldId: c.fields[0]!.id, value: 'tw-2' }] })
        .catch((e: unknown) => e)
      expect((err as Error).message).toMatch(
        /^The team "ops" cannot be reached \(offline since .* UTC\), so the change was refused\. Nothing was changed or queued/,
      )
      expect(await valueOf(m, 'Twilio', 'TWILIO_TOKEN')).toBe('tw-1')
      expect(await m.svc.history({ credentialId: c.id })).toHaveLength(0)
    } finally {
      await m.cleanup()
      await bao.stop()
    }
  })
})
