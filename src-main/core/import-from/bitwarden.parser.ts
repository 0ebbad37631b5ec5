/**
 * Bitwarden's unencrypted JSON export (Password Manager: Tools › Export vault › .json, or `bw export --format
 * json`), personal or organization. Pure function over the file's text.
 *
 * Mapping: the folder (personal) or first collection (organization) name, split at "/" ("Acme/Production").
 * Logins: name → key name; login.password → the secret field; login.username and the first URI → public
 * fields; login.totp → secret. Custom fields: type 1 (hidden) → secret, type 0 (text) and 2 (boolean) → public,
 * type 3 (linked) is a reference and is left out. Secure notes import their custom fields; SSH keys their
 * private (secret) and public keys. Cards, identities and items in the trash are skipped. An encrypted export
 * is refused (it cannot be read without the account).
 */
import {
  type ForeignEntry,
  type ForeignExport,
  type ForeignField,
  type ForeignSkip,
  fieldEnvVar,
  isoMs,
  loginFields,
  malformed,
  envVarOf,
  tidyFields,
  isObj,
  str,
  arr,
} from './foreign-entry'
import { InvalidInputError } from '../errors'

const SKIPPED_TYPES: Record<number, string> = {
  3: 'a payment card, not a key',
  4: 'an identity, not a key',
}

/** Parses a Bitwarden JSON export. */
export function parseBitwardenJson(text: string): ForeignExport {
  let doc: unknown
  try {
    doc = JSON.parse(text.replace(/^\ufeff/, ''))
  } catch {
    throw malformed('Bitwarden JSON export', 'not JSON')
  }
  if (!isObj(doc) || !Array.isArray(doc.items)) throw malformed('Bitwarden JSON export', 'no "items" list')
  if (doc.encrypted === true)
    throw new InvalidInputError(
      'This Bitwarden export is encrypted. Export again with the format ".json" (not "encrypted"), import, then delete the file.',
    )
  const groups = new Map<string, string>()
  for (const f of [...arr(doc.folders), ...arr(doc.collections)])
    if (isObj(f)) groups.set(str(f.id), str(f.name))
  const entries: ForeignEntry[] = []
  const skipped: ForeignSkip[] = []
  for (const item of doc.items) {
    if (!isObj(item)) continue
    const group = groups.get(str(item.folderId)) ?? groups.get(str(arr(item.collectionIds)[0])) ?? ''
    const path = group
      .split('/')
      .map((s) => s.trim())
      .filter(Boolean)
    const name = str(item.name).trim() || 'Untitled'
    const source = [...path, name].join('/')
    const type = typeof item.type === 'number' ? item.type : 0
    if (item.deletedDate) {
      skipped.push({ source, reason: 'in the trash' })
      continue
    }
    const why = SKIPPED_TYPES[type]
    if (why) {
      skipped.push({ source, reason: why })
      continue
    }
    const login = isObj(item.login) ? item.login : {}
    const uri = arr(login.uris).find(isObj)
    const { base, fields } = loginFields(name, {
      username: str(login.username),
      password: str(login.password),
      url: uri ? str(uri.uri) : '',
      totp: str(login.totp),
    })
    if (isObj(item.sshKey)) {
      fields.push(
        {
          label: 'Private key',
          envVar: `${base}_PRIVATE_KEY`,
          kind: 'secret',
          value: str(item.sshKey.privateKey),
        },
        {
          label: 'Public key',
          envVar: `${base}_PUBLIC_KEY`,
          kind: 'public',
          value: str(item.sshKey.publicKey),
        },
      )
    }
    const custom: ForeignField[] = []
    for (const f of arr(item.fields)) {
      if (!isObj(f) || f.type === 3) continue
      const label = str(f.name).trim() || 'Field'
      custom.push({
        label,
        envVar: fieldEnvVar(base || envVarOf(name), label),
        kind: f.type === 1 ? 'secret' : 'public',
        value: str(f.value),
      })
    }
    const entry: ForeignEntry = {
      path,
      name,
      fields: tidyFields([...fields, ...custom]),
      notes: str(item.notes),
      tags: [],
      expiresAt: null,
      changedAt: isoMs(item.revisionDate),
      source,
    }
    if (entry.fields.length === 0) skipped.push({ source, reason: 'no value to import' })
    else entries.push(entry)
  }
  return { format: 'Bitwarden JSON', entries, skipped, hierarchy: 'folders', defaultApp: 'Bitwarden' }
}
