/** `keyshelf import-from` as a process, one realistic export per tool: preview, dry run, apply, JSON, errors. */
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO, cleanup, expectCode, expectNoSecrets, secret, tempVault } from './cli-harness'

const F = (name: string) => join(REPO, 'test', 'fixtures', 'import-from', name)
afterAll(cleanup)

// Every value in the fixtures is a canary: none may reach stderr (the harness checks) or the preview.
const VALUES = [
  'sk_live_FIXTURE_51Hx0000000000000000',
  'whsec_FIXTURE_abc&def<ghi',
  'sk_live_FIXTURE_bw_51Hx0000',
  'whsec_FIXTURE_bw_0001',
  'novu_FIXTURE_op_0123456789',
  'sk_live_FIXTURE_dp_51Hx0000',
  'SG.FIXTURE_inf.abcdef',
  'sk_test_FIXTURE_env_51Hx2222',
  'sk_live_FIXTURE_op_51Hx0000',
].map(secret)

describe('keyshelf import-from', () => {
  it('keepassxc XML: --dry-run previews and changes nothing; then imports in one go; a rerun skips every key', async () => {
    const v = await tempVault()
    const dry = await v.ok(['import-from', 'keepassxc', F('keepassxc-export.xml'), '--dry-run'])
    expect(dry.out).toContain('KeePassXC XML: 5 key(s) to import, 2 skipped.')
    expect(dry.out).toContain('+ Acme/Production/Stripe secret key: STRIPE_SECRET_KEY (secret)')
    expect(dry.out).toContain('- Recycle Bin/Old Mailgun key: in the recycle bin')
    expect(dry.out).toMatch(/Mapping: The first group/)
    expect(dry.err).toContain('Dry run: nothing was imported.')
    expectNoSecrets(dry.out)
    expect(JSON.parse((await v.ok(['key', 'list', '--json'])).out)).toEqual([])
    expect(JSON.parse((await v.ok(['app', 'list', '--json'])).out)).toEqual([])

    const r = await v.ok(['import-from', 'keepassxc', F('keepassxc-export.xml')])
    expect(r.err).toMatch(/Imported 5 key\(s\) with 13 field\(s\); created 3 app\(s\) and 4 environment\(s\)/)
    expectNoSecrets(r.out)
    expect((await v.ok(['get', 'acme/production/stripe_webhook_secret'])).out).toBe(
      'whsec_FIXTURE_abc&def<ghi',
    )
    const again = await v.ok(['import-from', 'keepassxc', F('keepassxc-export.xml')])
    expect(again.out).toContain('0 key(s) to import, 7 skipped')
    expect(again.err).toContain('Nothing to import.')
  })

  it('keepassxc CSV, bitwarden, 1password 1PUX and CSV, doppler JSON, infisical JSON and .env each import', async () => {
    const cases: [string, string, string, string][] = [
      [
        'keepassxc',
        'keepassxc-export.csv',
        'Acme/Staging/STRIPE_SECRET_KEY',
        'sk_test_FIXTURE_51Hx1111111111111111',
      ],
      [
        'bitwarden',
        'bitwarden-export.json',
        'Acme/Production/STRIPE_WEBHOOK_SECRET',
        'whsec_FIXTURE_bw_0001',
      ],
      ['1password', '1password-export.1pux', 'Novu/default/NOVU_API', 'novu_FIXTURE_op_0123456789'],
      [
        '1password',
        '1password-export.csv',
        '1Password/default/STRIPE_SECRET_KEY',
        'sk_live_FIXTURE_op_51Hx0000',
      ],
      ['doppler', 'doppler-secrets.json', 'acme-api/prd/STRIPE_SECRET_KEY', 'sk_live_FIXTURE_dp_51Hx0000'],
      ['infisical', 'infisical-export.json', 'Infisical/default/SENDGRID_API_KEY', 'SG.FIXTURE_inf.abcdef'],
      ['doppler', 'doppler.env', 'acme-api/dev/STRIPE_SECRET_KEY', 'sk_test_FIXTURE_env_51Hx2222'],
    ]
    for (const [tool, file, address, value] of cases) {
      const v = await tempVault()
      const r = await v.ok(['import-from', tool, F(file)])
      expectNoSecrets(r.out)
      expect((await v.ok(['get', address])).out, `${tool} ${file}`).toBe(value)
      v.remove()
    }
  }, 120_000)

  it('--json: the plan and the result as one object, no value in it; errors as JSON on stderr', async () => {
    const v = await tempVault()
    const r = await v.ok(['import-from', '1password', F('1password-export.1pux'), '--json', '--app', 'Ops'])
    const j = JSON.parse(r.out) as {
      dryRun: boolean
      apps: unknown
      keys: { app: string; env: string; name: string; fields: { envVar: string; kind: string }[] }[]
      skipped: { reason: string }[]
      imported: { keys: number }
    }
    expect(j.dryRun).toBe(false)
    expect(j.apps).toEqual([{ name: 'Ops', create: true }])
    expect(j.keys.map((k) => `${k.app}/${k.env}/${k.name}`)).toContain(
      'Ops/Acme - Production/Stripe secret key',
    )
    expect(j.imported.keys).toBe(4)
    expect(j.skipped.map((s) => s.reason)).toEqual(['archived', 'a credit card, not a key'])
    expectNoSecrets(r.out)

    const bad = await v.ks(['import-from', 'lastpass', F('1password-export.csv'), '--json'])
    expectCode(bad, 1)
    expect(JSON.parse(bad.err)).toEqual({
      error: {
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/import-from reads keepassxc, bitwarden/),
        exit: 1,
      },
    })
  })

  it('a wrong file is said in one sentence before any password is asked, and nothing changes', async () => {
    const v = await tempVault()
    const before = v.snapshot()
    const wrong = await v.ks(['import-from', 'bitwarden', F('keepassxc-export.csv')], {
      env: { KEYSHELF_PASSWORD: undefined },
    })
    expectCode(wrong, 1)
    expect(wrong.err).toMatch(
      /^keyshelf: Keyshelf reads Bitwarden’s JSON export .*this file is not JSON\.\n$/,
    )
    const missing = await v.ks(['import-from', 'doppler', join(v.dir, 'nope.json')])
    expect(missing.err).toMatch(/Cannot read .*nope\.json: no such file\./)
    const enc = await v.ks(['import-from', 'keepassxc', F('bitwarden-export.json')])
    expect(enc.err).toMatch(/not a readable KeePassXC CSV export/)
    // Refused before the vault was even opened.
    expect(v.snapshot()).toEqual(before)
  })
})

void VALUES
