/**
 * KeePassXC exports: the KeePass 2.x XML export (Database › Export › XML, or `keepassxc-cli export -f xml`)
 * and the CSV export (`-f csv`). Pure functions over the file's text.
 *
 * Mapping: the group path below the root group (the database's own "Passwords"/root group is dropped). Entry
 * history is not imported; entries in the recycle bin are skipped. Title → key name; Password → the key's
 * secret field; UserName and URL → public fields; custom strings → fields, secret when "protect in memory" is
 * set (KeePassXC's own protected flag); Notes, Tags, expiry and last modification carried over.
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
  tidyFields,
} from './foreign-entry'
import { csvRecords } from './csv'
import { type XmlElement, child, children, parseXml } from './mini-xml'

const STANDARD = new Set(['Title', 'UserName', 'Password', 'URL', 'Notes'])

function tagsOf(s: string): string[] {
  return s
    .split(/[;,]/)
    .map((t) => t.trim())
    .filter(Boolean)
}

/** Parses a KeePass 2.x XML export. */
export function parseKeepassXml(text: string): ForeignExport {
  let doc: XmlElement
  try {
    doc = parseXml(text)
  } catch (err) {
    throw malformed('KeePass XML export', err instanceof Error ? err.message : 'unreadable')
  }
  if (doc.name !== 'KeePassFile') throw malformed('KeePass XML export', 'no KeePassFile element')
  const rootGroup = child(child(doc, 'Root') ?? doc, 'Group')
  if (!rootGroup) throw malformed('KeePass XML export', 'no root group')
  const recycleBin = child(child(doc, 'Meta') ?? doc, 'RecycleBinUUID')?.text.trim() ?? ''
  const entries: ForeignEntry[] = []
  const skipped: ForeignSkip[] = []

  const walk = (group: XmlElement, path: string[], inBin: boolean) => {
    for (const e of children(group, 'Entry')) {
      const entry = entryOf(e, path)
      if ('reason' in entry) skipped.push(entry)
      else if (inBin) skipped.push({ source: entry.source, reason: 'in the recycle bin' })
      else if (entry.fields.length === 0) skipped.push({ source: entry.source, reason: 'no value to import' })
      else entries.push(entry)
    }
    for (const g of children(group, 'Group')) {
      const name = child(g, 'Name')?.text.trim() || 'Group'
      const bin = inBin || (recycleBin !== '' && child(g, 'UUID')?.text.trim() === recycleBin)
      walk(g, [...path, name], bin)
    }
  }
  walk(rootGroup, [], false)
  return { format: 'KeePassXC XML', entries, skipped, hierarchy: 'groups', defaultApp: 'KeePassXC' }
}

function entryOf(e: XmlElement, path: string[]): ForeignEntry | ForeignSkip {
  const strings = new Map<string, { value: string; protect: boolean; encrypted: boolean }>()
  for (const s of children(e, 'String')) {
    const key = child(s, 'Key')?.text ?? ''
    const v = child(s, 'Value')
    strings.set(key, {
      value: v?.text ?? '',
      protect: v?.attrs.ProtectInMemory === 'True',
      encrypted: v?.attrs.Protected === 'True',
    })
  }
  const name = strings.get('Title')?.value.trim() || 'Untitled'
  const source = [...path, name].join('/')
  if ([...strings.values()].some((s) => s.encrypted && s.value !== ''))
    return {
      source,
      reason:
        'its values are encrypted with the database’s inner key (this is KDBX-internal XML): export with KeePassXC’s Database › Export › XML',
    }
  const { base, fields } = loginFields(name, {
    username: strings.get('UserName')?.value,
    password: strings.get('Password')?.value,
    url: strings.get('URL')?.value,
  })
  const custom: ForeignField[] = []
  for (const [key, s] of strings) {
    if (STANDARD.has(key) || s.value === '') continue
    custom.push({
      label: key,
      envVar: fieldEnvVar(base, key),
      kind: s.protect ? 'secret' : 'public',
      value: s.value,
    })
  }
  const times = child(e, 'Times')
  const expires = times && child(times, 'Expires')?.text.trim() === 'True'
  return {
    path,
    name,
    fields: tidyFields([...fields, ...custom]),
    notes: strings.get('Notes')?.value ?? '',
    tags: tagsOf(child(e, 'Tags')?.text ?? ''),
    expiresAt: expires ? isoMs(child(times, 'ExpiryTime')?.text.trim()) : null,
    changedAt: times ? isoMs(child(times, 'LastModificationTime')?.text.trim()) : null,
    source,
  }
}

/** Parses KeePassXC's CSV export (Group, Title, Username, Password, URL, Notes, TOTP, …). */
export function parseKeepassCsv(text: string): ForeignExport {
  let parsed
  try {
    parsed = csvRecords(text)
  } catch (err) {
    throw malformed('KeePassXC CSV export', err instanceof Error ? err.message : 'unreadable')
  }
  const cols = parsed.header.map((h) => h.trim().toLowerCase())
  if (!cols.includes('title') || !cols.includes('password') || !cols.includes('group'))
    throw malformed('KeePassXC CSV export', 'the header has no Group, Title and Password columns')
  const entries: ForeignEntry[] = []
  const skipped: ForeignSkip[] = []
  for (const get of parsed.records) {
    // The first segment is the database's root group ("Passwords", "Root").
    const path = get('Group').split('/').slice(1).filter(Boolean)
    const name = get('Title').trim() || 'Untitled'
    const source = [...path, name].join('/')
    if (path[0] === 'Recycle Bin') {
      skipped.push({ source, reason: 'in the recycle bin' })
      continue
    }
    const { fields } = loginFields(name, {
      username: get('Username'),
      password: get('Password'),
      url: get('URL'),
      totp: get('TOTP'),
    })
    const entry: ForeignEntry = {
      path,
      name,
      fields: tidyFields(fields),
      notes: get('Notes'),
      tags: [],
      expiresAt: null,
      changedAt: isoMs(get('Last Modified')),
      source,
    }
    if (entry.fields.length === 0) skipped.push({ source, reason: 'no value to import' })
    else entries.push(entry)
  }
  return { format: 'KeePassXC CSV', entries, skipped, hierarchy: 'groups', defaultApp: 'KeePassXC' }
}
