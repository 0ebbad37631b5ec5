import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/core/ipc-dispatch'
import { startDropAnswerProxy } from '../../helpers/drop-answer.proxy'
import { startMoto, type MotoServer } from '../../helpers/moto'
import { newVault } from '../../helpers/vault.helper'

/** AWS IAM end to end through the vault, against a real moto server with signatures enforced. */
let moto: MotoServer
let admin: IAMClient

beforeAll(async () => {
  moto = await startMoto({ noAuthActions: 3 })
  const boot = new IAMClient({
    region: 'us-east-1',
    endpoint: moto.url,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'bootstrap'.padEnd(40, 'x') },
  })
  await boot.send(new CreateUserCommand({ UserName: 'admin' }))
  await boot.send(
    new PutUserPolicyCommand({
      UserName: 'admin',
      PolicyName: 'all',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
      }),
    }),
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

async function userWithKey(name: string) {
  await admin.send(new CreateUserCommand({ UserName: name }))
  await admin.send(
    new PutUserPolicyCommand({
      UserName: name,
      PolicyName: 'self',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
      }),
    }),
  )
  return (await admin.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!
}

const ids = async (user: string) =>
  ((await admin.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? []).map(
    (k) => k.AccessKeyId,
  )

describe('AWS IAM through the vault (moto server)', () => {
  it('connects with id + secret, rotates dual-phase with an overlap, then deletes the old key when it ends', async () => {
    let now = Date.now()
    const v = await newVault({
      clock: () => now,
      providerOptions: { retry: { timeoutMs: 5000, maxRetries: 1 } },
    })
    try {
      const { svc } = v
      const app = await svc.createApp({ name: 'Billing', description: '', appId: '', tags: [], notes: '' })
      const key = await userWithKey('billing-deployer')
      const missing = await dispatch(svc, 'connectProvider', {
        appId: app.id,
        provider: 'aws-iam',
        token: key.SecretAccessKey!,
        environmentName: 'Production',
        apiUrl: moto.url,
      })
      expect(missing.ok ? '' : missing.error.message).toContain('access key id')
      const { connection } = await svc.connectProvider({
        appId: app.id,
        provider: 'aws-iam',
        token: key.SecretAccessKey!,
        accessKeyId: key.AccessKeyId!,
        environmentName: 'Production',
        apiUrl: moto.url,
      })
      const cred = await svc.getCredential({ id: connection.tokenCredentialId })
      expect(cred.fields.map((f) => [f.envVar, f.kind])).toEqual([
        ['AWS_ACCESS_KEY_ID', 'public'],
        ['AWS_SECRET_ACCESS_KEY', 'secret'],
      ])
      expect(cred.providerCredentialId).toBe(key.AccessKeyId)
      expect(cred.lastRotatedAt).toEqual(expect.any(Number)) // CreateDate
      const out = await svc.rotateViaProvider({ credentialId: cred.id, overlapHours: 12 })
      expect(out).toMatchObject({ strategy: 'dual', oldKeyState: 'valid-until' })
      const rotated = await svc.getCredential({ id: cred.id })
      const newId = rotated.fields[0]!.masked.clear!
      expect(newId).not.toBe(key.AccessKeyId)
      expect(rotated.providerCredentialId).toBe(newId)
      expect((await ids('billing-deployer')).sort()).toEqual([key.AccessKeyId, newId].sort())
      expect((await svc.verifyCredential({ credentialId: cred.id })).result).toBe('valid')
      // During the overlap the old key is the previous version, not a new key; no third key can start.
      const during = await svc.syncProviders({ appId: app.id })
      expect(during[0]!.added).toBe(0)
      expect(during[0]!.notes.join(' ')).toContain('previous value')
      const limit = await dispatch(svc, 'rotateViaProvider', { credentialId: cred.id, overlapHours: 1 })
      expect(limit.ok ? '' : limit.error.message).toContain('already has two access keys')
      now += 13 * 3_600_000
      const after = await svc.syncProviders({ appId: app.id })
      expect(after[0]!.finishedOverlaps).toBe(1)
      expect(await ids('billing-deployer')).toEqual([newId])
      expect((await svc.listCredentials({ appId: app.id })).length).toBe(1)
    } finally {
      await v.cleanup()
    }
  })

  it('a lost CreateAccessKey answer: verify finds the extra key, keeps the stored key working, and deletes the extra key by id on request', async () => {
    const proxy = await startDropAnswerProxy(moto.url)
    const v = await newVault({ providerOptions: { retry: { timeoutMs: 5000, maxRetries: 1 } } })
    try {
      const { svc } = v
      const app = await svc.createApp({ name: 'Reports', description: '', appId: '', tags: [], notes: '' })
      const key = await userWithKey('reports-deployer')
      const { connection } = await svc.connectProvider({
        appId: app.id,
        provider: 'aws-iam',
        token: key.SecretAccessKey!,
        accessKeyId: key.AccessKeyId!,
        environmentName: 'Production',
        apiUrl: proxy.url,
      })
      const credId = connection.tokenCredentialId
      const secretField = (await svc.getCredential({ id: credId })).fields.find((f) => f.kind === 'secret')!

      proxy.dropAnswerWhenBodyHas('Action=CreateAccessKey')
      const lost = await dispatch(svc, 'rotateViaProvider', { credentialId: credId, overlapHours: 12 })
      proxy.dropAnswerWhenBodyHas(null)
      expect(proxy.dropped()).toBe(1)
      expect(lost.ok ? '' : lost.error.message).toContain('did not answer the rotation')
      // The request reached moto: the user now has a second key nobody holds the secret of.
      const after = await ids('reports-deployer')
      expect(after).toHaveLength(2)
      const stray = after.find((id) => id !== key.AccessKeyId)!
      // Nothing the user had is lost, and no second rotation is sent while the outcome is unknown.
      expect(svc.readValue(credId, secretField.id)).toBe(key.SecretAccessKey)
      expect((await svc.getCredential({ id: credId })).rotationState).toBe('unknown')
      const again = await dispatch(svc, 'rotateViaProvider', { credentialId: credId })
      expect(again.ok ? '' : again.error.message).toContain('Run verify first')
      expect(await ids('reports-deployer')).toHaveLength(2)

      const settled = await svc.verifyCredential({ credentialId: credId })
      expect(settled.result).toBe('settled-not-rotated')
      expect(settled.message).toContain(`AWS created the access key ${stray}`)
      expect(settled.message).toContain('never shows it again')
      expect(settled.message).toContain('Your stored key is unchanged and still works')
      expect(settled.message).toContain(`Delete ${stray}`)
      expect(settled.message).not.toContain(key.SecretAccessKey!)
      const cred = await svc.getCredential({ id: credId })
      expect(cred).toMatchObject({ rotationState: 'settled', status: 'active' })
      expect(svc.readValue(credId, secretField.id)).toBe(key.SecretAccessKey)
      expect((await svc.verifyCredential({ credentialId: credId })).result).toBe('valid')
      // The stray key is offered for deletion (window button, due report), never deleted on its own.
      expect(await svc.openRevokes()).toMatchObject({
        [credId]: { source: 'provider', providerName: 'AWS IAM' },
      })
      const synced = await svc.syncProviders({ appId: app.id })
      expect(synced[0]!.added).toBe(0)
      expect(await ids('reports-deployer')).toHaveLength(2)

      const done = await svc.finishProviderRotation({ credentialId: credId })
      expect(done.message).toBe(
        `Deleted the unusable key ${stray} at AWS IAM; your stored key is unchanged. You can rotate again.`,
      )
      expect(await ids('reports-deployer')).toEqual([key.AccessKeyId])
      expect(await svc.openRevokes()).toEqual({})
      // And the next rotation works.
      const out = await svc.rotateViaProvider({ credentialId: credId })
      expect(out.strategy).toBe('single')
      expect(await ids('reports-deployer')).toHaveLength(1)
    } finally {
      await v.cleanup()
      await proxy.close()
    }
  })
})
