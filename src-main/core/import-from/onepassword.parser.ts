/**
 * 1Password exports: 1PUX (File › Export › 1PUX: a ZIP with `export.data`, JSON of accounts › vaults › items)
 * and CSV (File › Export › CSV: Title, Url, Username, Password, OTPAuth, Favorite, Archived, Tags, Notes).
 * Pure functions over the file's bytes/text.
 *
 * Mapping: the vault name, split at "/" ("Acme/Production"); CSV has no vault, so its entries sit at the root.
 * loginFields: the password designation → secret, username → public; section fields: `concealed` and `totp`
 * → secret, `string`, `url`, `email`, `menu` → public; an API Credential's `expires` date → expiry; SSH keys'
 * private key → secret. Archived and deleted items, and cards, identities, documents and other personal
 * records are skipped. Password history is not imported.
 */
import {
  type ForeignEntry,
  type ForeignExport,
  type ForeignField,
  type ForeignSkip,
  fieldEnvVar,
  loginFields,
  malformed,
  tidyFields,
  isObj,
  str,
  arr,
  type JsonObject as Obj,
} from './foreign-entry'
import { csvRecords } from './csv'
import { readZip } from './zip-reader'

/** 1Password category UUIDs that hold personal records, not keys. */
const SKIPPED_CATEGORIES: Record<string, string> = {
  '002': 'a credit card',
  '004': 'an identity',
  '006': 'a document',
  '101': 'a bank account',
  '103': 'a driver licence',
  '104': 'an outdoor licence',
  '105': 'a membership',
  '106': 'a passport',
  '107': 'a reward programme',
  '108': 'a social security number',
  '113': 'a medical record',
}

/** Parses a .1pux archive. */
export function parseOnePux(bytes: Buffer): ForeignExport {
  let data: unknown
  try {
    const read = readZip(bytes).get('export.data')
    if (!read) throw new Error('no export.data inside')
    data = JSON.parse(read().toString('utf8'))
  } catch (err) {
    throw malformed('1Password 1PUX export', err instanceof Error ? err.message : 'unreadable')
  }
  if (!isObj(data) || !Array.isArray(data.accounts)) throw malformed('1Password 1PUX export', 'no accounts')
  const entries: ForeignEntry[] = []
  const skipped: ForeignSkip[] = []
  for (const account of data.accounts) {
    if (!isObj(account)) continue
    for (const vault of arr(account.vaults)) {
      if (!isObj(vault)) continue
      const vaultName = str(isObj(vault.attrs) ? vault.attrs.name : '')
      const path = vaultName
        .split('/')
        .map((s) => s.trim())
        .filter(Boolean)
      for (const item of arr(vault.items)) {
        if (!isObj(item)) continue
        const r = itemOf(item, path)
        if ('reason' in r) skipped.push(r)
        else entries.push(r)
      }
    }
  }
  return { format: '1Password 1PUX', entries, skipped, hierarchy: 'vaults', defaultApp: '1Password' }
}

function itemOf(item: Obj, path: string[]): ForeignEntry | ForeignSkip {
  const overview = isObj(item.overview) ? item.overview : {}
  const details = isObj(item.details) ? item.details : {}
  const name = str(overview.title).trim() || 'Untitled'
  const source = [...path, name].join('/')
  const state = str(item.state)
  if (state && state !== 'active') return { source, reason: state === 'archived' ? 'archived' : `${state}` }
  const category = SKIPPED_CATEGORIES[str(item.categoryUuid)]
  if (category) return { source, reason: `${category}, not a key` }
  const lf = arr(details.loginFields).filter(isObj)
  const byDesignation = (d: string) => str(lf.find((f) => f.designation === d)?.value)
  const { base, fields } = loginFields(name, {
    username: byDesignation('username'),
    password: byDesignation('password') || str(details.password),
    url: str(overview.url),
  })
  let expiresAt: number | null = null
  const extra: ForeignField[] = []
  for (const section of arr(details.sections)) {
    if (!isObj(section)) continue
    for (const f of arr(section.fields)) {
      if (!isObj(f) || !isObj(f.value)) continue
      const label = str(f.title).trim() || str(f.id) || 'Field'
      const v = f.value
      if (typeof v.date === 'number') {
        if (str(f.id) === 'expires' || /expir/i.test(label)) expiresAt = v.date * 1000
        continue
      }
      // An API Credential's `credential` field is the key itself.
      const isKey = str(f.id) === 'credential'
      const envVar = isKey && !fields.some((x) => x.envVar === base) ? base : fieldEnvVar(base, label)
      if (typeof v.concealed === 'string') extra.push({ label, envVar, kind: 'secret', value: v.concealed })
      else if (typeof v.totp === 'string') extra.push({ label, envVar, kind: 'secret', value: v.totp })
      else if (isObj(v.sshKey)) extra.push({ label, envVar, kind: 'secret', value: str(v.sshKey.privateKey) })
      else {
        const text = str(v.string ?? v.url ?? v.email ?? v.menu)
        if (text) extra.push({ label, envVar, kind: 'public', value: text })
      }
    }
  }
  const tags = arr(overview.tags).map(str).filter(Boolean)
  const updated = typeof item.updatedAt === 'number' ? item.updatedAt * 1000 : null
  const entry: ForeignEntry = {
    path,
    name,
    fields: tidyFields([...fields, ...extra]),
    notes: str(details.notesPlain),
    tags,
    expiresAt,
    changedAt: updated,
    source,
  }
  return entry.fields.length === 0 ? { source, reason: 'no value to import' } : entry
}

/** Parses 1Password's CSV export. */
export function parseOnePasswordCsv(text: string): ForeignExport {
  let parsed
  try {
    parsed = csvRecords(text)
  } catch (err) {
    throw malformed('1Password CSV export', err instanceof Error ? err.message : 'unreadable')
  }
  const cols = parsed.header.map((h) => h.trim().toLowerCase())
  if (!cols.includes('title') || !cols.includes('password'))
    throw malformed('1Password CSV export', 'the header has no Title and Password columns')
  const entries: ForeignEntry[] = []
  const skipped: ForeignSkip[] = []
  for (const get of parsed.records) {
    const name = get('Title').trim() || 'Untitled'
    if (/^true$/i.test(get('Archived').trim())) {
      skipped.push({ source: name, reason: 'archived' })
      continue
    }
    const { fields } = loginFields(name, {
      username: get('Username'),
      password: get('Password'),
      url: get('Url') || get('URL') || get('Website'),
      totp: get('OTPAuth'),
    })
    const entry: ForeignEntry = {
      path: [],
      name,
      fields: tidyFields(fields),
      notes: get('Notes'),
      tags: get('Tags')
        .split(/[;,]/)
        .map((t) => t.trim())
        .filter(Boolean),
      expiresAt: null,
      changedAt: null,
      source: name,
    }
    if (entry.fields.length === 0) skipped.push({ source: name, reason: 'no value to import' })
    else entries.push(entry)
  }
  return { format: '1Password CSV', entries, skipped, hierarchy: 'none', defaultApp: '1Password' }
}
