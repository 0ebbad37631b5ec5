/**
 * Core support for the window (issue 10): one search-index request for the whole vault, the end of an
 * overlap window on credentials and due items, and a masked preview that shows the last 4 characters only for
 * key-like values.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { last4Of } from '../../../src-main/core/vault/last4'
import { credentialInput, newVault, seedAppEnv } from '../../helpers/vault.helper'

const DAY = 86_400_000
let cleanup: (() => Promise<void>) | undefined
afterEach(async () => {
  await cleanup?.()
  cleanup = undefined
})

describe('searchIndex', () => {
  it('returns every app, environment and credential in one call, without secret values', async () => {
    const v = await newVault()
    cleanup = v.cleanup
    const a = await seedAppEnv(v.svc, 'Novu', 'Production')
    const b = await seedAppEnv(v.svc, 'Stripe', 'Staging')
    await v.svc.createEnvironment({
      appId: b.appId,
      name: 'Production',
      apiUrl: '',
      wsUrl: '',
      region: '',
      notes: '',
    })
    await v.svc.createCredential(credentialInput(a.envId, { name: 'A' }))
    await v.svc.createCredential(credentialInput(b.envId, { name: 'B' }))
    const idx = await v.svc.searchIndex()
    expect(idx.apps.map((x) => x.name)).toEqual(['Novu', 'Stripe'])
    expect(idx.environments.map((e) => e.name).sort()).toEqual(['Production', 'Production', 'Staging'])
    expect(idx.credentials.map((c) => c.name).sort()).toEqual(['A', 'B'])
    expect(JSON.stringify(idx)).not.toContain('sk_test_0123456789abcdef')
  })
})

describe('overlapUntil', () => {
  it('carries the end of a running overlap on the credential and its due item, and drops it once past', async () => {
    let now = Date.UTC(2026, 0, 1)
    const v = await newVault({ clock: () => now })
    cleanup = v.cleanup
    const { envId } = await seedAppEnv(v.svc)
    const c = await v.svc.createCredential(
      credentialInput(envId, { lastRotatedAt: now - 200 * DAY, rotationIntervalDays: 90 }),
    )
    expect(c.overlapUntil ?? null).toBeNull()
    const field = c.fields[0]!
    const rotated = await v.svc.rotate({
      credentialId: c.id,
      values: [{ fieldId: field.id, value: 'sk_test_rotated_0123456789' }],
      overlapHours: 48,
    })
    expect(rotated.overlapUntil).toBe(now + 48 * 3_600_000)
    expect((await v.svc.listCredentials({}))[0]?.overlapUntil).toBe(now + 48 * 3_600_000)
    // Due soon (within 120 days) to see it in the report too.
    const due = await v.svc.dueReport({ withinDays: 3650 })
    expect(due[0]?.overlapUntil).toBe(now + 48 * 3_600_000)
    now += 49 * 3_600_000
    expect((await v.svc.getCredential({ id: c.id })).overlapUntil).toBeNull()
  })
})

describe('last4Of', () => {
  it('shows the last 4 only for long key-like values', () => {
    expect(last4Of('sk_live_51NzQfK2eZvKYlo2C8x4RjW1p')).toBe('RjW1p'.slice(-4))
    expect(last4Of('ghp_0123456789abcdefABCDEF/+=')).toBe('EF/+='.slice(-4))
    expect(last4Of('short_key1')).toBeNull()
    expect(last4Of('correct horse battery staple')).toBeNull() // a passphrase
    expect(last4Of('P@ssw0rd!2026#long')).toBeNull() // a password
    expect(last4Of('-----BEGIN PRIVATE KEY-----\nMIIEv…\n-----END PRIVATE KEY-----')).toBeNull()
    expect(last4Of('-----BEGINPRIVATEKEY-----')).toBeNull()
  })
})
