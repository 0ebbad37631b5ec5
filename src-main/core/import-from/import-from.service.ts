/**
 * `keyshelf import-from TOOL FILE`: reads another tool's export (see the parsers), maps its groups / folders /
 * vaults onto apps and environments, plans against the vault (what is created, what is skipped and why) and
 * applies the plan in ONE transaction. The plan's public form ({@link ImportFromPlan.toJSON}) never holds a
 * value; values stay inside the plan object until applied.
 */
import type { App, CredentialView, Environment } from '../../../src-shared/model'
import { contract } from '../../../src-shared/contract'
import { InvalidInputError } from '../errors'
import type { ForeignEntry, ForeignExport, ForeignSkip, ForeignTool } from './foreign-entry'
import { parseBitwardenJson } from './bitwarden.parser'
import { parseSecretsEnv, parseSecretsJson } from './doppler.parser'
import { parseKeepassCsv, parseKeepassXml } from './keepassxc.parser'
import { parseOnePasswordCsv, parseOnePux } from './onepassword.parser'

/** What import-from needs of the core (KeyshelfCore satisfies it). */
export interface ImportFromPort {
  listApps(): Promise<{ id: string; name: string }[]>
  listEnvironments(input: { appId: string }): Promise<{ id: string; name: string }[]>
  listCredentials(input: { environmentId: string }): Promise<CredentialView[]>
  transaction<T>(fn: () => T): T
  createAppNow(input: ReturnType<typeof contract.createApp.input.parse>): App
  createEnvironmentNow(input: ReturnType<typeof contract.createEnvironment.input.parse>): Environment
  createCredentialNow(input: ReturnType<typeof contract.createCredential.input.parse>): CredentialView
}

/**
 * Reads an export of `tool`. The format is told apart by content: KeePassXC XML or CSV; Bitwarden JSON;
 * 1Password 1PUX (a ZIP) or CSV; Doppler/Infisical JSON or a .env file.
 */
export function parseForeignExport(tool: ForeignTool, bytes: Buffer): ForeignExport {
  const text = () => bytes.toString('utf8')
  const head = bytes
    .subarray(0, 512)
    .toString('utf8')
    .replace(/^\ufeff/, '')
    .trimStart()
  switch (tool) {
    case 'keepassxc':
      return head.startsWith('<') ? parseKeepassXml(text()) : parseKeepassCsv(text())
    case 'bitwarden':
      if (!head.startsWith('{'))
        throw new InvalidInputError(
          'Keyshelf reads Bitwarden’s JSON export (Tools › Export vault › File format: .json); this file is not JSON.',
        )
      return parseBitwardenJson(text())
    case '1password':
      return bytes.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))
        ? parseOnePux(bytes)
        : parseOnePasswordCsv(text())
    case 'doppler':
      return head.startsWith('{') || head.startsWith('[') ? parseSecretsJson(text()) : parseSecretsEnv(text())
  }
}

/** A key the plan will create (no values). */
export interface PlannedKey {
  app: string
  env: string
  name: string
  source: string
  fields: { envVar: string; label: string; kind: 'secret' | 'public' }[]
  /** Env vars renamed because the environment already used them ("API_KEY → API_KEY_2"). */
  renamed: string[]
}

type CreateCredential = Omit<ReturnType<typeof contract.createCredential.input.parse>, 'environmentId'>

/** Stands in for an environment that the plan creates later, while checking a key like `key add` does. */
const PLANNED_ENV = '00000000-0000-4000-8000-000000000000'

function omitEnvironment(input: ReturnType<typeof contract.createCredential.input.parse>): CreateCredential {
  const { environmentId: _planned, ...rest } = input
  return rest
}

/** What an import will do. Serialises (JSON.stringify) without any value. */
export class ImportFromPlan {
  readonly #inputs: Map<PlannedKey, CreateCredential>
  readonly #ids: Map<string, string>

  constructor(
    readonly format: string,
    /** One sentence: how groups/folders/vaults became apps and environments. */
    readonly mapping: string,
    readonly apps: { name: string; create: boolean }[],
    readonly environments: { app: string; name: string; create: boolean }[],
    readonly keys: PlannedKey[],
    readonly skipped: ForeignSkip[],
    inputs: Map<PlannedKey, CreateCredential>,
    /** Ids of the apps ("App") and environments ("App/Env") that already exist. */
    ids: Map<string, string>,
  ) {
    this.#inputs = inputs
    this.#ids = ids
  }

  /** @internal The id of an existing app ("App") or environment ("App/Env"), if it exists. */
  idOf(name: string): string | undefined {
    return this.#ids.get(name)
  }

  /** The values-free form printed by `--dry-run --json`. */
  toJSON() {
    return {
      format: this.format,
      mapping: this.mapping,
      apps: this.apps,
      environments: this.environments,
      keys: this.keys,
      skipped: this.skipped,
    }
  }

  /** @internal The validated create request of a planned key (holds values). */
  inputOf(k: PlannedKey): CreateCredential {
    const i = this.#inputs.get(k)
    if (!i) throw new InvalidInputError('This import plan was changed after it was made; plan it again.')
    return i
  }
}

/** A name safe for an app, environment or key (no "/", at most 200 characters). */
function safeName(s: string, fallback: string): string {
  const v = s.replace(/\//g, '-').replace(/\s+/g, ' ').trim().slice(0, 200)
  return v || fallback
}

function mappingOf(x: ForeignExport, app: string | undefined): string {
  const one = x.hierarchy.replace(/s$/, '')
  if (x.hierarchy === 'none')
    return `A ${x.format} file names no ${x.defaultApp === '1Password' ? 'vault' : 'project'}: every entry goes to app "${app ?? x.defaultApp}", environment "default".`
  if (x.hierarchy === 'project/config')
    return app
      ? `Every variable goes to app "${app}"; the Doppler config named in the file (DOPPLER_CONFIG) is the environment, else "default".`
      : `DOPPLER_PROJECT is the app and DOPPLER_CONFIG the environment; a file without them goes to app "${x.defaultApp}", environment "default".`
  return app
    ? `Every entry goes to app "${app}"; its ${one} path (joined with " - ") is the environment, "default" at the root.`
    : `The first ${one} of an entry's path is the app, the rest (joined with " - ") the environment ("default" if none); entries at the root go to app "${x.defaultApp}". "/" in a ${one} name splits it.`
}

/** Plans an import of `x` into the vault: creates nothing. */
export async function planImportFrom(
  port: ImportFromPort,
  x: ForeignExport,
  opts: { app?: string } = {},
): Promise<ImportFromPlan> {
  const forcedApp = opts.app !== undefined ? safeName(opts.app, 'Imported') : undefined
  const existingApps = new Map((await port.listApps()).map((a) => [a.name.toLowerCase(), a]))
  const apps = new Map<string, { name: string; create: boolean; id: string | null }>()
  const envs = new Map<string, { app: string; name: string; create: boolean; id: string | null }>()
  /** Per environment (lower-cased "app/env"): names and env vars in use. */
  const used = new Map<string, { names: Set<string>; vars: Set<string> }>()
  const keys: PlannedKey[] = []
  const skipped: ForeignSkip[] = [...x.skipped]
  const inputs = new Map<PlannedKey, CreateCredential>()

  const appOf = async (name: string) => {
    const k = name.toLowerCase()
    let a = apps.get(k)
    if (!a) {
      const found = existingApps.get(k)
      a = { name: found?.name ?? name, create: !found, id: found?.id ?? null }
      apps.set(k, a)
    }
    return a
  }
  const envOf = async (app: { name: string; id: string | null }, name: string) => {
    const k = `${app.name.toLowerCase()}/${name.toLowerCase()}`
    let e = envs.get(k)
    if (!e) {
      const found = app.id
        ? (await port.listEnvironments({ appId: app.id })).find(
            (v) => v.name.toLowerCase() === name.toLowerCase(),
          )
        : undefined
      e = { app: app.name, name: found?.name ?? name, create: !found, id: found?.id ?? null }
      envs.set(k, e)
      const u = { names: new Set<string>(), vars: new Set<string>() }
      if (found)
        for (const c of await port.listCredentials({ environmentId: found.id })) {
          u.names.add(c.name.toLowerCase())
          for (const f of c.fields) u.vars.add(f.envVar.toUpperCase())
        }
      used.set(k, u)
    }
    return { env: e, used: used.get(k) ?? { names: new Set<string>(), vars: new Set<string>() } }
  }

  for (const entry of x.entries) {
    const path = entry.path.map((p) => safeName(p, 'Group'))
    const appName = forcedApp ?? path[0] ?? x.defaultApp
    const envName = safeName((forcedApp ? path : path.slice(1)).join(' - '), 'default')
    const app = await appOf(appName)
    const { env, used: u } = await envOf(app, envName)
    const name = safeName(entry.name, 'Untitled')
    if (u.names.has(name.toLowerCase())) {
      const inVault = !keys.some(
        (k) => k.app === app.name && k.env === env.name && k.name.toLowerCase() === name.toLowerCase(),
      )
      skipped.push({
        source: entry.source,
        reason: inVault
          ? `already in the vault as ${app.name}/${env.name}/${name} (nothing is overwritten)`
          : `a second entry named "${name}" in ${app.name}/${env.name}`,
      })
      continue
    }
    const planned = planKey(entry, app.name, env.name, name, u.vars)
    // The same checks as `key add` (refinements included): the environment may not exist yet, so a
    // placeholder id stands in for it and is dropped again.
    const parsed = contract.createCredential.input.safeParse({
      ...planned.request,
      environmentId: PLANNED_ENV,
    })
    const input = parsed.success
      ? { success: true as const, data: omitEnvironment(parsed.data) }
      : { success: false as const, error: parsed.error }
    if (!input.success) {
      const issue = input.error.issues[0]
      skipped.push({
        source: entry.source,
        reason: `cannot be stored: ${String(issue?.path.filter((p) => typeof p === 'string').pop() ?? 'entry')} ${issue?.message ?? 'is not valid'}`,
      })
      continue
    }
    u.names.add(name.toLowerCase())
    for (const f of planned.key.fields) u.vars.add(f.envVar.toUpperCase())
    keys.push(planned.key)
    inputs.set(planned.key, input.data)
  }
  const liveEnvs = new Set(keys.map((k) => `${k.app}/${k.env}`))
  const liveApps = new Set(keys.map((k) => k.app))
  return new ImportFromPlan(
    x.format,
    mappingOf(x, forcedApp),
    [...apps.values()].filter((a) => liveApps.has(a.name)).map(({ name, create }) => ({ name, create })),
    [...envs.values()]
      .filter((e) => liveEnvs.has(`${e.app}/${e.name}`))
      .map(({ app, name, create }) => ({ app, name, create })),
    keys,
    skipped,
    inputs,
    new Map([
      ...[...apps.values()].flatMap((a) => (a.id ? [[a.name, a.id] as [string, string]] : [])),
      ...[...envs.values()].flatMap((e) => (e.id ? [[`${e.app}/${e.name}`, e.id] as [string, string]] : [])),
    ]),
  )
}

const MAX_FIELDS = 20

function planKey(
  entry: ForeignEntry,
  app: string,
  env: string,
  name: string,
  vars: Set<string>,
): { key: PlannedKey; request: Record<string, unknown> } {
  const renamed: string[] = []
  const local = new Set<string>()
  const fields = entry.fields.slice(0, MAX_FIELDS).map((f) => {
    let v = f.envVar
    for (let n = 2; vars.has(v.toUpperCase()) || local.has(v.toUpperCase()); n++) v = `${f.envVar}_${n}`
    if (v !== f.envVar) renamed.push(`${f.envVar} → ${v}`)
    local.add(v.toUpperCase())
    return { ...f, envVar: v }
  })
  if (entry.fields.length > MAX_FIELDS)
    renamed.push(`${entry.fields.length - MAX_FIELDS} field(s) beyond ${MAX_FIELDS} left out`)
  const now = Date.now()
  const key: PlannedKey = {
    app,
    env,
    name,
    source: entry.source,
    fields: fields.map(({ envVar, label, kind }) => ({ envVar, label, kind })),
    renamed,
  }
  const request = {
    name,
    notes: entry.notes.slice(0, 20_000),
    tags: entry.tags.map((t) => t.slice(0, 100)).slice(0, 50),
    expiresAt: entry.expiresAt,
    lastRotatedAt: entry.changedAt !== null && entry.changedAt <= now ? entry.changedAt : null,
    fields: fields.map(({ label, envVar, kind, value }) => ({
      label: label.slice(0, 200),
      envVar,
      kind,
      value,
    })),
  }
  return { key, request }
}

/** Applies a plan in ONE transaction: every app, environment and key, or nothing. */
export function applyImportFrom(
  port: ImportFromPort,
  plan: ImportFromPlan,
): { apps: number; environments: number; keys: number; fields: number } {
  return port.transaction(() => {
    const appIds = new Map<string, string>()
    const envIds = new Map<string, string>()
    const counts = { apps: 0, environments: 0, keys: 0, fields: 0 }
    for (const k of plan.keys) {
      let appId = appIds.get(k.app) ?? plan.idOf(k.app)
      if (!appId) {
        appId = port.createAppNow(contract.createApp.input.parse({ name: k.app })).id
        counts.apps++
      }
      appIds.set(k.app, appId)
      const ek = `${k.app}/${k.env}`
      let envId = envIds.get(ek) ?? plan.idOf(ek)
      if (!envId) {
        envId = port.createEnvironmentNow(contract.createEnvironment.input.parse({ appId, name: k.env })).id
        counts.environments++
      }
      envIds.set(ek, envId)
      const input = plan.inputOf(k)
      port.createCredentialNow({ ...input, environmentId: envId })
      counts.keys++
      counts.fields += input.fields.length
    }
    return counts
  })
}
