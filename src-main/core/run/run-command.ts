/**
 * `keyshelf run`'s core: start a command with extra environment variables and pass everything through.
 * - The command is spawned directly (no shell); the values go only into its environment, never into argv.
 * - stdin, stdout and stderr are inherited (the child sees the real terminal), except that with masking the
 *   child's stdout/stderr go through a masker that writes `*****` for each secret value; injected streams
 *   (tests, embedding) are piped instead.
 * - SIGINT, SIGTERM and SIGHUP received by this process are forwarded to the child while it runs; the
 *   child's exit code, or the signal that killed it, is returned so the CLI can exit the same way.
 */
import { spawn, type StdioOptions } from 'node:child_process'
import type { EventEmitter } from 'node:events'
import type { Readable, Writable } from 'node:stream'
import { InvalidInputError, KeyshelfError, NotFoundError } from '../errors'
import { hasLoneSurrogate, hasNul, isValidEnvName, showName } from '../envfile/env-text'
import { createMaskingStream, maskPatterns, type MaskerOptions } from './output-masker'

/** The signals forwarded to the child. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

export interface RunOptions {
  command: string
  args: string[]
  /** Added to (and overriding) this process's environment. Names must be portable; values may not hold NUL. */
  env: Record<string, string>
  /** Secret values to replace with `*****` in the child's stdout and stderr. Absent or empty: no masking. */
  maskValues?: string[]
  /** Masking options (minimum length, default 4 characters). */
  mask?: MaskerOptions
  /** Working directory of the child (default: this process's). */
  cwd?: string
  /** Streams to use instead of this process's own; each one given is piped rather than inherited. */
  stdin?: Readable
  stdout?: Writable
  stderr?: Writable
  /** Where to listen for signals to forward (default `process`; tests pass an EventEmitter). */
  signalSource?: EventEmitter
  /** The base environment (default `process.env`). */
  baseEnv?: NodeJS.ProcessEnv
}

export interface RunResult {
  /** The child's exit code, or null if it was killed by a signal. */
  exitCode: number | null
  /** The signal that killed the child, or null. */
  signal: NodeJS.Signals | null
  /** How many of `maskValues` were too short to mask (the CLI should say so). */
  unmaskedShortValues: number
}

/** Throws INVALID_INPUT for a bad name and UNREPRESENTABLE for a value no process environment can hold. */
function checkEnv(env: Record<string, string>): void {
  const bad: string[] = []
  for (const [name, value] of Object.entries(env)) {
    if (!isValidEnvName(name)) {
      throw new InvalidInputError(`${showName(name)} is not a valid environment variable name.`)
    }
    if (name === '__proto__') {
      // A JavaScript object cannot carry this name as a plain key: refuse rather than silently drop it.
      throw new InvalidInputError(
        `${showName(name)} cannot be passed to a process by Keyshelf; nothing was started. Rename the variable.`,
      )
    }
    if (hasNul(value) || hasLoneSurrogate(value)) bad.push(name)
  }
  if (bad.length > 0) {
    throw new KeyshelfError(
      'UNREPRESENTABLE',
      `Cannot pass ${bad.join(', ')} to a process: the value contains a NUL character or an unpaired surrogate, ` +
        'which no process environment can carry. Nothing was started; export it with the json profile instead.',
      { envVars: bad },
    )
  }
}

/**
 * Runs `command args…` with `env` added to the environment and resolves when it has exited and its output has
 * been written. Promises: values never appear in argv; with `maskValues`, no complete occurrence of a masked
 * value reaches stdout/stderr, even split across chunks; the exit code or killing signal is reported as is.
 * Rejects with NOT_FOUND if the command cannot be found, INVALID_INPUT if it cannot be started.
 */
export function runWithEnv(opts: RunOptions): Promise<RunResult> {
  checkEnv(opts.env)
  const requested = opts.maskValues ?? []
  const patterns = maskPatterns(requested, opts.mask)
  const masking = patterns.length > 0
  const minLength = Math.max(1, opts.mask?.minLength ?? 4)
  const unmaskedShortValues = new Set(requested.filter((v) => v.length > 0 && v.length < minLength)).size

  const outIo = (stream: Writable | undefined): 'inherit' | 'pipe' => (stream || masking ? 'pipe' : 'inherit')
  const stdio: StdioOptions = [opts.stdin ? 'pipe' : 'inherit', outIo(opts.stdout), outIo(opts.stderr)]
  const signals = opts.signalSource ?? process

  return new Promise<RunResult>((resolvePromise, reject) => {
    const child = spawn(opts.command, opts.args, {
      env: { ...(opts.baseEnv ?? process.env), ...opts.env },
      stdio,
      cwd: opts.cwd,
      shell: false,
      windowsHide: false,
    })

    const forwarders = new Map<NodeJS.Signals, () => void>()
    const cleanup = () => {
      for (const [sig, fn] of forwarders) signals.removeListener(sig, fn)
      forwarders.clear()
    }
    for (const sig of FORWARDED_SIGNALS) {
      const fn = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(sig)
      }
      forwarders.set(sig, fn)
      signals.on(sig, fn)
    }

    // Output plumbing: each piped stream must have drained before we report the exit.
    const drains: Promise<void>[] = []
    const route = (from: Readable | null, to: Writable) => {
      if (!from) return
      const source = masking ? from.pipe(createMaskingStream(patterns)) : from
      source.pipe(to, { end: false })
      drains.push(
        new Promise((done) => {
          source.once('end', done)
          source.once('error', done)
        }),
      )
    }
    route(child.stdout, opts.stdout ?? process.stdout)
    route(child.stderr, opts.stderr ?? process.stderr)
    if (opts.stdin && child.stdin) {
      child.stdin.on('error', () => undefined) // the child may exit without reading all of it (EPIPE)
      opts.stdin.pipe(child.stdin)
    }

    let settled = false
    child.once('error', (err: NodeJS.ErrnoException) => {
      cleanup()
      if (settled) return
      settled = true
      if (err.code === 'ENOENT') reject(new NotFoundError(`The command ${showName(opts.command)}`))
      else if (err.code === 'EACCES') {
        reject(
          new InvalidInputError(`The command ${showName(opts.command)} cannot be run (permission denied).`),
        )
      } else
        reject(new KeyshelfError('INTERNAL', `The command ${showName(opts.command)} could not be started.`))
    })
    child.once('close', (code, signal) => {
      cleanup()
      if (settled) return
      settled = true
      if (opts.stdin && child.stdin) opts.stdin.unpipe(child.stdin)
      void Promise.all(drains).then(() =>
        resolvePromise({ exitCode: code, signal: signal ?? null, unmaskedShortValues }),
      )
    })
  })
}
