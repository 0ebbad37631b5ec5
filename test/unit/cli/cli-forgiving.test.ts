/**
 * A forgiving CLI, as processes: addresses by key name or env var in any case, "did you mean" for keys,
 * commands and options, group help, values starting with "-", option errors in option names, validation
 * at the door, JSON errors with --json, and Ctrl-C's exit code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup, daysAhead, expectCode, ks, secret, tempVault, type TestVault } from './cli-harness'

afterAll(cleanup)

describe('forgiving addresses, commands and options', () => {
  let v: TestVault
  const value = secret('-sk_starts_with_a_dash_0123')
  beforeAll(async () => {
    v = await tempVault()
    await v.ok(['app', 'add', 'Novu'])
    await v.ok(['env', 'add', 'Novu', 'Production'])
    await v.ok([
      'key',
      'add',
      'novu',
      'production',
      'Secret key',
      '--env-var',
      'NOVU_SECRET_KEY',
      `--value=${value}`,
    ])
  })

  it('get takes the env var or the key name, in any case, and --json', async () => {
    for (const path of [
      'Novu/Production/NOVU_SECRET_KEY',
      'novu/PRODUCTION/novu_secret_key',
      'Novu/Production/secret KEY',
    ]) {
      const r = await v.ok(['get', path])
      expect(r.out).toBe(value)
    }
    const j = await v.ok(['get', 'novu/production/novu_secret_key', '--json'])
    expect(JSON.parse(j.out)).toEqual({
      app: 'Novu',
      env: 'Production',
      key: 'Secret key',
      envVar: 'NOVU_SECRET_KEY',
      kind: 'secret',
      value,
    })
  })

  it('a missing key, env or app names the closest match (exit 5)', async () => {
    const k = await v.ks(['get', 'Novu/Production/NOVU_SECRT_KEY'])
    expectCode(k, 5)
    expect(k.err).toBe(
      'keyshelf: No key or env var "NOVU_SECRT_KEY" in Novu/Production. Did you mean Novu/Production/NOVU_SECRET_KEY?\n',
    )
    const e = await v.ks(['key', 'list', 'Novu', 'Prod'])
    expectCode(e, 5)
    expect(e.err).toMatch(/Novu has no environment "Prod"\. Did you mean Production\?/)
    const a = await v.ks(['key', 'list', 'Nuvo'])
    expect(a.err).toMatch(/No app named "Nuvo"\. Did you mean Novu\?/)
  })

  it('unknown commands and options get a suggestion; groups print their commands', async () => {
    const c = await v.ks(['key', 'lst'])
    expectCode(c, 1)
    expect(c.err).toBe('keyshelf: unknown command "key lst". Did you mean key list?\n')
    const o = await v.ks(['key', 'list', '--jsn'])
    expect(o.err).toBe('keyshelf: key list has no option --jsn. Did you mean --json?\n')
    for (const args of [['key'], ['key', '--help'], ['help', 'key']]) {
      const g = await ks(args)
      expectCode(g, 0)
      expect(g.out).toMatch(/^keyshelf key commands:/)
      expect(g.out).toMatch(/key add +add a key/)
      expect(g.out).toMatch(/key rotate/)
    }
  })

  it('--value -x explains the = form; option errors never show schema field names', async () => {
    const r = await v.ks(['key', 'add', 'Novu', 'Production', 'X', '--env-var', 'X', '--value', '-x'])
    expectCode(r, 1)
    expect(r.err).toBe(
      'keyshelf: --value needs a value; for a value that starts with "-", write it as --value=-… (with =).\n',
    )
    const bad = await v.ks([
      'key',
      'add',
      'Novu',
      'Production',
      'Y',
      '--env-var',
      'not valid!',
      '--value',
      'abc',
    ])
    expectCode(bad, 1)
    expect(bad.err).toMatch(/^keyshelf: --env-var: /)
    expect(bad.err).not.toMatch(/envVar|rotationIntervalDays/)
    expect(bad.err.trim().split('\n')).toHaveLength(1)
  })

  it('validates at the door: URLs, --region, a future --last-rotated, a duplicate --app-id', async () => {
    const url = await v.ks(['env', 'add', 'Novu', 'Staging', '--api-url', 'api.novu.co'])
    expect(url.err).toMatch(/--api-url must be a full URL starting with http:\/\/ or https:\/\//)
    const region = await v.ks(
      ['provider', 'add', 'Novu', '--provider', 'novu', '--key-stdin', '--region', 'asia'],
      {
        stdin: 'x',
      },
    )
    expect(region.err).toMatch(/--region is us, eu or custom/)
    const future = await v.ks([
      'key',
      'add',
      'Novu',
      'Production',
      'Z',
      '--env-var',
      'Z',
      '--value',
      'abc',
      '--last-rotated',
      daysAhead(3),
    ])
    expectCode(future, 1)
    expect(future.err).toMatch(/--last-rotated .* is in the future/)
    await v.ok(['app', 'add', 'One', '--app-id', 'APP-1'])
    const dup = await v.ok(['app', 'add', 'Two', '--app-id', 'APP-1'])
    expect(dup.err).toMatch(/Warning: One already has app ID APP-1/)
  })

  it('with --json, errors are JSON on stderr', async () => {
    const r = await v.ks(['key', 'list', 'Nuvo', '--json'])
    expectCode(r, 5)
    const e = JSON.parse(r.err) as { error: { code: string; message: string; exit: number } }
    expect(e.error).toMatchObject({ code: 'NOT_FOUND', exit: 5 })
    expect(e.error.message).toMatch(/Did you mean Novu\?/)
  })
})

describe('prompts on a terminal (util-linux `script` gives the CLI a pty)', () => {
  it('init states the password rules before asking; Ctrl-C at the prompt exits 130', async () => {
    const { spawn } = await import('node:child_process')
    const { CLI } = await import('./cli-harness')
    const v = await tempVault(false)
    const r = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(
        'script',
        ['-qefc', `"${process.execPath}" "${CLI}" --vault "${v.path}" init`, '/dev/null'],
        {
          env: { PATH: process.env.PATH ?? '', HOME: v.dir, LANG: 'C.UTF-8' },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      )
      let out = ''
      let sent = false
      child.stdin.on('error', () => undefined)
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        if (!sent && out.includes('Master password: ')) {
          sent = true
          setTimeout(() => child.stdin.write('\u0003'), 300)
        }
      })
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, out }))
    })
    expect(r.out).toMatch(/at least 8 characters[\s\S]*cannot be recovered[\s\S]*Master password: /)
    expect(r.out).toMatch(/keyshelf: cancelled\./)
    expect(r.code).toBe(130)
  })
})
