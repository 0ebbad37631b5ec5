import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { contract } from '../../../src-shared/contract'
import {
  ENV_FORMATS,
  SYNC_PROVIDERS,
  environmentDifferences,
  type EnvFormat,
  type SyncProvider,
  type SyncSummary,
} from '../../../src-shared/model'
import { parseDotenv } from '../../core/envfile/parse'
import { findRefs } from '../../core/inject/template-refs'
import { runWithEnv } from '../../core/run/run-command'
import { readTemplate, resolveTemplate } from './inject.commands'
import { type CliCommand, iso } from '../cli-context'
import { checkUrl } from './vault.commands'
import { resolveApp, resolveEnv } from '../cli-address'
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

/**
 * providers: URLs and region the user set are never rewritten; one line per environment saying what the
 * provider reports beside what was kept.
 */
function environmentChangeLines(s: SyncSummary): string[] {
  return (s.environmentChanges ?? []).map(
    (c) =>
      `${s.provider} reports ${c.name} with ${environmentDifferences(c)
        .map((d) => `${d.label} ${d.theirs || '(none)'} (yours: ${d.yours || '(none)'})`)
        .join(', ')}; Keyshelf kept yours (keyshelf env edit to change).`,
  )
}

export const envCommands: CliCommand[] = [
  {
    words: ['export'],
    usage:
      'export APP ENV [--format dotenv|docker|shell|json] [-o FILE [--json]] [--force] [--example] [--include-public] [--only VAR,…] [--gitignore]',
    summary: "write an environment's keys for dotenv, Docker, a POSIX shell or JSON",
    help: 'Prints to stdout without -o. Files are written 0600 and atomically, never over an existing file without --force.\nA value a format cannot carry exactly is refused, naming the key and a format that can.\n--example writes names only (public values too with --include-public). --gitignore adds FILE to .gitignore.\n--json (with -o) prints {"ok","message","path","format","example","addedToGitignore","gitWarning"}; the values as JSON are --format json.',
    options: {
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      example: { type: 'boolean' },
      'include-public': { type: 'boolean' },
      only: { type: 'string' },
      gitignore: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    positionals: [2, 2],
    async run(ctx, opts, [appName, envName]) {
      const fmt = format(str(opts.format))
      ctx.jsonNeedsFile(str(opts.output), 'the values themselves (as JSON with --format json)')
      const core = await ctx.unlocked()
      const { environment } = await resolveEnv(core, appName ?? '', envName ?? '')
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
      const example = opts.example === true
      // Ask git BEFORE writing: an untracked file in a work tree gets the question (or --gitignore) first;
      // a tracked file is refused without --force (core); an --example file holds no secret: no warning.
      const before = example ? null : await core.env.gitStatus(path)
      let added: string | null = null
      if (before?.inRepo && !before.ignored && !before.tracked) {
        if (
          opts.gitignore ||
          (await confirm(
            ctx.io,
            `${out} is in a git work tree and not ignored. Add it to .gitignore before writing?`,
          ))
        ) {
          added = await core.env.ignore(path)
          ctx.err(`Added ${added} to ${before.repoRoot}/.gitignore.`)
        }
      }
      const git = await core.env.save(req, path, opts.force === true)
      const gitWarning =
        !example && git.inRepo && !git.ignored && added === null
          ? git.tracked
            ? ('tracked' as const)
            : ('not-ignored' as const)
          : null
      ctx.done(`Wrote ${path} (${fmt}, mode 0600).`, {
        path,
        format: fmt,
        example,
        addedToGitignore: added,
        gitWarning,
      })
      if (gitWarning === 'tracked') {
        ctx.err(
          `Warning: ${out} is tracked by git. .gitignore will not stop it being committed: git rm --cached it.`,
        )
      } else if (gitWarning === 'not-ignored') {
        ctx.err(
          `Warning: ${out} is in a git work tree and not ignored by git. Re-run with --force --gitignore to add it to .gitignore.`,
        )
      }
      return 0
    },
  },
  {
    words: ['import'],
    usage: 'import APP ENV FILE [--dry-run] [--public VAR,…] [--json]',
    summary: 'import a .env file: new keys added, changed values rotated with history',
    help: 'The whole file is imported in one transaction. Any line that cannot be read is reported with its number and nothing is imported.',
    options: {
      'dry-run': { type: 'boolean', short: 'n' },
      public: { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [3, 3],
    async run(ctx, opts, [appName, envName, file]) {
      let text: string
      try {
        text = file === '-' ? await ctx.stdinValue() : readFileSync(file ?? '', 'utf8')
      } catch {
        throw new UsageError(`Cannot read ${file}.`)
      }
      const core = await ctx.unlocked()
      const { environment } = await resolveEnv(core, appName ?? '', envName ?? '')
      const p = await core.importPreview({ environmentId: environment.id, text })
      const preview = {
        app: appName,
        env: environment.name,
        added: p.added,
        changed: p.changed,
        unchanged: p.unchanged.length,
        errors: p.errors,
        warnings: p.warnings,
      }
      if (ctx.json) {
        if (p.errors.length > 0 || opts['dry-run']) {
          ctx.out(JSON.stringify({ dryRun: opts['dry-run'] === true, ...preview, imported: null }))
          return p.errors.length > 0 ? 1 : 0
        }
      } else {
        for (const e of p.errors) ctx.err(`${file}:${e.line}: ${e.message}`)
        for (const w of p.warnings) ctx.err(`${file}:${w.line}: warning: ${w.message}`)
        ctx.out(`new:       ${p.added.join(', ') || '-'}`)
        ctx.out(`changed:   ${p.changed.join(', ') || '-'}   (old values kept in history)`)
        ctx.out(`unchanged: ${p.unchanged.length}`)
      }
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
      if (ctx.json) ctx.out(JSON.stringify({ dryRun: false, ...preview, imported: r }))
      else ctx.err(`Imported: ${r.added} added, ${r.changed} changed, ${r.unchanged} unchanged.`)
      return 0
    },
  },
  {
    words: ['run'],
    usage: 'run (--app APP --env ENV | --env-file FILE) [--only VAR,…] [--mask] -- COMMAND [ARGS…]',
    summary: "run a command with an environment's keys in its environment",
    help: 'Values go only into the child environment, never argv; KEYSHELF_PASSWORD and KEYSHELF_NEW_PASSWORD are removed from it.\nstdin/stdout pass through; the exit code and signal come back.\n--mask replaces secret values in the output with *****.\n--env-file FILE: a .env file whose values may hold {{ keyshelf://APP/ENV/KEY }} references (resolved here; with --app/--env its entries win).\nNo --json: stdout and stderr are the child command’s own.',
    options: {
      app: { type: 'string' },
      env: { type: 'string' },
      'env-file': { type: 'string' },
      only: { type: 'string' },
      mask: { type: 'boolean' },
    },
    positionals: [1, Infinity],
    async run(ctx, opts, [command, ...args]) {
      const appName = str(opts.app)
      const envName = str(opts.env)
      const envFile = str(opts['env-file'])
      if ((!envFile && (!appName || !envName)) || !command || !appName !== !envName)
        throw new UsageError('usage: keyshelf run (--app APP --env ENV | --env-file FILE) -- COMMAND [ARGS…]')
      const fileText = envFile !== undefined ? await readTemplate(ctx, envFile) : null
      const core = await ctx.unlocked()
      const values: { envVar: string; kind: 'secret' | 'public'; value: string }[] = []
      if (appName && envName) {
        const { environment } = await resolveEnv(core, appName, envName)
        values.push(...core.readEnvironmentValues(environment.id, list(opts.only)))
        core.recordAudit('export', null, {
          environment: environment.name,
          target: 'run',
          command: command.split('/').pop(),
          keys: values.length,
        })
      }
      if (envFile !== undefined && fileText !== null) {
        const parsed = parseDotenv(fileText)
        const bad = parsed.errors[0]
        if (bad) throw new UsageError(`${envFile}:${bad.line}: ${bad.message} Nothing was started.`)
        for (const e of parsed.entries) {
          const hasRef = findRefs(e.value).length > 0
          const value = hasRef ? (await resolveTemplate(ctx, core, envFile, e.value, 'run')).text : e.value
          const at = values.findIndex((x) => x.envVar === e.key)
          const entry = { envVar: e.key, kind: hasRef ? ('secret' as const) : ('public' as const), value }
          if (at >= 0) values[at] = entry
          else values.push(entry)
        }
      }
      await core.close() // nothing stays unlocked while the child runs
      // No prototype: a variable named __proto__ stays an entry (and is refused by runWithEnv), never dropped.
      const env = Object.create(null) as Record<string, string>
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
      'provider add APP --provider novu|cloudflare|gitlab|aws-iam|sendgrid [--env ENV] --key-stdin [--api-url URL | --region us|eu|custom|AWS-REGION] [--account-id ID] [--access-key-id ID] [--project P]... [--group G]... [--json]',
    summary: 'connect an app to a provider (the key is verified, stored encrypted, then synced)',
    help: 'Novu: the secret key of one environment (--region us|eu, or --api-url for self-hosted); the environment comes from Novu.\nCloudflare: an API token with "API Tokens Read/Write" (--account-id for an account-owned token). GitLab: a personal access token (--api-url for self-managed; --project/--group also sync those access tokens).\nAWS IAM: the secret access key on stdin with --access-key-id (--region, default us-east-1; --api-url for another IAM endpoint). SendGrid: an API key allowed to manage API keys.',
    options: {
      provider: { type: 'string' },
      env: { type: 'string' },
      'key-stdin': { type: 'boolean' },
      'api-url': { type: 'string' },
      region: { type: 'string' },
      'account-id': { type: 'string' },
      'access-key-id': { type: 'string' },
      project: { type: 'string', multiple: true },
      group: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
    positionals: [1, 1],
    async run(ctx, opts, [appName]) {
      const provider = str(opts.provider)
      if (!provider || !(SYNC_PROVIDERS as readonly string[]).includes(provider)) {
        throw new UsageError(`--provider is one of ${SYNC_PROVIDERS.join(', ')}.`)
      }
      if (!opts['key-stdin'])
        throw new UsageError('Pass the key on stdin with --key-stdin (never as an argument).')
      const given = str(opts.region)
      const aws = provider === 'aws-iam'
      if (!aws && given !== undefined && !['us', 'eu', 'custom'].includes(given))
        throw new UsageError(`--region is us, eu or custom (custom needs --api-url), not "${given}".`)
      if (!aws && given === 'custom' && !str(opts['api-url']))
        throw new UsageError('--region custom needs --api-url (your self-hosted API URL).')
      checkUrl('--api-url', str(opts['api-url']), ['http:', 'https:'])
      const region = given === 'custom' ? undefined : given
      if (aws && !str(opts['access-key-id']))
        throw new UsageError('AWS IAM needs --access-key-id (the secret access key goes on stdin).')
      const list = (v: unknown): string[] =>
        Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
      const resources = [
        ...list(opts.project).map((p) => `project:${p}`),
        ...list(opts.group).map((g) => `group:${g}`),
      ]
      const core = await ctx.unlocked()
      const app = await resolveApp(core, appName ?? '')
      const token = (await ctx.stdinValue()).trim()
      const r = await core.connectProvider(
        contract.connectProvider.input.parse({
          appId: app.id,
          provider: provider as SyncProvider,
          token,
          environmentName: str(opts.env),
          region: aws ? undefined : region,
          awsRegion: aws ? region : undefined,
          apiUrl: str(opts['api-url']),
          accountId: str(opts['account-id']),
          accessKeyId: str(opts['access-key-id']),
          resources: resources.length ? resources : undefined,
        }),
      )
      if (ctx.json) {
        ctx.out(
          JSON.stringify({
            app: app.name,
            provider,
            environment: r.connection.environmentName,
            synced: { ...r.summary, syncedAt: iso(r.summary.syncedAt) },
          }),
        )
        return 0
      }
      ctx.err(`Connected ${app.name} to ${provider} (${r.connection.environmentName}).`)
      ctx.out(
        `Synced: ${r.summary.added} added, ${r.summary.updated} updated, ${r.summary.revoked} revoked, ${r.summary.unchanged} unchanged.`,
      )
      for (const n of r.summary.notes.slice(0, 5)) ctx.err(`Note: ${n}`)
      for (const line of environmentChangeLines(r.summary)) ctx.err(line)
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
      const appId = appName ? (await resolveApp(core, appName)).id : undefined
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
        for (const line of environmentChangeLines(s)) ctx.err(line)
      }
      return 0
    },
  },
]
