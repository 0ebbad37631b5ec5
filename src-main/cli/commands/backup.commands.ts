import { resolve } from 'node:path'
import { backupVault, restoreVault } from '../../core/backup/vault-backup'
import type { CliCommand } from '../cli-context'

/** `keyshelf backup` / `keyshelf restore`: encrypted whole-vault copies (no password needed). */
export const backupCommands: CliCommand[] = [
  {
    words: ['backup'],
    usage: 'backup FILE [--force] [--json]',
    summary:
      'copy the whole vault (still encrypted) to FILE, safely while it is in use, then verify the copy',
    help: "Uses SQLite's online backup API, so the desktop app may keep running. FILE is written 0600 and never\nreplaces an existing file without --force. No password is needed: the copy is as encrypted as the vault.",
    options: { force: { type: 'boolean' }, json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, opts, [file]) {
      const r = await backupVault(ctx.global.vault, resolve(file ?? ''), opts.force === true)
      if (opts.json) ctx.out(JSON.stringify(r))
      else
        ctx.err(
          `Backed up to ${r.path} (${r.apps} apps, ${r.environments} environments, ${r.credentials} keys; verified).`,
        )
      return 0
    },
  },
  {
    words: ['restore'],
    usage: 'restore FILE [--vault PATH] [--force] [--json]',
    summary: 'verify a backup and make it the vault (never over an existing vault without --force)',
    help: 'Restores to the vault path (--vault PATH, KEYSHELF_VAULT or the desktop default). Close the desktop app and\n`keyshelf lock` first. The restored vault opens with the password it had when it was backed up.',
    options: { force: { type: 'boolean' }, json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, opts, [file]) {
      const r = await restoreVault(resolve(file ?? ''), ctx.global.vault, opts.force === true)
      if (opts.json) ctx.out(JSON.stringify(r))
      else
        ctx.err(`Restored ${r.path} (${r.apps} apps, ${r.environments} environments, ${r.credentials} keys).`)
      return 0
    },
  },
]
