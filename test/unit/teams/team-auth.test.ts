import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TeamRepository } from '../../../src-main/core/teams/team.repository'
import { baoApi, startBaoDev, type BaoServer } from '../../helpers/openbao'
import { newVault } from '../../helpers/vault.helper'

describe('team tokens: renewal and AppRole re-login on a real OpenBao dev server', () => {
  let bao: BaoServer
  beforeAll(async () => {
    bao = await startBaoDev()
  })
  afterAll(async () => {
    await bao?.stop()
  })

  it('renews a renewable token that is close to expiry, before the next call', async () => {
    const tokens = await bao.teamTokens()
    let now = Date.now()
    const v = await newVault({ clock: () => now })
    try {
      const teams = v.svc.teams
      await teams.connect({ name: 't', addrs: bao.addr, login: { method: 'token', token: tokens.reader } })
      const lookup = async (): Promise<{ last_renewal_time?: number; renewable: boolean }> =>
        (
          (await baoApi(bao.addr, bao.rootToken, 'POST', 'auth/token/lookup', { token: tokens.reader })) as {
            data: { last_renewal_time?: number; renewable: boolean }
          }
        ).data
      expect((await lookup()).last_renewal_time ?? 0).toBe(0)
      await teams.pull()
      expect((await lookup()).last_renewal_time ?? 0).toBe(0) // an hour left: no renewal
      now += 55 * 60_000 // five minutes left
      await teams.pull()
      expect((await lookup()).last_renewal_time ?? 0).toBeGreaterThan(0)
      const rec = new TeamRepository(v.svc.repository()).listConnections()[0]!
      expect(rec.tokenExpiresAt).toBeGreaterThan(now + 30 * 60_000)
    } finally {
      await v.cleanup()
    }
  })

  it('logs in again with the sealed AppRole credentials when the token was revoked', async () => {
    await bao.teamTokens()
    await baoApi(bao.addr, bao.rootToken, 'POST', 'sys/auth/approle', { type: 'approle' })
    await baoApi(bao.addr, bao.rootToken, 'POST', 'auth/approle/role/ci', {
      token_policies: ['keyshelf-reader'],
    })
    const roleId = (
      (await baoApi(bao.addr, bao.rootToken, 'GET', 'auth/approle/role/ci/role-id')) as {
        data: { role_id: string }
      }
    ).data.role_id
    const secretId = (
      (await baoApi(bao.addr, bao.rootToken, 'POST', 'auth/approle/role/ci/secret-id', {})) as {
        data: { secret_id: string }
      }
    ).data.secret_id
    const v = await newVault()
    try {
      const teams = v.svc.teams
      await teams.connect({ name: 'ci', addrs: bao.addr, login: { method: 'approle', roleId, secretId } })
      const repo = new TeamRepository(v.svc.repository())
      const first = repo.listConnections()[0]!
      expect(first.auth).toMatchObject({ method: 'approle', roleId, secretId })
      await baoApi(bao.addr, bao.rootToken, 'POST', 'auth/token/revoke', { token: first.auth.token })
      expect((await teams.pull()).offlineSince).toBeNull()
      const second = repo.listConnections()[0]!
      expect(second.auth.token).not.toBe(first.auth.token)
      // The vault file holds the role's secret id only sealed.
      const raw = v.svc.repository().db.prepare('SELECT enc FROM team_connections').get() as { enc: Buffer }
      expect(raw.enc.includes(Buffer.from(secretId))).toBe(false)
    } finally {
      await v.cleanup()
    }
  })
})
