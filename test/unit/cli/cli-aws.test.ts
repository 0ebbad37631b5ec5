/**
 * `keyshelf provider add … --provider aws-iam --access-key-id ID --key-stdin --api-url URL` against a real
 * moto server (signatures enforced), then a dual-phase rotation through the CLI.
 */
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMoto, type MotoServer } from '../../helpers/moto'
import { cleanup, expectCode, expectNoSecrets, secret, tempVault, type TestVault } from './cli-harness'

describe('provider add --provider aws-iam (moto server)', () => {
  let moto: MotoServer
  let admin: IAMClient
  let v: TestVault
  let key: { AccessKeyId?: string; SecretAccessKey?: string }

  beforeAll(async () => {
    moto = await startMoto({ noAuthActions: 3 })
    const boot = new IAMClient({
      region: 'us-east-1',
      endpoint: moto.url,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'bootstrap'.padEnd(40, 'x') },
    })
    const all = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
    })
    await boot.send(new CreateUserCommand({ UserName: 'ci' }))
    await boot.send(new PutUserPolicyCommand({ UserName: 'ci', PolicyName: 'all', PolicyDocument: all }))
    key = (await boot.send(new CreateAccessKeyCommand({ UserName: 'ci' }))).AccessKey!
    admin = new IAMClient({
      region: 'us-east-1',
      endpoint: moto.url,
      credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
    })
    v = await tempVault()
    await v.ok(['app', 'add', 'Deploy'])
  }, 60_000)
  afterAll(async () => {
    admin?.destroy()
    await moto?.stop()
    cleanup()
  })

  it('needs --access-key-id, connects with the secret on stdin, and rotates with an overlap', async () => {
    const s = secret(key.SecretAccessKey!)
    const base = [
      'provider',
      'add',
      'Deploy',
      '--provider',
      'aws-iam',
      '--env',
      'Production',
      '--key-stdin',
      '--api-url',
      moto.url,
    ]
    const noId = await v.ks(base, { stdin: s })
    expectCode(noId, 1)
    expect(noId.err).toContain('--access-key-id')
    const r = await v.ks([...base, '--access-key-id', key.AccessKeyId!, '--region', 'eu-west-1'], {
      stdin: s,
    })
    expectCode(r, 0)
    expect(r.err).toContain('Connected Deploy to aws-iam')
    expectNoSecrets(r.out + r.err, [key.SecretAccessKey!])
    const listed = JSON.parse((await v.ok(['key', 'list', '--json'])).out) as { name: string }[]
    expect(listed).toHaveLength(1)
    const rot = await v.ks([
      'key',
      'rotate',
      'Deploy/Production/AWS_SECRET_ACCESS_KEY',
      '--via-provider',
      '--overlap-hours',
      '12',
    ])
    expectCode(rot, 0)
    expectNoSecrets(rot.out + rot.err, [key.SecretAccessKey!])
    const keys = (await admin.send(new ListAccessKeysCommand({ UserName: 'ci' }))).AccessKeyMetadata ?? []
    expect(keys).toHaveLength(2)
    const shown = await v.ok(['key', 'list', '--json'])
    const newId = keys.map((k) => k.AccessKeyId).find((id) => id !== key.AccessKeyId)!
    expect(shown.out).toContain(newId)
  })
})
