/**
 * Starts the master-password derivation before the full CLI loads. Argon2id (64 MiB, ~130 ms) runs on
 * libuv's thread pool, so loading and compiling the CLI's modules and opening the vault happen meanwhile
 * instead of after it. The core's `deriveKey` takes the running derivation over when it is asked for the
 * same password, salt and parameters (core/crypto/kdf.ts); otherwise it derives as usual.
 *
 * Only for a password that is already there (KEYSHELF_PASSWORD, or the first line of stdin with
 * --password-stdin, which the CLI reads whole anyway: the bytes are kept for it). A TTY prompt is left to
 * the command. Any problem (no vault, an unreadable or forged header) is silently left to the normal path,
 * which reports it.
 */
import Database from 'better-sqlite3'
import { startEarlyDerivation } from '../core/crypto/kdf'
import { readHeader } from '../core/vault/vault-header'
import { type CliIo, stdinParts } from './cli-io'
import { parseGlobalArgs } from './cli-global'

/** Commands that never unlock the vault: no derivation (and stdin stays unread) for them. */
const NO_UNLOCK = new Set([
  'help',
  '--help',
  '-h',
  '--version',
  '-v',
  'init',
  'completion',
  'lock',
  'backup',
  'restore',
])

export async function startEarlyUnlock(argv: string[], io: CliIo): Promise<void> {
  try {
    const g = parseGlobalArgs(argv, io.env)
    if (g.error || g.args.length === 0 || NO_UNLOCK.has(g.args[0] ?? '')) return
    if (g.args[0] === 'due' && g.args.includes('--counts')) return // counted without the password
    const password =
      io.env.KEYSHELF_PASSWORD || (g.passwordStdin ? (await stdinParts(io, true)).password : null)
    if (!password) return
    // Not `readonly`: a read-only connection to a WAL vault leaves -wal and -shm files behind; this one
    // only reads, and closing it (the last connection) removes them again, so the folder is as it was.
    const db = new Database(g.vault, { fileMustExist: true })
    try {
      const header = readHeader(db)
      startEarlyDerivation(password, header.salt, header.kdf)
    } finally {
      db.close()
    }
  } catch {
    // Left to the normal path, which says what is wrong.
  }
}
