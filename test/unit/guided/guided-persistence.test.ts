import { afterEach, describe, expect, it } from 'vitest'
import { createCore } from '../../../src-main/core/core'
import { dueNoticeText, shouldNotify } from '../../../src-main/core/desktop/due-notifier'
import { startVerifyFakes } from '../../fakes/verify.fake'
import { TEST_PASSWORD, credentialInput, newVault, seedAppEnv } from '../../helpers/vault.helper'

const HOUR = 3_600_000
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

async function setup() {
  const fakes = await startVerifyFakes()
  cleanups.push(() => fakes.close())
  let now = Date.UTC(2026, 11, 2, 3)
  const clock = () => now
  const v = await newVault({ verifyOrigins: fakes.origins, clock })
  cleanups.push(v.cleanup)
  const { envId } = await seedAppEnv(v.svc, 'Shop', 'Production')
  const stripe = await v.svc.createCredential(
    credentialInput(envId, {
      name: 'Stripe',
      fields: [
        { label: 'Secret', envVar: 'STRIPE_SECRET_KEY', kind: 'secret', value: 'sk_test_OLDoldOLDold0001' },
      ],
    }),
  )
  const openai = await v.svc.createCredential(
    credentialInput(envId, {
      name: 'OpenAI',
      fields: [
        { label: 'Secret', envVar: 'OPENAI_API_KEY', kind: 'secret', value: 'sk-proj-OLDoldOLDoldOLDold01' },
      ],
    }),
  )
  return { ...v, fakes, stripe, openai, clock, advance: (ms: number) => (now += ms) }
}

describe('check results are kept in the vault', () => {
  it('verify --all results survive a lock and a new process, sealed (no value, no plaintext state on disk)', async () => {
    const { svc, fakes, stripe, openai, path, clock } = await setup()
    fakes.valid.stripe?.add('sk_test_OLDoldOLDold0001')
    await svc.verifyAllKeys({})
    await svc.lock()
    await svc.close()
    const again = createCore({ vaultPath: path, verifyOrigins: fakes.origins, clock })
    await again.unlock({ password: TEST_PASSWORD })
    const checks = await again.lastKeyChecks()
    expect(checks[stripe.id]).toMatchObject({ state: 'valid', checkedAt: clock(), provider: 'stripe' })
    expect(checks[openai.id]).toMatchObject({ state: 'invalid', provider: 'openai' })
    // Sealed: the meta row carries no state words and no value.
    const raw = again.repository().db.prepare("SELECT value FROM meta WHERE key = 'key_checks'").get() as {
      value: string
    }
    const decoded = Buffer.from(raw.value, 'base64').toString('latin1')
    expect(decoded).not.toContain('invalid')
    expect(decoded).not.toContain('sk_test_')
    await again.close()
  })

  it('a guided rotation stores its check; a deleted key’s check is dropped at the next write', async () => {
    const { svc, fakes, stripe, openai } = await setup()
    fakes.valid.stripe?.add('sk_test_NEWnewNEWnew0003')
    await svc.guidedRotationComplete({
      credentialId: stripe.id,
      value: 'sk_test_NEWnewNEWnew0003',
      overlapHours: 1,
    })
    expect((await svc.lastKeyChecks())[stripe.id]?.state).toBe('valid')
    await svc.verifyAllKeys({})
    await svc.deleteCredential({ id: openai.id })
    await svc.verifyAllKeys({})
    expect(Object.keys(await svc.lastKeyChecks())).toEqual([stripe.id])
  })
})

describe('revoke reminders in the due report', () => {
  it('a guided rotation’s old key shows in the due report from the warning window on, and in the counts when due', async () => {
    const { svc, fakes, stripe, advance } = await setup()
    await svc.setPreferences({ warnDays: 1 })
    fakes.valid.stripe?.add('sk_test_NEWnewNEWnew0003')
    await svc.guidedRotationComplete({
      credentialId: stripe.id,
      value: 'sk_test_NEWnewNEWnew0003',
      overlapHours: 72,
    })
    // Rotated just now: the rotation is ok and the overlap ends in 3 days (outside the 1-day window).
    expect((await svc.dueReport({})).map((i) => i.name)).toEqual([])
    advance(48 * HOUR)
    const [item] = await svc.dueReport({})
    expect(item).toMatchObject({
      name: 'Stripe',
      rotation: { status: 'ok' },
      revoke: {
        source: 'guided',
        providerName: 'Stripe',
        dashboardUrl: 'https://dashboard.stripe.com/apikeys',
      },
    })
    expect((await svc.dueCounts()).revoke ?? 0).toBe(0)
    advance(24 * HOUR)
    expect((await svc.dueCounts()).revoke).toBe(1)
    const open = await svc.openRevokes()
    await svc.dismissGuidedReminder({ id: open[stripe.id]?.reminderId ?? '' })
    expect(await svc.dueReport({})).toEqual([])
    expect((await svc.dueCounts()).revoke ?? 0).toBe(0)
  })
})

describe('the daily notification counts old keys to revoke', () => {
  it('names them and notifies for them alone', () => {
    const c = { overdue: 0, dueSoon: 0, expired: 0, total: 0, revoke: 2 }
    expect(dueNoticeText(c, 14)).toBe('2 old keys to revoke (overlap ended)')
    expect(shouldNotify(1_800_000_000_000, null, c)).toBe(true)
    expect(dueNoticeText({ ...c, overdue: 1, total: 1, revoke: 1 }, 14)).toBe(
      '1 key overdue, 1 old key to revoke (overlap ended)',
    )
  })
})
