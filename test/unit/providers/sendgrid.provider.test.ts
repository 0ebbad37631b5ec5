import { afterEach, describe, expect, it } from 'vitest'
import {
  SendgridProvider,
  sendgridKeyId,
  type ProviderConnection,
  type ProviderError,
} from '../../../src-main/core/providers'
import { fakeClock } from '../../fakes/http-fake'
import {
  SG_ROUTES,
  startSendgridFake,
  type SendgridFake,
  type SendgridFakeOptions,
} from '../../fakes/sendgrid.fake'
import { caught, testDeps } from './provider-test.helpers'

let fake: SendgridFake | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function setup(opts: SendgridFakeOptions = {}) {
  const clock = fakeClock()
  fake = await startSendgridFake({ clock: clock.now, ...opts })
  const deps = testDeps({ clock: clock.now })
  const sg = new SendgridProvider(deps)
  const conn: ProviderConnection = { baseUrl: fake.url, token: fake.secretOf('keyshelf') }
  return { fake, sg, conn, deps, clock }
}

describe('SendgridProvider', () => {
  it('reads the key id from the key, verifies with /v3/scopes and lists keys', async () => {
    const { sg, conn, fake } = await setup()
    const id = sendgridKeyId(conn.token)
    expect(conn.token).toHaveLength(69)
    expect(id).toHaveLength(22)
    expect(await sg.verify(conn)).toMatchObject({ valid: true, remoteId: id })
    const keys = await sg.list(conn)
    expect(keys.map((k) => [k.name, k.isConnectionKey])).toEqual([
      ['keyshelf', true],
      ['mail', false],
    ])
    const bad = await sg.verify({ ...conn, token: 'SG.nope' })
    expect(bad.valid).toBe(false)
    expect(bad.reason).toContain('SendGrid rejected the API key')
    expect(bad.reason).toContain('invalid, expired, or revoked')
    expect(fake.count(SG_ROUTES.scopes)).toBe(2)
  })

  it('rotates by create-then-delete, keeping the name and scopes; the old key works until deleted', async () => {
    const { sg, conn, fake } = await setup()
    const mail = [...fake.keys.values()].find((k) => k.name === 'mail')!
    const r = await sg.rotate(conn, mail.id, { strategy: 'dual', overlapMs: 60_000 })
    expect(r).toMatchObject({ strategy: 'dual', oldKeyState: 'valid-until', connectionKeyReplaced: false })
    const fresh = fake.keys.get(r.newRemoteId)!
    expect(fresh).toMatchObject({ name: 'mail', scopes: ['mail.send'] })
    expect(fresh.secret).toBe(r.newSecret)
    expect(sendgridKeyId(r.newSecret)).toBe(r.newRemoteId)
    expect(fake.keys.has(mail.id)).toBe(true)
    expect(await sg.revoke(conn, mail.id)).toEqual({ alreadyGone: false })
    expect(fake.keys.has(mail.id)).toBe(false)
    expect(await sg.revoke(conn, mail.id)).toEqual({ alreadyGone: true })
  })

  it('single-step rotation of the connection key deletes the old key with the new one', async () => {
    const { sg, conn, fake } = await setup()
    const own = sendgridKeyId(conn.token)!
    const r = await sg.rotate(conn, own, { strategy: 'single' })
    expect(r).toMatchObject({ strategy: 'single', connectionKeyReplaced: true, oldKeyState: 'dead' })
    expect(fake.keys.has(own)).toBe(false)
    expect((await sg.verify({ ...conn, token: r.newSecret })).valid).toBe(true)
    expect((await sg.verify(conn)).valid).toBe(false)
  })

  it('a key without the API Keys permission gets a 403 that names it, and nothing changes', async () => {
    const { sg, conn, fake } = await setup()
    const mailOnly = { ...conn, token: fake.secretOf('mail') }
    const err = (await caught(sg.rotate(mailOnly, sendgridKeyId(conn.token)!))) as ProviderError
    expect(err.kind).toBe('FORBIDDEN')
    expect(err.message).toContain('“API Keys” read permission')
    expect(err.message).toContain('access forbidden')
    expect(fake.keys.size).toBe(2)
  })

  it('a dropped create answer is OUTCOME_UNKNOWN; settling finds the twin, keeps the old key and offers to delete the twin by id', async () => {
    const { sg, conn, fake } = await setup()
    const mail = [...fake.keys.values()].find((k) => k.name === 'mail')!
    fake.setMode({ kind: 'drop', route: SG_ROUTES.create })
    const err = (await caught(sg.rotate(conn, mail.id))) as ProviderError
    expect(err.kind).toBe('OUTCOME_UNKNOWN')
    expect(fake.count(SG_ROUTES.create)).toBe(1)
    const check = await sg.settleRotation(conn, {
      oldRemoteId: mail.id,
      oldSecret: mail.secret,
      strategy: 'dual',
      startedAt: Date.now(),
      name: 'mail',
    })
    // The old key was never deleted: it still works. The twin is a stray whose value is lost.
    const twin = [...fake.keys.values()].find((k) => k.name === 'mail' && k.id !== mail.id)!
    expect(check).toMatchObject({ state: 'not-rotated', strayRemoteId: twin.id, recoveredSecret: null })
    expect(check.detail).toContain('Your stored key is unchanged and still works')
    expect(check.detail).toContain(`Delete ${twin.id}`)
    expect(fake.keys.has(mail.id)).toBe(true)
  })

  it('retries a list after a 429 using X-RateLimit-Reset', async () => {
    const { sg, conn, fake, deps } = await setup()
    fake.setMode({ kind: 'rate-limit', retryAfterSec: 2, route: SG_ROUTES.list, times: 1 })
    expect(await sg.list(conn)).toHaveLength(2)
    expect(deps.sleep.waits.length).toBe(1)
  })
})
