import { spawn } from 'node:child_process'
import { createCore } from '../../core/core'
import { KeyshelfError } from '../../core/errors'
import { agentPaths } from '../../core/agent/agent-paths'
import { desktopIdleMinutes, serveAgent, socketAnswers } from '../../core/agent/agent-server'
import type { CliCommand } from '../cli-context'
import { UsageError, stdinParts } from '../cli-io'

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

function idleOption(v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v) || Number(v) > 24 * 60)
    throw new UsageError('--idle-minutes takes a whole number of minutes from 0 (never) to 1440.')
  return Number(v)
}

/** Exit codes the agent reports before it detaches, by error code (as run-cli maps them). */
const EXIT_OF: Record<string, number> = { WRONG_PASSWORD: 3, VAULT_CORRUPT: 4, NOT_FOUND: 5, NO_VAULT: 5 }

/** The agent's `error N message` back as the error run-cli reports (same exit code, JSON with --json). */
function agentStartError(exit: number, message: string): KeyshelfError {
  const code =
    exit === 3 ? 'WRONG_PASSWORD' : exit === 4 ? 'VAULT_CORRUPT' : exit === 5 ? 'NO_VAULT' : 'INTERNAL'
  return new KeyshelfError(code, message)
}

/** `keyshelf unlock` / `keyshelf lock` and the agent's own (hidden) entry. */
export const agentCommands: CliCommand[] = [
  {
    words: ['unlock'],
    usage: 'unlock [--idle-minutes N] [--json]',
    summary: 'start the unlock agent: later commands need no password until it locks',
    help: [
      'Like ssh-agent: a background process keeps this vault unlocked and runs keyshelf commands for you;',
      "run, init and passwd still run here. It locks after the desktop app's idle minutes (default 10;",
      '--idle-minutes 0 never), when the machine sleeps, and with `keyshelf lock`.',
      'Its socket (0600) and cookie file (0600) are in $XDG_RUNTIME_DIR/keyshelf (else a 0700 folder in',
      '/tmp); only your user can read the cookie, and every request must carry it. KEYSHELF_NO_AGENT=1',
      'makes one command ignore the agent.',
      '--json prints {"ok","message","agent":"started"|"running","pid","vault","socket","idleMinutes"}.',
    ].join('\n'),
    options: { 'idle-minutes': { type: 'string' }, json: { type: 'boolean' } },
    positionals: [0, 0],
    async run(ctx, opts) {
      const idle = idleOption(str(opts['idle-minutes']))
      const paths = agentPaths(ctx.io.env, ctx.global.vault, true)
      if (!paths)
        throw new UsageError(
          'No private runtime folder for the agent: set XDG_RUNTIME_DIR to a folder only you can open.',
        )
      if (await socketAnswers(paths.socket)) {
        ctx.done('Already unlocked: an agent serves this vault. `keyshelf lock` stops it.', {
          agent: 'running',
          pid: null,
          vault: ctx.global.vault,
          socket: paths.socket,
          idleMinutes: null,
        })
        return 0
      }
      const core = ctx.core()
      if ((await core.status()).state === 'no-vault') throw ctx.noVault()
      const password = await ctx.password()
      const env = { ...ctx.io.env }
      delete env.KEYSHELF_PASSWORD
      delete env.KEYSHELF_NEW_PASSWORD
      const entry = process.argv[1] ?? ''
      const child = spawn(
        process.execPath,
        [
          entry,
          '--vault',
          ctx.global.vault,
          '__agent',
          ...(idle !== undefined ? ['--idle-minutes', String(idle)] : []),
        ],
        { detached: true, stdio: ['pipe', 'pipe', 'ignore'], env, cwd: process.cwd() },
      )
      child.stdin.on('error', () => undefined)
      child.stdin.end(password + '\n')
      const line = await new Promise<string>((resolve) => {
        let buf = ''
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString('utf8')
          if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')))
        })
        child.once('exit', () => resolve(buf || 'error 1 The agent stopped while starting.'))
        child.once('error', () => resolve('error 1 The agent could not start.'))
      })
      child.stdout.destroy()
      child.unref()
      const m = /^ok (\d+)$/.exec(line)
      if (!m) {
        const e = /^error (\d+) (.*)$/.exec(line)
        throw agentStartError(Number(e?.[1] ?? 1), e?.[2] ?? 'the agent could not start.')
      }
      const minutes = Number(m[1])
      ctx.done(
        `Unlocked: the agent (pid ${child.pid}) keeps ${ctx.global.vault} open ${minutes > 0 ? `until ${minutes} idle minutes pass` : 'until you lock it'}. \`keyshelf lock\` locks now.`,
        {
          agent: 'started',
          pid: child.pid ?? null,
          vault: ctx.global.vault,
          socket: paths.socket,
          idleMinutes: minutes,
        },
      )
      return 0
    },
  },
  {
    words: ['lock'],
    usage: 'lock [--json]',
    summary: 'stop the unlock agent (the key is wiped from memory)',
    help: '--json prints {"ok","message","locked":true,"stopped":"agent"|"app"|null} (null: nothing was serving the vault).',
    options: { json: { type: 'boolean' } },
    positionals: [0, 0],
    async run(ctx) {
      // A running agent answers `lock` itself before this runs (agent-server); here none was running.
      ctx.done('Nothing to lock: no unlock agent serves this vault.', { locked: true, stopped: null })
      return 0
    },
  },
  {
    words: ['__agent'],
    usage: '__agent [--idle-minutes N]',
    summary: 'the unlock agent itself (started by keyshelf unlock)',
    hidden: true,
    options: { 'idle-minutes': { type: 'string' } },
    positionals: [0, 0],
    async run(ctx, opts) {
      const report = (line: string) => ctx.io.stdout.write(line + '\n')
      const idleMinutes = idleOption(str(opts['idle-minutes'])) ?? desktopIdleMinutes(ctx.io.env)
      const { password } = await stdinParts(ctx.io, true)
      const core = createCore({ vaultPath: ctx.global.vault, origin: 'cli' })
      try {
        await core.unlock({ password: password ?? '' })
      } catch (err) {
        await core.close()
        const k = err instanceof KeyshelfError ? err : null
        report(
          `error ${k ? (EXIT_OF[k.code] ?? 1) : 1} ${k ? k.message : 'the vault could not be unlocked.'}`,
        )
        return 1
      }
      process.title = 'keyshelf-agent'
      const { runCli } = await import('../run-cli')
      try {
        await serveAgent({
          vault: ctx.global.vault,
          core,
          env: ctx.io.env,
          idleMinutes,
          // Test-only hook (named so it cannot be set by accident): lock after this many milliseconds.
          ...(ctx.io.env.KEYSHELF_TEST_AGENT_IDLE_MS
            ? { idleMsForTests: Number(ctx.io.env.KEYSHELF_TEST_AGENT_IDLE_MS) }
            : {}),
          run: async (argv, io, c) => (await runCli(argv, io, { core: c })).code,
          onReady: () => {
            report(`ok ${idleMinutes}`)
            ctx.io.stdout.end?.()
          },
        })
      } catch (err) {
        await core.close()
        report(`error 1 ${err instanceof KeyshelfError ? err.message : 'the agent could not listen.'}`)
        return 1
      }
      return 0
    },
  },
]
