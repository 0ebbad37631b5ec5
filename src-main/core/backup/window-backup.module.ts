/**
 * Settings › Backup: "Back up now…" for the window. Main picks the file through the native save dialog (the
 * renderer sends no path), the vault is copied with SQLite's online backup API and verified
 * ({@link backupVault}), and the time, file name and size are remembered sealed in the vault's meta (so the
 * record travels with the vault, cannot be forged on disk, and holds no path).
 */
import { accessSync, constants, statSync } from 'node:fs'
import { basename, dirname, isAbsolute, resolve } from 'node:path'
import type { BackupResult, LastBackup } from '../../../src-shared/contract'
import type { SaveDialogs } from '../envfile/env-commands.module'
import { KeyshelfError } from '../errors'
import { fileSystemError } from '../fs-errors'
import type { VaultKernel } from '../vault/vault-kernel'
import { backupVault } from './vault-backup'

const KEY = 'last_backup'

/** The default file name offered in the dialog: `keyshelf-backup-YYYY-MM-DD.sqlite`. */
export function backupFileName(at: number): string {
  return `keyshelf-backup-${new Date(at).toISOString().slice(0, 10)}.sqlite`
}

/** Refuses a path the dialog should never return: relative, the vault itself or its -wal/-shm, a folder. */
function checkTarget(path: string, vaultPath: string): string {
  if (!isAbsolute(path)) throw new KeyshelfError('INVALID_INPUT', 'Choose a full path for the backup.')
  const dest = resolve(path)
  const vault = resolve(vaultPath)
  if ([vault, `${vault}-wal`, `${vault}-shm`, `${vault}-journal`].includes(dest))
    throw new KeyshelfError(
      'INVALID_INPUT',
      'A backup cannot replace the vault itself; choose another file name.',
    )
  try {
    if (statSync(dest).isDirectory())
      throw new KeyshelfError('INVALID_INPUT', `${basename(dest)} is a folder; choose a file name.`)
  } catch (err) {
    if (err instanceof KeyshelfError) throw err
  }
  try {
    accessSync(dirname(dest), constants.W_OK)
  } catch {
    throw new KeyshelfError(
      'FILE_ERROR',
      `Cannot write a backup in ${dirname(dest)}: the folder is read-only or missing; choose another folder.`,
    )
  }
  return dest
}

/** The window's backup commands over the vault kernel and the native save dialog. */
export class WindowBackup {
  constructor(
    private readonly kernel: VaultKernel,
    private readonly dialogs: SaveDialogs | undefined,
  ) {}

  /** Asks for a file, backs the vault up to it, verifies the copy and remembers when. */
  async backupNow(): Promise<BackupResult> {
    const s = this.kernel.session()
    if (!this.dialogs)
      throw new KeyshelfError(
        'INVALID_INPUT',
        'Choosing a file needs the desktop app; use `keyshelf backup FILE`.',
      )
    const chosen = await this.dialogs.chooseSavePath(backupFileName(this.kernel.clock()), 'Back up vault')
    if (!chosen) return { cancelled: true }
    const dest = checkTarget(chosen, this.kernel.vaultPath)
    let summary
    try {
      // The native dialog already asked about replacing an existing file.
      summary = await backupVault(this.kernel.vaultPath, dest, true)
    } catch (err) {
      throw fileSystemError(err, dest) ?? err
    }
    const last: LastBackup = { at: this.kernel.clock(), fileName: basename(dest), bytes: summary.bytes }
    this.kernel.write(s, () => s.repo.writeSealedMeta(KEY, last))
    return { cancelled: false, verified: true, path: dest, ...last }
  }

  /** The last backup made from the window, or null. */
  status(): { last: LastBackup | null } {
    return { last: this.kernel.session().repo.readSealedMeta<LastBackup | null>(KEY, null) }
  }
}
