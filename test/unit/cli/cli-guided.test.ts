/**
 * `keyshelf key rotate … --guided` as a process: the dashboard named, the new value from stdin, the old
 * value kept for the overlap, every remembered .env rewritten; `key rm` on a synced key says only the local
 * copy went; `verify --all` without checkable keys. (The read-only checks against provider fakes are tested
 * in-process in test/unit/guided: the CLI has no way to point a provider at another host, by design.)
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup, expectCode, expectNoSecrets, secret, tempVault, type TestVault } from './cli-harness'

describe('guided rotation in the CLI', () => {
  let v: TestVault
  const dir = mkdtempSync(join(tmpdir(), 'keyshelf-guided-'))
  const file = join(dir, '.env')

  beforeAll(async () => {
    v = await tempVault()
    await v.ok(['app', 'add', 'Shop'])
    await v.ok(['env', 'add', 'Shop', 'Production'])
    await v.ok(
      ['key', 'add', 'Shop', 'Production', 'AWS', '--env-var', 'AWS_SECRET_ACCESS_KEY', '--value-stdin'],
      {
        stdin: secret('OLDawsSECRETvalue0000000000000000000000001'),
      },
    )
    await v.ok(['export', 'Shop', 'Production', '-o', file])
  })
  afterAll(() => cleanup())

  it('names the dashboard, stores the pasted value with the overlap and re-exports the .env', async () => {
    const fresh = 'NEWawsSECRETvalue0000000000000000000000002'
    const r = await v.ks(
      ['key', 'rotate', 'Shop/Production/AWS_SECRET_ACCESS_KEY', '--guided', '--overlap-hours', '6'],
      {
        stdin: secret(fresh),
      },
    )
    expectCode(r, 0)
    expect(r.err).toContain('https://console.aws.amazon.com/iam/home#/security_credentials')
    expect(r.err).toContain('no read-only check')
    expect(r.err).toContain(`Re-exported ${file}`)
    expectNoSecrets(r.out + r.err, [fresh])
    expect(readFileSync(file, 'utf8')).toContain(`AWS_SECRET_ACCESS_KEY=${fresh}`)
    const h = await v.ok(['key', 'history', 'Shop/Production/AWS_SECRET_ACCESS_KEY'])
    expect(h.out.split('\n').filter((l) => l.trim() !== '').length).toBeGreaterThanOrEqual(2)
    const all = await v.ks(['verify', '--all'])
    expectCode(all, 0)
    expect(all.err).toContain('0 checked, 1 without a provider check')
  })
})
