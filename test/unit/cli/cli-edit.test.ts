/**
 * Editing from the CLI as processes: app edit/rename, env edit/rename/rm, key edit (every option), key
 * revoke and key rm-field; an edit changes only what it names (the rest of the record is kept).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup, daysAhead, expectCode, secret, tempVault, type TestVault } from './cli-harness'

afterAll(cleanup)

interface KeyJson {
  name: string
  status: string
  role: string
  owner: string
  tags: string[]
  allowedHosts: string[]
  providerCredentialId: string
  rotationIntervalDays: number | null
  expiresAt: string | null
  fields: { envVar: string }[]
}

describe('editing commands', () => {
  let v: TestVault
  const sk = secret('sk_edit_value_0123456789ab')
  beforeAll(async () => {
    v = await tempVault()
    await v.ok(['app', 'add', 'Novu', '--description', 'Notifications', '--app-id', 'APP1'])
    await v.ok(['env', 'add', 'Novu', 'Production', '--api-url', 'https://api.novu.co'])
    await v.ok(
      [
        'key',
        'add',
        'Novu',
        'Production',
        'API key',
        '--env-var',
        'NOVU_SECRET_KEY',
        '--value-stdin',
        '--rotate-every',
        '30',
      ],
      {
        stdin: sk,
      },
    )
    await v.ok([
      'key',
      'add-field',
      'Novu/Production/API key',
      '--env-var',
      'NOVU_APP_ID',
      '--public',
      '--value',
      'app-1',
    ])
  })

  it('key edit sets every option and keeps the rest; key list --json shows them', async () => {
    await v.ok([
      'key',
      'edit',
      'novu/production/api key',
      '--role',
      'admin',
      '--owner',
      'ops@example.com',
      '--tag',
      'prod',
      '--tag',
      'critical',
      '--allowed-host',
      'api.example.com',
      '--notes',
      'n',
      '--expires',
      daysAhead(200),
      '--provider-key-id',
      'kid-1',
    ])
    const [k] = JSON.parse((await v.ok(['key', 'list', '--json'])).out) as KeyJson[]
    expect(k).toMatchObject({
      name: 'API key',
      role: 'admin',
      owner: 'ops@example.com',
      tags: ['prod', 'critical'],
      allowedHosts: ['api.example.com'],
      providerCredentialId: 'kid-1',
      rotationIntervalDays: 30,
      status: 'ok',
    })
    expect(k?.expiresAt).toMatch(/^\d{4}-/)
    await v.ok(['key', 'edit', 'Novu/Production/API key', '--name', 'Secret key', '--rotate-every', 'never'])
    const [k2] = JSON.parse((await v.ok(['key', 'list', '--json'])).out) as KeyJson[]
    expect(k2).toMatchObject({
      name: 'Secret key',
      role: 'admin',
      rotationIntervalDays: null,
      tags: ['prod', 'critical'],
    })
    const none = await v.ks(['key', 'edit', 'Novu/Production/Secret key'])
    expectCode(none, 1)
    expect(none.err).toMatch(/Nothing to change/)
  })

  it('key rm-field keeps the key; the only field cannot go; key revoke keeps history', async () => {
    await v.ok(['key', 'rm-field', 'Novu/Production/NOVU_APP_ID', '--yes'])
    const [k] = JSON.parse((await v.ok(['key', 'list', '--json'])).out) as KeyJson[]
    expect(k?.fields.map((f) => f.envVar)).toEqual(['NOVU_SECRET_KEY'])
    const only = await v.ks(['key', 'rm-field', 'Novu/Production/NOVU_SECRET_KEY', '--yes'])
    expectCode(only, 1)
    expect(only.err).toMatch(/only field .* use `keyshelf key rm`/)
    await v.ok(['key', 'revoke', 'Novu/Production/Secret key'])
    const [r] = JSON.parse((await v.ok(['key', 'list', '--json'])).out) as KeyJson[]
    expect(r?.status).toBe('revoked')
    expect((await v.ok(['get', 'Novu/Production/NOVU_SECRET_KEY'])).out).toBe(sk)
  })

  it('app edit/rename and env edit/rename/rm', async () => {
    await v.ok(['app', 'edit', 'novu', '--description', 'Email and push', '--tag', 'team-a'])
    await v.ok(['app', 'rename', 'Novu', 'Novu Cloud'])
    const apps = JSON.parse((await v.ok(['app', 'list', '--json'])).out) as {
      name: string
      description: string
      appId: string
    }[]
    expect(apps).toEqual([
      expect.objectContaining({ name: 'Novu Cloud', description: 'Email and push', appId: 'APP1' }),
    ])
    await v.ok(['env', 'edit', 'Novu Cloud', 'production', '--region', 'eu'])
    await v.ok(['env', 'rename', 'Novu Cloud', 'Production', 'Prod'])
    const envs = JSON.parse((await v.ok(['env', 'list', 'Novu Cloud', '--json'])).out) as {
      name: string
      apiUrl: string
      region: string
    }[]
    expect(envs).toEqual([{ name: 'Prod', apiUrl: 'https://api.novu.co', wsUrl: '', region: 'eu' }])
    const bad = await v.ks(['env', 'edit', 'Novu Cloud', 'Prod', '--api-url', 'nope'])
    expect(bad.err).toMatch(/--api-url must be a full URL/)
    await v.ok(['env', 'rm', 'Novu Cloud', 'Prod', '--yes'])
    expect(JSON.parse((await v.ok(['env', 'list', 'Novu Cloud', '--json'])).out)).toEqual([])
  })
})
