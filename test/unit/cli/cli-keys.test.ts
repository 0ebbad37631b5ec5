/**
 * `keyshelf` apps, environments and keys as a process: add/list/rm, key add options and add-field, the
 * masked list (table and JSON), byte-exact `get`, rotate/history, due (exit 2) and `due --counts`.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  PASSWORD,
  cleanup,
  daysAgo,
  daysAhead,
  expectCode,
  secret,
  tempVault,
  type TestVault,
} from './cli-harness'

afterAll(cleanup)

interface KeyJson {
  app: string
  env: string
  name: string
  status: string
  rotationDueAt: string | null
  expiresAt: string | null
  lastRotatedAt: string | null
  rotationIntervalDays: number | null
  provider: string
  fields: { envVar: string; kind: string; masked: string }[]
}

describe('apps and environments', () => {
  let v: TestVault
  beforeAll(async () => {
    v = await tempVault()
  })

  it('app add/list (--json) and env add/list (--json)', async () => {
    await v.ok(['app', 'add', 'Novu', '--description', 'Notifications'])
    await v.ok(['app', 'add', 'Stripe'])
    const dup = await v.ks(['app', 'add', 'novu'])
    expectCode(dup, 1)
    await v.ok(['env', 'add', 'Novu', 'Production', '--api-url', 'https://api.novu.co'])
    await v.ok(['env', 'add', 'Novu', 'Development', '--region', 'eu'])
    const apps = JSON.parse((await v.ok(['app', 'list', '--json'])).out) as unknown[]
    expect(apps).toEqual([
      expect.objectContaining({ name: 'Novu', description: 'Notifications', environments: 2, keys: 0 }),
      expect.objectContaining({ name: 'Stripe', environments: 0, keys: 0 }),
    ])
    const table = (await v.ok(['app', 'list'])).out
    expect(table).toMatch(/^APP\s+ENVS\s+KEYS/)
    expect(table).toMatch(/Novu\s+2\s+0/)

    const envs = JSON.parse((await v.ok(['env', 'list', 'Novu', '--json'])).out) as { name: string }[]
    expect(envs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Production', apiUrl: 'https://api.novu.co' }),
        expect.objectContaining({ name: 'Development', region: 'eu' }),
      ]),
    )
    expect((await v.ok(['env', 'list', 'Novu'])).out).toMatch(/Production\s+https:\/\/api\.novu\.co/)
  })

  it('app rm without --yes and without a TTY refuses (exit 1) and deletes nothing; --yes deletes', async () => {
    const refused = await v.ks(['app', 'rm', 'Stripe'])
    expectCode(refused, 1)
    expect(refused.err).toMatch(/--yes/)
    const still = JSON.parse((await v.ok(['app', 'list', '--json'])).out) as { name: string }[]
    expect(still.map((a) => a.name)).toEqual(['Novu', 'Stripe'])
    await v.ok(['app', 'rm', 'Stripe', '--yes'])
    const after = JSON.parse((await v.ok(['app', 'list', '--json'])).out) as { name: string }[]
    expect(after.map((a) => a.name)).toEqual(['Novu'])
    expectCode(await v.ks(['app', 'rm', 'Stripe', '--yes']), 5)
  })
})

describe('keys', () => {
  let v: TestVault
  const novuSecret = secret('nv_sk_live_CANARY_4f9a1c2e7b3d')
  const webhook = secret('whsec_CANARY_0a1b2c3d4e5f')
  const fresh = secret('nv_sk_live_CANARY_rotated_9d8e')

  beforeAll(async () => {
    v = await tempVault()
    await v.ok(['app', 'add', 'Novu'])
    await v.ok(['env', 'add', 'Novu', 'Production'])
  })

  it('key add: a secret with --value-stdin, a pair via add-field, and every option', async () => {
    await v.ok(
      [
        'key',
        'add',
        'Novu',
        'Production',
        'API key',
        '--env-var',
        'NOVU_SECRET_KEY',
        '--value-stdin',
        '--rotate-every',
        '90',
      ],
      { stdin: novuSecret },
    )
    await v.ok([
      'key',
      'add-field',
      'Novu/Production/API key',
      '--env-var',
      'NOVU_APP_ID',
      '--public',
      '--value',
      'app_6f1e2d',
    ])
    await v.ok([
      'key',
      'add',
      'Novu',
      'Production',
      'Public URL',
      '--env-var',
      'NOVU_URL',
      '--public',
      '--value',
      'https://api.novu.co',
    ])
    await v.ok(
      [
        'key',
        'add',
        'Novu',
        'Production',
        'Webhook',
        '--env-var',
        'NOVU_WEBHOOK_SECRET',
        '--value-stdin',
        '--expires',
        daysAhead(400),
        '--last-rotated',
        daysAgo(3),
        '--rotate-every',
        'never',
        '--provider',
        'other',
        '--provider-key-id',
        'wh_123',
      ],
      { stdin: webhook },
    )
    // --password-stdin: first line the password, the rest the value.
    await v.ok(
      [
        '--password-stdin',
        'key',
        'add',
        'Novu',
        'Production',
        'Overdue',
        '--env-var',
        'OLD_TOKEN',
        '--value-stdin',
        '--last-rotated',
        daysAgo(100),
        '--rotate-every',
        '30',
      ],
      {
        env: { KEYSHELF_PASSWORD: undefined },
        stdin: `${PASSWORD}\n${secret('old_token_CANARY_value_1234')}`,
      },
    )
  })

  it('key add refuses a missing --env-var, a bad date, and a second value source (exit 1)', async () => {
    const noVar = await v.ks(['key', 'add', 'Novu', 'Production', 'X', '--value-stdin'], {
      stdin: 'sekrit-value-1',
    })
    expectCode(noVar, 1)
    expect(noVar.err).toMatch(/--env-var is required/)
    const badDate = await v.ks([
      'key',
      'add',
      'Novu',
      'Production',
      'X',
      '--env-var',
      'X',
      '--value',
      'v',
      '--expires',
      '2026-02-30',
    ])
    expectCode(badDate, 1)
    expect(badDate.err).toMatch(/YYYY-MM-DD/)
    const both = await v.ks([
      'key',
      'add',
      'Novu',
      'Production',
      'X',
      '--env-var',
      'X',
      '--value',
      'v',
      '--value-stdin',
    ])
    expectCode(both, 1)
    const noValue = await v.ks(['key', 'add', 'Novu', 'Production', 'X', '--env-var', 'X'])
    expectCode(noValue, 1)
    expect(noValue.err).toMatch(/--value-stdin/)
    const dupVar = await v.ks(
      ['key', 'add', 'Novu', 'Production', 'Dup', '--env-var', 'NOVU_SECRET_KEY', '--value-stdin'],
      {
        stdin: 'another-secret-value',
      },
    )
    expectCode(dupVar, 1)
  })

  it('key list --json has the documented shape and masks secrets', async () => {
    const r = await v.ok(['key', 'list', '--json'])
    expect(r.out).not.toContain(novuSecret)
    expect(r.out).not.toContain(webhook)
    const items = JSON.parse(r.out) as KeyJson[]
    expect(items.map((k) => k.name).sort()).toEqual(['API key', 'Overdue', 'Public URL', 'Webhook'])
    for (const k of items) {
      expect(Object.keys(k)).toEqual(
        expect.arrayContaining([
          'app',
          'env',
          'name',
          'status',
          'rotationDueAt',
          'expiresAt',
          'lastRotatedAt',
          'rotationIntervalDays',
          'fields',
        ]),
      )
      for (const f of k.fields)
        expect(Object.keys(f)).toEqual(expect.arrayContaining(['envVar', 'kind', 'masked']))
    }
    const byName = new Map(items.map((k) => [k.name, k]))
    const api = byName.get('API key')
    expect(api).toMatchObject({
      app: 'Novu',
      env: 'Production',
      status: 'ok',
      rotationIntervalDays: 90,
      expiresAt: null,
    })
    expect(api?.fields).toEqual([
      { envVar: 'NOVU_SECRET_KEY', label: '', kind: 'secret', masked: `••••${novuSecret.slice(-4)}` },
      { envVar: 'NOVU_APP_ID', label: '', kind: 'public', masked: 'app_6f1e2d' },
    ])
    expect(Date.parse(api?.rotationDueAt ?? '')).toBeGreaterThan(Date.now() + 89 * 86_400_000)
    expect(byName.get('Public URL')).toMatchObject({ rotationIntervalDays: null, rotationDueAt: null })
    expect(byName.get('Webhook')).toMatchObject({
      provider: 'other',
      rotationIntervalDays: null,
      expiresAt: `${daysAhead(400)}T00:00:00.000Z`,
      lastRotatedAt: `${daysAgo(3)}T00:00:00.000Z`,
    })
    expect(byName.get('Overdue')).toMatchObject({ status: 'overdue', rotationIntervalDays: 30 })
  })

  it('key list (table) never shows a full secret; --status filters', async () => {
    const table = (await v.ok(['key', 'list'])).out
    expect(table).toMatch(/^APP\s+ENV\s+KEY\s+ENV VAR\s+KIND\s+VALUE\s+STATUS/)
    expect(table).toContain(`••••${novuSecret.slice(-4)}`)
    expect(table).toContain('app_6f1e2d')
    for (const s of [novuSecret, webhook, fresh]) expect(table).not.toContain(s)
    expect(table).toMatch(/Overdue\s+OLD_TOKEN\s+secret\s+\S+\s+overdue 70 days/)

    const overdue = JSON.parse(
      (await v.ok(['key', 'list', '--status', 'overdue', '--json'])).out,
    ) as KeyJson[]
    expect(overdue.map((k) => k.name)).toEqual(['Overdue'])
    const ok = JSON.parse(
      (await v.ok(['key', 'list', 'Novu', 'Production', '--status', 'ok', '--json'])).out,
    ) as KeyJson[]
    expect(ok.map((k) => k.name).sort()).toEqual(['API key', 'Public URL', 'Webhook'])
    expectCode(await v.ks(['key', 'list', '--status', 'late']), 1)
  })

  it('get prints the value only; key rotate keeps the old one in history (manual, valid-until)', async () => {
    const got = await v.ok(['get', 'Novu/Production/NOVU_SECRET_KEY'])
    expect(got.out).toBe(novuSecret)
    expect(got.err).toBe('')
    await v.ok(
      ['key', 'rotate', 'Novu/Production/NOVU_SECRET_KEY', '--value-stdin', '--overlap-hours', '24'],
      {
        stdin: fresh,
      },
    )
    expect((await v.ok(['get', 'Novu/Production/NOVU_SECRET_KEY'])).out).toBe(fresh)
    // The other field of the pair is untouched.
    expect((await v.ok(['get', 'Novu/Production/NOVU_APP_ID'])).out).toBe('app_6f1e2d')

    const h = await v.ok(['key', 'history', 'Novu/Production/NOVU_SECRET_KEY', '--json'])
    expect(h.out).not.toContain(novuSecret)
    const history = JSON.parse(h.out) as { reason: string; validUntil: string | null; masked: string }[]
    expect(history).toHaveLength(1)
    expect(history[0]).toMatchObject({ reason: 'manual', masked: `••••${novuSecret.slice(-4)}` })
    const until = Date.parse(history[0]?.validUntil ?? '')
    expect(Math.abs(until - (Date.now() + 24 * 3_600_000))).toBeLessThan(120_000)
    const table = (await v.ok(['key', 'history', 'Novu/Production/NOVU_SECRET_KEY'])).out
    expect(table).toMatch(/manual\s+\d{4}-\d\d-\d\dT/)
    expect(table).not.toContain(novuSecret)
    const bad = await v.ks([
      'key',
      'rotate',
      'Novu/Production/NOVU_SECRET_KEY',
      '--value',
      'x',
      '--overlap-hours',
      '-1',
    ])
    expectCode(bad, 1)
  })

  it('key rm: refused without --yes (no TTY), then deletes the key and its history', async () => {
    const refused = await v.ks(['key', 'rm', 'Novu/Production/Public URL'])
    expectCode(refused, 1)
    expect((await v.ok(['get', 'Novu/Production/NOVU_URL'])).out).toBe('https://api.novu.co')
    await v.ok(['key', 'rm', 'Novu/Production/Public URL', '--yes'])
    expectCode(await v.ks(['get', 'Novu/Production/NOVU_URL']), 5)
  })
})

describe('get is byte-exact', () => {
  let v: TestVault
  const values: Record<string, string> = {
    NEWLINES: 'line one\nline two\n\nline four',
    CRLF: 'first\r\nsecond\r\n',
    QUOTES: `"double" 'single' \`back\` $HOME \\n \\ #hash =eq`,
    EMOJI: '🔑 naïve Ünïcödé 🚀 — 日本語',
    TRAILING_NEWLINE: 'ends with a newline\n',
    LEADING_SPACE: '  padded  ',
    BIG: randomBytes(48 * 1024)
      .toString('base64')
      .slice(0, 64 * 1024),
  }

  beforeAll(async () => {
    v = await tempVault()
    await v.ok(['app', 'add', 'Bytes'])
    await v.ok(['env', 'add', 'Bytes', 'Test'])
    for (const value of Object.values(values)) secret(value)
    // In parallel on purpose: concurrent keyshelf processes wait for the write lock instead of failing.
    await Promise.all(
      Object.entries(values).map(([name, value], i) =>
        // Half through KEYSHELF_PASSWORD, half through --password-stdin (value after the first line).
        i % 2 === 0
          ? v.ok(['key', 'add', 'Bytes', 'Test', name, '--env-var', name, '--value-stdin'], { stdin: value })
          : v.ok(
              ['--password-stdin', 'key', 'add', 'Bytes', 'Test', name, '--env-var', name, '--value-stdin'],
              {
                env: { KEYSHELF_PASSWORD: undefined },
                stdin: `${PASSWORD}\n${value}`,
              },
            ),
      ),
    )
  })

  it('returns every value exactly, with no newline added on a pipe (several gets at once)', async () => {
    expect(values.BIG).toHaveLength(64 * 1024)
    const results = await Promise.all(Object.keys(values).map((name) => v.ok(['get', `Bytes/Test/${name}`])))
    Object.values(values).forEach((value, i) => {
      expect(results[i]?.stdoutBytes.equals(Buffer.from(value, 'utf8'))).toBe(true)
    })
  })

  it('concurrent processes wait for each other: rotations and reads at once all succeed', async () => {
    const names = ['NEWLINES', 'CRLF', 'QUOTES', 'EMOJI']
    const next = names.map((n) => secret(`${n}_rotated_concurrently_${randomBytes(6).toString('hex')}`))
    await Promise.all([
      ...names.map((n, i) =>
        v.ok(['key', 'rotate', `Bytes/Test/${n}`, '--value-stdin'], { stdin: next[i] ?? '' }),
      ),
      ...names.map(() => v.ok(['key', 'list', 'Bytes', '--json'])),
    ])
    const after = await Promise.all(names.map((n) => v.ok(['get', `Bytes/Test/${n}`])))
    expect(after.map((r) => r.out)).toEqual(next)
  })
})

describe('due', () => {
  it('exit 0 when nothing is due; exit 2 with an overdue key; --json, --within, --counts without a password', async () => {
    const v = await tempVault()
    await v.ok(['app', 'add', 'Novu'])
    await v.ok(['env', 'add', 'Novu', 'Production'])
    await v.ok([
      'key',
      'add',
      'Novu',
      'Production',
      'Fresh',
      '--env-var',
      'FRESH',
      '--value',
      'fresh-value-1',
      '--rotate-every',
      '90',
    ])

    const none = await v.ks(['due'])
    expectCode(none, 0)
    expect(none.err).toMatch(/Nothing is due/)
    expect(JSON.parse((await v.ok(['due', '--json'])).out)).toEqual([])
    // Within a year, the 90-day key is due soon but not overdue: listed, still exit 0.
    const within = await v.ok(['due', '--within', '365', '--json'])
    expect(JSON.parse(within.out)).toMatchObject([{ name: 'Fresh', status: 'due-soon' }])
    const counts0 = await v.ks(['due', '--counts'], { env: { KEYSHELF_PASSWORD: undefined } })
    expectCode(counts0, 0)
    expect(counts0.out).toMatch(/^0 overdue, 0 expired/)

    await v.ok([
      'key',
      'add',
      'Novu',
      'Production',
      'Stale',
      '--env-var',
      'STALE',
      '--value',
      'stale-value-1',
      '--last-rotated',
      daysAgo(100),
      '--rotate-every',
      '90',
    ])
    await v.ok([
      'key',
      'add',
      'Novu',
      'Production',
      'Gone',
      '--env-var',
      'GONE',
      '--value',
      'gone-value-1',
      '--expires',
      daysAgo(1),
    ])

    const due = await v.ks(['due'])
    expectCode(due, 2)
    expect(due.out).toMatch(/overdue 10 days\s+Novu\s+Production\s+Stale\s+STALE/)
    expect(due.out).toMatch(/expired \S+\s+Novu\s+Production\s+Gone/)
    const json = await v.ks(['due', '--json'])
    expectCode(json, 2)
    const items = JSON.parse(json.out) as {
      name: string
      status: string
      daysLeft: number
      envVars: string[]
    }[]
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Stale', status: 'overdue', daysLeft: -10, envVars: ['STALE'] }),
        expect.objectContaining({ name: 'Gone', status: 'expired' }),
      ]),
    )
    expect(items.map((i) => i.name)).not.toContain('Fresh')

    // No password in the environment and nothing on stdin: counts still work.
    const counts = await v.ks(['due', '--counts', '--json'], { env: { KEYSHELF_PASSWORD: undefined } })
    expectCode(counts, 2)
    expect(JSON.parse(counts.out)).toMatchObject({ overdue: 1, expired: 1, verified: false })
    const plain = await v.ks(['due', '--counts'], { env: { KEYSHELF_PASSWORD: undefined } })
    expectCode(plain, 2)
    expect(plain.out).toMatch(/^1 overdue, 1 expired, 0 due soon/)
    // Read without the key: the CLI says the counts are not verified yet.
    expect(plain.err).toMatch(/^Counts read before unlock; verified when you unlock/m)
    // With KEYSHELF_PASSWORD set (the harness sets it), the same counts: no early Argon2 start for them.
    const withPassword = await v.ks(['due', '--counts', '--json'])
    expectCode(withPassword, 2)
    expect(JSON.parse(withPassword.out)).toMatchObject({ overdue: 1, expired: 1, verified: false })
    // A mistyped command after the early start: the whole message, then exit 1 (not a cut-off output).
    const typo = await v.ks(['due-counts'])
    expectCode(typo, 1)
    expect(typo.err).toMatch(/^keyshelf: unknown command "due-counts"\. .+\n$/)
    expectCode(await v.ks(['due', '--within', 'soon']), 1)
  }, 120_000)
})
