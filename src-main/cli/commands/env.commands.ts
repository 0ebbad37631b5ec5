import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { contract } from '../../../src-shared/contract'
import { ENV_FORMATS, SYNC_PROVIDERS, type EnvFormat, type SyncProvider } from '../../../src-shared/model'
import { runWithEnv } from '../../core/run/run-command'
import { type CliCommand, iso } from '../cli-context'
import { UsageError, confirm } from '../cli-io'
import { pullLine, syncTeams } from './team.commands'

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined)
const list = (v: string | boolean | undefined): string[] | undefined =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined

function format(v: string | undefined): EnvFormat {
  const f = v ?? 'dotenv'
  if (!(ENV_FORMATS as readonly string[]).includes(f))
    throw new UsageError(`--format is one of ${ENV_FORMATS.join(', ')}.`)
  return f as EnvFormat
}

export const envCommands: CliCommand[] = [
  {
    words: ['export'],
    usage:
      'export APP ENV [--format dotenv|docker|shell|json] [-o FILE] [--force] [--example] [--include-public] [--only VAR,…] [--gitignore]',
    summary: "write an environment's keys for dotenv, Docker, a POSIX shell or JSON",
    help: 'Prints to stdout without -o. Files are written 0600 and atomically, never over an existing file without --force.\nA value a format cannot carry exactly is refused, naming the key and a format that can.\n--example writes names only (public values too with --include-public). --gitignore adds FILE to .gitignore.',
    options: {
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      example: { type: 'boolean' },
      'include-public': { type: 'boolean' },
      only: { type: 'string' },
      gitignore: { type: 'boolean' },
    },
    positionals: [2, 2],
    async run(ctx, opts, [appName, envName]) {
      const fmt = format(str(opts.format))
      const core = await ctx.unlocked()
      const { environment } = core.environmentByName(appName ?? '', envName ?? '')
      const req = contract.exportPreview.input.parse({
        environmentId: environment.id,
        format: fmt,
        only: list(opts.only),
        example: opts.example === true,
        includePublic: opts['include-public'] === true,
      })
      const out = str(opts.output)
      if (!out) {
        ctx.io.stdout.write(core.env.render(req, 'stdout'))
        return 0
      }
      const path = resolve(out)
      const git = await core.env.save(req, path, opts.force === true)
      ctx.err(`Wrote ${path} (${fmt}, mode 0600).`)
      if (git.inRepo && !git.ignored) {
        if (git.tracked) {
          ctx.err(
            `Warning: ${out} is tracked by git. .gitignore will not stop it being committed: git rm --cached it.`,
          )
        } else if (
          opts.gitignore ||
          (await confirm(
            ctx.io,
            `Warning: ${out} is in a git work tree and not ignored. Add it to .gitignore?`,
          ))
        ) {
          const pattern = await core.env.ignore(path)
          ctx.err(`Added ${pattern} to ${git.repoRoot}/.gitignore.`)
        } else {
          ctx.err(
            `Warning: ${out} is in a git work tree and not ignored by git. Re-run with --force --gitignore to add it to .gitignore.`,
          )
        }
      }
      return 0
    },
  },
  {
    words: ['import'],
    usage: 'import APP ENV FILE [--dry-run] [--public VAR,…]',
    summary: 'import a .env file: new keys added, changed values rotated with history',
    help: 'The whole file is imported in one transaction. Any line that cannot be read is reported with its number and nothing is imported.',
    options: { 'dry-run': { type: 'boolean', short: 'n' }, public: { type: 'string' } },
    positionals: [3, 3],
    async run(ctx, opts, [appName, envName, file]) {
      let text: string
      try {
        text = file === '-' ? await ctx.stdinValue() : readFileSync(file ?? '', 'utf8')
      } catch {
        throw new UsageError(`Cannot read ${file}.`)
      }
      const core = await ctx.unlocked()
      const { environment } = core.environmentByName(appName ?? '', envName ?? '')
      const p = await core.importPreview({ environmentId: environment.id, text })
      for (const e of p.errors) ctx.err(`${file}:${e.line}: ${e.message}`)
      for (const w of p.warnings) ctx.err(`${file}:${w.line}: warning: ${w.message}`)
      ctx.out(`new:       ${p.added.join(', ') || '-'}`)
      ctx.out(`changed:   ${p.changed.join(', ') || '-'}   (old values kept in history)`)
      ctx.out(`unchanged: ${p.unchanged.length}`)
      if (p.errors.length > 0) {
        ctx.err(`Nothing was imported: fix the ${p.errors.length} line(s) above.`)
        return 1
      }
      if (opts['dry-run']) {
        ctx.err('Dry run: nothing was imported.')
        return 0
      }
      const r = await core.importApply(
        contract.importApply.input.parse({
          environmentId: environment.id,
          text,
          publicVars: list(opts.public),
        }),
      )
      ctx.err(`Imported: ${r.added} added, ${r.changed} changed, ${r.unchanged} unchanged.`)
      return 0
    },
  },
  {
    words: ['run'],
    usage: 'run --app APP --env ENV [--only VAR,…] [--mask] -- COMMAND [ARGS…]',
    summary: "run a command with an environment's keys in its environment",
    help: 'Values go only into the child environment, never argv; KEYSHELF_PASSWORD and KEYSHELF_NEW_PASSWORD are removed from it.\nstdin/stdout pass through; the exit code and signal come back.\n--mask replaces secret values in the output with *****.',
    options: {
      app: { type: 'string' },
      env: { type: 'string' },
      only: { type: 'string' },
      mask: { type: 'boolean' },
    },
    positionals: [1, Infinity],
    async run(ctx, opts, [command, ...args]) {
      const appName = str(opts.app)
      const envName = str(opts.env)
      if (!appName || !envName || !command)
        throw new UsageError('usage: keyshelf run --app APP --env ENV -- COMMAND [ARGS…]')
      const core = await ctx.unlocked()
      const { environment } = core.environmentByName(appName, envName)
      const values = core.readEnvironmentValues(environment.id, list(opts.only))
      core.recordAudit('export', null, {
        environment: environment.name,
        target: 'run',
        command: command.split('/').pop(),
        keys: values.length,
      })
      await core.close() // nothing stays unlocked while the child runs
      const env: Record<string, string> = {}
      for (const v of values) env[v.envVar] = v.value
      // The child gets the vault's values, never the master password this process was given.
      const baseEnv = { ...ctx.io.env }
      delete baseEnv.KEYSHELF_PASSWORD
      delete baseEnv.KEYSHELF_NEW_PASSWORD
      const r = await runWithEnv({
        command,
        args,
        env,
        baseEnv,
        ...(opts.mask ? { maskValues: values.filter((v) => v.kind === 'secret').map((v) => v.value) } : {}),
      })
      if (r.unmaskedShortValues > 0)
        ctx.err(`keyshelf: ${r.unmaskedShortValues} value(s) shorter than 4 characters were not masked.`)
      if (r.signal) {
        ctx.signal = r.signal
        return 128
      }
      return r.exitCode ?? 1
    },
  },
  {
    words: ['provider', 'add'],
    usage:
      'provider add APP --provider novu|cloudflare|gitlab [--env ENV] --key-stdin [--api-url URL | --region us|eu] [--account-id ID]',
    summary: 'connect an app to a provider (the key is verified, stored encrypted, then synced)',
    help: 'Novu: the secret key of one environment (--region us|eu, or --api-url for self-hosted); the environment comes from Novu.\nCloudflare: an API token with "API Tokens Read/Write". GitLab: a personal access token (--api-url for self-managed).',
    options: {
      provider: { type: 'string' },
      env: { type: 'string' },
      'key-stdin': { type: 'boolean' },
      'api-url': { type: 'string' },
      region: { type: 'string' },
      'account-id': { type: 'string' },
    },
    positionals: [1, 1],
    async run(ctx, opts, [appName]) {
      const provider = str(opts.provider)
      if (!provider || !(SYNC_PROVIDERS as readonly string[]).includes(provider)) {
        throw new UsageError(`--provider is one of ${SYNC_PROVIDERS.join(', ')}.`)
      }
      if (!opts['key-stdin'])
        throw new UsageError('Pass the key on stdin with --key-stdin (never as an argument).')
      const region = str(opts.region)
      if (region !== undefined && region !== 'us' && region !== 'eu')
        throw new UsageError('--region is us or eu.')
      const core = await ctx.unlocked()
      const app = core.appByName(appName ?? '')
      const token = (await ctx.stdinValue()).trim()
      const r = await core.connectProvider(
        contract.connectProvider.input.parse({
          appId: app.id,
          provider: provider as SyncProvider,
          token,
          environmentName: str(opts.env),
          region,
          apiUrl: str(opts['api-url']),
          accountId: str(opts['account-id']),
        }),
      )
      ctx.err(`Connected ${app.name} to ${provider} (${r.connection.environmentName}).`)
      ctx.out(
        `Synced: ${r.summary.added} added, ${r.summary.updated} updated, ${r.summary.revoked} revoked, ${r.summary.unchanged} unchanged.`,
      )
      for (const n of r.summary.notes.slice(0, 5)) ctx.err(`Note: ${n}`)
      return 0
    },
  },
  {
    words: ['sync'],
    usage: 'sync [APP] [--json]',
    summary:
      'pull key metadata from connected providers and what changed in connected teams (a failed sync changes nothing)',
    options: { json: { type: 'boolean' } },
    positionals: [0, 1],
    async run(ctx, opts, [appName]) {
      const core = await ctx.unlocked()
      const appId = appName ? core.appByName(appName).id : undefined
      const summaries = await core.syncProviders(appId ? { appId } : {})
      // Team spaces: every connected team is pulled (an offline team reports since when, it is not an error).
      const teams = appId ? [] : await syncTeams(core)
      if (opts.json) {
        ctx.out(
          JSON.stringify(
            summaries.map((s) => ({ ...s, syncedAt: iso(s.syncedAt) })),
            null,
            2,
          ),
        )
        return 0
      }
      for (const t of teams) ctx.out(pullLine(t))
      if (summaries.length === 0 && teams.length === 0)
        ctx.err(
          'No provider connections or teams. Add one with `keyshelf provider add` or `keyshelf team connect`.',
        )
      for (const s of summaries) {
        ctx.out(
          `${s.provider}: ${s.added} added, ${s.updated} updated, ${s.revoked} revoked, ${s.unchanged} unchanged`,
        )
        for (const e of s.environments) {
          ctx.out(
            `  ${e.name}: ${e.added} added, ${e.updated} updated, ${e.revoked} revoked, ${e.unchanged} unchanged`,
          )
        }
        if (s.finishedOverlaps > 0) ctx.out(`  deleted ${s.finishedOverlaps} old key(s) whose overlap ended`)
      }
      return 0
    },
  },
]
