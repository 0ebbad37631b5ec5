/**
 * The `keyshelf` CLI as a process: help and usage, init, passwd and the exit codes (wrong password, corrupt
 * vault, not found). Keys, export/import/run and providers have their own files next to this one.
 */
import Database from 'better-sqlite3'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CHEAP_KDF,
  PASSWORD,
  cleanup,
  expectCode,
  ks,
  secret,
  tempVault,
  type TestVault,
} from './cli-harness'

afterAll(cleanup)

describe('help, version and usage errors', () => {
  it('--help lists every command and the exit codes, exit 0', async () => {
    const r = await ks(['--help'])
    expectCode(r, 0)
    for (const c of [
      'init',
      'passwd',
      'app add',
      'key add-field',
      'key rotate',
      'due',
      'export',
      'run',
      'sync',
    ])
      expect(r.out).toContain(`  ${c} `)
    expect(r.out).toMatch(/Exit codes: 0 ok/)
  })

  it('help key add shows its options; --version prints the version', async () => {
    const [help, perCommand, version] = await Promise.all([
      ks(['help', 'key', 'add']),
      ks(['key', 'add', '--help']),
      ks(['--version']),
    ])
    expectCode(help, 0)
    for (const o of ['--env-var', '--value-stdin', '--expires', '--rotate-every', '--provider-key-id'])
      expect(help.out).toContain(o)
    expect(perCommand.out).toBe(help.out)
    expectCode(version, 0)
    expect(version.out).toMatch(/^keyshelf \d+\.\d+\.\d+\n$/)
  })

  it('an unknown command, an unknown option, a missing argument and no arguments are exit 1', async () => {
    const [unknown, helpUnknown, badOpt, missing, bare] = await Promise.all([
      ks(['frobnicate']),
      ks(['help', 'frobnicate']),
      ks(['app', 'list', '--no-such-option']),
      ks(['env', 'add', 'OnlyApp']),
      ks([]),
    ])
    for (const r of [unknown, helpUnknown, badOpt, missing, bare]) expectCode(r, 1)
    expect(unknown.err).toMatch(/unknown command "frobnicate"/)
    expect(badOpt.err).toMatch(/no-such-option/)
    expect(missing.err).toMatch(/usage: keyshelf env add APP ENV/)
    expect(bare.out).toBe('')
    expect(bare.err).toMatch(/usage: keyshelf/)
  })
})

describe('init', () => {
  it('refuses a KDF below the OWASP floor and leaves no file behind', async () => {
    const v = await tempVault(false)
    const weak = await v.ks(['init', '--kdf-memory-mib', '8'])
    expectCode(weak, 1)
    expect(weak.err).toMatch(/at least 19 MiB .* 2 iterations \(OWASP/)
    const fewIterations = await v.ks(['init', '--kdf-memory-mib', '19', '--kdf-iterations', '1'])
    expectCode(fewIterations, 1)
    expect(existsSync(v.path)).toBe(false)
    // …so a proper init afterwards works.
    await v.ok(['init', ...CHEAP_KDF])
  })

  it('creates a 0600 vault, refuses a second init, and needs a password source without a TTY', async () => {
    const v = await tempVault(false)
    const noPassword = await v.ks(['init', ...CHEAP_KDF], { env: { KEYSHELF_PASSWORD: undefined } })
    expectCode(noPassword, 1)
    expect(noPassword.err).toMatch(/KEYSHELF_PASSWORD|--password-stdin/)
    expect(existsSync(v.path)).toBe(false)

    const r = await v.ks(['--password-stdin', 'init', ...CHEAP_KDF], {
      env: { KEYSHELF_PASSWORD: undefined },
      stdin: `${PASSWORD}\n`,
    })
    expectCode(r, 0)
    expect(statSync(v.path).mode & 0o777).toBe(0o600)
    const before = v.snapshot()
    const again = await v.ks(['init', ...CHEAP_KDF])
    expectCode(again, 1)
    expect(again.err).toMatch(/already exists/)
    expect(v.snapshot()).toEqual(before)
    // The password given on stdin opens it.
    await v.ok(['app', 'list'])
  })
})

describe('exit codes', () => {
  let v: TestVault
  const canary = secret('sk_live_CANARY_exitcodes_7f3a9c')

  beforeAll(async () => {
    v = await tempVault()
    await v.ok(['app', 'add', 'Novu'])
    await v.ok(['env', 'add', 'Novu', 'Production'])
    await v.ok(
      ['key', 'add', 'Novu', 'Production', 'Secret', '--env-var', 'NOVU_SECRET_KEY', '--value-stdin'],
      {
        stdin: canary,
      },
    )
  })

  it('a wrong password is exit 3 and leaves the vault files byte-identical', async () => {
    const before = v.snapshot()
    const env = { KEYSHELF_PASSWORD: 'not the password' }
    for (const args of [
      ['key', 'list'],
      ['get', 'Novu/Production/NOVU_SECRET_KEY'],
      ['export', 'Novu', 'Production'],
    ]) {
      const r = await v.ks(args, { env })
      expectCode(r, 3)
      expect(r.err).toMatch(/Wrong master password/)
      expect(r.out).not.toContain(canary)
    }
    const viaStdin = await v.ks(['--password-stdin', 'app', 'list'], {
      env: { KEYSHELF_PASSWORD: undefined },
      stdin: 'still wrong\n',
    })
    expectCode(viaStdin, 3)
    expect(v.snapshot()).toEqual(before)
  })

  it('an unknown app, environment or key is exit 5', async () => {
    const results = await Promise.all([
      v.ks(['get', 'Nope/Production/NOVU_SECRET_KEY']),
      v.ks(['get', 'Novu/Staging/NOVU_SECRET_KEY']),
      v.ks(['get', 'Novu/Production/NOPE']),
      v.ks(['key', 'rm', 'Novu/Production/Nope', '--yes']),
      v.ks(['env', 'list', 'Nope']),
    ])
    for (const r of results) {
      expectCode(r, 5)
      expect(r.err).toMatch(
        /^keyshelf: (No app named "Nope"|Novu has no environment "Staging"|No key or env var "NOPE"|No key "Nope")/,
      )
    }
  })

  it('no vault at the path is exit 5 with a message naming the path and init', async () => {
    const missing = join(v.dir, 'missing', 'vault.db')
    for (const args of [['app', 'list'], ['due', '--counts'], ['passwd']]) {
      const r = await ks(['--vault', missing, ...args], { env: { KEYSHELF_PASSWORD: PASSWORD } })
      expectCode(r, 5)
      expect(r.err).toContain(missing)
      expect(r.err).toMatch(/keyshelf init/)
    }
    expect(existsSync(missing)).toBe(false)
  })

  it('a file that is not SQLite is exit 4', async () => {
    const text = join(v.dir, 'notes.db')
    writeFileSync(text, 'these are my notes, not a vault\n'.repeat(200))
    const r = await ks(['--vault', text, 'key', 'list'], { env: { KEYSHELF_PASSWORD: PASSWORD } })
    expectCode(r, 4)
    expect(r.err).toMatch(/corrupt or has been tampered with/)
    expect(readFileSync(text, 'utf8')).toBe('these are my notes, not a vault\n'.repeat(200))
  })

  it('bytes overwritten in the middle of the database file are exit 4, never wrong values', async () => {
    // Overwrite the cell area of the page that holds the field values (a page in the middle of the file).
    const db = new Database(v.path, { readonly: true })
    const pageSize = db.pragma('page_size', { simple: true }) as number
    const pageCount = db.pragma('page_count', { simple: true }) as number
    const root = (
      db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'fields'").get() as { rootpage: number }
    ).rootpage
    db.close()
    expect(root).toBeGreaterThan(1)
    expect(root).toBeLessThan(pageCount)
    const bytes = readFileSync(v.path)
    const copy = join(v.dir, 'tampered.db')
    const tampered = Buffer.from(bytes)
    tampered.fill(0x58, root * pageSize - 200, root * pageSize - 8)
    writeFileSync(copy, tampered)
    const env = { KEYSHELF_PASSWORD: PASSWORD }
    const get = await ks(['--vault', copy, 'get', 'Novu/Production/NOVU_SECRET_KEY'], { env })
    expectCode(get, 4)
    expect(get.out).toBe('')
    const exported = await ks(['--vault', copy, 'export', 'Novu', 'Production'], { env })
    expectCode(exported, 4)
    expect(exported.out).not.toContain('NOVU_SECRET_KEY=')

    // A damaged b-tree page (its header overwritten) is exit 4 too, not "an unexpected error".
    const broken = Buffer.from(bytes)
    broken.fill(0x58, (root - 1) * pageSize, (root - 1) * pageSize + 64)
    writeFileSync(copy, broken)
    const damaged = await ks(['--vault', copy, 'export', 'Novu', 'Production'], { env })
    expectCode(damaged, 4)
    expect(damaged.err).toMatch(/corrupt or has been tampered with/)
    expect(damaged.out).toBe('')
  })
})

describe('passwd', () => {
  it('changes the password from KEYSHELF_PASSWORD to KEYSHELF_NEW_PASSWORD; the old one is then exit 3', async () => {
    const v = await tempVault()
    await v.ok(['app', 'add', 'Novu'])
    const next = secret('a brand new master passphrase')
    const r = await v.ks(['passwd'], { env: { KEYSHELF_NEW_PASSWORD: next } })
    expectCode(r, 0)
    expect(r.err).toMatch(/Master password changed/)
    expectCode(await v.ks(['app', 'list']), 3)
    const withNew = await v.ks(['app', 'list', '--json'], { env: { KEYSHELF_PASSWORD: next } })
    expectCode(withNew, 0)
    expect(JSON.parse(withNew.out)).toMatchObject([{ name: 'Novu' }])

    // --password-stdin: current on line 1, new on line 2.
    const third = secret('third passphrase in a row')
    const viaStdin = await v.ks(['--password-stdin', 'passwd'], {
      env: { KEYSHELF_PASSWORD: undefined },
      stdin: `${next}\n${third}\n`,
    })
    expectCode(viaStdin, 0)
    expectCode(await v.ks(['app', 'list'], { env: { KEYSHELF_PASSWORD: next } }), 3)
    expectCode(await v.ks(['app', 'list'], { env: { KEYSHELF_PASSWORD: third } }), 0)
  })

  it('refuses without a new password, with the same password, or with a wrong current one; nothing changes', async () => {
    const v = await tempVault()
    const noNew = await v.ks(['passwd'])
    expectCode(noNew, 1)
    expect(noNew.err).toMatch(/KEYSHELF_NEW_PASSWORD/)
    const same = await v.ks(['passwd'], { env: { KEYSHELF_NEW_PASSWORD: PASSWORD } })
    expectCode(same, 1)
    expect(same.err).toMatch(/same as the current/)
    const wrong = await v.ks(['passwd'], {
      env: { KEYSHELF_PASSWORD: 'wrong current password', KEYSHELF_NEW_PASSWORD: 'whatever new one' },
    })
    expectCode(wrong, 3)
    // The password did not change.
    expectCode(await v.ks(['app', 'list']), 0)
  })
})
