/**
 * # The `shell` profile
 *
 * Writes POSIX `export KEY='value'` lines for `. file` / `source file` in sh (dash) and bash, with
 * `set -a` or without (each line exports its own key):
 * - the whole value is inside single quotes, where POSIX shells take every byte literally, newlines and
 *   CRs included; a `'` in the value is written as `'\''` (close quote, escaped quote, reopen).
 *
 * Refused (UNREPRESENTABLE):
 * - NUL (shell variables are C strings) and unpaired surrogates (not encodable as UTF-8);
 * - names bash treats specially, whose value would not read back: `_` (reset after every command), the
 *   readonly ones (`UID`, `EUID`, `PPID`, `SHELLOPTS`, `BASHOPTS`, `BASH_VERSINFO`) and those the shell
 *   regenerates (`RANDOM`, `SRANDOM`, `SECONDS`, `LINENO`, `EPOCHSECONDS`, …).
 */
import { hasLoneSurrogate, hasNul } from './env-text'

/** Names bash gives a value of its own (readonly, dynamic, or reset after each command). */
export const SHELL_SPECIAL_NAMES: ReadonlySet<string> = new Set([
  '_',
  'BASHOPTS',
  'BASHPID',
  'BASH_ALIASES',
  'BASH_ARGC',
  'BASH_ARGV',
  'BASH_ARGV0',
  'BASH_CMDS',
  'BASH_COMMAND',
  'BASH_LINENO',
  'BASH_SOURCE',
  'BASH_SUBSHELL',
  'BASH_VERSINFO',
  'DIRSTACK',
  'EPOCHREALTIME',
  'EPOCHSECONDS',
  'EUID',
  'FUNCNAME',
  'GROUPS',
  'HISTCMD',
  'LINENO',
  'PIPESTATUS',
  'PPID',
  'RANDOM',
  'SECONDS',
  'SHELLOPTS',
  'SRANDOM',
  'UID',
])

/** Why `value` cannot be written under `name` in the shell profile, or null when it can. Never quotes the value. */
export function refuseShell(name: string, value: string): string | null {
  if (SHELL_SPECIAL_NAMES.has(name)) return 'is a special bash variable whose value the shell sets itself'
  if (hasNul(value))
    return 'contains a NUL character, which no shell variable or process environment can carry'
  if (hasLoneSurrogate(value))
    return 'contains an unpaired UTF-16 surrogate, which cannot be written as UTF-8'
  return null
}

/** Quotes `value` as one POSIX single-quoted word (`'` becomes `'\''`). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`
}

/** The shell line for one accepted value: `export KEY='value'`. */
export function shellAssignment(name: string, value: string): string {
  return `export ${name}=${shellQuote(value)}`
}
