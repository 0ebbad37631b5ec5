import { readFileSync, statSync } from 'node:fs'
import { FOREIGN_TOOLS, type ForeignTool } from '../../core/import-from/foreign-entry'
import {
  applyImportFrom,
  parseForeignExport,
  planImportFrom,
  type ImportFromPlan,
} from '../../core/import-from/import-from.service'
import type { CliCommand, CliContext } from '../cli-context'
import { printable } from '../cli-context'
import { UsageError } from '../cli-io'
import { didYouMean } from '../cli-suggest'

const MAX_FILE = 64 * 1024 * 1024

const TOOL_ALIASES: Record<string, ForeignTool> = {
  keepassxc: 'keepassxc',
  keepass: 'keepassxc',
  bitwarden: 'bitwarden',
  '1password': '1password',
  onepassword: '1password',
  doppler: 'doppler',
  infisical: 'doppler',
}

function readExport(file: string): Buffer {
  let size: number
  try {
    size = statSync(file).size
  } catch {
    throw new UsageError(`Cannot read ${file}: no such file.`)
  }
  if (size > MAX_FILE)
    throw new UsageError(`${file} is larger than 64 MiB; that is not an export Keyshelf reads.`)
  try {
    return readFileSync(file)
  } catch {
    throw new UsageError(`Cannot read ${file} (permission?).`)
  }
}

function printPlan(ctx: CliContext, plan: ImportFromPlan): void {
  const newApps = plan.apps.filter((a) => a.create).map((a) => a.name)
  const newEnvs = plan.environments.filter((e) => e.create).map((e) => `${e.app}/${e.name}`)
  ctx.out(`${plan.format}: ${plan.keys.length} key(s) to import, ${plan.skipped.length} skipped.`)
  ctx.out(`Mapping: ${plan.mapping}`)
  ctx.out(`New apps: ${newApps.map(printable).join(', ') || '-'}`)
  ctx.out(`New environments: ${newEnvs.map(printable).join(', ') || '-'}`)
  for (const k of plan.keys) {
    const fields = k.fields.map((f) => `${f.envVar} (${f.kind})`).join(', ')
    ctx.out(`  + ${printable(`${k.app}/${k.env}/${k.name}`)}: ${fields}`)
    for (const r of k.renamed) ctx.out(`      note: ${printable(r)}`)
  }
  if (plan.skipped.length) ctx.out('Skipped:')
  for (const s of plan.skipped) ctx.out(`  - ${printable(s.source)}: ${s.reason}`)
}

/** `keyshelf import-from TOOL FILE`: keys from another tool's export, previewed, then in one transaction. */
export const importFromCommands: CliCommand[] = [
  {
    words: ['import-from'],
    usage: 'import-from keepassxc|bitwarden|1password|doppler FILE [--dry-run] [--app APP] [--json]',
    summary:
      'import keys from a KeePassXC, Bitwarden, 1Password or Doppler/Infisical export (preview, one transaction)',
    help: [
      'Reads: KeePassXC XML or CSV export; Bitwarden JSON export (unencrypted); 1Password .1pux or CSV;',
      'Doppler JSON (`doppler secrets download --no-file --format json`), Infisical JSON (`infisical export',
      '--format=json`) or a .env file from either. Groups / folders / vaults map to apps and environments: the',
      'first part of the path is the app, the rest the environment ("default" if none). --app APP puts everything',
      'in APP and makes the whole path the environment. Passwords, hidden/concealed fields and protected strings',
      'become secret fields; usernames, URLs and plain fields public ones. Keys already in the vault (same',
      'app, environment and name) are skipped, never overwritten. Values are never printed. Delete the export',
      'file afterwards: it holds your secrets in plain text.',
    ].join('\n'),
    options: {
      'dry-run': { type: 'boolean', short: 'n' },
      app: { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [2, 2],
    async run(ctx, opts, [toolName, file]) {
      const tool = TOOL_ALIASES[(toolName ?? '').toLowerCase()]
      if (!tool)
        throw new UsageError(
          `import-from reads ${FOREIGN_TOOLS.join(', ')}, not "${toolName}".${didYouMean(toolName ?? '', Object.keys(TOOL_ALIASES))}`,
        )
      const app = typeof opts.app === 'string' ? opts.app : undefined
      if (app !== undefined && app.trim() === '') throw new UsageError('--app needs a name.')
      // Parse before asking for the password: a wrong file is said at once.
      const parsed = parseForeignExport(tool, readExport(file ?? ''))
      const core = await ctx.unlocked()
      const plan = await planImportFrom(core, parsed, app !== undefined ? { app } : {})
      const dry = opts['dry-run'] === true
      if (!opts.json) printPlan(ctx, plan)
      if (dry || plan.keys.length === 0) {
        if (opts.json) ctx.out(JSON.stringify({ dryRun: dry, ...plan.toJSON(), imported: null }, null, 2))
        else ctx.err(dry ? 'Dry run: nothing was imported.' : 'Nothing to import.')
        return 0
      }
      const r = applyImportFrom(core, plan)
      if (opts.json) ctx.out(JSON.stringify({ dryRun: false, ...plan.toJSON(), imported: r }, null, 2))
      else
        ctx.err(
          `Imported ${r.keys} key(s) with ${r.fields} field(s); created ${r.apps} app(s) and ${r.environments} environment(s), in one transaction. Delete ${file} now: it holds the values in plain text.`,
        )
      return 0
    },
  },
]
