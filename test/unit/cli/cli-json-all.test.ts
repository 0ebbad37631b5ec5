/**
 * `--json` on every command that prints (issue 13 §2), enforced two ways:
 * - the registry: every visible command takes a boolean `json` option and says so in its usage, except the
 *   explicit allow-list below (each with its reason, also stated in the command's help);
 * - the processes: every command that takes --json is run as the built CLI with it, its stdout is parsed as
 *   JSON and key fields are checked (a command added to the registry without a case here fails the coverage
 *   test). Failures with --json are one JSON object on stderr with the documented exit code.
 * The Cloudflare fake, a real OpenBao dev server and a stand-in xclip give the provider, team and copy cases.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMANDS } from '../../../src-main/cli/run-cli'
import { startCloudflareFake, type CloudflareFake } from '../../fakes/cloudflare.fake'
import { startBaoDev, type BaoServer } from '../../helpers/openbao'
import {
  CHEAP_KDF,
  PASSWORD,
  cleanup,
  daysAgo,
  expectCode,
  expectNoSecrets,
  secret,
  tempVault,
  type KsOptions,
  type TestVault,
} from './cli-harness'

/**
 * Visible commands without --json, and why (each says so in its help). Every other visible command must take
 * it. Hidden commands (__agent, __complete, __clipboard-clear) are the CLI's own plumbing, not for users.
 */
const NO_JSON: Record<string, string> = {
  completion: 'what it prints is the shell script itself',
  run: 'stdout and stderr are the child command’s own',
}

const visible = COMMANDS.filter((c) => !c.hidden)
const nameOf = (c: { words: string[] }) => c.words.join(' ')
const jsonCommands = visible.filter((c) => !(nameOf(c) in NO_JSON)).map(nameOf)

describe('the command registry', () => {
  it('every visible command takes --json (in its options and its usage) unless allow-listed', () => {
    for (const c of visible) {
      const name = nameOf(c)
      if (name in NO_JSON) {
        expect(c.options?.json, `${name} is allow-listed without --json`).toBeUndefined()
        expect(c.help, `${name}'s help says why it has no --json`).toMatch(/No --json/)
      } else {
        expect(c.options?.json, `${name} lacks a json option`).toEqual({ type: 'boolean' })
        expect(c.usage, `${name}'s usage does not show --json`).toContain('--json')
      }
    }
    // The allow-list names real commands (it cannot rot into hiding nothing).
    for (const n of Object.keys(NO_JSON)) expect(visible.map(nameOf)).toContain(n)
  })
})

type Json = Record<string, unknown>

describe('--json on every command that prints, as processes', { timeout: 180_000 }, () => {
  let v: TestVault
  let cf: CloudflareFake
  let bao: BaoServer
  let rotatorToken = ''
  const VALUE = secret('sk_live_JSONALL_CANARY_0001')
  const NEXT = secret('sk_live_JSONALL_CANARY_0002')
  const NEW_PASSWORD = secret('a newer master password for json 77')

  /** Runs with --json, asserts the exit code, parses stdout (one JSON document) and checks it holds no secret. */
  async function json(args: string[], opts: KsOptions & { code?: number } = {}): Promise<unknown> {
    const r = await v.ks([...args, '--json'], opts)
    expectCode(r, opts.code ?? 0)
    expectNoSecrets(r.out)
    return JSON.parse(r.out) as unknown
  }
  const obj = async (args: string[], opts?: KsOptions & { code?: number }) => (await json(args, opts)) as Json
  const arr = async (args: string[], opts?: KsOptions & { code?: number }) => {
    const out = await json(args, opts)
    expect(Array.isArray(out)).toBe(true)
    return out as Json[]
  }

  beforeAll(async () => {
    cf = await startCloudflareFake({ tokens: 2 })
    bao = await startBaoDev()
    const tokens = await bao.teamTokens()
    rotatorToken = secret(tokens.rotator)
    secret(tokens.reader)
    secret(tokens.admin)
    secret(bao.rootToken)
    v = await tempVault(false)
  })
  afterAll(async () => {
    await v?.ks(['lock'])
    await cf?.close()
    await bao?.stop()
    cleanup()
  })

  /** One case per command that takes --json, in the order they run (later cases use earlier state). */
  const CASES: [string, () => Promise<void>][] = [
    [
      'init',
      async () => {
        expect(await obj(['init', ...CHEAP_KDF])).toMatchObject({ ok: true, vault: v.path })
      },
    ],
    [
      'app add',
      async () => {
        expect(await obj(['app', 'add', 'Shop'])).toMatchObject({ ok: true, app: 'Shop' })
      },
    ],
    [
      'app edit',
      async () => {
        expect(await obj(['app', 'edit', 'Shop', '--description', 'Web shop'])).toMatchObject({
          ok: true,
          app: 'Shop',
        })
      },
    ],
    [
      'app rename',
      async () => {
        await v.ok(['app', 'add', 'Old'])
        expect(await obj(['app', 'rename', 'Old', 'Gone'])).toMatchObject({
          ok: true,
          app: 'Gone',
          renamedFrom: 'Old',
        })
      },
    ],
    [
      'app list',
      async () => {
        const apps = await arr(['app', 'list'])
        expect(apps.map((a) => a.name).sort()).toEqual(['Gone', 'Shop'])
        expect(apps.find((a) => a.name === 'Shop')).toMatchObject({ description: 'Web shop', keys: 0 })
      },
    ],
    [
      'env add',
      async () => {
        expect(await obj(['env', 'add', 'Shop', 'Prod'])).toMatchObject({
          ok: true,
          app: 'Shop',
          env: 'Prod',
        })
      },
    ],
    [
      'env edit',
      async () => {
        expect(await obj(['env', 'edit', 'Shop', 'Prod', '--region', 'eu'])).toMatchObject({
          ok: true,
          app: 'Shop',
          env: 'Prod',
        })
      },
    ],
    [
      'env rename',
      async () => {
        await v.ok(['env', 'add', 'Shop', 'Stage'])
        expect(await obj(['env', 'rename', 'Shop', 'Stage', 'Staging'])).toMatchObject({
          ok: true,
          app: 'Shop',
          env: 'Staging',
          renamedFrom: 'Stage',
        })
      },
    ],
    [
      'env list',
      async () => {
        const envs = await arr(['env', 'list', 'Shop'])
        expect(envs.map((e) => e.name).sort()).toEqual(['Prod', 'Staging'])
        expect(envs.find((e) => e.name === 'Prod')).toMatchObject({ region: 'eu' })
      },
    ],
    [
      'key add',
      async () => {
        const r = await obj(
          ['key', 'add', 'Shop', 'Prod', 'Stripe', '--env-var', 'STRIPE_KEY', '--value-stdin'],
          {
            stdin: VALUE,
          },
        )
        expect(r).toMatchObject({ ok: true, path: 'Shop/Prod/STRIPE_KEY', key: 'Stripe' })
      },
    ],
    [
      'key add-field',
      async () => {
        const r = await obj([
          'key',
          'add-field',
          'Shop/Prod/Stripe',
          '--env-var',
          'STRIPE_PUB',
          '--public',
          '--value',
          'pk_public_1',
        ])
        expect(r).toMatchObject({ ok: true, key: 'Stripe', envVar: 'STRIPE_PUB' })
      },
    ],
    [
      'key list',
      async () => {
        const keys = await arr(['key', 'list', 'Shop'])
        expect(keys).toHaveLength(1)
        expect(keys[0]).toMatchObject({ app: 'Shop', env: 'Prod', name: 'Stripe', status: 'ok' })
        expect((keys[0]?.fields as Json[]).map((f) => f.envVar)).toEqual(['STRIPE_KEY', 'STRIPE_PUB'])
      },
    ],
    [
      'get',
      async () => {
        // The one command whose JSON holds a value: asked for by name.
        const r = await v.ok(['get', 'Shop/Prod/STRIPE_KEY', '--json'])
        const j = JSON.parse(r.out) as Json
        expect(Object.keys(j).sort()).toEqual(['app', 'env', 'envVar', 'key', 'kind', 'value'])
        expect(j).toMatchObject({ key: 'Stripe', envVar: 'STRIPE_KEY', value: VALUE })
      },
    ],
    [
      'copy',
      async () => {
        // A stand-in xclip that keeps the clipboard in a file; --clear-after 0 starts no clearer.
        const bin = join(v.dir, 'bin')
        mkdirSync(bin, { recursive: true })
        writeFileSync(join(bin, 'xclip'), `#!/bin/sh\ncat > "${join(v.dir, 'board')}"\n`)
        chmodSync(join(bin, 'xclip'), 0o755)
        const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, DISPLAY: ':99', WAYLAND_DISPLAY: undefined }
        expect(await obj(['copy', 'Shop/Prod/STRIPE_KEY', '--clear-after', '0'], { env })).toEqual({
          copied: 'Shop/Prod/STRIPE_KEY',
          tool: 'xclip',
          historyHint: false,
          clearsAfterSeconds: null,
        })
      },
    ],
    [
      'search',
      async () => {
        expect(await arr(['search', 'stripe'])).toContainEqual({
          path: 'Shop/Prod/STRIPE_KEY',
          app: 'Shop',
          env: 'Prod',
          key: 'Stripe',
          envVar: 'STRIPE_KEY',
        })
      },
    ],
    [
      'key rotate',
      async () => {
        const r = await obj(['key', 'rotate', 'Shop/Prod/STRIPE_KEY', '--value-stdin'], { stdin: NEXT })
        expect(r).toMatchObject({ ok: true, path: 'Shop/Prod/STRIPE_KEY', mode: 'manual' })
      },
    ],
    [
      'key history',
      async () => {
        const h = await arr(['key', 'history', 'Shop/Prod/STRIPE_KEY'])
        expect(h).toHaveLength(1)
        expect(h[0]).toMatchObject({ reason: 'manual', masked: expect.stringMatching(/^••••/) })
      },
    ],
    [
      'key edit',
      async () => {
        expect(await obj(['key', 'edit', 'Shop/Prod/Stripe', '--owner', 'ops'])).toMatchObject({
          ok: true,
          app: 'Shop',
          env: 'Prod',
          key: 'Stripe',
        })
      },
    ],
    [
      'key rm-field',
      async () => {
        expect(await obj(['key', 'rm-field', 'Shop/Prod/STRIPE_PUB', '--yes'])).toMatchObject({
          ok: true,
          removed: { app: 'Shop', env: 'Prod', key: 'Stripe', envVar: 'STRIPE_PUB' },
        })
      },
    ],
    [
      'key revoke',
      async () => {
        await v.ok(['key', 'add', 'Shop', 'Prod', 'Old', '--env-var', 'OLD_KEY', '--value', 'old-value-1'])
        expect(await obj(['key', 'revoke', 'Shop/Prod/Old'])).toMatchObject({
          ok: true,
          app: 'Shop',
          env: 'Prod',
          key: 'Old',
          status: 'revoked',
        })
      },
    ],
    [
      'key rm',
      async () => {
        expect(await obj(['key', 'rm', 'Shop/Prod/Old', '--yes'])).toMatchObject({
          ok: true,
          removed: { app: 'Shop', env: 'Prod', key: 'Old' },
          toTrash: false,
          stillAtProvider: null,
        })
      },
    ],
    [
      'due',
      async () => {
        await v.ok([
          'key',
          'add',
          'Shop',
          'Prod',
          'Legacy',
          '--env-var',
          'LEGACY_KEY',
          '--value',
          'legacy-value-1',
          '--last-rotated',
          daysAgo(200),
        ])
        const due = await arr(['due'], { code: 2 })
        expect(due).toContainEqual(expect.objectContaining({ name: 'Legacy', status: 'overdue' }))
        expect(await obj(['due', '--counts'], { code: 2 })).toMatchObject({ overdue: 1 })
      },
    ],
    [
      'audit',
      async () => {
        const log = await arr(['audit', '--limit', '5'])
        expect(log).toHaveLength(5)
        expect(typeof log[0]?.event).toBe('string')
      },
    ],
    [
      'import',
      async () => {
        const file = join(v.dir, 'in.env')
        writeFileSync(file, `NEW_TOKEN=${secret('tok_JSONALL_CANARY_0003')}\n`)
        expect(await obj(['import', 'Shop', 'Prod', file])).toMatchObject({
          dryRun: false,
          app: 'Shop',
          env: 'Prod',
          added: ['NEW_TOKEN'],
          imported: { added: 1, changed: 0 },
        })
      },
    ],
    [
      'import-from',
      async () => {
        const file = join(v.dir, 'doppler.env')
        writeFileSync(file, `MAIL_API_KEY=${secret('mail_JSONALL_CANARY_0004')}\n`)
        const r = await obj(['import-from', 'doppler', file, '--app', 'Imported'])
        expect(r).toMatchObject({ dryRun: false, imported: { keys: 1 } })
      },
    ],
    [
      'export',
      async () => {
        const file = join(v.dir, 'out.env')
        expect(await obj(['export', 'Shop', 'Prod', '-o', file])).toMatchObject({
          ok: true,
          path: file,
          format: 'dotenv',
          example: false,
          addedToGitignore: null,
          gitWarning: null,
        })
      },
    ],
    [
      'inject',
      async () => {
        const tpl = join(v.dir, 'tpl.txt')
        writeFileSync(tpl, 'key={{ keyshelf://Shop/Prod/STRIPE_KEY }}\n')
        const out = join(v.dir, 'filled.txt')
        expect(await obj(['inject', '-i', tpl, '-o', out])).toMatchObject({ ok: true, path: out, values: 1 })
      },
    ],
    [
      'report',
      async () => {
        const out = join(v.dir, 'report.csv')
        const r = await obj(['report', '--format', 'csv', '-o', out])
        expect(r).toMatchObject({ ok: true, path: out, format: 'csv' })
        expect(r.keys).toBeGreaterThanOrEqual(3)
      },
    ],
    [
      'backup',
      async () => {
        expect(await obj(['backup', join(v.dir, 'backup.db')])).toMatchObject({
          path: join(v.dir, 'backup.db'),
        })
      },
    ],
    [
      'restore',
      async () => {
        const other = join(v.dir, 'restored.db')
        expect(await obj(['restore', join(v.dir, 'backup.db'), '--vault', other])).toMatchObject({
          path: other,
        })
      },
    ],
    [
      'provider add',
      async () => {
        await v.ok(['app', 'add', 'Edge'])
        const admin = secret(cf.state.secretOf(cf.state.adminId))
        const args = 'provider add Edge --provider cloudflare --env Production --key-stdin --api-url'.split(
          ' ',
        )
        const r = await obj([...args, cf.url], { stdin: `${admin}\n` })
        expect(r).toMatchObject({ app: 'Edge', provider: 'cloudflare', environment: 'Production' })
      },
    ],
    [
      'sync',
      async () => {
        expect(await arr(['sync', 'Edge'])).toContainEqual(
          expect.objectContaining({ provider: 'cloudflare' }),
        )
      },
    ],
    [
      'key verify',
      async () => {
        expect(await obj(['key', 'verify', 'Edge/Production/CLOUDFLARE_API_TOKEN'])).toMatchObject({
          path: 'Edge/Production/CLOUDFLARE_API_TOKEN',
          result: 'valid',
        })
      },
    ],
    [
      'verify',
      async () => {
        // Gone has no keys: nothing is sent to a real provider.
        expect(await arr(['verify', '--all', 'Gone'])).toEqual([])
        expect(Array.isArray(await json(['verify', '--last']))).toBe(true)
      },
    ],
    [
      'key finish-rotation',
      async () => {
        expect(await obj(['key', 'finish-rotation', 'Edge/Production/CLOUDFLARE_API_TOKEN'])).toMatchObject({
          ok: true,
          path: 'Edge/Production/CLOUDFLARE_API_TOKEN',
          deleted: false,
          alreadyGone: false,
          message: expect.stringMatching(/no two-key rotation is open/),
        })
      },
    ],
    [
      'reminders',
      async () => {
        // A guided rotation (AWS has no read-only check) leaves a reminder to revoke the old key.
        await v.ok(
          ['key', 'add', 'Shop', 'Prod', 'AWS', '--env-var', 'AWS_SECRET_ACCESS_KEY', '--value-stdin'],
          {
            stdin: secret('OLDawsSECRETjsonALL000000000000000000000001'),
          },
        )
        const g = await obj(
          ['key', 'rotate', 'Shop/Prod/AWS_SECRET_ACCESS_KEY', '--guided', '--overlap-hours', '6'],
          {
            stdin: secret('NEWawsSECRETjsonALL000000000000000000000002'),
          },
        )
        expect(g).toMatchObject({ ok: true, mode: 'guided', check: null })
        const list = await arr(['reminders'])
        expect(list).toContainEqual(expect.objectContaining({ key: 'AWS', due: false }))
        expect(await obj(['reminders', 'done', 'Shop/Prod/AWS_SECRET_ACCESS_KEY'])).toMatchObject({
          ok: true,
          path: 'Shop/Prod/AWS_SECRET_ACCESS_KEY',
          dismissed: true,
        })
        expect(await arr(['reminders'])).toEqual([])
      },
    ],
    [
      'app rm',
      async () => {
        expect(await obj(['app', 'rm', 'Gone', '--yes'])).toMatchObject({
          ok: true,
          removed: { app: 'Gone' },
          toTrash: true,
          environments: 0,
          keys: 0,
        })
      },
    ],
    [
      'env rm',
      async () => {
        expect(await obj(['env', 'rm', 'Shop', 'Staging', '--yes'])).toMatchObject({
          ok: true,
          removed: { app: 'Shop', env: 'Staging' },
          toTrash: true,
          keys: 0,
        })
      },
    ],
    [
      'trash list',
      async () => {
        const items = await arr(['trash', 'list'])
        expect(items.map((i) => i.address).sort()).toEqual(['Gone', 'Shop/Staging'])
      },
    ],
    [
      'trash restore',
      async () => {
        expect(await obj(['trash', 'restore', 'Gone'])).toMatchObject({
          ok: true,
          restored: { app: 'Gone' },
          kind: 'app',
          environments: 0,
          keys: 0,
        })
      },
    ],
    [
      'trash rm',
      async () => {
        expect(await obj(['trash', 'rm', 'Shop/Staging', '--yes'])).toMatchObject({
          ok: true,
          deleted: { app: 'Shop', env: 'Staging' },
          kind: 'environment',
        })
      },
    ],
    [
      'trash empty',
      async () => {
        await v.ok(['app', 'rm', 'Gone', '--yes'])
        expect(await obj(['trash', 'empty', '--yes'])).toMatchObject({ ok: true, items: 1, keys: 0 })
        expect(await obj(['trash', 'empty', '--yes'])).toMatchObject({ ok: true, items: 0 })
      },
    ],
    [
      'team connect',
      async () => {
        const r = await obj(['team', 'connect', 'payments', '--addr', bao.addr, '--token-stdin'], {
          stdin: rotatorToken + '\n',
        })
        expect(r).toMatchObject({ ok: true, team: 'payments', addrs: [bao.addr], authMethod: 'token' })
        expect(r.policies).toContain('keyshelf-rotator')
      },
    ],
    [
      'team list',
      async () => {
        expect(await arr(['team', 'list'])).toContainEqual(expect.objectContaining({ name: 'payments' }))
      },
    ],
    [
      'team share',
      async () => {
        expect(await obj(['team', 'share', 'Shop', '--team', 'payments'])).toMatchObject({
          ok: true,
          team: 'payments',
          app: 'Shop',
          environments: 1,
        })
      },
    ],
    [
      'team apps',
      async () => {
        expect(await arr(['team', 'apps', '--team', 'payments'])).toContainEqual(
          expect.objectContaining({ name: 'Shop', local: true }),
        )
      },
    ],
    [
      'team pull',
      async () => {
        expect(await obj(['team', 'pull', '--team', 'payments'])).toMatchObject({
          team: 'payments',
          offlineSince: null,
        })
      },
    ],
    [
      'team disconnect',
      async () => {
        expect(await obj(['team', 'disconnect', 'payments'])).toMatchObject({
          ok: true,
          team: 'payments',
          apps: 1,
        })
      },
    ],
    [
      'rekey',
      async () => {
        const r = await v.ks(['rekey', '--json'])
        expectCode(r, 0)
        // Progress and notes never mix into stdout: one object there.
        const j = JSON.parse(r.out) as Json
        expect(j).toMatchObject({ ok: true, rekeyed: true })
        expect(j.resealed).toBeGreaterThan(0)
      },
    ],
    [
      'passwd',
      async () => {
        const r = await v.ks(['passwd', '--json'], { env: { KEYSHELF_NEW_PASSWORD: NEW_PASSWORD } })
        expectCode(r, 0)
        expect(JSON.parse(r.out)).toEqual({
          ok: true,
          message: 'Master password changed.',
          passwordChanged: true,
          rekeyed: false,
          resealed: null,
        })
        expect(r.err).toMatch(/^Tip: keyshelf rekey/) // the note stays on stderr
        const back = await obj(['passwd', '--rekey'], {
          env: { KEYSHELF_PASSWORD: NEW_PASSWORD, KEYSHELF_NEW_PASSWORD: PASSWORD },
        })
        expect(back).toMatchObject({ ok: true, passwordChanged: true, rekeyed: true })
      },
    ],
    [
      'unlock',
      async () => {
        const started = await obj(['unlock'])
        expect(started).toMatchObject({ ok: true, agent: 'started', vault: v.path, idleMinutes: 10 })
        expect(started.pid).toEqual(expect.any(Number))
        // Asked again, the agent itself answers.
        expect(await obj(['unlock'], { env: { KEYSHELF_PASSWORD: undefined } })).toMatchObject({
          ok: true,
          agent: 'running',
          pid: started.pid,
          idleMinutes: 10,
        })
      },
    ],
    [
      'lock',
      async () => {
        expect(await obj(['lock'], { env: { KEYSHELF_PASSWORD: undefined } })).toEqual({
          ok: true,
          message: 'Locked: the unlock agent stopped and forgot the key.',
          locked: true,
          stopped: 'agent',
        })
        expect(await obj(['lock'])).toMatchObject({ ok: true, locked: true, stopped: null })
      },
    ],
  ]

  it('has a case for every command that takes --json', () => {
    expect(CASES.map(([n]) => n).sort()).toEqual([...jsonCommands].sort())
  })

  for (const [name, run] of CASES) it(`${name} --json`, run)

  it('failures with --json: one JSON error object on stderr, nothing on stdout, the documented exit code', async () => {
    const cases: { args: string[]; env?: Record<string, string | undefined>; code: string; exit: number }[] =
      [
        // 1: usage (--json on export reports the file -o wrote; none was given).
        { args: ['export', 'Shop', 'Prod'], code: 'INVALID_INPUT', exit: 1 },
        { args: ['lock', '--colour', 'red'], code: 'INVALID_INPUT', exit: 1 },
        // 3: wrong password, also when unlock starts the agent.
        {
          args: ['app', 'list'],
          env: { KEYSHELF_PASSWORD: 'not the password' },
          code: 'WRONG_PASSWORD',
          exit: 3,
        },
        { args: ['unlock'], env: { KEYSHELF_PASSWORD: 'not the password' }, code: 'WRONG_PASSWORD', exit: 3 },
        // 5: not found.
        { args: ['key', 'rm', 'Shop/Prod/NOPE', '--yes'], code: 'NOT_FOUND', exit: 5 },
        { args: ['trash', 'restore', 'Nothing'], code: 'NOT_FOUND', exit: 5 },
      ]
    for (const c of cases) {
      const r = await v.ks([...c.args, '--json'], c.env ? { env: c.env } : {})
      expectCode(r, c.exit)
      expect(r.out, c.args.join(' ')).toBe('')
      const e = JSON.parse(r.err) as { error: { code: string; message: string; exit: number } }
      expect(e, c.args.join(' ')).toEqual({
        error: { code: c.code, message: expect.any(String), exit: c.exit },
      })
      expect(e.error.message).not.toMatch(/^keyshelf:/)
    }
  })
})
