/**
 * The window's team commands through `dispatch` (what ipc/register.ts runs after its sender check): every
 * input is parsed with zod first, the team credential never comes back in any output, and "Export
 * calendar…"/"Export report…" (`saveReport`) write no secret value in any format (canary).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KeyshelfCore } from '../../../src-main/core/core'
import { dispatch } from '../../../src-main/core/ipc-dispatch'
import { startBaoDev, type BaoServer } from '../../helpers/openbao'
import { credentialInput, newVault, seedAppEnv } from '../../helpers/vault.helper'

const CANARY = 'sk_live_CANARY_team_cmd_4b1d'
const CANARY2 = 'whsec_CANARY_team_cmd_new_77'

describe('team commands through dispatch', { timeout: 120_000 }, () => {
  let bao: BaoServer
  let token: string
  let svc: KeyshelfCore
  let cleanup: () => Promise<void>
  let dir: string
  let answer: string | null = null

  beforeAll(async () => {
    bao = await startBaoDev()
    token = (await bao.teamTokens()).rotator
    dir = mkdtempSync(join(tmpdir(), 'keyshelf-team-cmd-'))
    const v = await newVault({
      dialogs: {
        chooseSavePath: async (name: string) => (answer === null ? null : join(dir, answer || name)),
      },
    })
    svc = v.svc
    cleanup = v.cleanup
    const { appId, envId } = await seedAppEnv(svc, 'Shop', 'Production')
    const c = await svc.createCredential(
      credentialInput(envId, {
        name: 'Stripe',
        owner: 'payments-oncall',
        fields: [{ label: '', envVar: 'STRIPE_SECRET', kind: 'secret', value: CANARY }],
      }),
    )
    await svc.rotate({
      credentialId: c.id,
      values: [{ fieldId: c.fields[0]!.id, value: CANARY2 }],
      overlapHours: 24,
    })
    void appId
  })
  afterAll(async () => {
    await cleanup?.()
    await bao?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('refuses malformed inputs with INVALID_INPUT before anything runs', async () => {
    const bad: [string, unknown][] = [
      ['connectTeam', { name: 't', addrs: bao.addr, login: { method: 'kerberos', ticket: 'x' } }],
      ['connectTeam', { name: 't', addrs: bao.addr, login: { method: 'token', token: '' } }],
      ['connectTeam', { name: 't', addrs: bao.addr, login: { method: 'token', token: 'x' }, extra: 1 }],
      ['connectTeam', { name: '', addrs: bao.addr, login: { method: 'token', token: 'x' } }],
      ['connectTeam', { name: 't', addrs: bao.addr, login: { method: 'approle', roleId: 'r' } }],
      ['shareApp', { appId: 'not-a-uuid', team: 't' }],
      ['pullTeams', { team: 'x'.repeat(65) }],
      ['disconnectTeam', {}],
      ['saveReport', { format: 'pdf' }],
      ['teamMarks', { x: 1 }],
    ]
    for (const [command, input] of bad) {
      const r = await dispatch(svc, command, input)
      expect(r.ok, `${command} ${JSON.stringify(input)}`).toBe(false)
      if (!r.ok) expect(r.error.code).toBe('INVALID_INPUT')
    }
    expect(await svc.listTeams()).toEqual([])
  })

  it('connect, list, marks, share and pull never return the token', async () => {
    const outputs: unknown[] = []
    const run = async (command: string, input: unknown) => {
      const r = await dispatch(svc, command, input)
      expect(r.ok, JSON.stringify(r)).toBe(true)
      outputs.push(r)
      return r.ok ? r.value : null
    }
    await run('connectTeam', { name: 'payments', addrs: bao.addr, login: { method: 'token', token } })
    const app = (await svc.listApps())[0]!
    expect(await run('shareApp', { appId: app.id, team: 'payments' })).toMatchObject({ keys: 1 })
    expect(await run('teamMarks', {})).toEqual({
      apps: { [app.id]: 'payments' },
      offlineSince: { payments: null },
    })
    expect(await run('pullTeams', {})).toEqual([
      {
        team: 'payments',
        created: 0,
        updated: 0,
        unchanged: 1,
        deletedRemotely: 0,
        offlineSince: null,
        error: null,
      },
    ])
    expect(await run('listTeams', {})).toMatchObject([{ name: 'payments', keys: 1, apps: 1 }])
    expect(JSON.stringify(outputs)).not.toContain(token)
  })

  it('saveReport writes each format through the dialog with no secret value (canary), and honours cancel', async () => {
    for (const format of ['ics', 'csv', 'json', 'md'] as const) {
      for (const team of [undefined, 'payments']) {
        answer = ''
        const r = await dispatch(svc, 'saveReport', { format, ...(team ? { team } : {}) })
        expect(r.ok, JSON.stringify(r)).toBe(true)
        if (!r.ok) continue
        const out = r.value as { path: string; keys: number; cancelled: boolean }
        expect(out).toMatchObject({ cancelled: false, keys: 1 })
        expect(out.path).toBe(
          join(
            dir,
            `${team ? 'keyshelf-payments' : 'keyshelf'}-${format === 'ics' ? 'rotations' : 'report'}.${format}`,
          ),
        )
        const text = readFileSync(out.path, 'utf8')
        expect(text).toContain('Stripe')
        expect(text).not.toContain('CANARY')
        expect(text).not.toContain(CANARY2.slice(-4))
      }
    }
    answer = null
    const cancelled = await dispatch(svc, 'saveReport', { format: 'md' })
    expect(cancelled).toEqual({ ok: true, value: { cancelled: true, path: null, keys: 1 } })
  })

  it('disconnect keeps the keys as local keys', async () => {
    const r = await dispatch(svc, 'disconnectTeam', { team: 'payments' })
    expect(r).toEqual({ ok: true, value: { team: 'payments', apps: 1, keys: 1 } })
    expect(await svc.teamMarks()).toEqual({ apps: {}, offlineSince: {} })
    const c = (await svc.listCredentials({}))[0]!
    expect((await svc.reveal({ fieldId: c.fields[0]!.id })).value).toBe(CANARY2)
  })
})
