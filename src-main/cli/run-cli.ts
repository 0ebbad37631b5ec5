import type { ErrorCode } from '../../src-shared/model'
import type { KeyshelfCore } from '../core/core'
import { KeyshelfError, VaultCorruptError } from '../core/errors'
import { CliContext, type CliCommand, parseCommandArgs } from './cli-context'
import { parseGlobalArgs } from './cli-global'
import { CancelledError, type CliIo, UsageError } from './cli-io'
import { didYouMean } from './cli-suggest'
import { envCommands } from './commands/env.commands'
import { agentCommands } from './commands/agent.commands'
import { auditCommands } from './commands/audit.commands'
import { backupCommands } from './commands/backup.commands'
import { completionCommands } from './commands/completion.commands'
import { copyCommands } from './commands/copy.commands'
import { editCommands } from './commands/edit.commands'
import { injectCommands } from './commands/inject.commands'
import { importFromCommands } from './commands/import-from.commands'
import { searchCommands } from './commands/search.commands'
import { teamCommands } from './commands/team.commands'
import { trashCommands } from './commands/trash.commands'
import { remindersCommands } from './commands/reminders.commands'
import { vaultCommands } from './commands/vault.commands'

export const VERSION = '0.1.0'

/** Every command, in help order. */
export const COMMANDS: CliCommand[] = [
  ...vaultCommands,
  ...editCommands,
  ...searchCommands,
  ...copyCommands,
  ...injectCommands,
  ...auditCommands,
  ...backupCommands,
  ...envCommands,
  ...importFromCommands,
  ...agentCommands,
  ...teamCommands,
  ...trashCommands,
  ...remindersCommands,
  ...completionCommands(() => COMMANDS),
]

/** Stable, documented exit codes. */
export const EXIT = {
  ok: 0,
  error: 1,
  due: 2,
  wrongPassword: 3,
  corrupt: 4,
  notFound: 5,
  cancelled: 130,
} as const

const EXIT_BY_CODE: Partial<Record<ErrorCode, number>> = {
  WRONG_PASSWORD: EXIT.wrongPassword,
  VAULT_CORRUPT: EXIT.corrupt,
  NOT_FOUND: EXIT.notFound,
  NO_VAULT: EXIT.notFound,
}

const EXIT_HELP = `Exit codes: 0 ok · 1 usage or other error · 2 due found an overdue or expired key ·
3 wrong password · 4 tampered or corrupt vault · 5 not found · 130 cancelled (Ctrl-C)`

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.words.join(' ').length))
  return [
    'keyshelf: API keys in an encrypted local vault (apps › environments › keys)',
    '',
    'usage: keyshelf [--vault PATH] [--password-stdin] COMMAND …',
    '',
    ...COMMANDS.filter((c) => !c.hidden).map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    "  --vault PATH        the vault file (or KEYSHELF_VAULT); default: the desktop app's vault",
    '  --password-stdin    read the master password from the first line of stdin',
    '  KEYSHELF_PASSWORD   the master password from the environment (else a hidden prompt)',
    '  --json              (every command that prints, but completion and run) one JSON document on stdout;',
    '                      errors as one JSON object on stderr',
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

/** Schema field → what the user typed, for validation messages. */
const OPTION_OF_FIELD: Record<string, string> = {
  rotationIntervalDays: '--rotate-every',
  envVar: '--env-var',
  name: 'the name',
  next: 'the new password',
  current: 'the current password',
  password: 'the password',
  apiUrl: '--api-url',
  wsUrl: '--ws-url',
  region: '--region',
  appId: '--app-id',
  description: '--description',
  label: '--label',
  providerCredentialId: '--provider-key-id',
  expiresAt: '--expires',
  lastRotatedAt: '--last-rotated',
  accountId: '--account-id',
  environmentName: '--env',
  token: 'the key on stdin',
  value: 'the value',
  owner: '--owner',
  role: '--role',
  notes: '--notes',
  tags: '--tag',
  allowedHosts: '--allowed-host',
  memoryKiB: '--kdf-memory-mib',
  iterations: '--kdf-iterations',
}

const visible = () => COMMANDS.filter((c) => !c.hidden)

/** A word that starts several commands (key, app, env, provider). */
function isGroup(word: string): boolean {
  return visible().filter((c) => c.words[0] === word && c.words.length > 1).length > 0
}

function groupHelp(group: string): string {
  const cmds = visible().filter((c) => c.words[0] === group)
  const width = Math.max(...cmds.map((c) => c.words.join(' ').length))
  return [
    `keyshelf ${group} commands:`,
    '',
    ...cmds.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    `keyshelf help ${group} COMMAND shows a command's options.`,
  ].join('\n')
}

function unknownCommand(words: string[]): UsageError {
  const typed = words.slice(0, 2).join(' ')
  const names = visible().map((c) => c.words.join(' '))
  const firsts = visible().map((c) => c.words[0] ?? '')
  const group = words[0] && isGroup(words[0]) ? words[0] : null
  const hint = group
    ? didYouMean(
        words.slice(0, 2).join(' '),
        names.filter((n) => n.startsWith(group + ' ')),
      )
    : didYouMean(words[0] ?? '', [...firsts, ...names])
  return new UsageError(
    `unknown command "${typed}".${hint || (group ? ` \`keyshelf ${group}\` lists its commands.` : ' Try keyshelf --help.')}`,
  )
}

/** node:util parseArgs errors, said in one sentence with the option's name. */
function optionError(cmd: CliCommand, err: unknown): UsageError {
  const msg = err instanceof Error ? err.message : ''
  const usage = ` Usage: keyshelf ${cmd.usage}`
  const opt = /'(-[^' ]+)/.exec(msg)?.[1] ?? ''
  const code = (err as { code?: string } | null)?.code ?? ''
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const known = Object.keys(cmd.options ?? {}).map((o) => `--${o}`)
    const hint = didYouMean(opt, known)
    return new UsageError(
      `${cmd.words.join(' ')} has no option ${opt}.${hint || (known.length ? ` Its options: ${known.join(' ')}.` : ' It takes no options.')}${hint ? '' : usage}`,
    )
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/argument missing/.test(msg)) return new UsageError(`${opt} needs a value.${usage}`)
    if (/ambiguous/.test(msg))
      return new UsageError(
        `${opt} needs a value; for a value that starts with "-", write it as ${opt}=-… (with =).`,
      )
    if (/does not take an argument/.test(msg)) return new UsageError(`${opt} takes no value.${usage}`)
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return new UsageError(`${cmd.words.join(' ')} got an extra argument.${usage}`)
  return new UsageError(`${(msg.split('\n')[0] ?? 'bad arguments').replace(/\.+$/, '')}.${usage}`)
}

/**
 * Runs the CLI in-process and returns the exit code (and a signal to re-raise, for `run`). Errors become one
 * line on stderr, prefixed `keyshelf: `; they never contain a secret value.
 */
export async function runCli(
  argv: string[],
  io: CliIo,
  opts: { core?: KeyshelfCore } = {},
): Promise<{ code: number; signal: NodeJS.Signals | null }> {
  // Global options may come anywhere before `--`; pull them out first.
  const { vault, passwordStdin, args, head, error } = parseGlobalArgs(argv, io.env)
  if (error) return fail(io, new UsageError(error))
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
  const json = head.includes('--json')
  if (args[0] === 'help') {
    if (args.length === 1) {
      io.stdout.write(globalHelp() + '\n')
      return { code: EXIT.ok, signal: null }
    }
    const found = findCommand(args.slice(1))
    if (found && found.cmd.words.length === Math.min(args.length - 1, found.cmd.words.length)) {
      io.stdout.write(commandHelp(found.cmd) + '\n')
      return { code: EXIT.ok, signal: null }
    }
    if (isGroup(args[1] ?? '')) {
      io.stdout.write(groupHelp(args[1] ?? '') + '\n')
      return { code: EXIT.ok, signal: null }
    }
    return fail(io, unknownCommand(args.slice(1).filter((a) => !a.startsWith('-'))), json)
  }
  const positionalWords = args.filter((a) => !a.startsWith('-'))
  const found = findCommand(positionalWords)
  const wantsHelp =
    (args.includes('--help') || args.includes('-h')) &&
    (!args.includes('--') || Math.max(args.indexOf('--help'), args.indexOf('-h')) < args.indexOf('--'))
  if (!found || (isGroup(positionalWords[0] ?? '') && found.cmd.words.length === 1)) {
    // `keyshelf key`, `keyshelf key --help`: the group's commands.
    const group = positionalWords[0] ?? ''
    if (isGroup(group) && (positionalWords.length === 1 || wantsHelp)) {
      io.stdout.write(groupHelp(group) + '\n')
      return { code: EXIT.ok, signal: null }
    }
    if (!found) return fail(io, unknownCommand(positionalWords), json)
  }
  const { cmd } = found
  if (wantsHelp) {
    io.stdout.write(commandHelp(cmd) + '\n')
    return { code: 0, signal: null }
  }
  // Drop the command words (first occurrences) and parse the rest.
  const remaining = [...args]
  for (const w of cmd.words) remaining.splice(remaining.indexOf(w), 1)
  const ctx = new CliContext(io, { vault, passwordStdin }, opts.core ?? null)
  try {
    let parsed
    try {
      parsed = parseCommandArgs(cmd, remaining)
    } catch (err) {
      if (err instanceof KeyshelfError) throw err
      throw optionError(cmd, err)
    }
    ctx.json = parsed.opts.json === true
    const code = await cmd.run(ctx, parsed.opts, parsed.args)
    return { code, signal: ctx.signal }
  } catch (err) {
    return fail(io, err, json)
  } finally {
    await ctx.close().catch(() => undefined)
  }
}

/** With --json, errors are one JSON object on stderr: {"error":{"code","message","exit"}}. */
function fail(io: CliIo, err: unknown, json = false): { code: number; signal: null } {
  if (!json) return failText(io, err)
  const lines: string[] = []
  const r = failText(
    { ...io, stderr: { write: (t: string) => lines.push(t) } as unknown as CliIo['stderr'] },
    err,
  )
  const message = lines
    .join('')
    .replace(/^keyshelf: /, '')
    .trim()
  const code = err instanceof KeyshelfError ? err.code : 'ERROR'
  io.stderr.write(JSON.stringify({ error: { code, message, exit: r.code } }) + '\n')
  return r
}

function failText(io: CliIo, err: unknown): { code: number; signal: null } {
  if (err instanceof CancelledError) {
    io.stderr.write('keyshelf: cancelled.\n')
    return { code: EXIT.cancelled, signal: null }
  }
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
    // Say it in the CLI's words: option names, never the schema's field names (rotationIntervalDays, next).
    const field = (path: PropertyKey[]) => path.filter((p) => typeof p === 'string').pop() ?? 'input'
    const first = err.issues[0]
    const name = first ? (OPTION_OF_FIELD[String(field(first.path))] ?? String(field(first.path))) : 'input'
    const why = (first?.message ?? 'is not valid').replace(/\.$/, '')
    const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more)` : ''
    io.stderr.write(`keyshelf: ${oneLine(`${name}: ${why}${more}.`)}\n`)
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
