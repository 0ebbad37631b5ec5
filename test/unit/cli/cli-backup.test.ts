/**
 * `keyshelf backup` / `restore` and `keyshelf audit` as processes: a verified 0600 copy without a password,
 * never over an existing file or vault without --force, a damaged backup refused (exit 4), the restored vault
 * opening with its password; the audit log filtered by key and date, never holding a value.
 */
import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  PASSWORD,
  cleanup,
  daysAhead,
  expectCode,
  ks,
  secret,
  tempVault,
  type TestVault,
} from './cli-harness'

afterAll(cleanup)

describe('backup and restore', () => {
  let v: TestVault
  const value = secret('sk_backup_value_0123456789')
  beforeAll(async () => {
    v = await tempVault()
    await v.ok(['app', 'add', 'Novu'])
    await v.ok(['env', 'add', 'Novu', 'Production'])
    await v.ok(
      ['key', 'add', 'Novu', 'Production', 'Secret key', '--env-var', 'NOVU_SECRET_KEY', '--value-stdin'],
      {
        stdin: value,
      },
    )
  })

  it('backs up without a password, verified and 0600; never over a file without --force', async () => {
    const file = join(v.dir, 'backup.db')
    const r = await v.ok(['backup', file, '--json'], { env: { KEYSHELF_PASSWORD: undefined } })
    expect(JSON.parse(r.out)).toMatchObject({ path: file, apps: 1, environments: 1, credentials: 1 })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const again = await v.ks(['backup', file])
    expectCode(again, 1)
    expect(again.err).toMatch(/already exists; nothing was written\. Use --force/)
    await v.ok(['backup', file, '--force'])
  })

  it('restores to a new path, refuses an existing vault without --force, and refuses a damaged file (exit 4)', async () => {
    const file = join(v.dir, 'backup.db')
    const target = join(v.dir, 'restored.db')
    const r = await ks(['restore', file, '--vault', target])
    expectCode(r, 0)
    expect(r.err).toMatch(/Restored .*restored\.db \(1 apps, 1 environments, 1 keys\)/)
    const g = await ks(['--vault', target, 'get', 'Novu/Production/NOVU_SECRET_KEY'], {
      env: { KEYSHELF_PASSWORD: PASSWORD },
    })
    expectCode(g, 0)
    expect(g.out).toBe(value)
    const over = await ks(['restore', file, '--vault', target])
    expectCode(over, 1)
    expect(over.err).toMatch(/A vault already exists at .*Use --force/)
    const bad = join(v.dir, 'bad.db')
    writeFileSync(bad, 'not a database at all, just text')
    const b = await ks(['restore', bad, '--vault', join(v.dir, 'other.db')])
    expectCode(b, 4)
    expect(() => statSync(join(v.dir, 'other.db'))).toThrow()
  })
})

describe('audit', () => {
  it('lists reveals and copies, filtered by key and date, with no values', async () => {
    const v = await tempVault()
    const value = secret('sk_audit_value_abcdef123')
    await v.ok(['app', 'add', 'Novu'])
    await v.ok(['env', 'add', 'Novu', 'Production'])
    await v.ok(
      ['key', 'add', 'Novu', 'Production', 'Secret key', '--env-var', 'NOVU_SECRET_KEY', '--value-stdin'],
      {
        stdin: value,
      },
    )
    await v.ok(['key', 'add', 'Novu', 'Production', 'Other', '--env-var', 'OTHER', '--value', 'zzz-other'])
    await v.ok(['get', 'Novu/Production/NOVU_SECRET_KEY'])
    const all = await v.ok(['audit'])
    expect(all.out).toMatch(/reveal +key=Secret key envVar=NOVU_SECRET_KEY/)
    expect(all.out).toMatch(/unlock/)
    expect(all.out).not.toContain(value)
    const one = await v.ok(['audit', '--key', 'novu/production/secret key', '--json'])
    const entries = JSON.parse(one.out) as { event: string; details: Record<string, unknown> }[]
    expect(entries.length).toBeGreaterThan(0)
    expect(entries.every((e) => JSON.stringify(e).includes('Secret key') || e.event !== 'reveal')).toBe(true)
    expect(entries.some((e) => e.event === 'reveal')).toBe(true)
    expect(JSON.stringify(entries)).not.toContain('Other')
    const future = await v.ok(['audit', '--since', daysAhead(2)])
    expect(future.err).toMatch(/No activity matches/)
    // Only the events asked for: every command's unlock is left out here; each entry says it came from the CLI.
    const reads = JSON.parse((await v.ok(['audit', '--event', 'reveal,copy', '--json'])).out) as {
      event: string
      details: Record<string, unknown>
    }[]
    expect(reads.map((e) => e.event)).toEqual(['reveal'])
    expect(reads[0]?.details.origin).toBe('cli')
    const bad = await v.ks(['audit', '--event', 'reveal,peek'])
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/--event takes one or more of create, unlock, reveal.*; not peek\./)
  }, 120_000)
})
