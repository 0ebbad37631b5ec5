/** Planning and applying an import against a real vault: reuse, collisions, skips, one transaction. */
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import {
  applyImportFrom,
  parseForeignExport,
  planImportFrom,
} from '../../../src-main/core/import-from/import-from.service'
import { credentialInput, newVault } from '../../helpers/vault.helper'

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/import-from/${name}`, import.meta.url))
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

async function vault() {
  const v = await newVault()
  cleanups.push(v.cleanup)
  return v.svc
}

describe('import-from plan and apply', () => {
  it('reuses an existing app and environment, skips a key already there, renames a clashing env var', async () => {
    const core = await vault()
    const acme = await core.createApp({ name: 'acme', description: '', appId: '', tags: [], notes: '' })
    const prod = await core.createEnvironment({
      appId: acme.id,
      name: 'production',
      apiUrl: '',
      wsUrl: '',
      region: '',
      notes: '',
    })
    await core.createCredential(credentialInput(prod.id, { name: 'Postgres' }))
    await core.createCredential(
      credentialInput(prod.id, {
        name: 'Other',
        fields: [{ label: '', envVar: 'STRIPE_WEBHOOK_SECRET', kind: 'secret', value: 'x'.repeat(20) }],
      }),
    )
    const plan = await planImportFrom(core, parseForeignExport('keepassxc', fixture('keepassxc-export.xml')))
    expect(plan.apps).toEqual([
      { name: 'KeePassXC', create: true },
      { name: 'acme', create: false },
      { name: 'Novu', create: true },
    ])
    expect(plan.environments).toContainEqual({ app: 'acme', name: 'production', create: false })
    expect(plan.skipped).toContainEqual({
      source: 'Acme/Production/Postgres',
      reason: 'already in the vault as acme/production/Postgres (nothing is overwritten)',
    })
    const stripe = plan.keys.find((k) => k.source === 'Acme/Production/Stripe secret key')
    expect(stripe?.renamed).toEqual(['STRIPE_WEBHOOK_SECRET → STRIPE_WEBHOOK_SECRET_2'])
    // The printable plan holds no value.
    const printed = JSON.stringify(plan)
    for (const v of ['sk_live_FIXTURE', 'whsec_FIXTURE', 'ghp_FIXTURE', 'novu_FIXTURE'])
      expect(printed).not.toContain(v)

    const r = applyImportFrom(core, plan)
    expect(r).toEqual({ apps: 2, environments: 3, keys: 4, fields: 10 })
    const listed = await core.listCredentials({ environmentId: prod.id })
    expect(listed.map((c) => c.name).sort()).toEqual(['Other', 'Postgres', 'Stripe secret key'])
    const imported = listed.find((c) => c.name === 'Stripe secret key')
    const hook = imported?.fields.find((f) => f.envVar === 'STRIPE_WEBHOOK_SECRET_2')
    expect((await core.reveal({ fieldId: hook?.id ?? '' })).value).toBe('whsec_FIXTURE_abc&def<ghi')
    expect(imported?.tags).toEqual(['billing', 'stripe'])
    expect(imported?.expiresAt).toBe(Date.parse('2027-06-30T00:00:00Z'))
  })

  it('--app puts everything in one app with the path as environment', async () => {
    const core = await vault()
    const plan = await planImportFrom(
      core,
      parseForeignExport('bitwarden', fixture('bitwarden-export.json')),
      {
        app: 'Imported',
      },
    )
    expect(plan.apps).toEqual([{ name: 'Imported', create: true }])
    expect(plan.environments.map((e) => e.name).sort()).toEqual([
      'Acme - Production',
      'Acme - Staging',
      'Novu',
      'default',
    ])
    expect(plan.mapping).toMatch(/Every entry goes to app "Imported"/)
  })

  it('is one transaction: a failure part-way leaves the vault exactly as it was', async () => {
    const core = await vault()
    const plan = await planImportFrom(core, parseForeignExport('1password', fixture('1password-export.1pux')))
    expect(plan.keys.length).toBeGreaterThan(2)
    // Another writer takes a name the plan will create after it was planned: the apply conflicts part-way.
    const acme = await core.createApp({ name: 'Acme', description: '', appId: '', tags: [], notes: '' })
    expect(() => applyImportFrom(core, plan)).toThrow(/already exists/)
    expect((await core.listApps()).map((a) => a.name)).toEqual(['Acme'])
    expect(await core.listEnvironments({ appId: acme.id })).toEqual([])
    expect(await core.listCredentials({})).toEqual([])
  })
})
