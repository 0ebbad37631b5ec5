import { afterEach, describe, expect, it } from 'vitest'
import { checkKey, checkMany, type CheckItem } from '../../../src-main/core/guided/key-verifier'
import {
  PROVIDER_CATALOGUE,
  catalogueEntry,
  identifyProvider,
} from '../../../src-main/core/guided/provider-catalogue'
import { startVerifyFakes, type VerifyFakes } from '../../fakes/verify.fake'

let fakes: VerifyFakes | undefined
afterEach(async () => {
  await fakes?.close()
  fakes = undefined
})

const SID = `AC${'0'.repeat(32)}`

describe('provider catalogue', () => {
  it('is data: every entry has a dashboard, env-var patterns, and an https GET recipe or none', () => {
    expect(PROVIDER_CATALOGUE.map((e) => e.id)).toEqual(
      expect.arrayContaining([
        'stripe',
        'openai',
        'github',
        'twilio',
        'slack',
        'datadog',
        'sendgrid',
        'novu',
      ]),
    )
    for (const e of PROVIDER_CATALOGUE) {
      expect(new URL(e.dashboardUrl).protocol).toBe('https:')
      expect(e.envVars.length).toBeGreaterThan(0)
      if (e.verify) expect(new URL(e.verify.url.replace(/\{[A-Z_]+\}/g, 'x')).protocol).toBe('https:')
    }
  })

  it('identifies a key by env var, then by value shape', () => {
    expect(identifyProvider('STRIPE_SECRET_KEY')?.id).toBe('stripe')
    expect(identifyProvider('OPENAI_API_KEY')?.id).toBe('openai')
    expect(identifyProvider('GH_TOKEN')?.id).toBe('github')
    expect(identifyProvider('PAYMENTS_KEY', 'sk_live_abcdefghijklmnop')?.id).toBe('stripe')
    expect(identifyProvider('LLM', 'sk-proj-abcdefghijklmnopqrstuv')?.id).toBe('openai')
    expect(identifyProvider('SOMETHING', 'hello')).toBeUndefined()
  })
})

describe('checkKey against each provider’s own (loopback) host', () => {
  it('tells valid from invalid for every provider with a recipe, sending each key only to its provider', async () => {
    fakes = await startVerifyFakes()
    const deps = { fetch: globalThis.fetch, origins: fakes.origins }
    for (const e of PROVIDER_CATALOGUE.filter((x) => x.verify)) {
      const good = `${e.id}-good-key-0123456789abcdef`
      const bad = `${e.id}-bad-key-0123456789abcdef`
      fakes.valid[e.id]?.add(good)
      const companions = { TWILIO_ACCOUNT_SID: SID }
      const ok = await checkKey(e, good, companions, deps)
      expect(ok.state, e.id).toBe('valid')
      const no = await checkKey(e, bad, companions, deps)
      expect(no.state, e.id).toBe('invalid')
      expect(no.detail).not.toContain(bad)
      expect(ok.host).toBe(new URL(fakes.origins[e.id] ?? '').host)
      // Every request this provider's fake saw came for this provider; no other fake saw its keys.
      expect(fakes.fakes[e.id]?.requests).toHaveLength(2)
    }
    for (const f of Object.values(fakes.fakes)) expect(f.requests.every((r) => r.method === 'GET')).toBe(true)
  })

  it('answers unknown (with the reason) for no recipe, a missing companion, 5xx, timeouts and bad values', async () => {
    fakes = await startVerifyFakes({ delayMs: 300 })
    const deps = { fetch: globalThis.fetch, origins: fakes.origins, timeoutMs: 100 }
    const aws = await checkKey(catalogueEntry('aws')!, 'x', {}, deps)
    expect(aws).toMatchObject({ state: 'unknown' })
    expect(aws.detail).toContain('no read-only check')
    const twilio = await checkKey(catalogueEntry('twilio')!, 'tok', {}, deps)
    expect(twilio.detail).toContain('TWILIO_ACCOUNT_SID')
    const slow = await checkKey(catalogueEntry('stripe')!, 'sk_test_x', {}, deps)
    expect(slow).toMatchObject({ state: 'unknown' })
    expect(slow.detail).toContain('did not answer in time')
    const crlf = await checkKey(catalogueEntry('openai')!, 'sk-a\r\nx-evil: 1', {}, deps)
    expect(crlf.state).toBe('unknown')
    expect(fakes.fakes.openai?.requests).toHaveLength(0)
    const down = await checkKey(
      catalogueEntry('github')!,
      'ghp_x',
      {},
      {
        fetch: globalThis.fetch,
        origins: { github: 'http://127.0.0.1:9' },
      },
    )
    expect(down.detail).toContain('could not reach GitHub')
  })

  it('checkMany keeps to the concurrency limit and checks every key', async () => {
    fakes = await startVerifyFakes({ delayMs: 20 })
    const items: CheckItem[] = []
    for (let i = 0; i < 60; i++) {
      const e = PROVIDER_CATALOGUE.filter((x) => x.verify)[i % 9]!
      const value = `${e.id}-${i}`
      if (i % 2 === 0) fakes.valid[e.id]?.add(value)
      items.push({ id: String(i), entry: e, value, companions: { TWILIO_ACCOUNT_SID: SID } })
    }
    const progress: number[] = []
    const r = await checkMany(
      items,
      { fetch: globalThis.fetch, origins: fakes.origins },
      {
        concurrency: 4,
        onProgress: (d) => progress.push(d),
      },
    )
    expect(r.checks.size).toBe(60)
    expect(r.peakConcurrency).toBeLessThanOrEqual(4)
    expect(fakes.peakInFlightTotal()).toBeLessThanOrEqual(4)
    expect(progress.at(-1)).toBe(60)
    expect([...r.checks.values()].filter((c) => c.state === 'valid')).toHaveLength(30)
    expect([...r.checks.values()].filter((c) => c.state === 'invalid')).toHaveLength(30)
  })
})
