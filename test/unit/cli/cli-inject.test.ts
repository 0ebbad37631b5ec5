/**
 * `keyshelf inject`, `run --env-file` and `completion` as processes: template references resolved exactly,
 * files written 0600 and never over an existing one without --force, bad references stop everything, and
 * completion lists commands and options always but APP/ENV/KEY paths only from a running agent.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup, expectCode, secret, tempVault, type TestVault } from './cli-harness'

afterAll(cleanup)

describe('inject and run --env-file', () => {
  let v: TestVault
  const sk = secret('sk_inject_"quoted"$HOME\\x')
  beforeAll(async () => {
    v = await tempVault()
    await v.ok(['app', 'add', 'Novu'])
    await v.ok(['env', 'add', 'Novu', 'Production'])
    await v.ok(
      ['key', 'add', 'Novu', 'Production', 'Secret key', '--env-var', 'NOVU_SECRET_KEY', '--value-stdin'],
      {
        stdin: sk,
      },
    )
    await v.ok([
      'key',
      'add',
      'Novu',
      'Production',
      'App id',
      '--env-var',
      'NOVU_APP_ID',
      '--public',
      '--value',
      'app-42',
    ])
  })

  it('fills references exactly (stdout and -o FILE 0600), forgiving addresses, never over a file without --force', async () => {
    const tpl = join(v.dir, 'config.tpl')
    writeFileSync(
      tpl,
      'key: {{ keyshelf://Novu/Production/NOVU_SECRET_KEY }}\nid: {{keyshelf://novu/production/app id}}\n',
    )
    const r = await v.ok(['inject', '-i', tpl])
    expect(r.out).toBe(`key: ${sk}\nid: app-42\n`)
    const out = join(v.dir, 'config.yml')
    await v.ok(['inject', '-i', tpl, '-o', out])
    expect(readFileSync(out, 'utf8')).toBe(`key: ${sk}\nid: app-42\n`)
    expect(statSync(out).mode & 0o777).toBe(0o600)
    const again = await v.ks(['inject', '-i', tpl, '-o', out])
    expectCode(again, 1)
    expect(again.err).toMatch(/already exists; nothing was written\. Use --force/)
    await v.ok(['inject', '-i', tpl, '-o', out, '--force'])
  })

  it('a reference that does not resolve stops everything, with its line and a suggestion', async () => {
    const tpl = join(v.dir, 'bad.tpl')
    writeFileSync(
      tpl,
      'ok: {{ keyshelf://Novu/Production/NOVU_APP_ID }}\nbad: {{ keyshelf://Novu/Production/NOVU_SECRT_KEY }}\n',
    )
    const out = join(v.dir, 'bad.out')
    const r = await v.ks(['inject', '-i', tpl, '-o', out])
    expectCode(r, 1)
    expect(r.err).toMatch(
      /bad\.tpl:2: No key or env var "NOVU_SECRT_KEY".*Did you mean Novu\/Production\/NOVU_SECRET_KEY\?/,
    )
    expect(() => statSync(out)).toThrow()
    writeFileSync(tpl, 'x: {{ keyshelf://Novu/Production/NOVU_APP_ID\n')
    const m = await v.ks(['inject', '-i', tpl])
    expect(m.err).toMatch(/bad\.tpl:1: a keyshelf:\/\/ reference must look like/)
  })

  it('run --env-file resolves the same references into the child environment only', async () => {
    const envFile = join(v.dir, '.env.tpl')
    writeFileSync(envFile, 'NOVU=keyshelf\nSECRET={{ keyshelf://Novu/Production/NOVU_SECRET_KEY }}\n')
    const r = await v.ok([
      'run',
      '--env-file',
      envFile,
      '--',
      process.execPath,
      '-e',
      'process.stdout.write(process.env.SECRET + "|" + process.env.NOVU)',
    ])
    expect(r.out).toBe(`${sk}|keyshelf`)
  })
})

describe('completion', () => {
  let v: TestVault
  beforeAll(async () => {
    v = await tempVault()
    await v.ok(['app', 'add', 'Novu'])
    await v.ok(['env', 'add', 'Novu', 'Production'])
    await v.ok([
      'key',
      'add',
      'Novu',
      'Production',
      'Secret key',
      '--env-var',
      'NOVU_SECRET_KEY',
      '--value',
      'sk_x_completion',
    ])
  })
  afterAll(async () => {
    await v.ks(['lock'])
  })

  it('prints scripts for bash, zsh and fish that call __complete', async () => {
    for (const sh of ['bash', 'zsh', 'fish']) {
      const r = await v.ok(['completion', sh])
      expect(r.out).toMatch(/keyshelf __complete --/)
    }
    const bad = await v.ks(['completion', 'tcsh'])
    expect(bad.err).toMatch(/completion takes bash, zsh or fish/)
  })

  it('completes commands and options; paths only while the agent runs', async () => {
    const noPw = { KEYSHELF_PASSWORD: undefined }
    expect((await v.ok(['__complete', '--', 'ke'], { env: noPw })).out).toBe('key\n')
    expect((await v.ok(['__complete', '--', 'key', 'ro'], { env: noPw })).out).toBe('rotate\n')
    expect((await v.ok(['__complete', '--', 'key', 'list', '--j'], { env: noPw })).out).toBe('--json\n')
    expect((await v.ok(['__complete', '--', 'get', 'No'], { env: noPw })).out).toBe('')
    await v.ok(['unlock'])
    expect((await v.ok(['__complete', '--', 'get', 'No'], { env: noPw })).out).toBe(
      'Novu/Production/NOVU_SECRET_KEY\n',
    )
  })
})
