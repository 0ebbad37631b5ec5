import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCloudflareFake, type CloudflareFake } from '../../fakes/cloudflare.fake'
import { tempDir } from '../../helpers/vault.helper'

const CLI = join(import.meta.dirname, '../../../out/main/cli.js')
const PASSWORD = 'cli test password'
const CANARY = 'sk_CANARY_value_7f3a9c1e5b'

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: Buffer
  stderr: string
}

function cli(
  args: string[],
  opts: { input?: string | Buffer; env?: Record<string, string | undefined> } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, KEYSHELF_PASSWORD: PASSWORD, ...opts.env }
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k]
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let err = ''
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr: err }))
    child.stdin.end(opts.input ?? '')
  })
}

const t = tempDir('keyshelf-cli-')
const vault = join(t.dir, 'vault.db')
const v = (...args: string[]) => ['--vault', vault, ...args]

beforeAll(async () => {
  if (!existsSync(CLI))
    throw new Error('out/main/cli.js is missing: run `npm run build` first (npm test does).')
  const init = await cli(v('init', '--kdf-memory-mib', '19', '--kdf-iterations', '2'))
  expect(init.code).toBe(0)
  expect((await cli(v('app', 'add', 'Novu', '--description', 'Notifications'))).code).toBe(0)
  expect((await cli(v('env', 'add', 'Novu', 'Production', '--api-url', 'https://api.novu.co'))).code).toBe(0)
  const add = await cli(
    v('key', 'add', 'Novu', 'Production', 'Secret key', '--env-var', 'NOVU_SECRET_KEY', '--value-stdin'),
    { input: CANARY },
  )
  expect(add.code).toBe(0)
})
afterAll(() => t.cleanup())

describe('keyshelf CLI (spawned)', () => {
  it('refuses a KDF below the OWASP floor and a second init', async () => {
    const t2 = tempDir()
    try {
      const weak = await cli(['--vault', join(t2.dir, 'v.db'), 'init', '--kdf-memory-mib', '8'])
      expect(weak.code).toBe(1)
      expect(weak.stderr).toMatch(/OWASP/)
    } finally {
      t2.cleanup()
    }
    expect((await cli(v('init'))).code).toBe(1)
  })

  it('get prints the value byte for byte with no newline when piped', async () => {
    const value = `line1\nline2\r\n'quotes' "double" \\ $HOME 🔑 ${'x'.repeat(64 * 1024)}\n`
    expect(
      (
        await cli(v('key', 'add', 'Novu', 'Production', 'Blob', '--env-var', 'BLOB', '--value-stdin'), {
          input: value,
        })
      ).code,
    ).toBe(0)
    const got = await cli(v('get', 'Novu/Production/BLOB'))
    expect(got.code).toBe(0)
    expect(got.stdout.equals(Buffer.from(value, 'utf8'))).toBe(true)
  })

  it('key list --json is masked and has the documented shape', async () => {
    const r = await cli(v('key', 'list', 'Novu', '--json'))
    expect(r.code).toBe(0)
    expect(r.stdout.toString()).not.toContain(CANARY)
    const items = JSON.parse(r.stdout.toString()) as Record<string, unknown>[]
    const item = items.find((i) => i.name === 'Secret key')!
    expect(Object.keys(item)).toEqual(
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
    expect(item).toMatchObject({ app: 'Novu', env: 'Production', status: 'ok', rotationIntervalDays: 90 })
    expect(item.fields).toEqual([
      expect.objectContaining({
        envVar: 'NOVU_SECRET_KEY',
        kind: 'secret',
        masked: '••••1e5b',
      }),
    ])
  })

  it('adds a pair field, rotates with history and overlap', async () => {
    expect(
      (
        await cli(
          v(
            'key',
            'add-field',
            'Novu/Production/Secret key',
            '--env-var',
            'NOVU_APP_ID',
            '--public',
            '--value',
            'app-1',
          ),
        )
      ).code,
    ).toBe(0)
    const rot = await cli(
      v('key', 'rotate', 'Novu/Production/NOVU_SECRET_KEY', '--value-stdin', '--overlap-hours', '12'),
      {
        input: 'sk_new_value_000000000',
      },
    )
    expect(rot.code).toBe(0)
    const h = await cli(v('key', 'history', 'Novu/Production/NOVU_SECRET_KEY', '--json'))
    const rows = JSON.parse(h.stdout.toString()) as { reason: string; validUntil: string | null }[]
    expect(rows[0]).toMatchObject({ reason: 'manual' })
    expect(rows[0]!.validUntil).not.toBeNull()
    expect(h.stdout.toString()).not.toContain(CANARY)
    expect((await cli(v('get', 'Novu/Production/NOVU_SECRET_KEY'))).stdout.toString()).toBe(
      'sk_new_value_000000000',
    )
  })

  it('due exits 2 for an overdue key; due --counts works without a password', async () => {
    const old = new Date(Date.now() - 100 * 86_400_000).toISOString().slice(0, 10)
    expect(
      (
        await cli(
          v(
            'key',
            'add',
            'Novu',
            'Production',
            'Old',
            '--env-var',
            'OLD_KEY',
            '--value',
            'x',
            '--last-rotated',
            old,
          ),
        )
      ).code,
    ).toBe(0)
    const due = await cli(v('due', '--json'))
    expect(due.code).toBe(2)
    expect(JSON.parse(due.stdout.toString())).toEqual([
      expect.objectContaining({ name: 'Old', status: 'overdue' }),
    ])
    const counts = await cli(v('due', '--counts', '--json'), { env: { KEYSHELF_PASSWORD: undefined } })
    expect(counts.code).toBe(2)
    expect(JSON.parse(counts.stdout.toString())).toMatchObject({ overdue: 1 })
    expect((await cli(v('key', 'rm', 'Novu/Production/Old', '--yes'))).code).toBe(0)
    expect((await cli(v('due'))).code).toBe(0)
  })

  it('export writes 0600 files, refuses overwrites and unrepresentable values, never prints secrets in errors', async () => {
    const out = join(t.dir, '.env')
    expect(
      (
        await cli(
          v('export', 'Novu', 'Production', '--format', 'json', '--only', 'NOVU_SECRET_KEY', '-o', out),
        )
      ).code,
    ).toBe(0)
    expect(statSync(out).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ NOVU_SECRET_KEY: 'sk_new_value_000000000' })
    const again = await cli(v('export', 'Novu', 'Production', '--format', 'json', '-o', out))
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/--force/)
    const docker = await cli(v('export', 'Novu', 'Production', '--format', 'docker'))
    expect(docker.code).toBe(1)
    expect(docker.stderr).toMatch(/BLOB/)
    expect(docker.stderr).not.toContain('line1')
  })

  it('import: dry run changes nothing, a malformed line is reported and nothing is imported', async () => {
    const file = join(t.dir, 'in.env')
    writeFileSync(file, 'NEW_ONE=hello\nNOVU_APP_ID=app-2\nnot valid\n')
    const bad = await cli(v('import', 'Novu', 'Production', file))
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/in\.env:3/)
    writeFileSync(file, 'NEW_ONE=hello\nNOVU_APP_ID=app-2\n')
    expect((await cli(v('import', 'Novu', 'Production', file, '--dry-run'))).code).toBe(0)
    expect((await cli(v('get', 'Novu/Production/NEW_ONE'))).code).toBe(5)
    expect((await cli(v('import', 'Novu', 'Production', file))).code).toBe(0)
    expect((await cli(v('get', 'Novu/Production/NEW_ONE'))).stdout.toString()).toBe('hello')
  })

  it('run passes env, exit codes and signals; --mask hides secrets', async () => {
    const r = await cli(
      v(
        'run',
        '--app',
        'Novu',
        '--env',
        'Production',
        '--only',
        'NOVU_SECRET_KEY',
        '--mask',
        '--',
        'sh',
        '-c',
        'echo "k=$NOVU_SECRET_KEY"; exit 7',
      ),
    )
    expect(r.code).toBe(7)
    expect(r.stdout.toString()).toBe('k=*****\n')
    const plain = await cli(
      v(
        'run',
        '--app',
        'Novu',
        '--env',
        'Production',
        '--only',
        'NOVU_SECRET_KEY',
        '--',
        'sh',
        '-c',
        'printf %s "$NOVU_SECRET_KEY"',
      ),
    )
    expect(plain.stdout.toString()).toBe('sk_new_value_000000000')
    const sig = await cli(v('run', '--app', 'Novu', '--env', 'Production', '--', 'sh', '-c', 'kill -TERM $$'))
    expect(sig.signal).toBe('SIGTERM')
  })

  it('exit codes: 3 wrong password (files unchanged), 5 not found, 4 corrupt vault, 1 usage', async () => {
    const hash = () =>
      readdirSync(t.dir)
        .filter((f) => f.startsWith('vault.db'))
        .sort()
        .map((f) =>
          createHash('sha256')
            .update(readFileSync(join(t.dir, f)))
            .digest('hex'),
        )
        .join()
    const before = hash()
    const wrong = await cli(v('key', 'list'), { env: { KEYSHELF_PASSWORD: 'nope' } })
    expect(wrong.code).toBe(3)
    expect(hash()).toBe(before)
    expect((await cli(v('get', 'Novu/Production/MISSING'))).code).toBe(5)
    expect((await cli(v('app', 'list', '--bogus'))).code).toBe(1)
    expect((await cli(v('frobnicate'))).code).toBe(1)
    const t3 = tempDir()
    try {
      const broken = join(t3.dir, 'vault.db')
      writeFileSync(broken, Buffer.alloc(8192, 0x42))
      const r = await cli(['--vault', broken, 'key', 'list'])
      expect(r.code).toBe(4)
      expect(r.stderr).toMatch(/corrupt/)
    } finally {
      t3.cleanup()
    }
  })

  it('passwd changes the password', async () => {
    const r = await cli(v('passwd'), { env: { KEYSHELF_NEW_PASSWORD: 'a brand new password' } })
    expect(r.code).toBe(0)
    expect((await cli(v('app', 'list'))).code).toBe(3)
    expect((await cli(v('app', 'list'), { env: { KEYSHELF_PASSWORD: 'a brand new password' } })).code).toBe(0)
    expect(
      (
        await cli(v('passwd'), {
          env: { KEYSHELF_PASSWORD: 'a brand new password', KEYSHELF_NEW_PASSWORD: PASSWORD },
        })
      ).code,
    ).toBe(0)
  })

  it('--password-stdin takes the first line; the rest is the value', async () => {
    const r = await cli(
      v(
        '--password-stdin',
        'key',
        'add',
        'Novu',
        'Production',
        'Piped',
        '--env-var',
        'PIPED',
        '--value-stdin',
      ),
      {
        input: `${PASSWORD}\nsecond\nline`,
        env: { KEYSHELF_PASSWORD: undefined },
      },
    )
    expect(r.code).toBe(0)
    expect((await cli(v('get', 'Novu/Production/PIPED'))).stdout.toString()).toBe('second\nline')
  })
})

describe('keyshelf provider commands against the Cloudflare fake', () => {
  let cf: CloudflareFake
  beforeAll(async () => {
    cf = await startCloudflareFake({ tokens: 4 })
    expect((await cli(v('app', 'add', 'Cloudflare'))).code).toBe(0)
  })
  afterAll(async () => cf.close())

  it('connects, syncs, rotates via the provider and verifies', async () => {
    const admin = cf.state.secretOf(cf.state.adminId)
    const add = await cli(
      v(
        'provider',
        'add',
        'Cloudflare',
        '--provider',
        'cloudflare',
        '--env',
        'Production',
        '--key-stdin',
        '--api-url',
        cf.url,
      ),
      { input: admin },
    )
    expect(add.code).toBe(0)
    expect(add.stdout.toString()).toMatch(/3 added/)
    expect(add.stderr).not.toContain(admin)
    const sync = await cli(v('sync', 'Cloudflare', '--json'))
    expect(JSON.parse(sync.stdout.toString())[0]).toMatchObject({ provider: 'cloudflare', unchanged: 4 })
    const rot = await cli(v('key', 'rotate', 'Cloudflare/Production/CLOUDFLARE_API_TOKEN', '--via-provider'))
    expect(rot.code).toBe(0)
    expect(rot.stderr).toMatch(/stopped working/)
    expect((await cli(v('get', 'Cloudflare/Production/CLOUDFLARE_API_TOKEN'))).stdout.toString()).toBe(
      cf.state.secretOf(cf.state.adminId),
    )
    const ver = await cli(v('key', 'verify', 'Cloudflare/Production/CLOUDFLARE_API_TOKEN'))
    expect(ver.code).toBe(0)
    expect(ver.stdout.toString()).toMatch(/accepts/)
  })
})
