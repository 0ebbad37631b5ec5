/**
 * The unlock agent (like ssh-agent or rbw-agent): one background process per vault that holds the unlocked
 * core and runs the CLI's commands for clients on the same machine, so no command needs the password or
 * pays the KDF again while it runs.
 *
 * Who may talk to it: the socket is 0600 in a 0700 runtime folder owned by the user, and every request must
 * carry the 32-byte random cookie the agent wrote (0600) next to it. Node cannot read SO_PEERCRED, so the
 * peer's uid is not checked directly; the cookie proves the client can read a file only this user (and
 * root) can read. It locks (exits, wiping the key) on `keyshelf lock`, after the idle minutes, when the
 * clock jumps (the machine was suspended), on SIGTERM/SIGINT/SIGHUP, and when its files are removed.
 */
import { withAuditOrigin } from '../audit-origin'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { connect, createServer, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import type { Readable, Writable as WritableStream } from 'node:stream'
import type { KeyshelfCore } from '../core'
import { InvalidInputError } from '../errors'
import { defaultVaultPath } from '../vault-path'
import { agentPaths, canonicalVault, type AgentPaths } from './agent-paths'
import { agentRequestSchema } from './agent-protocol'
import { encodeResponse, MAX_REQUEST_BYTES } from './agent-wire'
import { addressOf, ownAnswer, wantsJson } from './agent-address'

/** Commands the agent refuses even with a valid cookie (they need the user's terminal or a password). */
const REFUSED = new Set(['init', 'passwd', 'run', '__agent'])

/** The streams and environment one CLI invocation gets (the CLI's CliIo). */
export interface AgentRunIo {
  stdin: Readable & { isTTY?: boolean }
  stdout: WritableStream & { isTTY?: boolean }
  stderr: WritableStream & { isTTY?: boolean }
  env: NodeJS.ProcessEnv
}

/** Runs one CLI invocation against the agent's unlocked core (run-cli's runCli, passed in). */
export type RunWithCore = (argv: string[], io: AgentRunIo, core: KeyshelfCore) => Promise<number>

export interface AgentOptions {
  vault: string
  core: KeyshelfCore
  env: NodeJS.ProcessEnv
  /** Idle minutes before it locks; 0 never (as the app's preference). */
  idleMinutes: number
  /** Tests only: idle limit in milliseconds instead of minutes, checked every 100 ms. */
  idleMsForTests?: number
  run: RunWithCore
  /** Called once the socket listens. */
  onReady(paths: AgentPaths): void
  now?: () => number
  /**
   * The desktop app serving the CLI: stop serving when this aborts (the window locked, the setting was turned
   * off, the app quits). The core is then NOT closed (it is the window's), and no signal handler is installed
   * (Electron handles SIGTERM/SIGINT itself).
   */
  stopSignal?: AbortSignal
  /** `keyshelf lock` through the desktop app: lock the window too (the CLI agent just stops). */
  onLockCommand?: () => void
}

/**
 * The desktop app's "lock after N idle minutes" preference (its config.json next to the default vault),
 * or the app's default, 10.
 */
export function desktopIdleMinutes(env: NodeJS.ProcessEnv): number {
  try {
    const file = join(dirname(defaultVaultPath(env)), 'config.json')
    const v = (JSON.parse(readFileSync(file, 'utf8')) as { preferences?: { autoLockMinutes?: unknown } })
      .preferences?.autoLockMinutes
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 24 * 60) return v
  } catch {
    // no desktop settings: the default
  }
  return 10
}

/** True when something answers on the socket (a live agent), false for a stale file. */
export function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path)
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

/** Collects a stream's bytes. */
class Collector extends Writable {
  chunks: Buffer[] = []
  constructor(readonly isTTY: boolean) {
    super()
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
    cb()
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks)
  }
}

/** Serves until locked; resolves when the agent has stopped and wiped its key. */
export async function serveAgent(opts: AgentOptions): Promise<void> {
  const now = opts.now ?? Date.now
  const paths = agentPaths(opts.env, opts.vault, true)
  if (!paths) {
    throw new InvalidInputError(
      'No private runtime folder for the agent (set XDG_RUNTIME_DIR to a folder only you can open).',
    )
  }
  if (existsSync(paths.socket)) {
    if (await socketAnswers(paths.socket))
      throw new InvalidInputError('An unlock agent already serves this vault. `keyshelf lock` stops it.')
    unlinkSync(paths.socket)
  }
  const vaultFile = canonicalVault(opts.vault)
  const cookie = randomBytes(32).toString('hex')
  try {
    unlinkSync(paths.cookie)
  } catch {
    // none yet
  }
  writeFileSync(paths.cookie, cookie + '\n', { mode: 0o600, flag: 'wx' })
  const cookieBytes = Buffer.from(cookie)

  let lastUsed = now()
  let stopping = false
  let queue: Promise<void> = Promise.resolve()
  let stop: () => void = () => undefined
  const stopped = new Promise<void>((resolve) => (stop = resolve))

  const shutdown = () => {
    if (stopping) return
    stopping = true
    clearInterval(timer)
    server.close()
    for (const p of [paths.socket, paths.cookie]) {
      try {
        if (p !== paths.cookie || readFileSync(p, 'utf8').trim() === cookie) unlinkSync(p)
      } catch {
        // already gone
      }
    }
    if (opts.stopSignal) stop()
    else void opts.core.close().finally(stop)
  }

  const answer = (sock: Socket, code: number, out: string | Buffer, err: string | Buffer) => {
    sock.end(encodeResponse(code, Buffer.from(out), Buffer.from(err)))
  }

  const handle = async (sock: Socket, raw: Buffer) => {
    let body: unknown
    try {
      body = JSON.parse(raw.toString('utf8'))
    } catch {
      return answer(sock, 1, '', 'keyshelf: the agent could not read the request.\n')
    }
    const parsed = agentRequestSchema.safeParse(body)
    if (!parsed.success) {
      const v = (body as { v?: unknown } | null)?.v
      return answer(
        sock,
        1,
        '',
        v !== undefined && v !== 1
          ? 'keyshelf: the running agent is another version; run `keyshelf lock`, then `keyshelf unlock`.\n'
          : 'keyshelf: the agent refused a malformed request.\n',
      )
    }
    const req = parsed.data
    const json = wantsJson(req.argv)
    const own = (code: number, r: Parameters<typeof ownAnswer>[1]) => {
      const { out, err } = ownAnswer(json, r)
      answer(sock, code, out, err)
    }
    const given = Buffer.from(req.cookie)
    if (given.length !== cookieBytes.length || !timingSafeEqual(given, cookieBytes)) {
      const error = 'the agent refused the request (wrong cookie).'
      return own(1, { error, code: 'INVALID_INPUT', exit: 1 })
    }
    lastUsed = now()
    const command = addressOf(req.argv, {}).words[0] ?? ''
    if (command === 'lock') {
      own(0, {
        ok: opts.stopSignal
          ? 'Locked: the Keyshelf app locked its window and stopped serving the CLI.'
          : 'Locked: the unlock agent stopped and forgot the key.',
        data: { locked: true, stopped: opts.stopSignal ? 'app' : 'agent' },
      })
      shutdown()
      opts.onLockCommand?.()
      return
    }
    if (command === 'unlock') {
      const idle =
        opts.idleMinutes > 0 ? `after ${opts.idleMinutes} idle minutes` : 'only with `keyshelf lock`'
      return own(0, {
        ok: `Already unlocked by the agent (pid ${process.pid}); it locks ${idle}.`,
        data: {
          agent: 'running',
          pid: process.pid,
          vault: opts.vault,
          socket: paths.socket,
          idleMinutes: opts.idleMinutes,
        },
      })
    }
    if (REFUSED.has(command)) {
      return own(1, { error: `${command} does not run through the agent.`, code: 'INVALID_INPUT', exit: 1 })
    }
    const stdin = new PassThrough() as PassThrough & { isTTY?: boolean }
    stdin.end(req.stdin !== null ? Buffer.from(req.stdin, 'base64') : Buffer.alloc(0))
    const out = new Collector(req.tty.stdout)
    const err = new Collector(false)
    let code = 1
    const cwd = process.cwd()
    try {
      process.chdir(req.cwd)
      // Audited as the CLI's, also when the desktop app's core serves it (Settings → CLI access).
      code = await withAuditOrigin('cli', () =>
        opts.run(req.argv, { stdin, stdout: out, stderr: err, env: { ...opts.env } }, opts.core),
      )
    } catch {
      err.write(
        ownAnswer(json, { error: 'the agent could not run the command.', code: 'INTERNAL', exit: 1 }).err,
      )
    } finally {
      // The desktop app's main process keeps its own working folder.
      if (opts.stopSignal) process.chdir(cwd)
    }
    answer(sock, code, out.bytes(), err.bytes())
  }

  const server = createServer((sock) => {
    const chunks: Buffer[] = []
    let size = 0
    sock.on('error', () => undefined)
    sock.on('data', (d: Buffer) => {
      size += d.length
      if (size > MAX_REQUEST_BYTES) {
        sock.destroy()
        return
      }
      chunks.push(d)
      const all = Buffer.concat(chunks)
      const nl = all.indexOf(0x0a)
      if (nl < 0) return
      sock.removeAllListeners('data')
      // One command at a time: commands share the core and the process's working folder.
      queue = queue.then(() => handle(sock, all.subarray(0, nl))).catch(() => undefined)
    })
  })

  // Idle and suspend: a tick every 5-60 s; a tick that comes a minute late means the machine slept.
  const idleMs = opts.idleMsForTests ?? opts.idleMinutes * 60_000
  const tickMs =
    opts.idleMsForTests !== undefined
      ? 100
      : Math.min(60_000, Math.max(5_000, Math.round(opts.idleMinutes * 6_000) || 60_000))
  let lastTick = now()
  const timer = setInterval(() => {
    const t = now()
    const slept = t - lastTick > tickMs + 60_000
    lastTick = t
    const idle = idleMs > 0 && t - lastUsed >= idleMs
    const gone = !existsSync(paths.cookie) || !existsSync(vaultFile)
    if (slept || idle || gone) shutdown()
  }, tickMs)
  const signals = opts.stopSignal ? [] : (['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
  for (const sig of signals) process.on(sig, shutdown)
  if (opts.stopSignal?.aborted) shutdown()
  opts.stopSignal?.addEventListener('abort', shutdown, { once: true })

  const oldMask = process.umask(0o177)
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(paths.socket, () => resolve())
    })
  } finally {
    process.umask(oldMask)
  }
  opts.onReady(paths)
  await stopped
  for (const sig of signals) process.off(sig, shutdown)
}
