import type { CredentialView, RotationStatus } from '../../../src-shared/model'
import { DEFAULT_KDF, PROVIDERS } from '../../../src-shared/model'
import { contract } from '../../../src-shared/contract'
import {
  type CliCommand,
  type CliContext,
  day,
  iso,
  parseDay,
  showMasked,
  statusWords,
  table,
} from '../cli-context'
import { UsageError, confirm, promptHidden } from '../cli-io'
import { dueByOwner } from './team.commands'

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

function positiveInt(flag: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} takes a whole number ≥ 1.`)
  return Number(v)
}

/** Reads a field value from --value, --value-stdin or a hidden prompt. */
async function valueFrom(
  ctx: CliContext,
  opts: Record<string, string | boolean | undefined>,
): Promise<string> {
  if (typeof opts.value === 'string' && opts['value-stdin'])
    throw new UsageError('Use --value or --value-stdin, not both.')
  if (typeof opts.value === 'string') return opts.value
  if (opts['value-stdin']) return ctx.stdinValue()
  if (!ctx.io.stdin.isTTY)
    throw new UsageError('Give the value with --value-stdin (or --value, which shell history keeps).')
  return promptHidden(ctx.io, 'Value (hidden): ')
}

const valueOptions = {
  value: { type: 'string' },
  'value-stdin': { type: 'boolean' },
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
    usage: 'init [--kdf-memory-mib N] [--kdf-iterations N]',
    summary: 'create a new vault',
    options: { 'kdf-memory-mib': { type: 'string' }, 'kdf-iterations': { type: 'string' } },
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
      const password = await ctx.initialPassword()
      const input = contract.create.input.parse({ password, kdf })
      await core.create(input)
      ctx.err(`Created ${ctx.global.vault}. Keep the master password safe: it cannot be recovered.`)
      return 0
    },
  },
  {
    words: ['passwd'],
    usage: 'passwd',
    summary: 'change the master password (re-wraps the data key only)',
    help: 'The current password comes from KEYSHELF_PASSWORD, the first stdin line (--password-stdin) or a prompt;\nthe new one from KEYSHELF_NEW_PASSWORD, the second stdin line (--password-stdin) or a prompt asked twice.',
    positionals: [0, 0],
    async run(ctx) {
      const core = ctx.core()
      if ((await core.status()).state === 'no-vault') throw ctx.noVault()
      const current = await ctx.password('Current master password: ')
      await core.unlock({ password: current })
      const next = await ctx.newPassword()
      if (next === current)
        throw new UsageError('The new password is the same as the current one. Nothing was changed.')
      await core.changePassword(contract.changePassword.input.parse({ current, next }))
      ctx.err('Master password changed.')
      return 0
    },
  },
  {
    words: ['app', 'add'],
    usage: 'app add NAME [--description D] [--app-id ID]',
    summary: 'add an app',
    options: { description: { type: 'string' }, 'app-id': { type: 'string' } },
    positionals: [1, 1],
    async run(ctx, opts, [name]) {
      const core = await ctx.unlocked()
      const app = await core.createApp(
        contract.createApp.input.parse({
          name,
          description: str(opts.description),
          appId: str(opts['app-id']),
        }),
      )
      ctx.err(`Added app ${app.name}.`)
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
    usage: 'app rm NAME [--yes]',
    summary: 'delete an app with its environments and keys',
    options: { yes: { type: 'boolean', short: 'y' } },
    positionals: [1, 1],
    async run(ctx, opts, [name]) {
      const core = await ctx.unlocked()
      const app = core.appByName(name ?? '')
      const summary = (await core.listApps()).find((a) => a.id === app.id)
      if (!opts.yes) {
        const ok = await confirm(
          ctx.io,
          `Delete ${app.name} with ${summary?.environmentCount ?? 0} environment(s) and ${summary?.credentialCount ?? 0} key(s)?`,
        )
        if (!ok) throw new UsageError('Not deleted. Pass --yes to delete without asking.')
      }
      await core.deleteApp({ id: app.id })
      ctx.err(`Deleted ${app.name}.`)
      return 0
    },
  },
  {
    words: ['env', 'add'],
    usage: 'env add APP ENV [--api-url URL] [--ws-url URL] [--region R]',
    summary: 'add an environment to an app',
    options: { 'api-url': { type: 'string' }, 'ws-url': { type: 'string' }, region: { type: 'string' } },
    positionals: [2, 2],
    async run(ctx, opts, [appName, envName]) {
      const core = await ctx.unlocked()
      const app = core.appByName(appName ?? '')
      const env = await core.createEnvironment(
        contract.createEnvironment.input.parse({
          appId: app.id,
          name: envName,
          apiUrl: str(opts['api-url']),
          wsUrl: str(opts['ws-url']),
          region: str(opts.region),
        }),
      )
      ctx.err(`Added ${app.name}/${env.name}.`)
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
      const app = core.appByName(appName ?? '')
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
      'key add APP ENV NAME --env-var VAR [--public] [--value V | --value-stdin] [--label L] [--expires YYYY-MM-DD] [--rotate-every DAYS|never] [--last-rotated YYYY-MM-DD] [--provider P] [--provider-key-id ID]',
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
      const { environment } = core.environmentByName(appName ?? '', envName ?? '')
      const value = await valueFrom(ctx, opts)
      const input = contract.createCredential.input.parse({
        environmentId: environment.id,
        name,
        provider: str(opts.provider) ?? 'manual',
        providerCredentialId: str(opts['provider-key-id']),
        expiresAt: str(opts.expires) !== undefined ? parseDay('--expires', str(opts.expires) ?? '') : null,
        lastRotatedAt:
          str(opts['last-rotated']) !== undefined
            ? parseDay('--last-rotated', str(opts['last-rotated']) ?? '')
            : null,
        ...(rotationIntervalDays !== undefined ? { rotationIntervalDays } : {}),
        fields: [{ label: str(opts.label) ?? '', envVar, kind: opts.public ? 'public' : 'secret', value }],
      })
      const c = await core.createCredential(input)
      ctx.err(`Added ${appName}/${envName}/${c.name} (${envVar}).`)
      return 0
    },
  },
  {
    words: ['key', 'add-field'],
    usage: 'key add-field APP/ENV/NAME --env-var VAR [--public] [--value V | --value-stdin] [--label L]',
    summary: 'add a field to a key (the second half of a pair)',
    options: {
      'env-var': { type: 'string' },
      public: { type: 'boolean' },
      label: { type: 'string' },
      ...valueOptions,
    },
    positionals: [1, 1],
    async run(ctx, opts, [path]) {
      const envVar = str(opts['env-var'])
      if (!envVar) throw new UsageError('--env-var is required.')
      const core = await ctx.unlocked()
      const { credential } = core.credentialByPath(path ?? '')
      const value = await valueFrom(ctx, opts)
      await core.addField(
        contract.addField.input.parse({
          credentialId: credential.id,
          label: str(opts.label) ?? '',
          envVar,
          kind: opts.public ? 'public' : 'secret',
          value,
        }),
      )
      ctx.err(`Added ${envVar} to ${credential.name}.`)
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
      const core = await ctx.unlocked()
      const status = str(opts.status)
      const statuses: RotationStatus[] = ['ok', 'due-soon', 'overdue', 'expired', 'revoked']
      if (status !== undefined && !statuses.includes(status as RotationStatus)) {
        throw new UsageError(`--status is one of ${statuses.join(', ')}.`)
      }
      const filter: { appId?: string; environmentId?: string; status?: RotationStatus } = {}
      if (appName && envName) filter.environmentId = core.environmentByName(appName, envName).environment.id
      else if (appName) filter.appId = core.appByName(appName).id
      if (status) filter.status = status as RotationStatus
      const creds = await core.listCredentials(filter)
      const apps = new Map((await core.listApps()).map((a) => [a.id, a.name]))
      const envNames = new Map<string, string>()
      for (const id of apps.keys())
        for (const e of await core.listEnvironments({ appId: id })) envNames.set(e.id, e.name)
      const where = (c: CredentialView) =>
        [apps.get(c.appId) ?? '', envNames.get(c.environmentId) ?? ''] as const
      const sorted = [...creds].sort(
        (a, b) => where(a).join('/').localeCompare(where(b).join('/')) || a.name.localeCompare(b.name),
      )
      if (opts.json) {
        ctx.out(
          JSON.stringify(
            sorted.map((c) => keyJson(c, ...where(c))),
            null,
            2,
          ),
        )
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
    usage: 'get APP/ENV/ENV_VAR',
    summary: 'print one value exactly (no newline added when piped)',
    positionals: [1, 1],
    async run(ctx, _opts, [path]) {
      const core = await ctx.unlocked()
      const { field } = core.fieldByPath(path ?? '')
      const { value } = await core.reveal({ fieldId: field.id })
      ctx.io.stdout.write(value)
      if (ctx.io.stdout.isTTY) ctx.io.stdout.write('\n')
      return 0
    },
  },
  {
    words: ['key', 'rotate'],
    usage: 'key rotate APP/ENV/ENV_VAR [--value V | --value-stdin] [--overlap-hours H] [--via-provider]',
    summary: 'store a new value (old one kept in history) or rotate through the provider',
    help: '--via-provider asks the provider for a new key (journalled; never retried). With --overlap-hours the old key keeps working that long where the provider allows it.',
    options: { ...valueOptions, 'overlap-hours': { type: 'string' }, 'via-provider': { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, opts, [path]) {
      const overlap = str(opts['overlap-hours'])
      const overlapHours = overlap !== undefined ? Number(overlap) : undefined
      if (overlapHours !== undefined && (!Number.isFinite(overlapHours) || overlapHours < 0)) {
        throw new UsageError('--overlap-hours takes a number of hours ≥ 0.')
      }
      const core = await ctx.unlocked()
      const { credential, field } = core.fieldByPath(path ?? '')
      if (opts['via-provider']) {
        const r = await core.rotateViaProvider(
          contract.rotateViaProvider.input.parse({ credentialId: credential.id, overlapHours }),
        )
        ctx.err(
          r.oldKeyState === 'dead'
            ? `Rotated ${path} through ${credential.provider}. The old key stopped working now: refresh every .env that holds it.`
            : `Rotated ${path} through ${credential.provider}. The old key keeps working until ${iso(r.oldValidUntil)}; Keyshelf deletes it at the first sync after that.`,
        )
        if (r.fallbackReason) ctx.err(`Note: ${r.fallbackReason}`)
        if (r.note) ctx.err(`Note: ${r.note}`)
        return 0
      }
      const value = await valueFrom(ctx, opts)
      await core.rotate(
        contract.rotate.input.parse({
          credentialId: credential.id,
          values: [{ fieldId: field.id, value }],
          overlapHours,
        }),
      )
      ctx.err(`Rotated ${path}; the previous value is in its history.`)
      return 0
    },
  },
  {
    words: ['key', 'verify'],
    usage: 'key verify APP/ENV/ENV_VAR',
    summary: 'check a key with its provider; settles an unknown rotation',
    positionals: [1, 1],
    async run(ctx, _opts, [path]) {
      const core = await ctx.unlocked()
      const { credential } = core.fieldByPath(path ?? '')
      const r = await core.verifyCredential({ credentialId: credential.id })
      ctx.out(r.message)
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
      const { credential, field } = core.fieldByPath(path ?? '')
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
    usage: 'key rm APP/ENV/NAME [--yes]',
    summary: 'delete a key with its history',
    options: { yes: { type: 'boolean', short: 'y' } },
    positionals: [1, 1],
    async run(ctx, opts, [path]) {
      const core = await ctx.unlocked()
      const { credential } = core.credentialByPath(path ?? '')
      if (!opts.yes && !(await confirm(ctx.io, `Delete ${credential.name} and its history?`))) {
        throw new UsageError('Not deleted. Pass --yes to delete without asking.')
      }
      await core.deleteCredential({ id: credential.id })
      ctx.err(`Deleted ${credential.name}.`)
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
              statusWords(i.rotation, i.expiresAt),
              i.appName,
              i.environmentName,
              i.name,
              i.envVars.join(','),
            ]),
          ]),
        )
      return items.some((i) => i.rotation.status === 'overdue' || i.rotation.status === 'expired') ? 2 : 0
    },
  },
]
