import type { Readable, Writable } from 'node:stream'
import { KeyshelfError } from '../core/errors'

/** What the CLI touches of the outside world; tests pass their own. */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown }
  stdout: Writable & { isTTY?: boolean }
  stderr: Writable & { isTTY?: boolean }
  env: NodeJS.ProcessEnv
}

/** A usage error: exit code 1 with a one-line message. */
export class UsageError extends KeyshelfError {
  constructor(message: string) {
    super('INVALID_INPUT', message)
  }
}

/** Ctrl-C (or Ctrl-D) at a prompt: exit 130, as a shell reports an interrupted command. */
export class CancelledError extends KeyshelfError {
  constructor() {
    super('INVALID_INPUT', 'Cancelled.')
  }
}

/** Per stdin stream (the agent serves many invocations, each with its own stdin). */
const stdinCache = new WeakMap<object, Buffer>()

/** Reads all of stdin once (later calls get the same bytes). */
export async function readAllStdin(io: CliIo): Promise<Buffer> {
  const cached = stdinCache.get(io.stdin)
  if (cached) return cached
  const chunks: Buffer[] = []
  for await (const c of io.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer))
  const all = Buffer.concat(chunks)
  stdinCache.set(io.stdin, all)
  return all
}

/**
 * With --password-stdin, stdin is "password\n" followed (for --value-stdin / --key-stdin) by the value.
 * Splits once and remembers the rest.
 */
export async function stdinParts(
  io: CliIo,
  passwordFirst: boolean,
): Promise<{ password: string | null; rest: Buffer }> {
  const all = await readAllStdin(io)
  if (!passwordFirst) return { password: null, rest: all }
  const nl = all.indexOf(0x0a)
  if (nl < 0) return { password: all.toString('utf8').replace(/\r$/, ''), rest: Buffer.alloc(0) }
  return { password: all.subarray(0, nl).toString('utf8').replace(/\r$/, ''), rest: all.subarray(nl + 1) }
}

/** Prompts on stderr and reads a line from a TTY without echo. Ctrl-C aborts, backspace edits. */
export async function promptHidden(io: CliIo, question: string): Promise<string> {
  const stdin = io.stdin
  if (!stdin.isTTY || !stdin.setRawMode) {
    throw new UsageError('No terminal to ask for a secret: set KEYSHELF_PASSWORD or use --password-stdin.')
  }
  // Raw mode before the question: a Ctrl-C typed as soon as the question shows is read as a byte (exit 130).
  stdin.setRawMode(true)
  io.stderr.write(question)
  stdin.resume()
  return new Promise<string>((resolve, reject) => {
    let answer = ''
    const done = (fn: () => void) => {
      stdin.setRawMode?.(false)
      stdin.pause()
      stdin.off('data', onData)
      io.stderr.write('\n')
      fn()
    }
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(() => resolve(answer))
        if (ch === '\u0003') return done(() => reject(new CancelledError()))
        if (ch === '\u0004' && answer === '') return done(() => reject(new CancelledError()))
        if (ch === '\u007f' || ch === '\b') answer = Array.from(answer).slice(0, -1).join('')
        else if (ch >= ' ') answer += ch
      }
    }
    stdin.on('data', onData)
  })
}

/** Asks a yes/no question on a TTY; anything but y/yes is no. */
export async function confirm(io: CliIo, question: string): Promise<boolean> {
  if (!io.stdin.isTTY) return false
  io.stderr.write(`${question} [y/N] `)
  io.stdin.resume()
  const answer = await new Promise<string>((resolve) => {
    io.stdin.once('data', (d: Buffer | string) => resolve(d.toString()))
  })
  io.stdin.pause()
  return /^y(es)?$/i.test(answer.trim())
}
