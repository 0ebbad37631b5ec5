/**
 * The client side of the unlock agent: before the rest of the CLI loads, `keyshelf` asks a running agent
 * for the same vault to run the command (no password, no KDF, no database open in this process). Returns
 * null when no agent answers, and the caller falls back to the normal path, which asks for the password.
 * Only node: built-ins and two tiny modules are imported here, so that path stays fast.
 */
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import type { Readable, Writable } from 'node:stream'
import { addressOf, ownAnswer, wantsJson } from '../../core/agent/agent-address'
import { agentPaths } from '../../core/agent/agent-paths'
import { AGENT_PROTOCOL, type AgentRequest, parseResponseHeader } from '../../core/agent/agent-wire'

export { addressOf }

/** What the client touches. */
export interface AgentClientIo {
  stdin: Readable & { isTTY?: boolean }
  stdout: Writable & { isTTY?: boolean }
  stderr: Writable & { isTTY?: boolean }
  env: NodeJS.ProcessEnv
  cwd: string
}

/** Commands that never go through the agent: they need this terminal, a new password or no vault. */
const LOCAL_ONLY = new Set([
  'init',
  'passwd',
  'run',
  'help',
  'completion',
  '__agent',
  '__complete',
  '__clipboard-clear',
  'restore',
])
/** Commands whose value comes from stdin when one of these flags is given. */
const STDIN_FLAGS = ['--value-stdin', '--key-stdin', '--password-stdin']

async function readStdin(stdin: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer))
  return Buffer.concat(chunks)
}

/**
 * Runs `argv` through the agent and returns its exit code, or null when no agent serves this vault (or the
 * command must run here). After the request is sent, a failure is reported, never retried: the command may
 * already have changed the vault.
 */
export async function tryAgent(argv: string[], io: AgentClientIo): Promise<number | null> {
  if (io.env.KEYSHELF_NO_AGENT === '1') return null
  if (argv.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-v')) return null
  const { vault, words } = addressOf(argv, io.env)
  if (words.length === 0 || LOCAL_ONLY.has(words[0] ?? '')) return null
  const paths = agentPaths(io.env, vault)
  if (!paths) return null
  let cookie: string
  try {
    cookie = readFileSync(paths.cookie, 'utf8').trim()
  } catch {
    return null
  }
  const socket = connect(paths.socket)
  const connected = await new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true))
    socket.once('error', () => resolve(false))
  })
  if (!connected) {
    socket.destroy()
    return null
  }
  const needsStdin =
    argv.some((a) => STDIN_FLAGS.includes(a)) || (words[0] === 'import' && words.includes('-'))
  const req: AgentRequest = {
    v: AGENT_PROTOCOL,
    cookie,
    argv,
    cwd: io.cwd,
    tty: { stdin: !!io.stdin.isTTY, stdout: !!io.stdout.isTTY, stderr: !!io.stderr.isTTY },
    stdin: needsStdin ? (await readStdin(io.stdin)).toString('base64') : null,
  }
  return new Promise<number>((resolve) => {
    const chunks: Buffer[] = []
    let failed = false
    const fail = () => {
      if (failed) return
      failed = true
      const error =
        'the unlock agent stopped before it answered; check with `keyshelf key list` before running the command again.'
      io.stderr.write(ownAnswer(wantsJson(argv), { error, code: 'INTERNAL', exit: 1 }).err)
      resolve(1)
    }
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.on('error', fail)
    socket.on('end', () => {
      const all = Buffer.concat(chunks)
      const nl = all.indexOf(0x0a)
      const header = nl >= 0 ? parseResponseHeader(all.subarray(0, nl).toString('utf8')) : null
      if (!header || all.length !== nl + 1 + header.out + header.err) return fail()
      failed = true
      io.stdout.write(all.subarray(nl + 1, nl + 1 + header.out))
      io.stderr.write(all.subarray(nl + 1 + header.out))
      resolve(header.code)
    })
    socket.end(JSON.stringify(req) + '\n')
  })
}
