import { afterEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/core/ipc-dispatch'
import { environmentDifferences } from '../../../src-shared/model'
import { startNovuFake } from '../../fakes/novu.fake'
import { newVault } from '../../helpers/vault.helper'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

async function setup() {
  const novu = await startNovuFake()
  cleanups.push(() => novu.close())
  const v = await newVault()
  cleanups.push(v.cleanup)
  const app = await v.svc.createApp({ name: 'Notify', description: '', appId: '', tags: [], notes: '' })
  return { ...v, novu, appId: app.id }
}

describe('connecting a provider (issue 10 §18)', () => {
  it('a rejected key gets one prefix, not "Novu did not accept the key: Novu rejected the key"', async () => {
    const { svc, novu, appId } = await setup()
    const r = await dispatch(svc, 'connectProvider', {
      appId,
      provider: 'novu',
      token: '0123456789abcdef0123456789abcdef',
      apiUrl: novu.url,
    })
    const message = r.ok ? '' : r.error.message
    expect(message).toMatch(
      /^Novu did not accept the key: it was revoked, regenerated, or belongs to another/,
    )
    expect(message).not.toContain('rejected the key')
    expect(message).toMatch(/Nothing was saved\.$/)
    expect(await svc.listEnvironments({ appId })).toEqual([])
  })

  it('never rewrites an environment’s URL or region the user set; fills empty ones and reports the difference', async () => {
    const { svc, novu, appId } = await setup()
    const mine = await svc.createEnvironment({
      appId,
      name: 'Development',
      apiUrl: 'https://novu.internal.example',
      wsUrl: 'wss://ws.internal.example',
      region: 'eu',
      notes: '',
    })
    const empty = await svc.createEnvironment({
      appId,
      name: 'Production',
      apiUrl: '',
      wsUrl: '',
      region: '',
      notes: '',
    })
    const { summary } = await svc.connectProvider({
      appId,
      provider: 'novu',
      token: novu.state.keyOf('Development'),
      apiUrl: novu.url,
    })
    const envs = await svc.listEnvironments({ appId })
    expect(envs.find((e) => e.id === mine.id)).toMatchObject({
      apiUrl: 'https://novu.internal.example',
      wsUrl: 'wss://ws.internal.example',
      region: 'eu',
    })
    const filled = envs.find((e) => e.id === empty.id)!
    expect(filled.apiUrl).not.toBe('')
    expect(filled.region).not.toBe('')
    expect(summary.environmentChanges).toEqual([
      expect.objectContaining({
        environmentId: mine.id,
        name: 'Development',
        apiUrl: filled.apiUrl,
        // What was kept, for the window and CLI to show beside the provider's values.
        current: {
          apiUrl: 'https://novu.internal.example',
          wsUrl: 'wss://ws.internal.example',
          region: 'eu',
        },
      }),
    ])
    // Only the settings that differ are offered (Novu reports no WebSocket URL for a self-hosted API).
    expect(environmentDifferences(summary.environmentChanges![0]!)).toEqual([
      { setting: 'apiUrl', label: 'API URL', yours: 'https://novu.internal.example', theirs: filled.apiUrl },
      { setting: 'region', label: 'Region', yours: 'eu', theirs: filled.region },
    ])
    // A second sync asks again; accepting is an ordinary environment edit.
    const [again] = await svc.syncProviders({ appId })
    expect(again!.environmentChanges?.map((c) => c.name)).toEqual(['Development'])
    const change = again!.environmentChanges![0]!
    await svc.updateEnvironment({
      id: change.environmentId,
      patch: { apiUrl: change.apiUrl, wsUrl: change.wsUrl, region: change.region },
    })
    const [third] = await svc.syncProviders({ appId })
    expect(third!.environmentChanges ?? []).toEqual([])
  })
})
