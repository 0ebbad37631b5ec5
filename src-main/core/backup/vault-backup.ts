/**
 * Vault backups: a self-contained copy made with SQLite's online backup API (safe while the desktop app or
 * another process has the vault open and writing), written 0600 next to its target and renamed into place,
 * then verified: integrity check, a readable vault header, and the same rows as the source. The copy stays
 * encrypted exactly as the vault is; no password is needed to make or verify it.
 */
import type { Database } from 'better-sqlite3'
import { chmodSync, existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { openDatabase } from '../db/open-database'
import { ConflictError, KeyshelfError, VaultCorruptError } from '../errors'
import { hasHeader } from '../vault/vault-header'

/** What a verified backup holds. */
export interface BackupSummary {
  path: string
  bytes: number
  apps: number
  environments: number
  credentials: number
}

const TABLES = ['apps', 'environments', 'credentials'] as const

function counts(db: Database): Record<(typeof TABLES)[number], number> {
  const out = { apps: 0, environments: 0, credentials: 0 }
  for (const t of TABLES) out[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n
  return out
}

/** Opens `path` read-only and checks it is a whole, intact Keyshelf vault; returns its row counts. */
export function verifyVaultFile(path: string): Record<(typeof TABLES)[number], number> {
  if (!existsSync(path)) throw new KeyshelfError('NOT_FOUND', `${path} does not exist.`)
  const db = openDatabase(path, { readonly: true })
  try {
    const check = db.pragma('integrity_check', { simple: true })
    if (check !== 'ok') throw new VaultCorruptError(`${basename(path)} fails SQLite's integrity check`)
    if (!hasHeader(db)) throw new VaultCorruptError(`${basename(path)} has no vault header`)
    return counts(db)
  } finally {
    db.close()
  }
}

function tempNear(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
}

/** Copies `source` with the online backup API into `tmp` (0600). */
async function copyOnline(source: string, tmp: string): Promise<void> {
  const db = openDatabase(source, { readonly: true })
  try {
    await db.backup(tmp)
  } finally {
    db.close()
  }
  chmodSync(tmp, 0o600)
}

/**
 * Backs the vault at `source` up to `target` (never over an existing file unless `force`), then verifies the
 * copy against the source's row counts. A failed verification removes the copy.
 */
export async function backupVault(source: string, target: string, force: boolean): Promise<BackupSummary> {
  const dest = resolve(target)
  if (!existsSync(source)) throw new KeyshelfError('NO_VAULT', `No vault at ${source}.`)
  if (existsSync(dest) && !force)
    throw new ConflictError(
      `${basename(dest)} already exists; nothing was written. Use --force to replace it.`,
    )
  const tmp = tempNear(dest)
  try {
    const before = verifyVaultFile(source)
    await copyOnline(source, tmp)
    const after = verifyVaultFile(source)
    const got = verifyVaultFile(tmp)
    // The copy is a snapshot taken while the vault may be written: it must match the vault before or after.
    if (TABLES.some((t) => got[t] !== before[t] && got[t] !== after[t]))
      throw new VaultCorruptError('the backup does not hold the same rows as the vault')
    renameSync(tmp, dest)
    return { path: dest, bytes: statSync(dest).size, ...got }
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
}

/**
 * Restores `backup` as the vault at `target`: verifies the backup, refuses an existing vault unless `force`,
 * copies it next to the target, removes the old vault's -wal/-shm (they must never be replayed onto the
 * restored file) and renames it into place.
 */
export async function restoreVault(backup: string, target: string, force: boolean): Promise<BackupSummary> {
  const src = resolve(backup)
  const dest = resolve(target)
  const rows = verifyVaultFile(src)
  if (existsSync(dest) && !force)
    throw new ConflictError(
      `A vault already exists at ${dest}; nothing was changed. Use --force to replace it (back it up first).`,
    )
  const tmp = tempNear(dest)
  try {
    await copyOnline(src, tmp)
    verifyVaultFile(tmp)
    for (const extra of ['-wal', '-shm']) rmSync(dest + extra, { force: true })
    renameSync(tmp, dest)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
  return { path: dest, bytes: statSync(dest).size, ...rows }
}
