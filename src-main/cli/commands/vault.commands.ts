import type { CredentialView, RotationStatus } from '../../../src-shared/model'
import { DEFAULT_KDF, PROVIDERS } from '../../../src-shared/model'
import { contract, isCheckOrigin } from '../../../src-shared/contract'
import {
  type CliCommand,
  type CliContext,
  day,
  iso,
  nameMaps,
  parseDay,
  showMasked,
  statusWords,
  table,
} from '../cli-context'
import { resolveApp, resolveCredential, resolveEnv, resolveField } from '../cli-address'
import { checkValue } from '../value-input'
import { movedToTrash } from './trash.commands'
import { UsageError, confirm, promptHidden } from '../cli-io'
import { dueByOwner, offlineNote } from './team.commands'
import { printLastChecks, revokeHint, revokeJson, revokeWords } from './revoke-words'

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

function positiveInt(flag: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} takes a whole number ≥ 1.`)
  return Number(v)
}

/** Refuses a URL that does not parse or has another scheme. */
export function checkUrl(flag: string, v: string | undefined, schemes: string[]): void {
  if (v === undefined || v === '') return
  let u: URL | null
  try {
    u = new URL(v)
  } catch {
    u = null
  }
  if (!u || !schemes.includes(u.protocol))
    throw new UsageError(
      `${flag} must be a full URL starting with ${schemes.map((x) => x + '//').join(' or ')}, e.g. https://api.example.com.`,
    )
}

/** --last-rotated: a day, not in the future. */
function lastRotated(v: string | undefined): number | null {
  if (v === undefined) return null
  const t = parseDay('--last-rotated', v)
  if (t > Date.now())
    throw new UsageError(`--last-rotated ${v} is in the future; give the day it was last rotated.`)
  return t
}

/** Reads a field value from --value, --value-stdin or a hidden prompt. */
async function valueFrom(
  ctx: CliContext,
  opts: Record<string, string | boolean | undefined>,
): Promise<string> {
  if (typeof opts.value === 'string' && opts['value-stdin'])
    throw new UsageError('Use --value or --value-stdin, not both.')
  const check = (v: string) =>
    checkValue(v, { allowEmpty: opts['allow-empty'] === true, warn: (line) => ctx.err(line) })
  if (typeof opts.value === 'string') return check(opts.value)
  if (opts['value-stdin']) return check(await ctx.stdinValue())
  if (!ctx.io.stdin.isTTY)
    throw new UsageError('Give the value with --value-stdin (or --value, which shell history keeps).')
  return check(await promptHidden(ctx.io, 'Value (hidden): '))
}

const valueOptions = {
  value: { type: 'string' },
  'value-stdin': { type: 'boolean' },
  'allow-empty': { type: 'boolean' },
} as const

function keyJson(c: CredentialView, app: string, env: string) {
  return {
    app,
    env,
    name: c.name,
    provider: c.provider,
    status: c.rotation.status,
    rotationState: c.rotationState,
    rotationDueAt: iso(c.rotation.rotationDueAt),
    expiresAt: iso(c.expiresAt),
    lastRotatedAt: iso(c.lastRotatedAt),
    rotationIntervalDays: c.rotationIntervalDays,
    createdAt: iso(c.createdAt),
    providerCredentialId: c.providerCredentialId,
    owner: c.owner,
    role: c.role,
    allowedHosts: c.allowedHosts,
    tags: c.tags,
    fields: c.fields.map((f) => ({
      envVar: f.envVar,
      label: f.label,
      kind: f.kind,
      masked: showMasked(f.masked),
    })),
  }
}

export const vaultCommands: CliCommand[] = [
  {
    words: ['init'],
    usage: 'init [--kdf-memory-mib N] [--kdf-iterations N] [--json]',
    summary: 'create a new vault',
    options: {
      'kdf-memory-mib': { type: 'string' },
      'kdf-iterations': { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [0, 0],
    help: `Argon2id defaults: ${DEFAULT_KDF.memoryKiB / 1024} MiB, ${DEFAULT_KDF.iterations} iterations; never below 19 MiB / 2 (OWASP).\nA lost master password cannot be recovered.`,
    async run(ctx, opts) {
      const kdf: { memoryKiB?: number; iterations?: number } = {}
      const m = str(opts['kdf-memory-mib'])
      const t = str(opts['kdf-iterations'])
      if (m) kdf.memoryKiB = positiveInt('--kdf-memory-mib', m) * 1024
      if (t) kdf.iterations = positiveInt('--kdf-iterations', t)
      const core = ctx.core()
      if ((await core.status()).state !== 'no-vault')
        throw new UsageError(`A vault already exists at ${ctx.global.vault}.`)
      if (ctx.io.stdin.isTTY && !ctx.io.env.KEYSHELF_PASSWORD && !ctx.io.env.KEYSHELF_NEW_PASSWORD)
        ctx.err(
          'The master password needs at least 8 characters (a few random words are best). It encrypts everything and cannot be recovered or reset.',
        )
      const password = await ctx.initialPassword()
      if (password.length < 8)
        throw new UsageError('The master password needs at least 8 characters. No vault was created.')
      const input = contract.create.input.parse({ password, kdf })
      await core.create(input)
      ctx.done(`Created ${ctx.global.vault}. Keep the master password safe: it cannot be recovered.`, {
        vault: ctx.global.vault,
      })
      return 0
    },
  },
  {
    words: ['passwd'],
    usage: 'passwd [--rekey] [--json]',
    summary: 'change the master password (re-wraps the data key; --rekey also replaces it)',
    help: 'The current password comes from KEYSHELF_PASSWORD, the first stdin line (--password-stdin) or a prompt;\nthe new one from KEYSHELF_NEW_PASSWORD, the second stdin line (--password-stdin) or a prompt asked twice.\nWithout --rekey the data key stays the same: an old copy of the vault file still opens with the old password,\nincluding secrets added later. --rekey (or keyshelf rekey) replaces the data key too.',
    options: { rekey: { type: 'boolean' }, json: { type: 'boolean' } },
    positionals: [0, 0],
    async run(ctx, opts) {
      const core = ctx.core()
      if ((await core.status()).state === 'no-vault') throw ctx.noVault()
      const current = await ctx.password('Current master password: ')
      await core.unlock({ password: current })
      const next = await ctx.newPassword()
      if (next === current)
        throw new UsageError('The new password is the same as the current one. Nothing was changed.')
      await core.changePassword(contract.changePassword.input.parse({ current, next }))
      const changed = 'Master password changed.'
      // Text: each step as it happens; --json: one object at the end (the question and the tip on stderr).
      if (!ctx.json) ctx.err(changed)
      const rekey =
        opts.rekey === true ||
        (await confirm(
          ctx.io,
          'The data key is unchanged, so an old copy of the vault file still opens with the old password. Replace the data key too (rekey)?',
        ))
      const r = rekey ? await core.rekey({ password: next }) : null
      const replaced = r
        ? `Data key replaced: ${r.resealed} values re-sealed. Quick unlock, if it was on, is off.`
        : null
      if (ctx.json)
        ctx.done(replaced ? `${changed} ${replaced}` : changed, {
          passwordChanged: true,
          rekeyed: r !== null,
          resealed: r?.resealed ?? null,
        })
      else if (replaced) ctx.err(replaced)
      if (!r)
        ctx.err(
          'Tip: keyshelf rekey replaces the data key, so old copies of the file cannot open new secrets.',
        )
      return 0
    },
  },
  {
    words: ['rekey'],
    usage: 'rekey [--json]',
    summary: 'replace the vault’s data key and re-seal every value (after a leak or a password change)',
    help: 'Everything is re-sealed in one transaction with a new random data key; an old copy of the vault file\nand an old password then open nothing written afterwards. Quick unlock is turned off. The audit log keeps an entry.\nProgress (on a terminal) goes to stderr; --json prints {"ok","message","rekeyed","resealed","ms"} on stdout.',
    options: { json: { type: 'boolean' } },
    positionals: [0, 0],
    async run(ctx) {
      const core = ctx.core()
      if ((await core.status()).state === 'no-vault') throw ctx.noVault()
      const password = await ctx.password()
      await core.unlock({ password })
      const started = Date.now()
      const r = await core.rekey({ password })
      const ms = Date.now() - started
      ctx.done(`Data key replaced: ${r.resealed} values re-sealed in ${ms} ms.`, {
        rekeyed: true,
        resealed: r.resealed,
        ms,
      })
      return 0
    },
  },
  {
    words: ['app', 'add'],
    usage: 'app add NAME [--description D] [--app-id ID] [--json]',
    summary: 'add an app',
    options: { description: { type: 'string' }, 'app-id': { type: 'string' }, json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, opts, [name]) {
      const core = await ctx.unlocked()
      const appId = str(opts['app-id'])
      if (appId) {
        const same = (await core.listApps()).find((a) => a.appId === appId)
        if (same) ctx.err(`Warning: ${same.name} already has app ID ${appId}.`)
      }
      const app = await core.createApp(
        contract.createApp.input.parse({
          name,
          description: str(opts.description),
          appId: str(opts['app-id']),
        }),
      )
      ctx.done(`Added app ${app.name}.`, { app: app.name })
      return 0
    },
  },
  {
    words: ['app', 'list'],
    usage: 'app list [--json]',
    summary: 'list apps with their attention counts',
    options: { json: { type: 'boolean' } },
    positionals: [0, 0],
    async run(ctx, opts) {
      const core = await ctx.unlocked()
      const apps = await core.listApps()
      if (opts.json) {
        ctx.out(
          JSON.stringify(
            apps.map((a) => ({
              name: a.name,
              description: a.description,
              appId: a.appId,
              environments: a.environmentCount,
              keys: a.credentialCount,
              overdue: a.overdue,
              dueSoon: a.dueSoon,
              expired: a.expired,
            })),
            null,
            2,
          ),
        )
      } else if (apps.length === 0) ctx.err('No apps yet. Add one with `keyshelf app add NAME`.')
      else {
        ctx.out(
          table([
            ['APP', 'ENVS', 'KEYS', 'ATTENTION', 'DESCRIPTION'],
            ...apps.map((a) => [
              a.name,
              String(a.environmentCount),
              String(a.credentialCount),
              [
                a.overdue && `${a.overdue} overdue`,
                a.expired && `${a.expired} expired`,
                a.dueSoon && `${a.dueSoon} due soon`,
              ]
                .filter(Boolean)
                .join(', ') || '-',
              a.description,
            ]),
          ]),
        )
      }
      return 0
    },
  },
  {
    words: ['app', 'rm'],
    usage: 'app rm NAME [--yes] [--json]',
    summary: 'move an app with its environments and keys to the Trash (kept 30 days)',
    options: { yes: { type: 'boolean', short: 'y' }, json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, opts, [name]) {
      const core = await ctx.unlocked()
      const app = await resolveApp(core, name ?? '')
      const summary = (await core.listApps()).find((a) => a.id === app.id)
      if (!opts.yes) {
        const ok = await confirm(
          ctx.io,
          `Move ${app.name} with ${summary?.environmentCount ?? 0} environment(s) and ${summary?.credentialCount ?? 0} key(s) to the Trash?`,
        )
        if (!ok) throw new UsageError('Not deleted. Pass --yes to delete without asking.')
      }
      await core.deleteApp({ id: app.id })
      ctx.done(movedToTrash(app.name), {
        removed: { app: app.name },
        toTrash: true,
        environments: summary?.environmentCount ?? 0,
        keys: summary?.credentialCount ?? 0,
      })
      return 0
    },
  },
  {
    words: ['env', 'add'],
    usage: 'env add APP ENV [--api-url URL] [--ws-url URL] [--region R] [--json]',
    summary: 'add an environment to an app',
    options: {
      'api-url': { type: 'string' },
      'ws-url': { type: 'string' },
      region: { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [2, 2],
    async run(ctx, opts, [appName, envName]) {
      checkUrl('--api-url', str(opts['api-url']), ['http:', 'https:'])
      checkUrl('--ws-url', str(opts['ws-url']), ['ws:', 'wss:', 'http:', 'https:'])
      const core = await ctx.unlocked()
      const app = await resolveApp(core, appName ?? '')
      const env = await core.createEnvironment(
        contract.createEnvironment.input.parse({
          appId: app.id,
          name: envName,
          apiUrl: str(opts['api-url']),
          wsUrl: str(opts['ws-url']),
          region: str(opts.region),
        }),
      )
      ctx.done(`Added ${app.name}/${env.name}.`, { app: app.name, env: env.name })
      return 0
    },
  },
  {
    words: ['env', 'list'],
    usage: 'env list APP [--json]',
    summary: "list an app's environments",
    options: { json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, opts, [appName]) {
      const core = await ctx.unlocked()
      const app = await resolveApp(core, appName ?? '')
      const envs = await core.listEnvironments({ appId: app.id })
      if (opts.json) {
        ctx.out(
          JSON.stringify(
            envs.map((e) => ({ name: e.name, apiUrl: e.apiUrl, wsUrl: e.wsUrl, region: e.region })),
            null,
            2,
          ),
        )
      } else if (envs.length === 0)
        ctx.err(`${app.name} has no environments. Add one with \`keyshelf env add\`.`)
      else
        ctx.out(
          table([
            ['ENV', 'API URL', 'WS URL', 'REGION'],
            ...envs.map((e) => [e.name, e.apiUrl, e.wsUrl, e.region]),
          ]),
        )
      return 0
    },
  },
  {
    words: ['key', 'add'],
    usage:
      'key add APP ENV NAME --env-var VAR [--public] [--value V | --value-stdin] [--allow-empty] [--label L] [--expires YYYY-MM-DD] [--rotate-every DAYS|never] [--last-rotated YYYY-MM-DD] [--provider P] [--provider-key-id ID] [--json]',
    summary: 'add a key (add a second field with key add-field)',
    help: `Prefer --value-stdin (e.g. printf %s "$V" | keyshelf key add …): --value stays in shell history and process lists.\nWith --password-stdin, the first stdin line is the password and the rest is the value.\n--provider is one of ${PROVIDERS.join(', ')} (default manual). --rotate-every defaults to 90 days (never for --public).`,
    options: {
      'env-var': { type: 'string' },
      public: { type: 'boolean' },
      ...valueOptions,
      expires: { type: 'string' },
      'rotate-every': { type: 'string' },
      'last-rotated': { type: 'string' },
      provider: { type: 'string' },
      'provider-key-id': { type: 'string' },
      label: { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [3, 3],
    async run(ctx, opts, [appName, envName, name]) {
      const envVar = str(opts['env-var'])
      if (!envVar) throw new UsageError('--env-var is required, e.g. --env-var NOVU_SECRET_KEY.')
      const every = str(opts['rotate-every'])
      let rotationIntervalDays: number | null | undefined
      if (every === 'never') rotationIntervalDays = null
      else if (every !== undefined) rotationIntervalDays = positiveInt('--rotate-every', every)
      else if (opts.public) rotationIntervalDays = null
      const core = await ctx.unlocked()
      const { app, environment } = await resolveEnv(core, appName ?? '', envName ?? '')
      const value = await valueFrom(ctx, opts)
      const input = contract.createCredential.input.parse({
        environmentId: environment.id,
        name,
        provider: str(opts.provider) ?? 'manual',
        providerCredentialId: str(opts['provider-key-id']),
        expiresAt: str(opts.expires) !== undefined ? parseDay('--expires', str(opts.expires) ?? '') : null,
        lastRotatedAt: lastRotated(str(opts['last-rotated'])),
        ...(rotationIntervalDays !== undefined ? { rotationIntervalDays } : {}),
        fields: [{ label: str(opts.label) ?? '', envVar, kind: opts.public ? 'public' : 'secret', value }],
        allowEmpty: opts['allow-empty'] === true,
      })
      const c = await core.createCredential(input)
      ctx.done(`Added ${app.name}/${environment.name}/${c.name} (${envVar}).`, {
        path: `${app.name}/${environment.name}/${envVar}`,
        key: c.name,
      })
      return 0
    },
  },
  {
    words: ['key', 'add-field'],
    usage:
      'key add-field APP/ENV/NAME --env-var VAR [--public] [--value V | --value-stdin] [--allow-empty] [--label L] [--json]',
    summary: 'add a field to a key (the second half of a pair)',
    options: {
      'env-var': { type: 'string' },
      public: { type: 'boolean' },
      label: { type: 'string' },
      ...valueOptions,
      json: { type: 'boolean' },
    },
    positionals: [1, 1],
    async run(ctx, opts, [path]) {
      const envVar = str(opts['env-var'])
      if (!envVar) throw new UsageError('--env-var is required.')
      const core = await ctx.unlocked()
      const { credential } = await resolveCredential(core, path ?? '')
      const value = await valueFrom(ctx, opts)
      await core.addField(
        contract.addField.input.parse({
          credentialId: credential.id,
          label: str(opts.label) ?? '',
          envVar,
          kind: opts.public ? 'public' : 'secret',
          value,
          allowEmpty: opts['allow-empty'] === true,
        }),
      )
      ctx.done(`Added ${envVar} to ${credential.name}.`, { key: credential.name, envVar })
      return 0
    },
  },
  {
    words: ['key', 'list'],
    usage: 'key list [APP [ENV]] [--status ok|due-soon|overdue|expired|revoked] [--json]',
    summary: 'list keys, masked',
    options: { status: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [0, 2],
    async run(ctx, opts, [appName, envName]) {
      // Without APP, every key is loaded: read their rows while the KDF runs.
      const core = await ctx.unlocked({ readAhead: !appName })
      const status = str(opts.status)
      const statuses: RotationStatus[] = ['ok', 'due-soon', 'overdue', 'expired', 'revoked']
      if (status !== undefined && !statuses.includes(status as RotationStatus)) {
        throw new UsageError(`--status is one of ${statuses.join(', ')}.`)
      }
      const filter: { appId?: string; environmentId?: string; status?: RotationStatus } = {}
      if (appName && envName) filter.environmentId = (await resolveEnv(core, appName, envName)).environment.id
      else if (appName) filter.appId = (await resolveApp(core, appName)).id
      if (status) filter.status = status as RotationStatus
      const creds = await core.listCredentials(filter)
      const names = await nameMaps(core)
      const where = (c: CredentialView) =>
        [names.apps.get(c.appId) ?? '', names.envs.get(c.environmentId) ?? ''] as const
      // The core lists by name; grouped by APP/ENV here, with only the few hundred addresses sorted (sorting
      // all 10,000 rows again with a collator was 10-15 ms).
      const collator = new Intl.Collator()
      const byPlace = new Map<string, CredentialView[]>()
      for (const c of creds) {
        const at = where(c).join('/')
        const group = byPlace.get(at)
        if (group) group.push(c)
        else byPlace.set(at, [c])
      }
      const sorted = [...byPlace.keys()].sort(collator.compare).flatMap((at) => byPlace.get(at) ?? [])
      if (opts.json) {
        // Row by row, in chunks: no second 10,000-element array of plain objects and one huge string.
        let chunk = '['
        sorted.forEach((c, i) => {
          // `[x]` pretty-printed is "[\n  {…}\n]": the item already indented as in the whole array.
          chunk += (i ? ',\n' : '\n') + JSON.stringify([keyJson(c, ...where(c))], null, 2).slice(2, -2)
          if (chunk.length > 1 << 16) {
            ctx.io.stdout.write(chunk)
            chunk = ''
          }
        })
        ctx.io.stdout.write(chunk + (sorted.length ? '\n]\n' : ']\n'))
        return 0
      }
      if (sorted.length === 0) {
        ctx.err('No keys match. Add one with `keyshelf key add APP ENV NAME --env-var VAR --value-stdin`.')
        return 0
      }
      const rows = [['APP', 'ENV', 'KEY', 'ENV VAR', 'KIND', 'VALUE', 'STATUS', 'LAST ROTATED']]
      for (const c of sorted) {
        const [a, e] = where(c)
        const st =
          statusWords(c.rotation, c.expiresAt) +
          (c.rotationState === 'unknown' ? ' (rotation unknown: verify)' : '')
        c.fields.forEach((f, i) =>
          rows.push([
            i === 0 ? a : '',
            i === 0 ? e : '',
            i === 0 ? c.name : '',
            f.envVar,
            f.kind,
            showMasked(f.masked),
            i === 0 ? st : '',
            i === 0 ? (c.lastRotatedAt !== null ? day(c.lastRotatedAt) : 'never') : '',
          ]),
        )
      }
      ctx.out(table(rows))
      return 0
    },
  },
  {
    words: ['get'],
    usage: 'get APP/ENV/KEY [--json]',
    summary: 'print one value exactly (no newline added when piped)',
    help: 'KEY is the env var or the name of a one-field key, matched case-insensitively when that is unambiguous.\n--json prints {"app","env","key","envVar","kind","value"}.',
    options: { json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, opts, [path]) {
      const core = await ctx.unlocked()
      const { app, environment, credential, field } = await resolveField(core, path ?? '')
      const { value } = await core.reveal({ fieldId: field.id })
      // A team key whose team did not answer last time: the value is the local copy (stderr, never stdout).
      const offline = core.teams.homeOf(credential.id)
      if (offline && offline.offlineSince !== null) ctx.err(offlineNote(offline.team, offline.offlineSince))
      if (opts.json) {
        ctx.out(
          JSON.stringify({
            app: app.name,
            env: environment.name,
            key: credential.name,
            envVar: field.envVar,
            kind: field.kind,
            value,
          }),
        )
        return 0
      }
      ctx.io.stdout.write(value)
      if (ctx.io.stdout.isTTY) ctx.io.stdout.write('\n')
      return 0
    },
  },
  {
    words: ['key', 'rotate'],
    usage:
      'key rotate APP/ENV/ENV_VAR [--value V | --value-stdin] [--allow-empty] [--overlap-hours H] [--via-provider | --guided [--check-url URL]] [--json]',
    summary: 'store a new value (old one kept in history) or rotate through the provider',
    help:
      '--via-provider asks the provider for a new key (journalled; never retried). With --overlap-hours the old key keeps working that long where the provider allows it.\n' +
      '--guided: for providers that cannot rotate through their API. Keyshelf names the dashboard page, takes the new value on stdin, checks it with the provider (read-only, its own host; --check-url sends that check to another endpoint of the same API you choose, e.g. a proxy), keeps the old value for the overlap, reminds you to revoke it when the overlap ends, and rewrites every .env file this key was exported to.',
    options: {
      ...valueOptions,
      'overlap-hours': { type: 'string' },
      'via-provider': { type: 'boolean' },
      guided: { type: 'boolean' },
      'check-url': { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [1, 1],
    async run(ctx, opts, [path]) {
      const overlap = str(opts['overlap-hours'])
      const overlapHours = overlap !== undefined ? Number(overlap) : undefined
      if (overlapHours !== undefined && (!Number.isFinite(overlapHours) || overlapHours < 0)) {
        throw new UsageError('--overlap-hours takes a number of hours ≥ 0.')
      }
      const core = await ctx.unlocked()
      const { credential, field } = await resolveField(core, path ?? '')
      if (opts.guided) {
        const checkUrl = str(opts['check-url'])
        if (checkUrl !== undefined && !isCheckOrigin(checkUrl)) {
          throw new UsageError('--check-url takes an https:// address (http:// only for localhost).')
        }
        const plan = await core.guidedRotationPlan({ credentialId: credential.id })
        ctx.err(`Open ${plan.dashboardUrl || 'the provider’s dashboard'} (${plan.providerName}).`)
        ctx.err(plan.steps)
        ctx.err('Paste the new key on stdin (it is not echoed):')
        const value = await ctx.stdinValue()
        const hours = overlapHours ?? plan.suggestedOverlapHours
        const r = await core.guidedRotationComplete(
          contract.guidedRotationComplete.input.parse({
            credentialId: credential.id,
            value,
            overlapHours: hours,
            ...(checkUrl !== undefined ? { checkOrigin: checkUrl } : {}),
          }),
        )
        if (r.check) ctx.err(`Checked with ${plan.providerName}: ${r.check.state} (${r.check.detail})`)
        else ctx.err(`${plan.providerName} has no read-only check; the new value was stored unchecked.`)
        for (const f of r.reexported) ctx.err(`Re-exported ${f}`)
        for (const f of r.reexportFailed) ctx.err(`Could not re-export ${f.path}: ${f.reason}`)
        ctx.done(
          r.overlapEndsAt
            ? `Rotated ${path}. The old value stays in history until ${iso(r.overlapEndsAt)}; then revoke it at ${plan.dashboardUrl || plan.providerName} (keyshelf due).`
            : `Rotated ${path}. Revoke the old key at ${plan.dashboardUrl || plan.providerName} now.`,
          {
            path,
            mode: 'guided',
            check: r.check ? { state: r.check.state, detail: r.check.detail } : null,
            overlapEndsAt: iso(r.overlapEndsAt),
            reexported: r.reexported,
            reexportFailed: r.reexportFailed,
          },
        )
        return r.reexportFailed.length > 0 ? 1 : 0
      }
      if (opts['via-provider']) {
        let r
        try {
          r = await core.rotateViaProvider(
            contract.rotateViaProvider.input.parse({ credentialId: credential.id, overlapHours }),
          )
        } catch (err) {
          // Novu and the like: the API refuses this key, the dashboard does not. Say how to go on.
          const guided = (err as { details?: { guided?: unknown } }).details?.guided
          if (guided === 'rotate') ctx.err(`Use: keyshelf key rotate ${path} --guided`)
          throw err
        }
        if (r.fallbackReason) ctx.err(`Note: ${r.fallbackReason}`)
        if (r.note) ctx.err(`Note: ${r.note}`)
        ctx.done(
          r.oldKeyState === 'dead'
            ? `Rotated ${path} through ${credential.provider}. The old key stopped working now: refresh every .env that holds it.`
            : `Rotated ${path} through ${credential.provider}. The old key keeps working until ${iso(r.oldValidUntil)}; Keyshelf deletes it at the first sync after that.`,
          {
            path,
            mode: 'provider',
            provider: credential.provider,
            oldKeyState: r.oldKeyState,
            oldValidUntil: iso(r.oldValidUntil),
          },
        )
        return 0
      }
      const value = await valueFrom(ctx, opts)
      await core.rotate(
        contract.rotate.input.parse({
          credentialId: credential.id,
          values: [{ fieldId: field.id, value }],
          overlapHours,
          allowEmpty: opts['allow-empty'] === true,
        }),
      )
      ctx.done(`Rotated ${path}; the previous value is in its history.`, { path, mode: 'manual' })
      return 0
    },
  },
  {
    words: ['key', 'finish-rotation'],
    usage: 'key finish-rotation APP/ENV/ENV_VAR [--json]',
    summary: 'end a two-key rotation now: delete the old key at the provider',
    options: { json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, _opts, [path]) {
      const core = await ctx.unlocked()
      const { credential } = await resolveCredential(core, path ?? '')
      const r = await core.finishProviderRotation({ credentialId: credential.id })
      ctx.done(r.message, { path, deleted: r.deleted, alreadyGone: r.alreadyGone })
      return 0
    },
  },
  {
    words: ['verify'],
    usage: 'verify --all [APP] [--concurrency N] [--json] | verify --last [--json]',
    summary: 'check every key the provider catalogue knows, each against its own provider (read-only)',
    help: '--last prints the stored result of each key’s last check (also from the window’s Check keys) without asking any provider.',
    options: {
      all: { type: 'boolean' },
      last: { type: 'boolean' },
      concurrency: { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [0, 1],
    async run(ctx, opts, [appName]) {
      if (opts.last) return printLastChecks(ctx, Boolean(opts.json))
      if (!opts.all)
        throw new UsageError('Pass --all (check one key with `keyshelf key verify APP/ENV/VAR`).')
      const c = str(opts.concurrency)
      const concurrency = c !== undefined ? Number(c) : undefined
      const core = await ctx.unlocked()
      const appId = appName ? core.appByName(appName).id : undefined
      const r = await core.verifyAllKeys(
        contract.verifyAllKeys.input.parse({
          ...(appId ? { appId } : {}),
          ...(concurrency !== undefined ? { concurrency } : {}),
        }),
      )
      if (opts.json) {
        ctx.out(
          JSON.stringify(
            r.results.map((x) => ({ ...x, check: { ...x.check, checkedAt: iso(x.check.checkedAt) } })),
            null,
            2,
          ),
        )
      } else {
        for (const x of r.results)
          ctx.out(
            `${x.check.state.padEnd(7)} ${x.name} (${x.check.provider}, ${iso(x.check.checkedAt)}): ${x.check.detail}`,
          )
        ctx.err(`${r.results.length} checked, ${r.skipped} without a provider check.`)
      }
      for (const rem of await core.guidedReminders())
        ctx.err(
          `Reminder: the overlap of ${rem.name} ended ${iso(rem.dueAt)}; revoke the old key at ${rem.dashboardUrl}.`,
        )
      return r.results.some((x) => x.check.state === 'invalid') ? 2 : 0
    },
  },
  {
    words: ['key', 'verify'],
    usage: 'key verify APP/ENV/ENV_VAR [--json]',
    summary: 'check a key with its provider; settles an unknown rotation',
    options: { json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, _opts, [path]) {
      const core = await ctx.unlocked()
      const { credential } = await resolveField(core, path ?? '')
      const r = await core.verifyCredential({ credentialId: credential.id })
      if (ctx.json) ctx.out(JSON.stringify({ path, result: r.result, message: r.message }))
      else ctx.out(r.message)
      return r.result === 'valid' || r.result.startsWith('settled') ? 0 : 1
    },
  },
  {
    words: ['key', 'history'],
    usage: 'key history APP/ENV/ENV_VAR [--json]',
    summary: 'earlier values of a key, masked',
    options: { json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, opts, [path]) {
      const core = await ctx.unlocked()
      const { credential, field } = await resolveField(core, path ?? '')
      const versions = await core.history({ credentialId: credential.id })
      const rows = versions.map((v) => {
        const f = v.fields.find((x) => x.fieldId === field.id)
        return {
          createdAt: iso(v.createdAt),
          reason: v.reason,
          validUntil: iso(v.validUntil),
          masked: f ? showMasked(f.masked) : null,
          fingerprint: f?.masked.fingerprint ?? null,
        }
      })
      if (opts.json) ctx.out(JSON.stringify(rows, null, 2))
      else if (rows.length === 0) ctx.err(`${path} has no earlier versions.`)
      else
        ctx.out(
          table([
            ['REPLACED AT', 'REASON', 'VALID UNTIL', 'VALUE', 'FINGERPRINT'],
            ...rows.map((r) => [
              r.createdAt ?? '',
              r.reason,
              r.validUntil ?? '',
              r.masked ?? '(field added later)',
              r.fingerprint ?? '',
            ]),
          ]),
        )
      return 0
    },
  },
  {
    words: ['key', 'rm'],
    usage: 'key rm APP/ENV/NAME [--yes] [--json]',
    summary: 'delete a key with its history',
    options: { yes: { type: 'boolean', short: 'y' }, json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, opts, [path]) {
      const core = await ctx.unlocked()
      const { app, environment, credential } = await resolveCredential(core, path ?? '')
      if (!opts.yes && !(await confirm(ctx.io, `Delete ${credential.name} and its history?`))) {
        throw new UsageError('Not deleted. Pass --yes to delete without asking.')
      }
      await core.deleteCredential({ id: credential.id })
      const atProvider =
        credential.providerCredentialId !== '' &&
        credential.provider !== 'manual' &&
        credential.provider !== 'other'
      ctx.done(`Deleted ${credential.name}.`, {
        removed: { app: app.name, env: environment.name, key: credential.name },
        toTrash: false,
        stillAtProvider: atProvider ? credential.provider : null,
      })
      if (atProvider) {
        ctx.err(
          `This removed only Keyshelf's copy: the key still exists at ${credential.provider} and still works. ` +
            'Revoke it in the provider’s dashboard if nobody uses it (a later sync adds it back while it exists).',
        )
      }
      return 0
    },
  },
  {
    words: ['due'],
    usage: 'due [--within DAYS] [--json] [--counts] [--by-owner] [--team NAME]',
    summary: 'keys due soon, overdue or expired (exit 2 if any is overdue or expired)',
    help: "--counts needs no password: only the plaintext rotation dates are read.\n--by-owner groups by the person or group to chase; --team NAME covers that team's keys (grouped by owner).",
    options: {
      within: { type: 'string' },
      json: { type: 'boolean' },
      counts: { type: 'boolean' },
      'by-owner': { type: 'boolean' },
      team: { type: 'string' },
    },
    positionals: [0, 0],
    async run(ctx, opts) {
      const within = str(opts.within)
      const withinDays = within !== undefined ? Number(within) : undefined
      if (withinDays !== undefined && (!Number.isInteger(withinDays) || withinDays < 0)) {
        throw new UsageError('--within takes a whole number of days.')
      }
      if (opts['by-owner'] || str(opts.team) !== undefined) return dueByOwner(ctx, opts, withinDays)
      if (opts.counts) {
        const core = ctx.core()
        if ((await core.status()).state === 'no-vault') throw ctx.noVault()
        if (withinDays !== undefined) await core.setPreferences({ warnDays: Math.max(1, withinDays) })
        const c = await core.dueCounts()
        if (opts.json) ctx.out(JSON.stringify(c))
        else ctx.out(`${c.overdue} overdue, ${c.expired} expired, ${c.dueSoon} due soon`)
        // Read without the key: plaintext columns nothing has authenticated yet (`keyshelf due` checks them).
        if (c.verified === false)
          ctx.err('Counts read before unlock; verified when you unlock (keyshelf due checks them).')
        return c.overdue + c.expired > 0 ? 2 : 0
      }
      const core = await ctx.unlocked()
      const items = await core.dueReport(withinDays !== undefined ? { withinDays } : {})
      if (opts.json) {
        ctx.out(
          JSON.stringify(
            items.map((i) => ({
              app: i.appName,
              env: i.environmentName,
              name: i.name,
              envVars: i.envVars,
              status: i.rotation.status,
              daysLeft: i.rotation.daysLeft,
              rotationDueAt: iso(i.rotation.rotationDueAt),
              expiresAt: iso(i.expiresAt),
              lastRotatedAt: iso(i.lastRotatedAt),
              ...(i.revoke ? { revokeOldKey: { ...revokeJson(i.revoke) } } : {}),
            })),
            null,
            2,
          ),
        )
      } else if (items.length === 0) ctx.err('Nothing is due. ✓')
      else
        ctx.out(
          table([
            ['STATUS', 'APP', 'ENV', 'KEY', 'ENV VARS'],
            ...items.map((i) => [
              revokeWords(i.revoke, statusWords(i.rotation, i.expiresAt)),
              i.appName,
              i.environmentName,
              i.name,
              i.envVars.join(','),
            ]),
          ]),
        )
      for (const i of items.filter((x) => x.revoke)) ctx.err(revokeHint(i))
      return items.some((i) => i.rotation.status === 'overdue' || i.rotation.status === 'expired') ? 2 : 0
    },
  },
]
