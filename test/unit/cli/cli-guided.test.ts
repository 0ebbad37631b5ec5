/**
 * `keyshelf key rotate … --guided` as a process: the dashboard named, the new value from stdin, the old
 * value kept for the overlap, every remembered .env rewritten; `key rm` on a synced key says only the local
 * copy went; `verify --all` without checkable keys. (The read-only checks against provider fakes are tested
 * in-process in test/unit/guided: the CLI has no way to point a provider at another host, by design.)
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startVerifyFakes, type VerifyFakes } from '../../fakes/verify.fake'
import { cleanup, expectCode, expectNoSecrets, secret, tempVault, type TestVault } from './cli-harness'

describe('guided rotation in the CLI', () => {
  let v: TestVault
  const dir = mkdtempSync(join(tmpdir(), 'keyshelf-guided-'))
  const file = join(dir, '.env')

  beforeAll(async () => {
    v = await tempVault()
    await v.ok(['app', 'add', 'Shop'])
    await v.ok(['env', 'add', 'Shop', 'Production'])
    await v.ok(
      ['key', 'add', 'Shop', 'Production', 'AWS', '--env-var', 'AWS_SECRET_ACCESS_KEY', '--value-stdin'],
      {
        stdin: secret('OLDawsSECRETvalue0000000000000000000000001'),
      },
    )
    await v.ok(['export', 'Shop', 'Production', '-o', file])
  })
  afterAll(() => cleanup())

  it('names the dashboard, stores the pasted value with the overlap and re-exports the .env', async () => {
    const fresh = 'NEWawsSECRETvalue0000000000000000000000002'
    const r = await v.ks(
      ['key', 'rotate', 'Shop/Production/AWS_SECRET_ACCESS_KEY', '--guided', '--overlap-hours', '6'],
      {
        stdin: secret(fresh),
      },
    )
    expectCode(r, 0)
    expect(r.err).toContain('https://console.aws.amazon.com/iam/home#/security_credentials')
    expect(r.err).toContain('no read-only check')
    expect(r.err).toContain(`Re-exported ${file}`)
    expectNoSecrets(r.out + r.err, [fresh])
    expect(readFileSync(file, 'utf8')).toContain(`AWS_SECRET_ACCESS_KEY=${fresh}`)
    const h = await v.ok(['key', 'history', 'Shop/Production/AWS_SECRET_ACCESS_KEY'])
    expect(h.out.split('\n').filter((l) => l.trim() !== '').length).toBeGreaterThanOrEqual(2)
    const all = await v.ks(['verify', '--all'])
    expectCode(all, 0)
    expect(all.err).toContain('0 checked, 1 without a provider check')
  })
})

/**
 * Stripe and OpenAI, the two keys the issue names: the read-only check goes to `--check-url` (here the
 * loopback fakes written from each provider's docs), a key the provider rejects is not stored and the .env
 * keeps the old value, an accepted key is stored with the overlap, the reminder to revoke the old key is
 * listed with the overlap's end, and the remembered .env is rewritten.
 */
describe('guided rotation of Stripe and OpenAI keys in the CLI, checked against the providers (fakes)', () => {
  let v: TestVault
  let fakes: VerifyFakes
  const dir = mkdtempSync(join(tmpdir(), 'keyshelf-guided-so-'))
  const file = join(dir, '.env')
  const OLD = {
    stripe: 'sk_live_OLDstripeKEY000000000000000001',
    openai: 'sk-proj-OLDopenaiKEY0000000000000001',
  }
  const NEW = {
    stripe: 'sk_live_NEWstripeKEY000000000000000002',
    openai: 'sk-proj-NEWopenaiKEY0000000000000002',
  }
  const VAR = { stripe: 'STRIPE_SECRET_KEY', openai: 'OPENAI_API_KEY' } as const

  beforeAll(async () => {
    fakes = await startVerifyFakes()
    v = await tempVault()
    await v.ok(['app', 'add', 'Shop'])
    await v.ok(['env', 'add', 'Shop', 'Production'])
    for (const p of ['stripe', 'openai'] as const) {
      await v.ok(['key', 'add', 'Shop', 'Production', p, '--env-var', VAR[p], '--value-stdin'], {
        stdin: secret(OLD[p]),
      })
    }
    await v.ok(['export', 'Shop', 'Production', '-o', file])
  })
  afterAll(async () => {
    await fakes.close()
    cleanup()
  })

  for (const p of ['stripe', 'openai'] as const) {
    it(`${p}: a rejected key is not stored; an accepted one is, with the overlap reminder and the re-export`, async () => {
      const path = `Shop/Production/${VAR[p]}`
      const url = fakes.origins[p]!
      const refused = await v.ks(['key', 'rotate', path, '--guided', '--check-url', url], {
        stdin: secret(NEW[p]),
      })
      expectCode(refused, 1)
      expect(refused.err).toContain('Nothing was stored')
      expectNoSecrets(refused.out + refused.err, [NEW[p], OLD[p]])
      expect(readFileSync(file, 'utf8')).toContain(`${VAR[p]}=${OLD[p]}`)

      fakes.valid[p]!.add(NEW[p])
      const before = fakes.fakes[p]!.requests.length
      const r = await v.ks(
        ['key', 'rotate', path, '--guided', '--check-url', url, '--overlap-hours', '12', '--json'],
        {
          stdin: secret(NEW[p]),
        },
      )
      expectCode(r, 0)
      expect(fakes.fakes[p]!.requests.length).toBe(before + 1)
      const out = JSON.parse(r.out) as { mode: string; check: { state: string }; overlapEndsAt: string }
      expect(out.mode).toBe('guided')
      expect(out.check.state).toBe('valid')
      const ends = Date.parse(out.overlapEndsAt)
      expect(Math.abs(ends - (Date.now() + 12 * 3_600_000))).toBeLessThan(5 * 60_000)
      expect(r.err).toContain(`Re-exported ${file}`)
      expectNoSecrets(r.out + r.err, [NEW[p], OLD[p]])
      expect(readFileSync(file, 'utf8')).toContain(`${VAR[p]}=${NEW[p]}`)
      expect((await v.ok(['get', path])).out.trim()).toBe(NEW[p])

      const reminders = JSON.parse((await v.ok(['reminders', '--json'])).out) as {
        key: string
        overlapEndsAt: string
        due: boolean
        dashboardUrl: string
      }[]
      const mine = reminders.find((x) => x.key === p)
      expect(mine).toMatchObject({ overlapEndsAt: out.overlapEndsAt, due: false })
      expect(mine?.dashboardUrl).toMatch(p === 'stripe' ? /dashboard\.stripe\.com/ : /platform\.openai\.com/)
    })
  }

  it('refuses a --check-url that is not https (or http on loopback)', async () => {
    const r = await v.ks(
      ['key', 'rotate', 'Shop/Production/STRIPE_SECRET_KEY', '--guided', '--check-url', 'http://example.com'],
      {
        stdin: secret('sk_live_whatever0000000000000000000003'),
      },
    )
    expectCode(r, 1)
    expect(r.err).toContain('--check-url takes an https:// address')
  })
})
