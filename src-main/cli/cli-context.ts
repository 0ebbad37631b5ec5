import { existsSync } from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { createCore, type KeyshelfCore } from '../core/core'
import { KeyshelfError } from '../core/errors'
import type { MaskedValue, RotationInfo } from '../../src-shared/model'
import { type CliIo, UsageError, promptHidden, stdinParts } from './cli-io'
import { testHooksAllowed } from '../core/test-hooks'
import { decodeStrictUtf8 } from './value-input'

/** Global options, taken before or after the command words. */
export interface GlobalOptions {
  vault: string
  passwordStdin: boolean
}

type Options = NonNullable<ParseArgsConfig['options']>

/** One command: its words, usage, options and handler. Handlers return the exit code. */
export interface CliCommand {
  /** e.g. ['key', 'add'] */
  words: string[]
  usage: string
  summary: string
  options?: Options
  /** Extra lines for `help <command>`. */
  help?: string
  /** Internal commands (the agent's own entry) are left out of help and suggestions. */
  hidden?: boolean
  /** Positional arguments: [min, max]; max Infinity for `run`. */
  positionals: [number, number]
  run(ctx: CliContext, opts: Record<string, string | boolean | undefined>, args: string[]): Promise<number>
}

/** What a handler gets: IO, the global options and a lazily built core. */
export class CliContext {
  private coreInstance: KeyshelfCore | null = null
  /** Set by `run` when the child died from a signal, so main can re-raise it. */
  signal: NodeJS.Signals | null = null
  /** --json was given (set by runCli for commands that take it). */
  json = false

  constructor(
    readonly io: CliIo,
    readonly global: GlobalOptions,
    /** The unlock agent's already unlocked core: used as is and never closed here. */
    private readonly shared: KeyshelfCore | null = null,
  ) {}

  /** True when this invocation is served by the unlock agent. */
  get viaAgent(): boolean {
    return this.shared !== null
  }

  /** The core over the chosen vault (not unlocked). */
  core(): KeyshelfCore {
    if (this.shared) return this.shared
    // Test-only: die by SIGKILL right after a provider answered a rotation, before the vault commit, to prove
    // the rotation journal recovers from a real crash. Ignored outside the test runner (core/test-hooks).
    const crash =
      testHooksAllowed(this.io.env) && this.io.env.KEYSHELF_TEST_SIGKILL_AFTER_PROVIDER_ANSWER === '1'
    this.coreInstance ??= createCore({
      vaultPath: this.global.vault,
      origin: 'cli',
      ...(crash ? { afterProviderAnswer: () => process.kill(process.pid, 'SIGKILL') } : {}),
      onProgress: (e) => {
        if (this.io.stderr.isTTY) {
          const total = e.total !== null ? `/${e.total}` : ''
          this.io.stderr.write(`\r${e.label}… ${e.done}${total}   `)
          if (e.total !== null && e.done >= e.total) this.io.stderr.write('\n')
        }
      },
    })
    return this.coreInstance
  }

  /** The rest of stdin after the password line (for --value-stdin / --key-stdin). */
  async stdinValue(): Promise<string> {
    const { rest } = await stdinParts(this.io, this.global.passwordStdin)
    return decodeStrictUtf8(rest, 'stdin')
  }

  /** The master password: KEYSHELF_PASSWORD, --password-stdin, or a TTY prompt. */
  async password(question = 'Master password: '): Promise<string> {
    const fromEnv = this.io.env.KEYSHELF_PASSWORD
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv
    if (this.global.passwordStdin) {
      const { password } = await stdinParts(this.io, true)
      if (!password) throw new UsageError('--password-stdin: the first line of stdin is empty.')
      return password
    }
    return promptHidden(this.io, question)
  }

  /**
   * The password for a new vault: KEYSHELF_NEW_PASSWORD, else KEYSHELF_PASSWORD or the first stdin line
   * (--password-stdin), else asked twice on a TTY.
   */
  async initialPassword(): Promise<string> {
    const next = this.io.env.KEYSHELF_NEW_PASSWORD
    if (next) return next
    if (this.io.env.KEYSHELF_PASSWORD || this.global.passwordStdin || !this.io.stdin.isTTY)
      return this.password()
    return this.askTwice('Master password')
  }

  /**
   * The new password for `passwd`: KEYSHELF_NEW_PASSWORD, else the second stdin line (--password-stdin),
   * else asked twice on a TTY. Never the current password again.
   */
  async newPassword(): Promise<string> {
    const next = this.io.env.KEYSHELF_NEW_PASSWORD
    if (next) return next
    if (this.global.passwordStdin && !this.io.env.KEYSHELF_PASSWORD) {
      const { rest } = await stdinParts(this.io, true)
      const line = /^[^\n]*/.exec(rest.toString('utf8'))?.[0]?.replace(/\r$/, '') ?? ''
      if (!line) throw new UsageError('--password-stdin: give the new password on the second line of stdin.')
      return line
    }
    if (!this.io.stdin.isTTY) {
      throw new UsageError(
        'No terminal to ask for the new password: set KEYSHELF_NEW_PASSWORD (or, with --password-stdin, put it on the second line).',
      )
    }
    return this.askTwice('New master password')
  }

  private async askTwice(label: string): Promise<string> {
    const a = await promptHidden(this.io, `${label}: `)
    const b = await promptHidden(this.io, `${label} again: `)
    if (a !== b) throw new UsageError('The two passwords do not match. Nothing was changed.')
    return a
  }

  /**
   * Opens and unlocks the vault. `readAhead`: the command lists or searches every key next (its rows are
   * read while the KDF runs).
   */
  async unlocked(opts: { readAhead?: boolean } = {}): Promise<KeyshelfCore> {
    if (this.shared) return this.shared
    const core = this.core()
    // No status() here: it counts due keys (a pass over every row) that unlock counts again.
    if (!existsSync(this.global.vault)) throw this.noVault()
    try {
      await core.unlock({ password: await this.password() }, opts)
    } catch (err) {
      if (err instanceof KeyshelfError && err.code === 'NO_VAULT') throw this.noVault()
      throw err
    }
    return core
  }

  /** NO_VAULT (exit 5), naming the path and how to create one. */
  noVault(): KeyshelfError {
    return new KeyshelfError(
      'NO_VAULT',
      `No vault at ${this.global.vault}. Create one with \`keyshelf init\` (or pick another with --vault PATH).`,
    )
  }

  out(line = ''): void {
    this.io.stdout.write(line + '\n')
  }

  err(line: string): void {
    this.io.stderr.write(line + '\n')
  }

  /**
   * The closing line of a command that changes something: on stderr as text, or with --json one object on
   * stdout, `{"ok":true,"message":…,…data}`. `data` never holds a secret value.
   */
  done(message: string, data: Record<string, unknown> = {}): void {
    if (this.json) this.out(JSON.stringify({ ok: true, message, ...data }))
    else this.err(message)
  }

  /**
   * --json on a command whose stdout is the artefact itself (export, inject, report): the object reports
   * what -o FILE wrote, so without -o it is a usage error. `what` names what stdout would carry.
   */
  jsonNeedsFile(out: string | undefined, what: string): void {
    if (this.json && out === undefined)
      throw new UsageError(
        `--json reports the file -o FILE wrote; without -o, stdout is ${what}. Give -o FILE or drop --json.`,
      )
  }

  async close(): Promise<void> {
    if (this.shared) return
    await this.coreInstance?.close()
  }
}

/** Parses a command's own options strictly. */
export function parseCommandArgs(
  cmd: CliCommand,
  argv: string[],
): { opts: Record<string, string | boolean | undefined>; args: string[] } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...cmd.options },
    allowPositionals: true,
    strict: true,
  })
  const [min, max] = cmd.positionals
  if (positionals.length < min || positionals.length > max) {
    throw new UsageError(`usage: keyshelf ${cmd.usage}`)
  }
  return { opts: values as Record<string, string | boolean | undefined>, args: positionals }
}

/** App and environment names by id, for printing addresses. */
export async function nameMaps(
  core: KeyshelfCore,
): Promise<{ apps: Map<string, string>; envs: Map<string, string> }> {
  return core.addressNamesNow()
}

/** `••••abcd`, `••••••••` or the clear public value. */
export function showMasked(m: MaskedValue): string {
  if (m.empty === true || m.clear === '') return '(empty)'
  const nl = m.endsWithNewline === true ? '⏎' : ''
  if (m.clear !== null) return m.clear.endsWith('\n') ? `${m.clear.slice(0, -1)}⏎` : m.clear
  if (m.last4 !== null) return `••••${m.last4.endsWith('\n') ? `${m.last4.slice(0, -1)}⏎` : m.last4}`
  return `••••••••${nl}`
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** A cell as the terminal will show it: control and bidi characters escaped (`\u001b`), never interpreted. */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** YYYY-MM-DD of an epoch-ms date (UTC), or '' . */
export function day(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString().slice(0, 10)
}

/** ISO string or null, for JSON output. */
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

/** Parses YYYY-MM-DD (UTC midnight). */
export function parseDay(flag: string, s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== s) {
    throw new UsageError(`${flag} takes a date as YYYY-MM-DD.`)
  }
  return t
}

/** Formats rows as aligned columns. */
export function table(input: string[][]): string {
  const rows = input.map((r) => r.map(printable))
  const widths: number[] = []
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, Array.from(c).length)))
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - Array.from(c).length)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** "due in 5 days", "overdue 3 days", "expires 2026-12-01", "revoked", "ok". */
export function statusWords(r: RotationInfo, expiresAt: number | null): string {
  const d = r.daysLeft ?? 0
  const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`
  switch (r.status) {
    case 'overdue':
      return `overdue ${days(-d)}`
    case 'due-soon':
      return expiresAt !== null && r.governingAt === expiresAt
        ? `expires ${day(expiresAt)}`
        : `due in ${days(d)}`
    case 'expired':
      return expiresAt !== null ? `expired ${day(expiresAt)}` : 'expired'
    case 'revoked':
      return 'revoked'
    default:
      return 'ok'
  }
}
