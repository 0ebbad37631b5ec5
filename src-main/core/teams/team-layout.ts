import type { App, CredentialStatus, CredentialView, Environment, FieldKind } from '../../../src-shared/model'

/**
 * The team-space layout on KV v2 (documented in docs/teams.md), so that people and scripts without
 * Keyshelf use the same data with `bao` / `vault`:
 *
 *   <mount>/data/<prefix>/<app>/_app              app details   {name, description, app_id, tags, notes}
 *   <mount>/data/<prefix>/<app>/<env>/_env        env details   {name, api_url, ws_url, region, notes, position}
 *   <mount>/data/<prefix>/<app>/<env>/<key>       one key       {ENV_VAR: value, …}
 *
 * A key's custom_metadata carries everything about it that is not a value (see {@link KeyMeta}); never
 * a value. Names starting with "_" are reserved for the detail secrets.
 */

/** Layout version written to every key's custom_metadata as `keyshelf`. */
export const LAYOUT_VERSION = '1'

/** The reserved secret names. */
export const APP_DETAILS = '_app'
export const ENV_DETAILS = '_env'
/**
 * The per-environment manifest Keyshelf keeps next to the keys: `{ <key slug>: "<version>:<metadata hash>" }`
 * (no value). A pull that finds a key's entry equal to what the local copy holds skips that key's metadata
 * request; the manifest is checked against every key's metadata on a schedule (see docs/teams.md).
 */
export const MANIFEST = '_manifest'

/** Entries per manifest string: OpenBao refuses JSON bodies with too many strings (one per key would be). */
const MANIFEST_PART = 400

/** The manifest's data map: `part-N` strings of `<slug>\t<version>:<hash>` lines, at most 400 lines each. */
export function encodeManifest(entries: Record<string, string>): Record<string, string> {
  const lines = Object.keys(entries)
    .sort()
    .map((slug) => `${slug}\t${entries[slug]}`)
  const out: Record<string, string> = {}
  for (let i = 0; i * MANIFEST_PART < lines.length; i++)
    out[`part-${i}`] = lines.slice(i * MANIFEST_PART, (i + 1) * MANIFEST_PART).join('\n')
  return out
}

/** Reads a manifest's data map back (lines that do not parse are ignored: the key is then checked). */
export function decodeManifest(data: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, text] of Object.entries(data)) {
    if (!k.startsWith('part-')) continue
    for (const line of text.split('\n')) {
      const tab = line.lastIndexOf('\t')
      if (tab > 0) out[line.slice(0, tab)] = line.slice(tab + 1)
    }
  }
  return out
}

/** A path slug from a display name: lower case, [a-z0-9._-], no leading "_" or ".", at most 64 chars. */
export function slugify(name: string, fallback: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-_.]+|[-_.]+$/g, '')
    .slice(0, 64)
  return s === '' ? fallback : s
}

/** A slug not in `taken` (appends -2, -3, …), added to `taken`. */
export function uniqueSlug(name: string, fallback: string, taken: Set<string>): string {
  const base = slugify(name, fallback)
  let s = base
  for (let i = 2; taken.has(s); i++) s = `${base}-${i}`
  taken.add(s)
  return s
}

/** Path helpers below the prefix (no mount, no `data/`). */
export const teamPath = {
  app: (prefix: string, app: string): string => `${prefix}/${app}`,
  appDetails: (prefix: string, app: string): string => `${prefix}/${app}/${APP_DETAILS}`,
  env: (prefix: string, app: string, env: string): string => `${prefix}/${app}/${env}`,
  envDetails: (prefix: string, app: string, env: string): string => `${prefix}/${app}/${env}/${ENV_DETAILS}`,
  manifest: (prefix: string, app: string, env: string): string => `${prefix}/${app}/${env}/${MANIFEST}`,
  key: (prefix: string, app: string, env: string, key: string): string => `${prefix}/${app}/${env}/${key}`,
}

/** What a key's custom_metadata says, decoded. */
export interface KeyMeta {
  name: string
  owner: string
  provider: string
  providerCredentialId: string
  status: CredentialStatus
  rotationIntervalDays: number | null
  lastRotatedAt: number | null
  expiresAt: number | null
  createdAt: number | null
  tags: string[]
  /** Field kinds and labels by env var. */
  fields: { envVar: string; kind: FieldKind; label: string }[]
  /** Who wrote the current version (the writer's token display name), and when. */
  updatedBy: string
  updatedAt: number | null
}

const isoOrEmpty = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString())
const parseIso = (s: string | undefined): number | null => {
  if (!s) return null
  const t = Date.parse(s)
  return Number.isNaN(t) ? null : t
}

/** `envVars` in the order listed in `order` (comma-separated), the rest after it in their own order. */
function ordered(envVars: readonly string[], order: string | undefined): string[] {
  const want = (order ?? '').split(',')
  const rank = (v: string): number => {
    const i = want.indexOf(v)
    return i < 0 ? want.length : i
  }
  return [...envVars].sort((a, b) => rank(a) - rank(b))
}

/** Encodes a key's metadata for custom_metadata (string values, KV v2 limits respected by the caller). */
export function encodeKeyMeta(m: KeyMeta): Record<string, string> {
  const out: Record<string, string> = {
    keyshelf: LAYOUT_VERSION,
    name: m.name.slice(0, 512),
    owner: m.owner.slice(0, 512),
    provider: m.provider,
    provider_id: m.providerCredentialId.slice(0, 512),
    status: m.status,
    rotation_days: m.rotationIntervalDays === null ? 'never' : String(m.rotationIntervalDays),
    last_rotated: isoOrEmpty(m.lastRotatedAt),
    expires: isoOrEmpty(m.expiresAt),
    created: isoOrEmpty(m.createdAt),
    tags: m.tags.join(',').slice(0, 512),
    // The data map's order is not kept by the server (JSON objects come back sorted): keep the field order.
    order: m.fields
      .map((f) => f.envVar)
      .join(',')
      .slice(0, 512),
    updated_by: m.updatedBy.slice(0, 512),
    updated_at: isoOrEmpty(m.updatedAt),
  }
  for (const f of m.fields) {
    out[`kind:${f.envVar}`] = f.kind
    out[`label:${f.envVar}`] = f.label.slice(0, 512)
  }
  // KV v2 refuses empty metadata values: an absent entry reads as empty.
  for (const [k, v] of Object.entries(out)) if (v === '') delete out[k]
  return out
}

/**
 * Decodes custom_metadata written by Keyshelf or by hand. `envVars` are the data map's keys: a key written
 * with `bao kv put` and no metadata gets defaults (secret fields, 90-day rotation, active).
 */
export function decodeKeyMeta(cm: Record<string, string>, slug: string, envVars: readonly string[]): KeyMeta {
  const days = cm['rotation_days']
  const status = cm['status']
  return {
    name: cm['name'] || slug,
    owner: cm['owner'] ?? '',
    provider: cm['provider'] || 'manual',
    providerCredentialId: cm['provider_id'] ?? '',
    status: status === 'revoked' || status === 'expired' ? status : 'active',
    rotationIntervalDays:
      days === 'never'
        ? null
        : days && /^\d+$/.test(days) && Number(days) >= 1
          ? Math.min(3650, Number(days))
          : 90,
    lastRotatedAt: parseIso(cm['last_rotated']),
    expiresAt: parseIso(cm['expires']),
    createdAt: parseIso(cm['created']),
    tags: (cm['tags'] ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
    fields: ordered(envVars, cm['order']).map((envVar) => ({
      envVar,
      kind: cm[`kind:${envVar}`] === 'public' ? 'public' : 'secret',
      label: cm[`label:${envVar}`] ?? '',
    })),
    updatedBy: cm['updated_by'] ?? '',
    updatedAt: parseIso(cm['updated_at']),
  }
}

/** The metadata of a local credential, as written when it is shared or rotated. */
export function keyMetaOf(c: CredentialView, updatedBy: string, updatedAt: number): KeyMeta {
  return {
    name: c.name,
    owner: c.owner,
    provider: c.provider,
    providerCredentialId: c.providerCredentialId,
    status: c.status,
    rotationIntervalDays: c.rotationIntervalDays,
    lastRotatedAt: c.lastRotatedAt,
    expiresAt: c.expiresAt,
    createdAt: c.createdAt,
    tags: c.tags,
    fields: c.fields.map((f) => ({ envVar: f.envVar, kind: f.kind, label: f.label })),
    updatedBy,
    updatedAt,
  }
}

/** The app details secret's data. */
export function appDetails(a: App): Record<string, string> {
  return { name: a.name, description: a.description, app_id: a.appId, tags: a.tags.join(','), notes: a.notes }
}

/** The environment details secret's data. */
export function envDetails(e: Environment): Record<string, string> {
  return {
    name: e.name,
    api_url: e.apiUrl,
    ws_url: e.wsUrl,
    region: e.region,
    notes: e.notes,
    position: String(e.position),
  }
}
