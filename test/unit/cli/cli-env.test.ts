/**
 * `keyshelf export`, `import` and `run` as processes: every format round-trips through its real reader,
 * files are 0600 and never overwritten silently, Docker refuses what it cannot carry, import is all or
 * nothing, and `run` passes values only through the environment and passes exit codes and signals back.
 */
import dotenv from 'dotenv'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, cleanup, expectCode, secret, tempVault, type TestVault } from './cli-harness'

afterAll(cleanup)

const API_KEY = secret('sk_live_CANARY_env_51f0c2d9e8a7')
const MULTI = secret('-----BEGIN KEY-----\nMIIB_CANARY_line_two\n-----END KEY-----')
const QUOTED = secret(`say "CANARY" $HOME \\n #not-a-comment`)
const PUBLIC_URL = 'https://api.novu.co'
const VALUES: Record<string, string> = { API_KEY, MULTI, QUOTED, PUBLIC_URL }

/** A vault with Novu/Production holding the four values above. */
async function seeded(): Promise<TestVault> {
  const v = await tempVault()
  await v.ok(['app', 'add', 'Novu'])
  await v.ok(['env', 'add', 'Novu', 'Production'])
  for (const [name, value] of Object.entries(VALUES)) {
    const pub = name === 'PUBLIC_URL' ? ['--public'] : []
    await v.ok(['key', 'add', 'Novu', 'Production', name, '--env-var', name, '--value-stdin', ...pub], {
      stdin: value,
    })
  }
  return v
}

// export and run only read the seeded values (export adds a Staging environment): they share one vault.
let shared: Promise<TestVault> | null = null
const sharedVault = () => (shared ??= seeded())

describe('export', () => {
  let v: TestVault
  beforeAll(async () => {
    v = await sharedVault()
  })

  it('dotenv, shell and json round-trip exactly through their readers', async () => {
    const [env, shell, json] = await Promise.all([
      v.ok(['export', 'Novu', 'Production']),
      v.ok(['export', 'Novu', 'Production', '--format', 'shell']),
      v.ok(['export', 'Novu', 'Production', '--format', 'json']),
    ])
    expect(dotenv.parse(env.out)).toEqual(VALUES)
    expect(JSON.parse(json.out)).toEqual(VALUES)
    const file = join(v.dir, 'exported.sh')
    writeFileSync(file, shell.out)
    // Source it in a clean POSIX shell and print every variable NUL-separated.
    const sourced = execFileSync(
      'sh',
      ['-c', `. "$1"; printf '%s\\0' "$API_KEY" "$MULTI" "$QUOTED" "$PUBLIC_URL"`, 'sh', file],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      },
    ).toString('utf8')
    expect(sourced.split('\0').slice(0, 4)).toEqual([API_KEY, MULTI, QUOTED, PUBLIC_URL])
  })

  it('docker refuses a multi-line value, naming the key: exit 1 and nothing written', async () => {
    const out = join(v.dir, 'docker.env')
    const r = await v.ks(['export', 'Novu', 'Production', '--format', 'docker', '-o', out])
    expectCode(r, 1)
    expect(r.err).toContain('MULTI')
    expect(r.err).not.toMatch(/BEGIN KEY|line_two/)
    expect(existsSync(out)).toBe(false)
    const toStdout = await v.ks(['export', 'Novu', 'Production', '--format', 'docker'])
    expectCode(toStdout, 1)
    expect(toStdout.out).toBe('')
    // Without it, Docker's env-file (literal values) carries the rest.
    const ok = await v.ok([
      'export',
      'Novu',
      'Production',
      '--format',
      'docker',
      '--only',
      'API_KEY,PUBLIC_URL',
    ])
    expect(ok.out).toBe(`API_KEY=${API_KEY}\nPUBLIC_URL=${PUBLIC_URL}\n`)
  })

  it('-o writes a 0600 file, refuses to overwrite without --force (exit 1, file unchanged)', async () => {
    const out = join(v.dir, '.env')
    const first = await v.ok(['export', 'Novu', 'Production', '-o', out])
    expect(first.out).toBe('')
    expect(statSync(out).mode & 0o777).toBe(0o600)
    expect(dotenv.parse(readFileSync(out))).toEqual(VALUES)

    writeFileSync(out, 'HAND_EDITED=1\n', { mode: 0o600 })
    const again = await v.ks(['export', 'Novu', 'Production', '-o', out])
    expectCode(again, 1)
    expect(again.err).toMatch(/--force/)
    expect(readFileSync(out, 'utf8')).toBe('HAND_EDITED=1\n')

    await v.ok(['export', 'Novu', 'Production', '--format', 'json', '-o', out, '--force'])
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(VALUES)
    expect(statSync(out).mode & 0o777).toBe(0o600)
  })

  it('in a git work tree, --gitignore acts before the file is written; --example files get no warning', async () => {
    const repo = join(v.dir, 'repo')
    const genv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }
    execFileSync('git', ['init', '-q', repo], { env: genv })
    const out = join(repo, '.env')
    const r = await v.ok(['export', 'Novu', 'Production', '-o', out, '--gitignore'], {
      env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    })
    const added = r.err.indexOf('Added /.env')
    expect(added).toBeGreaterThanOrEqual(0)
    expect(added).toBeLessThan(r.err.indexOf('Wrote '))
    expect(readFileSync(join(repo, '.gitignore'), 'utf8')).toBe('/.env\n')
    const ex = await v.ok(['export', 'Novu', 'Production', '--example', '-o', join(repo, '.env.example')], {
      env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    })
    expect(ex.err).not.toMatch(/Warning|gitignore/i)
  })

  it('--example writes names only (public values with --include-public)', async () => {
    const [names, withPublic] = await Promise.all([
      v.ok(['export', 'Novu', 'Production', '--example']),
      v.ok(['export', 'Novu', 'Production', '--example', '--include-public']),
    ])
    expect(dotenv.parse(names.out)).toEqual({ API_KEY: '', MULTI: '', QUOTED: '', PUBLIC_URL: '' })
    expect(dotenv.parse(withPublic.out)).toEqual({ API_KEY: '', MULTI: '', QUOTED: '', PUBLIC_URL })
    for (const s of [API_KEY, MULTI, QUOTED]) expect(names.out + withPublic.out).not.toContain(s)
  })

  it('dotenv refuses a value no quoting carries exactly (exit 1, names the key); shell and json carry it', async () => {
    const both = secret(`it's "CANARY" # both quotes`)
    await v.ok(['env', 'add', 'Novu', 'Staging'])
    await v.ok(['key', 'add', 'Novu', 'Staging', 'Both', '--env-var', 'BOTH', '--value-stdin'], {
      stdin: both,
    })
    const out = join(v.dir, 'staging.env')
    const r = await v.ks(['export', 'Novu', 'Staging', '-o', out])
    expectCode(r, 1)
    expect(r.err).toContain('BOTH')
    expect(r.err).toMatch(/shell|json/)
    expect(existsSync(out)).toBe(false)
    expect(JSON.parse((await v.ok(['export', 'Novu', 'Staging', '--format', 'json'])).out)).toEqual({
      BOTH: both,
    })
  })

  it('an unknown format or environment is refused', async () => {
    expectCode(await v.ks(['export', 'Novu', 'Production', '--format', 'yaml']), 1)
    expectCode(await v.ks(['export', 'Novu', 'Testing']), 5)
  })
})

describe('import', () => {
  let v: TestVault
  const NEW_KEY = secret('sk_live_CANARY_imported_6a2b')
  const listJson = async () => (await v.ok(['key', 'list', '--json'])).out

  beforeAll(async () => {
    v = await seeded()
  })

  it('--dry-run reports what would change and changes nothing', async () => {
    const file = join(v.dir, 'incoming.env')
    writeFileSync(file, `NEW_ONE=hello\nAPI_KEY=${NEW_KEY}\nPUBLIC_URL=${PUBLIC_URL}\n`)
    const before = await listJson()
    const r = await v.ok(['import', 'Novu', 'Production', file, '--dry-run'])
    expect(r.out).toMatch(/new:\s+NEW_ONE/)
    expect(r.out).toMatch(/changed:\s+API_KEY/)
    expect(r.out).toMatch(/unchanged: 1/)
    expect(r.err).toMatch(/nothing was imported/i)
    expect(await listJson()).toBe(before)
    expect((await v.ok(['get', 'Novu/Production/API_KEY'])).out).toBe(API_KEY)
  })

  it('a malformed file is exit 1 with the line number, and nothing is imported', async () => {
    const file = join(v.dir, 'broken.env')
    // Line 3 is a bare token (a pasted value without a name): it must not be echoed to stderr.
    const bare = secret('ghp_CANARYbareTokenPasted0123456789')
    writeFileSync(file, `NEW_ONE=hello\nAPI_KEY=${NEW_KEY}\n${bare}\nOTHER=x\nQ="unterminated\n`)
    const before = await listJson()
    const r = await v.ks(['import', 'Novu', 'Production', file])
    expectCode(r, 1)
    expect(r.err).toContain(`${file}:3:`)
    expect(r.err).toContain(`${file}:5:`)
    expect(r.err).toMatch(/Nothing was imported/)
    expect(await listJson()).toBe(before)
    expectCode(await v.ks(['get', 'Novu/Production/NEW_ONE']), 5)
  })

  it('a changed value is rotated with history reason "import"; new keys are added (--public honoured)', async () => {
    const file = join(v.dir, 'incoming.env')
    writeFileSync(file, `NEW_ONE=hello\nAPI_KEY=${NEW_KEY}\nPUBLIC_URL=${PUBLIC_URL}\n`)
    const r = await v.ok(['import', 'Novu', 'Production', file, '--public', 'NEW_ONE'])
    expect(r.err).toMatch(/1 added, 1 changed, 1 unchanged/)
    expect((await v.ok(['get', 'Novu/Production/API_KEY'])).out).toBe(NEW_KEY)
    expect((await v.ok(['get', 'Novu/Production/NEW_ONE'])).out).toBe('hello')
    const history = JSON.parse((await v.ok(['key', 'history', 'Novu/Production/API_KEY', '--json'])).out) as {
      reason: string
      masked: string
    }[]
    expect(history).toEqual([
      expect.objectContaining({ reason: 'import', masked: `••••${API_KEY.slice(-4)}` }),
    ])
    const keys = JSON.parse(await listJson()) as { name: string; fields: { kind: string }[] }[]
    expect(keys.find((k) => k.name === 'NEW_ONE')?.fields[0]?.kind).toBe('public')
  })

  it('reads the file from stdin with "-", after the password line with --password-stdin', async () => {
    const r = await v.ks(['--password-stdin', 'import', 'Novu', 'Production', '-'], {
      env: { KEYSHELF_PASSWORD: undefined },
      stdin: `${PASSWORD}\nFROM_STDIN=piped value\n`,
    })
    expectCode(r, 0)
    expect((await v.ok(['get', 'Novu/Production/FROM_STDIN'])).out).toBe('piped value')
  })
})

describe('run', () => {
  let v: TestVault
  const run = (args: string[], extra: string[] = []) =>
    v.ks(['run', '--app', 'Novu', '--env', 'Production', ...extra, '--', ...args])

  beforeAll(async () => {
    v = await sharedVault()
  })

  it("passes the environment's values to the child exactly, and --only narrows them", async () => {
    const r = await run(['sh', '-c', `printf '%s\\0' "$API_KEY" "$MULTI" "$QUOTED" "$PUBLIC_URL"`])
    expectCode(r, 0)
    expect(r.out.split('\0').slice(0, 4)).toEqual([API_KEY, MULTI, QUOTED, PUBLIC_URL])
    const only = await run(
      ['sh', '-c', 'printf "%s|%s" "${API_KEY-unset}" "${MULTI-unset}"'],
      ['--only', 'MULTI'],
    )
    expect(only.out).toBe(`unset|${MULTI}`)
  })

  it('never puts values in argv, and does not hand the master password to the child', async () => {
    // The child reads its own and its parent's (the keyshelf process's) command line from /proc.
    const script =
      'cat /proc/$$/cmdline /proc/$PPID/cmdline | tr "\\0" " "; printf "|%s" "${KEYSHELF_PASSWORD-unset}"'
    const r = await run(['sh', '-c', script])
    expectCode(r, 0)
    if (existsSync('/proc/self/cmdline')) expect(r.out).toContain('cli.js')
    for (const s of Object.values(VALUES).filter((x) => x !== PUBLIC_URL)) expect(r.out).not.toContain(s)
    expect(r.out).not.toContain(PASSWORD)
    expect(r.out.endsWith('|unset')).toBe(true)
  })

  it('passes the exit code back, and dies by the signal that killed the child', async () => {
    const [seven, term, hup] = await Promise.all([
      run(['sh', '-c', 'exit 7']),
      run(['sh', '-c', 'kill -TERM $$']),
      run(['sh', '-c', 'kill -HUP $$']),
    ])
    expect(seven.code).toBe(7)
    expect({ code: term.code, signal: term.signal }).toEqual({ code: null, signal: 'SIGTERM' })
    expect({ code: hup.code, signal: hup.signal }).toEqual({ code: null, signal: 'SIGHUP' })
    const missing = await run(['/no/such/command'])
    expect(missing.code).not.toBe(0)
  })

  it('--mask replaces secret values in the child stdout and stderr with *****', async () => {
    const r = await run(
      [
        'sh',
        '-c',
        'printf "key=%s\\npem=%s\\nurl=%s\\n" "$API_KEY" "$MULTI" "$PUBLIC_URL"; printf "err=%s\\n" "$QUOTED" >&2',
      ],
      ['--mask'],
    )
    expectCode(r, 0)
    expect(r.out).toBe(`key=*****\npem=*****\nurl=${PUBLIC_URL}\n`)
    expect(r.err).toBe('err=*****\n')
  })

  it('refuses a missing command (exit 1) and an unknown environment (exit 5)', async () => {
    expectCode(await v.ks(['run', '--app', 'Novu', '--env', 'Production']), 1)
    expectCode(await v.ks(['run', '--app', 'Novu', '--env', 'Nope', '--', 'true']), 5)
  })
})
