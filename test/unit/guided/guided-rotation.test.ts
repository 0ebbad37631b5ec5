import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/core/ipc-dispatch'
import { startVerifyFakes, type VerifyFakes } from '../../fakes/verify.fake'
import { credentialInput, newVault } from '../../helpers/vault.helper'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

async function setup() {
  const fakes: VerifyFakes = await startVerifyFakes()
  cleanups.push(() => fakes.close())
  let now = Date.UTC(2026, 11, 2, 3)
  const v = await newVault({ verifyOrigins: fakes.origins, clock: () => now })
  cleanups.push(v.cleanup)
  const { svc } = v
  const app = await svc.createApp({ name: 'Shop', description: '', appId: '', tags: [], notes: '' })
  const env = await svc.createEnvironment({
    appId: app.id,
    name: 'Production',
    apiUrl: '',
    wsUrl: '',
    region: '',
    notes: '',
  })
  const stripe = await svc.createCredential(
    credentialInput(env.id, {
      name: 'Stripe',
      fields: [
        { label: 'Secret', envVar: 'STRIPE_SECRET_KEY', kind: 'secret', value: 'sk_test_OLDoldOLDold0001' },
      ],
    }),
  )
  const openai = await svc.createCredential(
    credentialInput(env.id, {
      name: 'OpenAI',
      fields: [
        { label: 'Secret', envVar: 'OPENAI_API_KEY', kind: 'secret', value: 'sk-proj-OLDoldOLDoldOLDold01' },
      ],
    }),
  )
  const file = join(v.dir, '.env')
  await svc.env.save({ environmentId: env.id, format: 'dotenv' }, file, true)
  return { ...v, fakes, env, stripe, openai, file, advance: (ms: number) => (now += ms), now: () => now }
}

describe('guided rotation', () => {
  it('Stripe: plan names the dashboard and the export targets; a rejected value stores nothing', async () => {
    const { svc, stripe, file, fakes } = await setup()
    const plan = await svc.guided.plan(stripe.id)
    expect(plan).toMatchObject({
      provider: 'stripe',
      providerName: 'Stripe',
      dashboardUrl: 'https://dashboard.stripe.com/apikeys',
      canVerify: true,
      exportTargets: [file],
    })
    const before = readFileSync(file, 'utf8')
    const r = await dispatch(svc, 'guidedRotationComplete', {
      credentialId: stripe.id,
      value: 'sk_test_NEWbutREJECTED0002',
      overlapHours: 12,
    })
    expect(r.ok).toBe(false)
    expect(r.ok ? '' : r.error.message).toContain('Stripe rejects the new key')
    expect(r.ok ? '' : r.error.message).not.toContain('REJECTED0002')
    expect(svc.readValue(stripe.id, stripe.fields[0]!.id)).toBe('sk_test_OLDoldOLDold0001')
    expect(readFileSync(file, 'utf8')).toBe(before)
    expect(fakes.fakes.stripe?.requests).toHaveLength(1)
  })

  it('Stripe and OpenAI: verified, stored with the overlap, reminder at its end, the .env re-exported', async () => {
    const { svc, stripe, openai, file, fakes, advance, now } = await setup()
    fakes.valid.stripe?.add('sk_test_NEWnewNEWnew0003')
    const s = await svc.guided.complete(stripe.id, 'sk_test_NEWnewNEWnew0003', 12)
    expect(s.check?.state).toBe('valid')
    expect(s.overlapEndsAt).toBe(now() + 12 * 3_600_000)
    expect(s.reexported).toEqual([file])
    expect(readFileSync(file, 'utf8')).toContain('STRIPE_SECRET_KEY=sk_test_NEWnewNEWnew0003')
    const h = await svc.history({ credentialId: stripe.id })
    expect(h[0]!.validUntil).toBe(now() + 12 * 3_600_000)
    expect(svc.guided.reminders()).toEqual([])

    fakes.valid.openai?.add('sk-proj-NEWnewNEWnewNEWnew03')
    const o = await svc.guided.complete(openai.id, 'sk-proj-NEWnewNEWnewNEWnew03', 24)
    expect(o.check?.state).toBe('valid')
    expect(readFileSync(file, 'utf8')).toContain('OPENAI_API_KEY=sk-proj-NEWnewNEWnewNEWnew03')
    // Each key went only to its own provider's host.
    expect(fakes.fakes.openai?.requests).toHaveLength(1)
    expect(fakes.fakes.stripe?.requests).toHaveLength(1)

    advance(13 * 3_600_000)
    const due = svc.guided.reminders()
    expect(due.map((r) => [r.name, r.providerName])).toEqual([['Stripe', 'Stripe']])
    expect(due[0]!.dashboardUrl).toBe('https://dashboard.stripe.com/apikeys')
    svc.guided.dismissReminder(due[0]!.id)
    expect(svc.guided.reminders()).toEqual([])
    advance(12 * 3_600_000)
    expect(svc.guided.reminders().map((r) => r.name)).toEqual(['OpenAI'])
  })

  it('verify --all: each key against its own provider, valid/invalid with the time, bounded concurrency', async () => {
    const { svc, fakes, now, env } = await setup()
    fakes.valid.stripe?.add('sk_test_OLDoldOLDold0001')
    await svc.createCredential(
      credentialInput(env.id, {
        name: 'Mystery',
        fields: [{ label: 'Secret', envVar: 'SOMETHING_ELSE', kind: 'secret', value: 'hello-world-123' }],
      }),
    )
    const r = await svc.guided.verifyAll({ concurrency: 2 })
    const byName = Object.fromEntries(r.results.map((x) => [x.name, x.check]))
    expect(byName.Stripe).toMatchObject({ state: 'valid', checkedAt: now() })
    expect(byName.OpenAI).toMatchObject({ state: 'invalid', checkedAt: now() })
    expect(r.skipped).toBe(1)
    expect(r.peakConcurrency).toBeLessThanOrEqual(2)
    expect(fakes.fakes.github?.requests).toHaveLength(0)
  })
})
