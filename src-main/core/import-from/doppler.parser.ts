/**
 * Flat NAME=value exports: Doppler JSON (`doppler secrets download --no-file --format json`: one object, with
 * Doppler's DOPPLER_PROJECT / DOPPLER_CONFIG / DOPPLER_ENVIRONMENT metadata), Infisical JSON (`infisical export
 * --format=json`: an array of {key, value}) and `.env` files from either (read with Keyshelf's dotenv parser).
 *
 * Mapping: DOPPLER_PROJECT → app and DOPPLER_CONFIG → environment when present (the metadata itself is not
 * imported). Each variable becomes one key with one field of that name; the kind comes from the name
 * ({@link kindOfVariable}: *_URL, *_REGION, *_ID, LOG_LEVEL… are public, the rest secret).
 */
import { parseDotenv } from '../envfile/parse'
import {
  type ForeignEntry,
  type ForeignExport,
  type ForeignSkip,
  kindOfVariable,
  malformed,
} from './foreign-entry'
import { ENV_VAR_PATTERN } from '../../../src-shared/contract'

const META = new Set(['DOPPLER_PROJECT', 'DOPPLER_CONFIG', 'DOPPLER_ENVIRONMENT'])

function fromPairs(pairs: [string, string][], format: string, defaultApp: string): ForeignExport {
  const meta = new Map(pairs.filter(([k]) => META.has(k)))
  const project = meta.get('DOPPLER_PROJECT')?.trim()
  const config = (meta.get('DOPPLER_CONFIG') ?? meta.get('DOPPLER_ENVIRONMENT'))?.trim()
  const path = project ? [project, ...(config ? [config] : [])] : []
  const entries: ForeignEntry[] = []
  const skipped: ForeignSkip[] = []
  for (const [key, value] of pairs) {
    const source = [...path, key].join('/')
    if (META.has(key))
      skipped.push({ source, reason: 'Doppler’s own metadata (it names the project and config)' })
    else if (!ENV_VAR_PATTERN.test(key)) skipped.push({ source, reason: 'not a valid env var name' })
    else if (value === '') skipped.push({ source, reason: 'empty value' })
    else
      entries.push({
        path,
        name: key,
        fields: [{ label: '', envVar: key, kind: kindOfVariable(key, value), value }],
        notes: '',
        tags: [],
        expiresAt: null,
        changedAt: null,
        source,
      })
  }
  return { format, entries, skipped, hierarchy: project ? 'project/config' : 'none', defaultApp }
}

/** Parses Doppler JSON (an object of strings) or Infisical JSON (an array of {key, value}). */
export function parseSecretsJson(text: string): ForeignExport {
  let doc: unknown
  try {
    doc = JSON.parse(text.replace(/^\ufeff/, ''))
  } catch {
    throw malformed('Doppler or Infisical JSON export', 'not JSON')
  }
  if (Array.isArray(doc)) {
    const pairs: [string, string][] = []
    for (const x of doc) {
      const o = x as { key?: unknown; value?: unknown; secretKey?: unknown; secretValue?: unknown }
      const k = o?.key ?? o?.secretKey
      const v = o?.value ?? o?.secretValue
      if (typeof k !== 'string' || typeof v !== 'string')
        throw malformed('Infisical JSON export', 'an element is not {"key": …, "value": …}')
      pairs.push([k, v])
    }
    return fromPairs(pairs, 'Infisical JSON', 'Infisical')
  }
  if (typeof doc !== 'object' || doc === null)
    throw malformed('Doppler JSON export', 'not an object of NAME: value')
  const pairs: [string, string][] = []
  for (const [k, v] of Object.entries(doc)) {
    if (typeof v !== 'string') throw malformed('Doppler JSON export', `the value of ${k} is not a string`)
    pairs.push([k, v])
  }
  return fromPairs(pairs, 'Doppler JSON', 'Doppler')
}

/** Parses a .env file (from `doppler secrets download --format env` or `infisical export`). */
export function parseSecretsEnv(text: string): ForeignExport {
  const r = parseDotenv(text)
  if (r.errors.length > 0) {
    const e = r.errors[0]
    throw malformed('.env file', `line ${e?.line}: ${e?.message}`)
  }
  return fromPairs(
    r.entries.map((e) => [e.key, e.value]),
    '.env',
    'Doppler',
  )
}
