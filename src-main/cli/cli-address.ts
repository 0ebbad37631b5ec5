/**
 * Forgiving addresses for the CLI: APP, APP ENV and APP/ENV/KEY, where KEY is a key's name or one of its env
 * vars, matched exactly first and then case-insensitively when that is unambiguous. A miss names the closest
 * existing addresses ("Did you mean Novu/Production/NOVU_SECRET_KEY?"). Read-only; uses the core's API.
 */
import type { App, CredentialView, Environment, FieldView } from '../../src-shared/model'
import type { KeyshelfCore } from '../core/core'
import { KeyshelfError } from '../core/errors'
import { UsageError } from './cli-io'
import { didYouMean } from './cli-suggest'

function notFound(message: string): KeyshelfError {
  return new KeyshelfError('NOT_FOUND', message)
}

/** An app by name (case-insensitive). */
export async function resolveApp(core: KeyshelfCore, name: string): Promise<App> {
  const exact = fast(() => core.appByName(name))
  if (exact) return exact
  const apps = await core.listApps()
  const hit =
    apps.find((a) => a.name === name) ?? apps.find((a) => a.name.toLowerCase() === name.toLowerCase())
  if (hit) return hit
  const hint = didYouMean(
    name,
    apps.map((a) => a.name),
  )
  throw notFound(
    `No app named "${name}".${hint || (apps.length ? ' `keyshelf app list` shows them.' : ' Add one with `keyshelf app add NAME`.')}`,
  )
}

/** An environment of an app by name (case-insensitive). */
export async function resolveEnv(
  core: KeyshelfCore,
  appName: string,
  envName: string,
): Promise<{ app: App; environment: Environment }> {
  const exact = fast(() => core.environmentByName(appName, envName))
  if (exact) return exact
  const app = await resolveApp(core, appName)
  const envs = await core.listEnvironments({ appId: app.id })
  const environment =
    envs.find((e) => e.name === envName) ?? envs.find((e) => e.name.toLowerCase() === envName.toLowerCase())
  if (environment) return { app, environment }
  const hint = didYouMean(
    envName,
    envs.map((e) => e.name),
  )
  throw notFound(
    `${app.name} has no environment "${envName}".${hint || ` \`keyshelf env list ${app.name}\` shows them.`}`,
  )
}

/** The core's exact lookup (fast: one environment), or null when it found nothing. */
function fast<T>(fn: () => T): T | null {
  try {
    return fn()
  } catch (err) {
    if (err instanceof KeyshelfError && err.code === 'NOT_FOUND') return null
    throw err
  }
}

function split(path: string): [string, string, string] {
  const parts = path.split('/')
  if (parts.length < 3 || parts.some((p) => p === '')) {
    throw new UsageError(`"${path}" is not an address: use APP/ENV/KEY (a key name or its env var).`)
  }
  const [a, e, ...rest] = parts as [string, string, ...string[]]
  return [a, e, rest.join('/')]
}

/** A field by APP/ENV/X: X is an env var, or the name of a key with one field (or a unique match). */
export async function resolveField(
  core: KeyshelfCore,
  path: string,
): Promise<{ app: App; environment: Environment; credential: CredentialView; field: FieldView }> {
  const [a, e, x] = split(path)
  const exact = fast(() => core.fieldByPath(path))
  if (exact) {
    const field = exact.credential.fields.find((f) => f.id === exact.field.id)
    if (field) return { ...exact, field }
  }
  const { app, environment } = await resolveEnv(core, a, e)
  const creds = await core.listCredentials({ environmentId: environment.id })
  const fields = creds.flatMap((c) => c.fields.map((f) => ({ c, f })))
  const lower = x.toLowerCase()
  const pick = (
    found: { c: CredentialView; f: FieldView }[],
  ): { c: CredentialView; f: FieldView } | null | 'ambiguous' =>
    found.length === 1 ? (found[0] ?? null) : found.length > 1 ? 'ambiguous' : null
  const tries = [
    fields.filter(({ f }) => f.envVar === x),
    fields.filter(({ f }) => f.envVar.toLowerCase() === lower),
    creds
      .filter((c) => c.name === x)
      .flatMap((c) => (c.fields.length === 1 ? c.fields.map((f) => ({ c, f })) : [])),
    creds
      .filter((c) => c.name.toLowerCase() === lower)
      .flatMap((c) => (c.fields.length === 1 ? c.fields.map((f) => ({ c, f })) : [])),
  ]
  for (const found of tries) {
    const r = pick(found)
    if (r === 'ambiguous')
      throw new UsageError(
        `"${x}" matches ${found.map(({ f }) => `${app.name}/${environment.name}/${f.envVar}`).join(' and ')}: give the env var exactly.`,
      )
    if (r) return { app, environment, credential: r.c, field: r.f }
  }
  const pair = creds.find((c) => c.name.toLowerCase() === lower)
  if (pair) {
    throw new UsageError(
      `${pair.name} has ${pair.fields.length} fields: give one of ${pair.fields.map((f) => `${app.name}/${environment.name}/${f.envVar}`).join(', ')}.`,
    )
  }
  const hint = didYouMean(
    x,
    [...fields.map(({ f }) => f.envVar), ...creds.map((c) => c.name)],
    `${app.name}/${environment.name}/`,
  )
  throw notFound(
    `No key or env var "${x}" in ${app.name}/${environment.name}.${hint || ` \`keyshelf key list ${app.name} ${environment.name}\` shows them.`}`,
  )
}

/** A key by APP/ENV/X: X is its name or one of its env vars (exact, then case-insensitive). */
export async function resolveCredential(
  core: KeyshelfCore,
  path: string,
): Promise<{ app: App; environment: Environment; credential: CredentialView }> {
  const [a, e, x] = split(path)
  const exact = fast(() => core.credentialByPath(path))
  if (exact) return exact
  const { app, environment } = await resolveEnv(core, a, e)
  const creds = await core.listCredentials({ environmentId: environment.id })
  const lower = x.toLowerCase()
  const tries = [
    creds.filter((c) => c.name === x),
    creds.filter((c) => c.fields.some((f) => f.envVar === x)),
    creds.filter((c) => c.name.toLowerCase() === lower),
    creds.filter((c) => c.fields.some((f) => f.envVar.toLowerCase() === lower)),
  ]
  for (const found of tries) {
    if (found.length > 1)
      throw new UsageError(
        `"${x}" matches ${found.length} keys in ${app.name}/${environment.name}: give its exact name.`,
      )
    if (found[0]) return { app, environment, credential: found[0] }
  }
  const hint = didYouMean(
    x,
    [...creds.map((c) => c.name), ...creds.flatMap((c) => c.fields.map((f) => f.envVar))],
    `${app.name}/${environment.name}/`,
  )
  throw notFound(
    `No key "${x}" in ${app.name}/${environment.name}.${hint || ` \`keyshelf key list ${app.name} ${environment.name}\` shows them.`}`,
  )
}
