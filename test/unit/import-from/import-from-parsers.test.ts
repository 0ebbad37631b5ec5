/**
 * The import-from parsers over realistic export files (test/fixtures/import-from/): KeePassXC's XML and CSV were
 * produced by keepassxc-cli 2.7.4 itself (then the XML was given a custom protected string, history and a recycle
 * bin, and re-read by keepassxc-cli import to prove it stays valid); the others follow each tool's documented
 * export format (see test/fixtures/README.md).
 */
import { readFileSync } from 'node:fs'
import { deflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { parseBitwardenJson } from '../../../src-main/core/import-from/bitwarden.parser'
import { parseSecretsEnv, parseSecretsJson } from '../../../src-main/core/import-from/doppler.parser'
import { envVarOf, kindOfVariable } from '../../../src-main/core/import-from/foreign-entry'
import { parseForeignExport } from '../../../src-main/core/import-from/import-from.service'
import { parseKeepassCsv, parseKeepassXml } from '../../../src-main/core/import-from/keepassxc.parser'
import { parseCsv } from '../../../src-main/core/import-from/csv'
import { parseXml } from '../../../src-main/core/import-from/mini-xml'
import { parseOnePasswordCsv, parseOnePux } from '../../../src-main/core/import-from/onepassword.parser'
import { readZip } from '../../../src-main/core/import-from/zip-reader'
import type { ForeignExport } from '../../../src-main/core/import-from/foreign-entry'

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/import-from/${name}`, import.meta.url))
const byName = (x: ForeignExport, source: string) => {
  const e = x.entries.find((v) => v.source === source)
  if (!e) throw new Error(`no entry ${source} in ${x.entries.map((v) => v.source).join(', ')}`)
  return e
}
const field = (x: ForeignExport, source: string, envVar: string) =>
  byName(x, source).fields.find((f) => f.envVar === envVar)

describe('KeePassXC', () => {
  it('XML: groups below the root become the path; protected strings are secrets; history and recycle bin are not imported', () => {
    const x = parseKeepassXml(fixture('keepassxc-export.xml').toString('utf8'))
    expect(x.entries.map((e) => e.source).sort()).toEqual([
      'Acme/Production/Postgres',
      'Acme/Production/Stripe secret key',
      'Acme/Staging/Stripe secret key',
      'GitHub',
      'Novu/Production/Novu API',
    ])
    const stripe = byName(x, 'Acme/Production/Stripe secret key')
    expect(stripe.path).toEqual(['Acme', 'Production'])
    expect(stripe.fields).toEqual([
      {
        label: 'Password',
        envVar: 'STRIPE_SECRET_KEY',
        kind: 'secret',
        value: 'sk_live_FIXTURE_51Hx0000000000000000',
      },
      {
        label: 'URL',
        envVar: 'STRIPE_SECRET_KEY_URL',
        kind: 'public',
        value: 'https://dashboard.stripe.com/apikeys',
      },
      { label: 'Account ID', envVar: 'STRIPE_SECRET_KEY_ACCOUNT_ID', kind: 'public', value: 'acct_1FIXTURE' },
      // ProtectInMemory="True" → secret; the entities are decoded exactly.
      {
        label: 'STRIPE_WEBHOOK_SECRET',
        envVar: 'STRIPE_WEBHOOK_SECRET',
        kind: 'secret',
        value: 'whsec_FIXTURE_abc&def<ghi',
      },
    ])
    expect(stripe.tags).toEqual(['billing', 'stripe'])
    expect(stripe.expiresAt).toBe(Date.parse('2027-06-30T00:00:00Z'))
    expect(stripe.notes).toBe('Restricted key for the billing worker')
    // The old password in <History> is nowhere.
    expect(JSON.stringify(x)).not.toContain('OLD_should_not_import')
    expect(field(x, 'Acme/Production/Postgres', 'POSTGRES_PASSWORD')?.value).toBe('p@ss "word" $HOME')
    expect(field(x, 'Acme/Production/Postgres', 'POSTGRES_USERNAME')?.kind).toBe('public')
    expect(x.skipped).toEqual([
      { source: 'Personal note', reason: 'no value to import' },
      { source: 'Recycle Bin/Old Mailgun key', reason: 'in the recycle bin' },
    ])
  })

  it('CSV: the root group is dropped from the path; values with quotes survive', () => {
    const x = parseKeepassCsv(fixture('keepassxc-export.csv').toString('utf8'))
    expect(x.entries).toHaveLength(5)
    expect(byName(x, 'Acme/Staging/Stripe secret key').path).toEqual(['Acme', 'Staging'])
    expect(field(x, 'Acme/Production/Postgres', 'POSTGRES_PASSWORD')?.value).toBe('p@ss "word" $HOME')
    expect(byName(x, 'GitHub').path).toEqual([])
  })

  it('refuses KDBX-internal XML (values encrypted with the inner stream) entry by entry, and a DOCTYPE outright', () => {
    const xml = `<KeePassFile><Root><Group><Name>R</Name><Entry><String><Key>Title</Key><Value>T</Value></String><String><Key>Password</Key><Value Protected="True">c2VjcmV0</Value></String></Entry></Group></Root></KeePassFile>`
    const x = parseKeepassXml(xml)
    expect(x.entries).toEqual([])
    expect(x.skipped[0]?.reason).toMatch(/Export › XML/)
    expect(() => parseKeepassXml('<!DOCTYPE x [<!ENTITY a "b">]><KeePassFile/>')).toThrow(
      /not a readable KeePass XML/,
    )
    expect(() => parseKeepassXml('<KeePassFile><Root>')).toThrow(/not a readable KeePass XML/)
  })
})

describe('Bitwarden', () => {
  it('folders split at "/"; hidden fields secret, text and boolean public, linked left out; cards and identities skipped', () => {
    const x = parseBitwardenJson(fixture('bitwarden-export.json').toString('utf8'))
    const stripe = byName(x, 'Acme/Production/Stripe secret key')
    expect(stripe.fields.map((f) => [f.envVar, f.kind])).toEqual([
      ['STRIPE_SECRET_KEY', 'secret'],
      ['STRIPE_SECRET_KEY_URL', 'public'],
      ['STRIPE_WEBHOOK_SECRET', 'secret'],
      ['STRIPE_SECRET_KEY_ACCOUNT_ID', 'public'],
      ['STRIPE_SECRET_KEY_LIVE_MODE', 'public'],
    ])
    expect(JSON.stringify(x)).not.toContain('OLD_not_imported')
    expect(field(x, 'Acme/Production/Postgres', 'POSTGRES_TOTP')?.kind).toBe('secret')
    expect(byName(x, 'Novu/Novu API').fields).toEqual([
      {
        label: 'NOVU_SECRET_KEY',
        envVar: 'NOVU_SECRET_KEY',
        kind: 'secret',
        value: 'novu_FIXTURE_bw_0123456789',
      },
    ])
    expect(field(x, 'Deploy key', 'DEPLOY_KEY_PRIVATE_KEY')?.kind).toBe('secret')
    expect(x.skipped.map((s) => s.reason)).toEqual(['a payment card, not a key', 'an identity, not a key'])
    expect(JSON.stringify(x)).not.toContain('4111111111111111')
  })

  it('refuses an encrypted export and says how to make a readable one', () => {
    expect(() =>
      parseBitwardenJson('{"encrypted": true, "encKeyValidation_DO_NOT_EDIT": "2.x", "items": []}'),
    ).toThrow(/encrypted.*\.json/)
    expect(() => parseForeignExport('bitwarden', Buffer.from('name,login_password\n'))).toThrow(/not JSON/)
  })
})

describe('1Password', () => {
  it('1PUX: vault names are the path; concealed → secret; archived and cards skipped; the expiry date read', () => {
    const x = parseOnePux(fixture('1password-export.1pux'))
    expect(x.entries.map((e) => e.source).sort()).toEqual([
      'Acme/Production/Postgres',
      'Acme/Production/Stripe secret key',
      'Acme/Staging/Stripe secret key',
      'Novu/Novu API',
    ])
    expect(field(x, 'Acme/Production/Stripe secret key', 'STRIPE_WEBHOOK_SECRET')).toMatchObject({
      kind: 'secret',
      value: 'whsec_FIXTURE_op_0001',
    })
    const novu = byName(x, 'Novu/Novu API')
    expect(novu.fields.find((f) => f.envVar === 'NOVU_API')).toMatchObject({
      kind: 'secret',
      value: 'novu_FIXTURE_op_0123456789',
    })
    expect(novu.fields.find((f) => f.envVar === 'NOVU_API_HOSTNAME')?.kind).toBe('public')
    expect(novu.expiresAt).toBe(1798675200 * 1000)
    expect(x.skipped.map((s) => s.reason)).toEqual(['archived', 'a credit card, not a key'])
    expect(JSON.stringify(x)).not.toContain('OLD_FIXTURE_not_imported')
  })

  it('CSV: archived rows skipped, multi-line notes kept', () => {
    const x = parseOnePasswordCsv(fixture('1password-export.csv').toString('utf8'))
    expect(x.entries.map((e) => e.name)).toEqual(['Stripe secret key', 'Postgres'])
    expect(byName(x, 'Stripe secret key').notes).toBe('Restricted key\nfor the billing worker')
    expect(byName(x, 'Stripe secret key').tags).toEqual(['billing', 'stripe'])
    expect(x.skipped).toEqual([
      { source: 'Old Mailgun', reason: 'archived' },
      { source: 'Wi-Fi note', reason: 'no value to import' },
    ])
  })

  it('a ZIP without export.data, or not a ZIP, is a clear error', () => {
    expect(() => parseOnePux(Buffer.from('PK\x03\x04garbage'))).toThrow(/not a readable 1Password 1PUX/)
  })
})

describe('Doppler and Infisical', () => {
  it('Doppler JSON: project/config from the metadata, which is not imported; kinds from names', () => {
    const x = parseSecretsJson(fixture('doppler-secrets.json').toString('utf8'))
    expect(x.format).toBe('Doppler JSON')
    expect(x.entries.every((e) => e.path.join('/') === 'acme-api/prd')).toBe(true)
    const kinds = Object.fromEntries(x.entries.map((e) => [e.name, e.fields[0]?.kind]))
    expect(kinds).toEqual({
      DATABASE_URL: 'secret', // a URL with a password in it
      LOG_LEVEL: 'public',
      NOVU_API_URL: 'public',
      NOVU_SECRET_KEY: 'secret',
      STRIPE_SECRET_KEY: 'secret',
      TLS_CERT: 'secret',
    })
    expect(byName(x, 'acme-api/prd/TLS_CERT').fields[0]?.value).toContain('\n')
    expect(x.skipped.map((s) => s.source)).toEqual([
      'acme-api/prd/DOPPLER_CONFIG',
      'acme-api/prd/DOPPLER_ENVIRONMENT',
      'acme-api/prd/DOPPLER_PROJECT',
    ])
  })

  it('Infisical JSON (array of key/value) and .env files', () => {
    const inf = parseSecretsJson(fixture('infisical-export.json').toString('utf8'))
    expect(inf.format).toBe('Infisical JSON')
    expect(inf.entries.map((e) => [e.name, e.fields[0]?.kind])).toEqual([
      ['STRIPE_SECRET_KEY', 'secret'],
      ['API_BASE_URL', 'public'],
      ['SENDGRID_API_KEY', 'secret'],
    ])
    const env = parseSecretsEnv(fixture('doppler.env').toString('utf8'))
    expect(env.entries.map((e) => e.source)).toEqual([
      'acme-api/dev/DATABASE_URL',
      'acme-api/dev/LOG_LEVEL',
      'acme-api/dev/STRIPE_SECRET_KEY',
    ])
    expect(() => parseSecretsEnv('GOOD=1\nnot a line\n')).toThrow(/line 2/)
    expect(() => parseSecretsJson('{"A": 1}')).toThrow(/value of A is not a string/)
  })
})

describe('helpers', () => {
  it('env var names, kinds, CSV, XML and ZIP edge cases', () => {
    expect(envVarOf('Stripe secret key')).toBe('STRIPE_SECRET_KEY')
    expect(envVarOf('2FA backup (Café)')).toBe('_2FA_BACKUP_CAFE')
    expect(envVarOf('???')).toBe('VALUE')
    expect(kindOfVariable('AWS_REGION', 'eu-west-1')).toBe('public')
    expect(kindOfVariable('REDIS_URL', 'redis://:pw@host:6379')).toBe('secret')
    expect(parseCsv('a,"b ""q""\r\nc",d\r\n')).toEqual([['a', 'b "q"\r\nc', 'd']])
    expect(() => parseCsv('"open')).toThrow()
    expect(parseXml('<a x="1 &amp; 2"><b>&#x41;&#66;</b><![CDATA[<raw>]]></a>')).toMatchObject({
      attrs: { x: '1 & 2' },
      text: '<raw>',
      children: [{ name: 'b', text: 'AB' }],
    })
    expect(() => parseXml('<a>&unknown;</a>')).toThrow()
    // A stored (method 0) and a deflated entry.
    const zip = makeZip([
      ['a.txt', Buffer.from('hello'), false],
      ['b.txt', Buffer.from('world'.repeat(100)), true],
    ])
    const files = readZip(zip)
    expect(files.get('a.txt')?.().toString()).toBe('hello')
    expect(files.get('b.txt')?.().toString()).toBe('world'.repeat(100))
    expect(() => readZip(Buffer.from('not a zip at all, not at all'))).toThrow(/not a ZIP/)
  })
})

/** A minimal ZIP writer for the reader's test (no CRC check is done by the reader, so CRC is 0). */
function makeZip(files: [string, Buffer, boolean][]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, data, deflate] of files) {
    const body = deflate ? deflateRawSync(data) : data
    const n = Buffer.from(name)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(deflate ? 8 : 0, 8)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(n.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(deflate ? 8 : 0, 10)
    central.writeUInt32LE(body.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(n.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, n, body)
    centrals.push(central, n)
    offset += 30 + n.length + body.length
  }
  const cd = Buffer.concat(centrals)
  const eocd = Buffer.alloc(22)
  eocd.writeUInt32LE(0x06054b50, 0)
  eocd.writeUInt16LE(files.length, 8)
  eocd.writeUInt16LE(files.length, 10)
  eocd.writeUInt32LE(cd.length, 12)
  eocd.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, eocd])
}
