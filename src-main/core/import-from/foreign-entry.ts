/**
 * What every import-from parser produces: entries found in another tool's export, before they are mapped onto
 * Keyshelf's apps and environments. Pure data and pure helpers; no I/O, no vault.
 */
import { InvalidInputError } from '../errors'

/** The tools `keyshelf import-from` reads. */
export const FOREIGN_TOOLS = ['keepassxc', 'bitwarden', '1password', 'doppler'] as const
export type ForeignTool = (typeof FOREIGN_TOOLS)[number]

/** One value of an entry: an env var name already derived, and whether it is a secret. */
export interface ForeignField {
  /** What the source called it ("Password", "API key", "STRIPE_WEBHOOK_SECRET"). */
  label: string
  envVar: string
  kind: 'secret' | 'public'
  value: string
}

/** One item of the export that could become a key. */
export interface ForeignEntry {
  /** Group / folder / vault path below the root, e.g. ["Acme", "Production"]. Empty at the root. */
  path: string[]
  name: string
  fields: ForeignField[]
  notes: string
  tags: string[]
  /** Epoch ms, when the source has an expiry date. */
  expiresAt: number | null
  /** Epoch ms when the source last changed the entry, if known (becomes "last rotated"). */
  changedAt: number | null
  /** Where it came from in the export, for the preview ("Acme/Production/Stripe secret key"). */
  source: string
}

/** Something in the export that will not be imported, and why. Never holds a value. */
export interface ForeignSkip {
  source: string
  reason: string
}

/** A parsed export. */
export interface ForeignExport {
  /** e.g. "KeePassXC XML", "Bitwarden JSON", "Doppler JSON". */
  format: string
  entries: ForeignEntry[]
  skipped: ForeignSkip[]
  /** What the source's hierarchy is called ("groups", "folders", "vaults", "project/config"; "none" for flat CSV). */
  hierarchy: string
  /** App name used for entries at the root (no group/folder/vault). */
  defaultApp: string
}

/** A malformed export: one sentence naming the file kind and what to do. */
export function malformed(what: string, detail: string): InvalidInputError {
  return new InvalidInputError(`This is not a readable ${what} (${detail}). Export it again and retry.`)
}

/** "Stripe secret key" → STRIPE_SECRET_KEY; never empty, never starting with a digit. */
export function envVarOf(s: string): string {
  const v = s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase()
    .slice(0, 120)
  if (!v) return 'VALUE'
  return /^[0-9]/.test(v) ? `_${v}` : v
}

/** True for a name that is already an env var as people write them (UPPER_SNAKE). */
export function looksLikeEnvVar(s: string): boolean {
  return /^[A-Z_][A-Z0-9_]*$/.test(s) && /[A-Z]/.test(s)
}

/** The env var for a custom field: kept when it is one already, else ENTRY_FIELD. */
export function fieldEnvVar(base: string, label: string): string {
  return looksLikeEnvVar(label) ? label : `${base}_${envVarOf(label)}`
}

const PUBLIC_SUFFIX =
  /(^|_)(URL|URI|HOST|HOSTNAME|PORT|REGION|ENV|ENVIRONMENT|LEVEL|ID|NAME|USER|USERNAME|MODE|DOMAIN|ENDPOINT)$/
/** A URL that carries a password (scheme://user:pass@host). */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i

/**
 * For exports that only have NAME=value (Doppler, Infisical, .env): public when the name says it is an
 * address, a region, a level or an id (NOVU_API_URL, AWS_REGION, LOG_LEVEL, AWS_ACCESS_KEY_ID), unless the
 * value is a URL with a password in it; everything else is a secret.
 */
export function kindOfVariable(name: string, value: string): 'secret' | 'public' {
  if (URL_WITH_PASSWORD.test(value)) return 'secret'
  return PUBLIC_SUFFIX.test(name.toUpperCase()) ? 'public' : 'secret'
}

/** Makes the env vars of one entry unique (FOO, FOO_2, …) and drops empty values. */
export function tidyFields(fields: ForeignField[]): ForeignField[] {
  const seen = new Set<string>()
  const out: ForeignField[] = []
  for (const f of fields) {
    if (f.value === '') continue
    let v = f.envVar
    for (let n = 2; seen.has(v); n++) v = `${f.envVar}_${n}`
    seen.add(v)
    out.push({ ...f, envVar: v })
  }
  return out
}

/**
 * The usual fields of a login-like entry (KeePassXC, Bitwarden, 1Password): the password is the key itself
 * (ENTRY_NAME, or ENTRY_NAME_PASSWORD next to a username), the username and URL are public.
 */
export function loginFields(
  name: string,
  parts: { username?: string | null; password?: string | null; url?: string | null; totp?: string | null },
): { base: string; fields: ForeignField[] } {
  const base = envVarOf(name)
  const hasUser = !!parts.username
  const fields: ForeignField[] = []
  if (parts.password)
    fields.push({
      label: 'Password',
      envVar: looksLikeEnvVar(name) ? name : hasUser ? `${base}_PASSWORD` : base,
      kind: 'secret',
      value: parts.password,
    })
  if (parts.username)
    fields.push({ label: 'Username', envVar: `${base}_USERNAME`, kind: 'public', value: parts.username })
  if (parts.url) fields.push({ label: 'URL', envVar: `${base}_URL`, kind: 'public', value: parts.url })
  if (parts.totp) fields.push({ label: 'TOTP', envVar: `${base}_TOTP`, kind: 'secret', value: parts.totp })
  return { base, fields }
}

/** Epoch ms of an ISO date string, or null when absent or unreadable. */
export function isoMs(s: unknown): number | null {
  if (typeof s !== 'string' || s === '') return null
  const t = Date.parse(s)
  return Number.isNaN(t) ? null : t
}

/** JSON helpers for exports read without a schema: an object, a string (numbers as text), an array. */
export type JsonObject = Record<string, unknown>
export const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)
export const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : ''
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
