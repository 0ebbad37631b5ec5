import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  collectReportKeys,
  dueRows,
  groupByOwner,
  keyLabel,
  renderReport,
  REPORT_FORMATS,
  type ReportFormat,
} from '../../core/rotation/rotation-report'
import type { KeyshelfCore } from '../../core/core'
import type { PullSummary, TeamLogin } from '../../core/teams/team-space.service'
import { type CliCommand, type CliContext, iso, statusWords, table } from '../cli-context'
import { UsageError, promptHidden } from '../cli-io'

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

const when = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'

/** The stderr mark of a team key served from the local copy while its team does not answer. */
export function offlineNote(team: string, since: number): string {
  return `team ${team}: offline since ${when(since)}; this is the local copy (it may be behind the team).`
}

/** One line per team pull, for `sync` and `team pull`. */
export function pullLine(s: PullSummary): string {
  if (s.offlineSince !== null) {
    return `team ${s.team}: offline since ${when(s.offlineSince)}; serving the local copy (writes are refused until it is back)`
  }
  const gone = s.deletedRemotely > 0 ? `, ${s.deletedRemotely} deleted in the team (local copy kept)` : ''
  return `team ${s.team}: ${s.created} new, ${s.updated} updated, ${s.unchanged} unchanged${gone}`
}

/** A team pull for --json (`team pull`, `sync`): counts and the offline mark, as ISO time. */
export function pullJson(s: PullSummary): Record<string, unknown> {
  return {
    team: s.team,
    created: s.created,
    updated: s.updated,
    unchanged: s.unchanged,
    deletedRemotely: s.deletedRemotely,
    offlineSince: iso(s.offlineSince),
  }
}

/** Pulls every connected team, in order; progress goes through the core's onProgress. */
export async function syncTeams(core: KeyshelfCore): Promise<PullSummary[]> {
  const out: PullSummary[] = []
  for (const t of core.teams.listTeams()) out.push(await core.teams.pull(t.name))
  return out
}

/** The first line of the rest of stdin (after the master password line), trimmed; a usage error when empty. */
async function stdinSecret(ctx: CliContext, what: string, flag: string): Promise<string> {
  const v = (await ctx.stdinValue()).split(/\r?\n/)[0]?.trim() ?? ''
  if (v === '') throw new UsageError(`${flag}: stdin has no ${what}.`)
  return v
}

async function loginFrom(
  ctx: CliContext,
  opts: Record<string, string | boolean | undefined>,
): Promise<TeamLogin> {
  const methods = [
    opts['token-stdin'] === true,
    str(opts['role-id']) !== undefined,
    str(opts.username) !== undefined,
  ]
  if (methods.filter(Boolean).length !== 1) {
    throw new UsageError(
      'Give exactly one of --token-stdin, --role-id ID --secret-id-stdin, or --username U.',
    )
  }
  const authMount = str(opts['auth-mount'])
  if (opts['token-stdin'] === true)
    return { method: 'token', token: await stdinSecret(ctx, 'token', '--token-stdin') }
  const roleId = str(opts['role-id'])
  if (roleId !== undefined) {
    if (opts['secret-id-stdin'] !== true)
      throw new UsageError('AppRole needs --secret-id-stdin (the secret id on stdin).')
    const secretId = await stdinSecret(ctx, 'secret id', '--secret-id-stdin')
    return { method: 'approle', roleId, secretId, ...(authMount ? { authMount } : {}) }
  }
  const username = str(opts.username)!
  const password = ctx.io.stdin.isTTY
    ? await promptHidden(ctx.io, `Password for ${username}: `)
    : await stdinSecret(ctx, 'password', '--username')
  return { method: 'userpass', username, password, ...(authMount ? { authMount } : {}) }
}

/**
 * `due --by-owner` and `due --team NAME`: what needs attention, grouped by owner ("no owner" last).
 * Exit 2 when something is overdue or expired, like `due`.
 */
export async function dueByOwner(
  ctx: CliContext,
  opts: Record<string, string | boolean | undefined>,
  withinDays: number | undefined,
): Promise<number> {
  const core = await ctx.unlocked()
  const now = Date.now()
  const team = str(opts.team)
  const keys = team ? await core.teams.reportKeys(team) : await collectReportKeys(core, now)
  const rows = dueRows(keys, now, withinDays ?? (await core.getPreferences()).warnDays)
  if (opts.json) {
    ctx.out(
      JSON.stringify(
        rows.map(({ key: k, rotation: r }) => ({
          owner: k.owner,
          team: k.team,
          app: k.appName,
          env: k.environmentName,
          name: k.name,
          envVars: k.envVars,
          status: r.status,
          daysLeft: r.daysLeft,
          rotationDueAt: iso(r.rotationDueAt),
          expiresAt: iso(k.expiresAt),
          lastRotatedAt: iso(k.lastRotatedAt),
        })),
        null,
        2,
      ),
    )
  } else if (rows.length === 0) ctx.err(team ? `Nothing is due in team ${team}. ✓` : 'Nothing is due. ✓')
  else {
    for (const g of groupByOwner(rows.map((r) => ({ ...r, owner: r.key.owner })))) {
      ctx.out(`${g.owner || '(no owner)'}: ${g.items.length} key${g.items.length === 1 ? '' : 's'}`)
      ctx.out(
        table(
          g.items.map((r) => [
            '  ' + statusWords(r.rotation, r.key.expiresAt),
            keyLabel(r.key),
            r.key.envVars.join(','),
          ]),
        ),
      )
    }
  }
  return rows.some((r) => r.rotation.status === 'overdue' || r.rotation.status === 'expired') ? 2 : 0
}

export const teamCommands: CliCommand[] = [
  {
    words: ['team', 'connect'],
    usage:
      'team connect NAME --addr URL[,URL…] (--token-stdin | --role-id ID --secret-id-stdin | --username U) [--mount secret] [--prefix keyshelf] [--namespace NS] [--auth-mount PATH] [--json]',
    summary:
      'connect a team space on OpenBao / HashiCorp Vault (KV v2); the credentials are sealed in the vault',
    help:
      'Addresses must be https:// (http:// only on loopback). Several addresses are nodes of one cluster: requests fail over.\n' +
      'Secrets come from stdin after the master password line (--password-stdin) or a hidden prompt; never from arguments.\n' +
      'See docs/teams.md for the layout and example policies.',
    options: {
      addr: { type: 'string' },
      mount: { type: 'string' },
      prefix: { type: 'string' },
      namespace: { type: 'string' },
      'token-stdin': { type: 'boolean' },
      'role-id': { type: 'string' },
      'secret-id-stdin': { type: 'boolean' },
      username: { type: 'string' },
      'auth-mount': { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [1, 1],
    async run(ctx, opts, [name]) {
      const addr = str(opts.addr)
      if (!addr) throw new UsageError('--addr is required, e.g. --addr https://bao.example.com:8200.')
      const core = await ctx.unlocked()
      const login = await loginFrom(ctx, opts)
      const mount = str(opts.mount)
      const prefix = str(opts.prefix)
      const namespace = str(opts.namespace)
      const t = await core.teams.connect({
        name: name!,
        addrs: addr,
        login,
        ...(mount ? { mount } : {}),
        ...(prefix ? { prefix } : {}),
        ...(namespace ? { namespace } : {}),
      })
      ctx.done(
        `Connected team ${t.name} as ${t.displayName || 'this token'} (policies: ${t.policies.join(', ') || 'none'}); ` +
          `keys at ${t.mount}/${t.prefix}/ on ${t.addrs.length} node${t.addrs.length === 1 ? '' : 's'}.`,
        {
          team: t.name,
          displayName: t.displayName,
          policies: t.policies,
          addrs: t.addrs,
          mount: t.mount,
          prefix: t.prefix,
          namespace: t.namespace,
          authMethod: t.authMethod,
        },
      )
      return 0
    },
  },
  {
    words: ['team', 'list'],
    usage: 'team list [--json]',
    summary: 'the connected teams (no tokens)',
    options: { json: { type: 'boolean' } },
    positionals: [0, 0],
    async run(ctx, opts) {
      const core = await ctx.unlocked()
      const teams = core.teams.listTeams()
      if (opts.json) {
        ctx.out(
          JSON.stringify(
            teams.map((t) => ({ ...t, offlineSince: iso(t.offlineSince), lastSyncAt: iso(t.lastSyncAt) })),
            null,
            2,
          ),
        )
      } else if (teams.length === 0)
        ctx.err('No teams. Connect one with `keyshelf team connect NAME --addr URL …`.')
      else
        ctx.out(
          table([
            ['TEAM', 'ADDRESSES', 'PATH', 'AS', 'KEYS', 'STATE'],
            ...teams.map((t) => [
              t.name,
              t.addrs.join(','),
              `${t.mount}/${t.prefix}`,
              t.displayName,
              String(t.keys),
              t.offlineSince !== null
                ? `offline since ${when(t.offlineSince)}`
                : t.lastSyncAt
                  ? `synced ${when(t.lastSyncAt)}`
                  : 'never synced',
            ]),
          ]),
        )
      return 0
    },
  },
  {
    words: ['team', 'share'],
    usage: 'team share APP [--team NAME] [--json]',
    summary: "put an app's environments and keys in a team space",
    options: { team: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, opts, [appName]) {
      const core = await ctx.unlocked()
      const app = core.appByName(appName!)
      const s = await core.teams.share(app.id, str(opts.team))
      ctx.done(
        `Shared ${s.app} with team ${s.team}: ${s.keys} key${s.keys === 1 ? '' : 's'} in ${s.environments} environment${s.environments === 1 ? '' : 's'}` +
          (s.alreadyShared > 0 ? ` (${s.alreadyShared} already there, left as they are).` : '.'),
        {
          team: s.team,
          app: s.app,
          environments: s.environments,
          keys: s.keys,
          alreadyShared: s.alreadyShared,
        },
      )
      return 0
    },
  },
  {
    words: ['team', 'pull'],
    usage: 'team pull [--team NAME] [--full] [--json]',
    summary: 'pull what changed in a team space (sync does this for every team)',
    help:
      'Keys whose manifest entry matches the local copy are skipped; every key is checked against its metadata once an hour,\n' +
      'or now with --full (finds a `bao kv put` made without Keyshelf to an existing key). See docs/teams.md.',
    options: { team: { type: 'string' }, full: { type: 'boolean' }, json: { type: 'boolean' } },
    positionals: [0, 0],
    async run(ctx, opts) {
      const core = await ctx.unlocked()
      const s = await core.teams.pull(str(opts.team), { full: opts.full === true })
      if (ctx.json) ctx.out(JSON.stringify(pullJson(s)))
      else ctx.out(pullLine(s))
      return 0
    },
  },
  {
    words: ['team', 'disconnect'],
    usage: 'team disconnect NAME [--json]',
    summary: "forget a team's credentials; its apps and keys stay in this vault as local keys",
    help: 'The team space itself is not changed. Connect again (team connect) to link the same paths anew.',
    options: { json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, _opts, [name]) {
      const core = await ctx.unlocked()
      const r = core.teams.disconnect(name!)
      ctx.done(
        `Disconnected team ${r.team}: its ${r.keys} key${r.keys === 1 ? '' : 's'} in ${r.apps} app${r.apps === 1 ? '' : 's'} stay here as local keys; the team space is unchanged.`,
        { team: r.team, apps: r.apps, keys: r.keys },
      )
      return 0
    },
  },
  {
    words: ['team', 'apps'],
    usage: 'team apps [--team NAME] [--json]',
    summary: 'the apps in a team space, and which ones this vault has',
    options: { team: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [0, 0],
    async run(ctx, opts) {
      const core = await ctx.unlocked()
      const apps = await core.teams.teamApps(str(opts.team))
      if (opts.json) ctx.out(JSON.stringify(apps, null, 2))
      else if (apps.length === 0)
        ctx.err('The team has no apps yet. Share one with `keyshelf team share APP`.')
      else
        ctx.out(
          table([
            ['APP', 'PATH', 'ENVIRONMENTS', 'KEYS', 'LOCAL'],
            ...apps.map((a) => [
              a.name,
              a.slug,
              a.environments.join(','),
              String(a.keys),
              a.local ? 'yes' : 'no (keyshelf sync)',
            ]),
          ]),
        )
      return 0
    },
  },
  {
    words: ['report'],
    usage: 'report [--format ics|csv|json|md] [--team NAME] [--within DAYS] [-o FILE [--json]]',
    summary: 'the rotation calendar (ics) or report (csv, json, md); never a secret value',
    help:
      'ics: one all-day event per rotation due date, expiry and overlap end, with an alarm DAYS before (default: the warning window).\n' +
      'Without --team: every key in this vault. Prints to stdout without -o.\n' +
      '--json (with -o) prints {"ok","message","path","format","keys"}; the report itself as JSON is --format json.',
    options: {
      format: { type: 'string', short: 'f' },
      team: { type: 'string' },
      within: { type: 'string' },
      output: { type: 'string', short: 'o' },
      json: { type: 'boolean' },
    },
    positionals: [0, 0],
    async run(ctx, opts) {
      ctx.jsonNeedsFile(str(opts.output), 'the report itself (as JSON with --format json)')
      const format = (str(opts.format) ?? 'md') as ReportFormat
      if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
        throw new UsageError(`--format is one of ${REPORT_FORMATS.join(', ')}.`)
      }
      const within = str(opts.within)
      const warn = within !== undefined ? Number(within) : undefined
      if (warn !== undefined && (!Number.isInteger(warn) || warn < 1 || warn > 365)) {
        throw new UsageError('--within takes a whole number of days from 1 to 365.')
      }
      const core = await ctx.unlocked()
      const now = Date.now()
      const team = str(opts.team)
      const keys = team ? await core.teams.reportKeys(team) : await collectReportKeys(core, now)
      const warnDays = warn ?? (await core.getPreferences()).warnDays
      const text = renderReport(format, keys, {
        now,
        warnDays,
        title: team ? `Keyshelf: team ${team}` : 'Keyshelf rotations',
      })
      const out = str(opts.output)
      if (out === undefined) ctx.io.stdout.write(text)
      else {
        writeFileSync(resolve(out), text, { mode: 0o644 })
        ctx.done(
          `Wrote the ${format} report of ${keys.length} key${keys.length === 1 ? '' : 's'} to ${out}.`,
          {
            path: resolve(out),
            format,
            keys: keys.length,
          },
        )
      }
      return 0
    },
  },
]
