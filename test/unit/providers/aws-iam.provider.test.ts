import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AwsIamProvider, type ProviderConnection, type ProviderError } from '../../../src-main/core/providers'
import { startMoto, type MotoServer } from '../../helpers/moto'
import { caught, renderings, testDeps } from './provider-test.helpers'

/**
 * Against a real, independent IAM implementation: moto in server mode, with request signing and IAM
 * policies enforced after the bootstrap (INITIAL_NO_AUTH_ACTION_COUNT=3), so a deleted or wrong key is
 * rejected the way AWS rejects it.
 */
let moto: MotoServer
let admin: IAMClient
let users = 0

const policy = (actions: string[]): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] })

beforeAll(async () => {
  moto = await startMoto({ noAuthActions: 3 })
  const boot = new IAMClient({
    region: 'us-east-1',
    endpoint: moto.url,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'bootstrap'.padEnd(40, 'x') },
  })
  await boot.send(new CreateUserCommand({ UserName: 'admin' }))
  await boot.send(
    new PutUserPolicyCommand({ UserName: 'admin', PolicyName: 'all', PolicyDocument: policy(['iam:*']) }),
  )
  const k = (await boot.send(new CreateAccessKeyCommand({ UserName: 'admin' }))).AccessKey!
  admin = new IAMClient({
    region: 'us-east-1',
    endpoint: moto.url,
    credentials: { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! },
  })
}, 60_000)

afterAll(async () => {
  admin?.destroy()
  await moto?.stop()
})

/** A fresh IAM user with one access key; `actions` is its inline policy. */
async function newUser(actions: string[] = ['iam:*']): Promise<{ user: string; conn: ProviderConnection }> {
  const user = `deployer-${++users}`
  await admin.send(new CreateUserCommand({ UserName: user }))
  await admin.send(
    new PutUserPolicyCommand({ UserName: user, PolicyName: 'self', PolicyDocument: policy(actions) }),
  )
  const k = (await admin.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey!
  return { user, conn: { baseUrl: moto.url, token: k.SecretAccessKey!, accessKeyId: k.AccessKeyId! } }
}

async function keyIds(user: string): Promise<string[]> {
  const r = await admin.send(new ListAccessKeysCommand({ UserName: user }))
  return (r.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId ?? '')
}

const aws = (): AwsIamProvider => new AwsIamProvider(testDeps({ retry: { timeoutMs: 5000, maxRetries: 1 } }))

describe('AwsIamProvider against moto server', () => {
  it('lists the user’s keys: CreateDate as created, last use, the connection key marked', async () => {
    const { conn, user } = await newUser()
    const keys = await aws().list(conn)
    expect(keys).toHaveLength(1)
    const [k] = keys
    expect(k).toMatchObject({
      provider: 'aws-iam',
      remoteId: conn.accessKeyId,
      name: `${user} ${conn.accessKeyId}`,
      status: 'active',
      maskedHint: conn.accessKeyId,
      isConnectionKey: true,
    })
    expect(k!.createdAt).toEqual(expect.any(Number))
    expect(Math.abs(k!.createdAt! - Date.now())).toBeLessThan(10 * 60_000)
    expect(k).toHaveProperty('lastUsedAt')
    expect((await aws().verify(conn)).valid).toBe(true)
  })

  it('dual-phase rotation of the connection’s own key: both work in the overlap, then the old one is deactivated and deleted', async () => {
    const { conn, user } = await newUser()
    const p = aws()
    const r = await p.rotate(conn, conn.accessKeyId!, { strategy: 'dual', overlapMs: 3_600_000 })
    expect(r).toMatchObject({ strategy: 'dual', oldKeyState: 'valid-until', connectionKeyReplaced: true })
    expect(r.newRemoteId).toMatch(/^AKIA/)
    expect(r.newRemoteId).not.toBe(conn.accessKeyId)
    const next = { ...conn, accessKeyId: r.newRemoteId, token: r.newSecret }
    expect((await p.verify(conn)).valid).toBe(true)
    expect((await p.verify(next)).valid).toBe(true)
    expect((await keyIds(user)).sort()).toEqual([conn.accessKeyId, r.newRemoteId].sort())
    // Two keys per user: a second rotation is refused before anything is created.
    const limit = (await caught(p.rotate(next, r.newRemoteId))) as ProviderError
    expect(limit.kind).toBe('CONFLICT')
    expect(limit.message).toContain('already has two access keys')
    expect(limit.message).toContain('finish-rotation')
    expect(await keyIds(user)).toHaveLength(2)
    // The connection never deletes the key it is connected with.
    expect(((await caught(p.revoke(conn, conn.accessKeyId!))) as ProviderError).kind).toBe('CONFLICT')
    // Overlap over: deactivate then delete, with the new key.
    expect(await p.revoke(next, conn.accessKeyId!)).toEqual({ alreadyGone: false })
    expect(await keyIds(user)).toEqual([r.newRemoteId])
    const old = await p.verify(conn)
    expect(old.valid).toBe(false)
    expect(old.reason).toContain('AWS rejected the access key')
    expect(old.reason).toContain('InvalidClientTokenId')
    expect(await p.revoke(next, conn.accessKeyId!)).toEqual({ alreadyGone: true })
  })

  it('single-step rotation: the new key works and the old one is gone at once', async () => {
    const { conn, user } = await newUser()
    const p = aws()
    const r = await p.rotate(conn, conn.accessKeyId!, { strategy: 'single' })
    expect(r).toMatchObject({ strategy: 'single', oldKeyState: 'dead' })
    expect(await keyIds(user)).toEqual([r.newRemoteId])
    expect((await p.verify({ ...conn, accessKeyId: r.newRemoteId, token: r.newSecret })).valid).toBe(true)
    expect((await p.verify(conn)).valid).toBe(false)
  })

  it('rotates another key of the user (not the connection key) and verifies it as ID:SECRET', async () => {
    const { conn, user } = await newUser()
    const other = (await admin.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey!
    const p = aws()
    // Two keys already: the limit applies before any change.
    expect(((await caught(p.rotate(conn, other.AccessKeyId!))) as ProviderError).message).toContain(
      'two access keys',
    )
    expect((await p.verify(conn, `${other.AccessKeyId}:${other.SecretAccessKey}`)).valid).toBe(true)
    await p.revoke(conn, other.AccessKeyId!)
    expect((await p.verify(conn, `${other.AccessKeyId}:${other.SecretAccessKey}`)).valid).toBe(false)
  })

  it('explains a wrong secret, a missing key id, missing permissions and an unreachable endpoint', async () => {
    const { conn } = await newUser()
    const p = aws()
    const wrong = await p.verify({ ...conn, token: 'w'.repeat(40) })
    expect(wrong.valid).toBe(false)
    expect(wrong.reason).toContain('SignatureDoesNotMatch')
    const noId = await p.verify({ ...conn, accessKeyId: undefined } as ProviderConnection)
    expect(noId.valid).toBe(false)
    expect(noId.reason).toContain('access key id')
    const { conn: limited } = await newUser(['iam:GetUser'])
    const forbidden = (await caught(p.list(limited))) as ProviderError
    expect(forbidden.kind).toBe('FORBIDDEN')
    expect(forbidden.message).toContain('iam:ListAccessKeys')
    const down = (await caught(p.list({ ...conn, baseUrl: 'http://127.0.0.1:9' }))) as ProviderError
    expect(down.kind).toBe('NETWORK')
    for (const e of [forbidden, down]) for (const r of renderings(e)) expect(r).not.toContain(conn.token)
  })
})
