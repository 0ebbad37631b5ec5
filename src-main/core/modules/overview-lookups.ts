/**
 * Lookups over an unlocked session's overview, shared by the modules: find an app, environment or
 * credential (NOT_FOUND otherwise), check names, and turn a credential record into its contract view.
 * Pure functions: no writes, no secret values.
 */
import type { App, CredentialView, Environment } from '../../../src-shared/model'
import { InvalidInputError, NotFoundError, VaultCorruptError } from '../errors'
import { rotationInfo } from '../rotation/rotation-status'
import type { Session, VaultKernel } from '../vault/vault-kernel'
import type { CredentialRecord, FieldMeta } from '../vault/vault.repository'

/** The app with `id`, or NOT_FOUND. */
export function getApp(s: Session, id: string): App {
  const app = s.apps.get(id)
  if (!app) throw new NotFoundError('The app')
  return app
}

/** The app named `name` (case-insensitive), if any. */
export function findAppByName(s: Session, name: string): App | undefined {
  const n = name.toLowerCase()
  for (const a of s.apps.values()) if (a.name.toLowerCase() === n) return a
  return undefined
}

/** The environment with `id`, or NOT_FOUND. */
export function getEnv(s: Session, id: string): Environment {
  const env = s.envs.get(id)
  if (!env) throw new NotFoundError('The environment')
  return env
}

/** An app's environments in display order. */
export function envsOf(s: Session, appId: string): Environment[] {
  return [...s.envs.values()]
    .filter((e) => e.appId === appId)
    .sort((a, b) => a.position - b.position || a.createdAt - b.createdAt)
}

/** The environment of `appId` named `name` (case-insensitive), if any. */
export function findEnvByName(s: Session, appId: string, name: string): Environment | undefined {
  const n = name.toLowerCase()
  return envsOf(s, appId).find((e) => e.name.toLowerCase() === n)
}

/** The credential with `id` (overview decrypted), or NOT_FOUND. */
export function getCred(s: Session, id: string): CredentialRecord {
  const c = s.creds.get(id)
  if (!c) throw new NotFoundError('The key')
  return c
}

/** The credential and field that `fieldId` belongs to, or NOT_FOUND. */
export function findField(s: Session, fieldId: string): { c: CredentialRecord; f: FieldMeta } {
  const credId = s.repo.credentialIdOfField(fieldId)
  const c = credId ? s.creds.get(credId) : undefined
  const f = c?.overview.fields.find((x) => x.id === fieldId)
  if (c && f) return { c, f }
  // A field a key lists whose value row is missing or points elsewhere is damage, not "not found".
  if (s.creds.values().some((x) => x.overview.fields.some((y) => y.id === fieldId)))
    throw new VaultCorruptError(`fields row ${fieldId} is missing or belongs to another key`)
  throw new NotFoundError('The field')
}

/** INVALID_INPUT when an app or environment name contains "/" (it separates APP/ENV/KEY). */
export function checkPathName(kind: string, name: string): void {
  if (name.includes('/'))
    throw new InvalidInputError(`${kind} names cannot contain "/" (it separates APP/ENV/KEY).`)
}

/** What every view of one batch shares: the time, the warning window and the running overlap windows. */
export interface ViewContext {
  now: number
  warnDays: number
  /** Credential id → end of its running overlap window (`s.repo.overlapsAfter(now)`). */
  overlaps: Map<string, number>
}

/** The context for views made now (one query for the overlap windows). */
export function viewContext(kernel: VaultKernel, s: Session): ViewContext {
  const now = kernel.clock()
  return { now, warnDays: kernel.settings.get().warnDays, overlaps: s.repo.overlapsAfter(now) }
}

/**
 * The contract view of a credential: masked values only, rotation status as of now, and the end of a running
 * overlap window. Pass one {@link viewContext} when viewing many credentials at once.
 */
export function credentialView(
  kernel: VaultKernel,
  s: Session,
  c: CredentialRecord,
  ctx: ViewContext = viewContext(kernel, s),
): CredentialView {
  const env = s.envs.get(c.environmentId)
  const o = c.overview
  const overlapUntil = ctx.overlaps.get(c.id) ?? null
  return {
    id: c.id,
    environmentId: c.environmentId,
    appId: env?.appId ?? '',
    name: o.name,
    provider: o.provider,
    providerCredentialId: o.providerCredentialId,
    status: c.status,
    role: o.role,
    allowedHosts: [...o.allowedHosts],
    owner: o.owner,
    tags: [...o.tags],
    notes: o.notes,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    lastRotatedAt: c.lastRotatedAt,
    expiresAt: c.expiresAt,
    rotationIntervalDays: c.rotationIntervalDays,
    rotationState: c.rotationState,
    fields: o.fields.map((f) => ({ ...f, masked: { ...f.masked } })),
    rotation: rotationInfo(c, ctx.now, ctx.warnDays),
    overlapUntil,
  }
}

/** A copy of `o` without its undefined properties (a patch that sets only what was given). */
export function stripUndefined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v
  return out as { [K in keyof T]?: Exclude<T[K], undefined> }
}
