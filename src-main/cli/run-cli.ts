import type { ErrorCode } from '../../src-shared/model'
import { KeyshelfError, VaultCorruptError } from '../core/errors'
import { defaultVaultPath } from '../core/vault-path'
import { CliContext, type CliCommand, parseCommandArgs } from './cli-context'
import { type CliIo, UsageError } from './cli-io'
import { envCommands } from './commands/env.commands'
import { teamCommands } from './commands/team.commands'
import { vaultCommands } from './commands/vault.commands'

export const VERSION = '0.1.0'

/** Every command, in help order. */
export const COMMANDS: CliCommand[] = [...vaultCommands, ...envCommands, ...teamCommands]

/** Stable, documented exit codes. */
export const EXIT = { ok: 0, error: 1, due: 2, wrongPassword: 3, corrupt: 4, notFound: 5 } as const

const EXIT_BY_CODE: Partial<Record<ErrorCode, number>> = {
  WRONG_PASSWORD: EXIT.wrongPassword,
  VAULT_CORRUPT: EXIT.corrupt,
  NOT_FOUND: EXIT.notFound,
  NO_VAULT: EXIT.notFound,
}

const EXIT_HELP = `Exit codes: 0 ok · 1 usage or other error · 2 due found an overdue or expired key ·
3 wrong password · 4 tampered or corrupt vault · 5 not found`

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.words.join(' ').length))
  return [
    'keyshelf: API keys in an encrypted local vault (apps › environments › keys)',
    '',
    'usage: keyshelf [--vault PATH] [--password-stdin] COMMAND …',
    '',
    ...COMMANDS.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    "  --vault PATH        the vault file (or KEYSHELF_VAULT); default: the desktop app's vault",
    '  --password-stdin    read the master password from the first line of stdin',
    '  KEYSHELF_PASSWORD   the master password from the environment (else a hidden prompt)',
    '',
    EXIT_HELP,
    '',
    "keyshelf help COMMAND shows a command's options.",
  ].join('\n')
}

function commandHelp(c: CliCommand): string {
  return [`usage: keyshelf ${c.usage}`, '', c.summary, ...(c.help ? ['', c.help] : [])].join('\n')
}

/** Finds the longest command whose words prefix the positional words. */
function findCommand(words: string[]): { cmd: CliCommand; rest: number } | null {
  let best: CliCommand | null = null
  for (const c of COMMANDS) {
    if (c.words.every((w, i) => words[i] === w) && (!best || c.words.length > best.words.length)) best = c
  }
  return best ? { cmd: best, rest: best.words.length } : null
}

/**
 * Runs the CLI in-process and returns the exit code (and a signal to re-raise, for `run`). Errors become one
 * line on stderr, prefixed `keyshelf: `; they never contain a secret value.
 */
export async function runCli(
  argv: string[],
  io: CliIo,
): Promise<{ code: number; signal: NodeJS.Signals | null }> {
  // Global options may come anywhere before `--`; pull them out first.
  const dashdash = argv.indexOf('--')
  const head = dashdash >= 0 ? argv.slice(0, dashdash) : argv
  const tail = dashdash >= 0 ? argv.slice(dashdash) : []
  let vault = io.env.KEYSHELF_VAULT || defaultVaultPath(io.env)
  let passwordStdin = false
  const rest: string[] = []
  for (let i = 0; i < head.length; i++) {
    const a = head[i] ?? ''
    if (a === '--vault') {
      const v = head[++i]
      if (!v) return fail(io, new UsageError('--vault needs a path.'))
      vault = v
    } else if (a.startsWith('--vault=')) vault = a.slice('--vault='.length)
    else if (a === '--password-stdin') passwordStdin = true
    else rest.push(a)
  }
  const args = [...rest, ...tail]
  if (args.length === 0) {
    io.stderr.write(globalHelp() + '\n')
    return { code: EXIT.error, signal: null }
  }
  if (args[0] === '--help' || args[0] === '-h') {
    io.stdout.write(globalHelp() + '\n')
    return { code: EXIT.ok, signal: null }
  }
  if (args[0] === '--version' || args[0] === '-v') {
    io.stdout.write(`keyshelf ${VERSION}\n`)
    return { code: 0, signal: null }
  }
  if (args[0] === 'help') {
    if (args.length === 1) {
      io.stdout.write(globalHelp() + '\n')
      return { code: EXIT.ok, signal: null }
    }
    const found = findCommand(args.slice(1))
    if (!found)
      return fail(io, new UsageError(`unknown command "${args.slice(1, 3).join(' ')}". Try keyshelf --help.`))
    io.stdout.write(commandHelp(found.cmd) + '\n')
    return { code: EXIT.ok, signal: null }
  }
  const positionalWords = args.filter((a) => !a.startsWith('-'))
  const found = findCommand(positionalWords)
  if (!found)
    return fail(
      io,
      new UsageError(`unknown command "${positionalWords.slice(0, 2).join(' ')}". Try keyshelf --help.`),
    )
  const { cmd } = found
  if (args.includes('--help') && (dashdash < 0 || args.indexOf('--help') < args.indexOf('--'))) {
    io.stdout.write(commandHelp(cmd) + '\n')
    return { code: 0, signal: null }
  }
  // Drop the command words (first occurrences) and parse the rest.
  const remaining = [...args]
  for (const w of cmd.words) remaining.splice(remaining.indexOf(w), 1)
  const ctx = new CliContext(io, { vault, passwordStdin })
  try {
    let parsed
    try {
      parsed = parseCommandArgs(cmd, remaining)
    } catch (err) {
      if (err instanceof KeyshelfError) throw err
      const msg =
        err instanceof Error ? (err.message.split('\n')[0] ?? '').replace(/\.+$/, '') : 'bad arguments'
      throw new UsageError(`${msg}. usage: keyshelf ${cmd.usage}`)
    }
    const code = await cmd.run(ctx, parsed.opts, parsed.args)
    return { code, signal: ctx.signal }
  } catch (err) {
    return fail(io, err)
  } finally {
    await ctx.close().catch(() => undefined)
  }
}

function fail(io: CliIo, err: unknown): { code: number; signal: null } {
  if (err instanceof KeyshelfError) {
    io.stderr.write(`keyshelf: ${oneLine(err.message)}\n`)
    return { code: EXIT_BY_CODE[err.code] ?? EXIT.error, signal: null }
  }
  if (isCorruptDatabase(err)) {
    // SQLite found a damaged page while reading: the same answer as a failed authentication.
    const corrupt = new VaultCorruptError('the database file is damaged')
    io.stderr.write(`keyshelf: ${corrupt.message}\n`)
    return { code: EXIT.corrupt, signal: null }
  }
  if (isBusy(err)) {
    io.stderr.write(
      'keyshelf: the vault stayed busy (another Keyshelf is writing to it). Nothing was changed; try again.\n',
    )
    return { code: EXIT.error, signal: null }
  }
  if (isZodError(err)) {
    // Name the field (envVar, name, …), not its place in the request (fields.0.envVar).
    const field = (path: PropertyKey[]) => path.filter((p) => typeof p === 'string').pop() ?? 'input'
    const issues = err.issues.map((i) => `${field(i.path)}: ${i.message}`).join('; ')
    io.stderr.write(`keyshelf: ${oneLine(issues)}\n`)
    return { code: EXIT.error, signal: null }
  }
  // Unknown errors: no message (it could quote anything); the name only with KEYSHELF_DEBUG.
  const name = err instanceof Error ? err.name : typeof err
  io.stderr.write(
    `keyshelf: an unexpected error occurred (${io.env.KEYSHELF_DEBUG ? name : 'set KEYSHELF_DEBUG=1 for its type'}). The vault was not changed.\n`,
  )
  return { code: EXIT.error, signal: null }
}

function sqliteCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code
  return err instanceof Error && err.name === 'SqliteError' && typeof code === 'string' ? code : null
}

function isCorruptDatabase(err: unknown): boolean {
  const code = sqliteCode(err)
  return code !== null && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
}

function isBusy(err: unknown): boolean {
  const code = sqliteCode(err)
  return code !== null && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

function isZodError(err: unknown): err is { issues: { path: PropertyKey[]; message: string }[] } {
  return typeof err === 'object' && err !== null && (err as { name?: string }).name === 'ZodError'
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ')
}
