/**
 * --json on the commands that change something (init, app/env/key add, key rotate, key edit, import, provider
 * add, key verify): one JSON object on stdout, nothing secret in it; errors as JSON on stderr.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startCloudflareFake } from '../../fakes/cloudflare.fake'
import { CHEAP_KDF, cleanup, expectCode, expectNoSecrets, secret, tempVault } from './cli-harness'

afterAll(cleanup)

describe('--json on commands that change the vault', () => {
  it('init, app add, env add, key add, key rotate, key edit, import: one object each, values never in it', async () => {
    const v = await tempVault(false)
    const init = JSON.parse((await v.ok(['init', ...CHEAP_KDF, '--json'])).out) as Record<string, unknown>
    expect(init).toEqual({ ok: true, message: expect.stringMatching(/^Created /), vault: v.path })
    expect(JSON.parse((await v.ok(['app', 'add', 'Shop', '--json'])).out)).toMatchObject({
      ok: true,
      app: 'Shop',
    })
    expect(JSON.parse((await v.ok(['env', 'add', 'Shop', 'Prod', '--json'])).out)).toMatchObject({
      env: 'Prod',
    })
    const value = secret('sk_live_JSONCANARY_000111')
    const add = await v.ok(
      ['key', 'add', 'Shop', 'Prod', 'Stripe', '--env-var', 'STRIPE_KEY', '--value-stdin', '--json'],
      {
        stdin: value,
      },
    )
    expect(JSON.parse(add.out)).toMatchObject({ ok: true, path: 'Shop/Prod/STRIPE_KEY', key: 'Stripe' })
    const next = secret('sk_live_JSONCANARY_222333')
    const rot = await v.ok(['key', 'rotate', 'Shop/Prod/STRIPE_KEY', '--value-stdin', '--json'], {
      stdin: next,
    })
    expect(JSON.parse(rot.out)).toEqual({
      ok: true,
      message: 'Rotated Shop/Prod/STRIPE_KEY; the previous value is in its history.',
      path: 'Shop/Prod/STRIPE_KEY',
      mode: 'manual',
    })
    expect(rot.err).toBe('')
    expect(
      JSON.parse((await v.ok(['key', 'edit', 'Shop/Prod/Stripe', '--owner', 'ops', '--json'])).out),
    ).toMatchObject({
      ok: true,
    })

    const file = join(v.dir, 'more.env')
    writeFileSync(
      file,
      `STRIPE_KEY=${secret('sk_live_JSONCANARY_444555')}\nNEW_TOKEN=${secret('tok_JSONCANARY_666')}\nBAD LINE\n`,
    )
    const bad = await v.ks(['import', 'Shop', 'Prod', file, '--json'])
    expectCode(bad, 1)
    const badJson = JSON.parse(bad.out) as { errors: { line: number }[]; imported: null }
    expect(badJson.errors.map((e) => e.line)).toEqual([3])
    expect(badJson.imported).toBeNull()
    writeFileSync(
      file,
      `STRIPE_KEY=${secret('sk_live_JSONCANARY_444555')}\nNEW_TOKEN=${secret('tok_JSONCANARY_666')}\n`,
    )
    const dry = JSON.parse(
      (await v.ok(['import', 'Shop', 'Prod', file, '--dry-run', '--json'])).out,
    ) as Record<string, unknown>
    expect(dry).toMatchObject({ dryRun: true, added: ['NEW_TOKEN'], changed: ['STRIPE_KEY'], imported: null })
    const imp = await v.ok(['import', 'Shop', 'Prod', file, '--json'])
    expect(JSON.parse(imp.out)).toMatchObject({
      dryRun: false,
      imported: { added: 1, changed: 1, unchanged: 0 },
    })
    for (const r of [add, rot, imp]) expectNoSecrets(r.out)

    // Errors with --json: one object on stderr, in the CLI's words.
    const nf = await v.ks(['key', 'rotate', 'Shop/Prod/NOPE', '--value', 'x', '--json'])
    expectCode(nf, 5)
    expect(JSON.parse(nf.err)).toMatchObject({ error: { code: 'NOT_FOUND', exit: 5 } })
    const opt = await v.ks(['app', 'add', 'X', '--colour', 'red', '--json'])
    expect(JSON.parse(opt.err)).toMatchObject({
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/no option --colour/) },
    })
  })

  it('provider add --json and key verify --json against the Cloudflare fake', async () => {
    const cf = await startCloudflareFake({ tokens: 2 })
    try {
      const v = await tempVault()
      await v.ok(['app', 'add', 'Edge'])
      const admin = secret(cf.state.secretOf(cf.state.adminId))
      const r = await v.ok(
        [
          'provider',
          'add',
          'Edge',
          '--provider',
          'cloudflare',
          '--env',
          'Production',
          '--key-stdin',
          '--api-url',
          cf.url,
          '--json',
        ],
        { stdin: `${admin}\n` },
      )
      const j = JSON.parse(r.out) as {
        app: string
        provider: string
        environment: string
        synced: { added: number; syncedAt: string }
      }
      expect(j).toMatchObject({ app: 'Edge', provider: 'cloudflare', environment: 'Production' })
      expect(j.synced.added).toBeGreaterThan(0)
      expect(Number.isNaN(Date.parse(j.synced.syncedAt))).toBe(false)
      expectNoSecrets(r.out)
      const ver = await v.ok(['key', 'verify', 'Edge/Production/CLOUDFLARE_API_TOKEN', '--json'])
      expect(JSON.parse(ver.out)).toMatchObject({
        path: 'Edge/Production/CLOUDFLARE_API_TOKEN',
        result: 'valid',
      })
    } finally {
      await cf.close()
    }
  })
})
