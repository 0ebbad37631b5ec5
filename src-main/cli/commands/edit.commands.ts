import { contract } from '../../../src-shared/contract'
import type { App, CredentialView, Environment } from '../../../src-shared/model'
import { resolveApp, resolveCredential, resolveEnv, resolveField } from '../cli-address'
import { type CliCommand, parseDay } from '../cli-context'
import { UsageError, confirm } from '../cli-io'
import { movedToTrash } from './trash.commands'
import { checkUrl } from './vault.commands'

type Opts = Record<string, unknown>
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const many = (v: unknown): string[] | undefined =>
  Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string')
    : typeof v === 'string'
      ? [v]
      : undefined

/**
 * Full patches on purpose: the contract's partial schemas fill every field left out with its default
 * (zod 4 applies defaults inside `.partial()`), so an edit always sends the record's current values for
 * everything it does not change.
 */
function appPatch(a: App, o: Opts) {
  return {
    name: str(o.name) ?? a.name,
    description: str(o.description) ?? a.description,
    appId: str(o['app-id']) ?? a.appId,
    tags: many(o.tag) ?? a.tags,
    notes: str(o.notes) ?? a.notes,
  }
}

function envPatch(e: Environment, o: Opts) {
  checkUrl('--api-url', str(o['api-url']), ['http:', 'https:'])
  checkUrl('--ws-url', str(o['ws-url']), ['ws:', 'wss:', 'http:', 'https:'])
  return {
    name: str(o.name) ?? e.name,
    apiUrl: str(o['api-url']) ?? e.apiUrl,
    wsUrl: str(o['ws-url']) ?? e.wsUrl,
    region: str(o.region) ?? e.region,
    notes: str(o.notes) ?? e.notes,
  }
}

function credentialPatch(c: CredentialView, o: Opts) {
  const every = str(o['rotate-every'])
  let rotationIntervalDays = c.rotationIntervalDays
  if (every === 'never') rotationIntervalDays = null
  else if (every !== undefined) {
    if (!/^\d+$/.test(every) || Number(every) < 1)
      throw new UsageError('--rotate-every takes a whole number ≥ 1 or never.')
    rotationIntervalDays = Number(every)
  }
  const expires = str(o.expires)
  return {
    name: str(o.name) ?? c.name,
    provider: c.provider,
    providerCredentialId: str(o['provider-key-id']) ?? c.providerCredentialId,
    status: c.status,
    role: str(o.role) ?? c.role,
    allowedHosts: many(o['allowed-host']) ?? c.allowedHosts,
    owner: str(o.owner) ?? c.owner,
    tags: many(o.tag) ?? c.tags,
    notes: str(o.notes) ?? c.notes,
    expiresAt:
      expires === undefined ? c.expiresAt : expires === 'never' ? null : parseDay('--expires', expires),
    rotationIntervalDays,
    lastRotatedAt: c.lastRotatedAt,
  }
}

const noChange = (o: Opts, names: string[]) => names.every((n) => o[n] === undefined)

/** Editing commands: everything the model holds, from the CLI. */
export const editCommands: CliCommand[] = [
  {
    words: ['app', 'edit'],
    usage: 'app edit NAME [--name NEW] [--description D] [--app-id ID] [--tag T]… [--notes N] [--json]',
    summary: "change an app's name, description, app ID, tags or notes",
    help: '--tag may be repeated; it replaces the tags (--tag "" clears them).',
    options: {
      name: { type: 'string' },
      description: { type: 'string' },
      'app-id': { type: 'string' },
      tag: { type: 'string', multiple: true },
      notes: { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [1, 1],
    async run(ctx, opts, [name]) {
      if (noChange(opts, ['name', 'description', 'app-id', 'tag', 'notes']))
        throw new UsageError('Nothing to change: give --name, --description, --app-id, --tag or --notes.')
      const core = await ctx.unlocked()
      const app = await resolveApp(core, name ?? '')
      const patch = appPatch(app, opts)
      patch.tags = patch.tags.filter(Boolean)
      const next = await core.updateApp(contract.updateApp.input.parse({ id: app.id, patch }))
      ctx.done(`Saved ${next.name}.`, { app: next.name })
      return 0
    },
  },
  {
    words: ['app', 'rename'],
    usage: 'app rename NAME NEW_NAME [--json]',
    summary: 'rename an app',
    options: { json: { type: 'boolean' } },
    positionals: [2, 2],
    async run(ctx, _opts, [name, next]) {
      const core = await ctx.unlocked()
      const app = await resolveApp(core, name ?? '')
      const r = await core.updateApp(
        contract.updateApp.input.parse({ id: app.id, patch: appPatch(app, { name: next }) }),
      )
      ctx.done(`Renamed ${app.name} to ${r.name}.`, { app: r.name, renamedFrom: app.name })
      return 0
    },
  },
  {
    words: ['env', 'edit'],
    usage: 'env edit APP ENV [--name NEW] [--api-url URL] [--ws-url URL] [--region R] [--notes N] [--json]',
    summary: "change an environment's name, URLs, region or notes",
    options: {
      name: { type: 'string' },
      'api-url': { type: 'string' },
      'ws-url': { type: 'string' },
      region: { type: 'string' },
      notes: { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [2, 2],
    async run(ctx, opts, [appName, envName]) {
      if (noChange(opts, ['name', 'api-url', 'ws-url', 'region', 'notes']))
        throw new UsageError('Nothing to change: give --name, --api-url, --ws-url, --region or --notes.')
      const core = await ctx.unlocked()
      const { app, environment } = await resolveEnv(core, appName ?? '', envName ?? '')
      const r = await core.updateEnvironment(
        contract.updateEnvironment.input.parse({ id: environment.id, patch: envPatch(environment, opts) }),
      )
      ctx.done(`Saved ${app.name}/${r.name}.`, { app: app.name, env: r.name })
      return 0
    },
  },
  {
    words: ['env', 'rename'],
    usage: 'env rename APP ENV NEW_NAME [--json]',
    summary: 'rename an environment',
    options: { json: { type: 'boolean' } },
    positionals: [3, 3],
    async run(ctx, _opts, [appName, envName, next]) {
      const core = await ctx.unlocked()
      const { app, environment } = await resolveEnv(core, appName ?? '', envName ?? '')
      const r = await core.updateEnvironment(
        contract.updateEnvironment.input.parse({
          id: environment.id,
          patch: envPatch(environment, { name: next }),
        }),
      )
      ctx.done(`Renamed ${app.name}/${environment.name} to ${app.name}/${r.name}.`, {
        app: app.name,
        env: r.name,
        renamedFrom: environment.name,
      })
      return 0
    },
  },
  {
    words: ['env', 'rm'],
    usage: 'env rm APP ENV [--yes] [--json]',
    summary: 'move an environment with its keys to the Trash (kept 30 days)',
    options: { yes: { type: 'boolean', short: 'y' }, json: { type: 'boolean' } },
    positionals: [2, 2],
    async run(ctx, opts, [appName, envName]) {
      const core = await ctx.unlocked()
      const { app, environment } = await resolveEnv(core, appName ?? '', envName ?? '')
      const keys = (await core.listCredentials({ environmentId: environment.id })).length
      if (
        !opts.yes &&
        !(await confirm(ctx.io, `Move ${app.name}/${environment.name} with ${keys} key(s) to the Trash?`))
      )
        throw new UsageError('Not deleted. Pass --yes to delete without asking.')
      await core.deleteEnvironment({ id: environment.id })
      ctx.done(movedToTrash(`${app.name}/${environment.name}`), {
        removed: { app: app.name, env: environment.name },
        toTrash: true,
        keys,
      })
      return 0
    },
  },
  {
    words: ['key', 'edit'],
    usage:
      'key edit APP/ENV/KEY [--name N] [--role R] [--allowed-host H]… [--owner O] [--tag T]… [--notes N] [--expires YYYY-MM-DD|never] [--rotate-every DAYS|never] [--provider-key-id ID] [--json]',
    summary: "change a key's details (values change with key rotate)",
    help: '--allowed-host and --tag may be repeated; each replaces the whole list ("" clears it).',
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      owner: { type: 'string' },
      tag: { type: 'string', multiple: true },
      notes: { type: 'string' },
      expires: { type: 'string' },
      'rotate-every': { type: 'string' },
      'provider-key-id': { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [1, 1],
    async run(ctx, opts, [path]) {
      const names = [
        'name',
        'role',
        'allowed-host',
        'owner',
        'tag',
        'notes',
        'expires',
        'rotate-every',
        'provider-key-id',
      ]
      if (noChange(opts, names))
        throw new UsageError(`Nothing to change: give one of ${names.map((n) => `--${n}`).join(', ')}.`)
      const core = await ctx.unlocked()
      const { app, environment, credential } = await resolveCredential(core, path ?? '')
      const patch = credentialPatch(credential, opts)
      patch.tags = patch.tags.filter(Boolean)
      patch.allowedHosts = patch.allowedHosts.filter(Boolean)
      const r = await core.updateCredential(
        contract.updateCredential.input.parse({ id: credential.id, patch }),
      )
      ctx.done(`Saved ${app.name}/${environment.name}/${r.name}.`, {
        app: app.name,
        env: environment.name,
        key: r.name,
      })
      return 0
    },
  },
  {
    words: ['key', 'revoke'],
    usage: 'key revoke APP/ENV/KEY [--json]',
    summary: 'mark a key revoked (kept with its history; no longer exported or run)',
    options: { json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, _opts, [path]) {
      const core = await ctx.unlocked()
      const { app, environment, credential } = await resolveCredential(core, path ?? '')
      const patch = { ...credentialPatch(credential, {}), status: 'revoked' as const }
      await core.updateCredential(contract.updateCredential.input.parse({ id: credential.id, patch }))
      ctx.done(`Revoked ${app.name}/${environment.name}/${credential.name}; its history is kept.`, {
        app: app.name,
        env: environment.name,
        key: credential.name,
        status: 'revoked',
      })
      return 0
    },
  },
  {
    words: ['key', 'rm-field'],
    usage: 'key rm-field APP/ENV/ENV_VAR [--yes] [--json]',
    summary: 'remove one field of a key (its value is kept in the history)',
    options: { yes: { type: 'boolean', short: 'y' }, json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, opts, [path]) {
      const core = await ctx.unlocked()
      const { app, environment, credential, field } = await resolveField(core, path ?? '')
      if (credential.fields.length === 1)
        throw new UsageError(
          `${field.envVar} is the only field of ${credential.name}: use \`keyshelf key rm\`.`,
        )
      if (!opts.yes && !(await confirm(ctx.io, `Remove ${field.envVar} from ${credential.name}?`)))
        throw new UsageError('Not removed. Pass --yes to remove without asking.')
      const fields = credential.fields
        .filter((f) => f.id !== field.id)
        .map((f) => ({ id: f.id, label: f.label, envVar: f.envVar, kind: f.kind }))
      await core.updateCredential(
        contract.updateCredential.input.parse({
          id: credential.id,
          patch: credentialPatch(credential, {}),
          fields,
        }),
      )
      ctx.done(`Removed ${field.envVar} from ${credential.name}; its value is in the history.`, {
        removed: { app: app.name, env: environment.name, key: credential.name, envVar: field.envVar },
      })
      return 0
    },
  },
]
