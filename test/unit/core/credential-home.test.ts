import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CredentialHome } from '../../../src-main/core/home/credential-home'
import { credentialInput, newVault, seedAppEnv } from '../../helpers/vault.helper'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

/** Routes every credential and environment to a home that records its calls and delegates to the local one. */
function recordHomes(homes: {
  forCredential(id: string): CredentialHome
  forEnvironment(id: string): CredentialHome
}): string[] {
  const local = homes.forCredential('')
  const calls: string[] = []
  const recording: CredentialHome = {
    id: 'recording',
    readValue: (c, f) => (calls.push('readValue'), local.readValue(c, f)),
    listValues: (e, only) => (calls.push('listValues'), local.listValues(e, only)),
    writeRotation: (c, w) => (calls.push(`writeRotation:${w.reason}`), local.writeRotation(c, w)),
  }
  vi.spyOn(homes, 'forCredential').mockReturnValue(recording)
  vi.spyOn(homes, 'forEnvironment').mockReturnValue(recording)
  return calls
}

describe('credential home boundary', () => {
  it('rotation, export, run values, import, reveal and copy all go through the home', async () => {
    const v = await newVault()
    cleanups.push(v.cleanup)
    const core = v.svc
    const { envId } = await seedAppEnv(core)
    const cred = await core.createCredential(credentialInput(envId))
    const fieldId = cred.fields[0]!.id
    const calls = recordHomes(core.homes)

    await core.rotate({ credentialId: cred.id, values: [{ fieldId, value: 'sk_test_rotated_value_1' }] })
    expect(calls).toEqual(['writeRotation:manual'])

    // `keyshelf run` and export read the environment's values through the home.
    expect(core.readEnvironmentValues(envId).map((e) => e.value)).toEqual(['sk_test_rotated_value_1'])
    expect(core.env.render({ environmentId: envId, format: 'dotenv' }, 'test')).toContain(
      'sk_test_rotated_value_1',
    )
    expect(calls.slice(1)).toEqual(['listValues', 'listValues'])

    calls.length = 0
    core.env.importApply(envId, 'API_SECRET=sk_test_imported_value_2\n')
    expect(calls).toEqual(['readValue', 'writeRotation:import'])

    calls.length = 0
    expect((await core.reveal({ fieldId })).value).toBe('sk_test_imported_value_2')
    await core.copy({ fieldId })
    expect(calls).toEqual(['readValue', 'readValue'])
    expect((await core.history({ credentialId: cred.id })).map((h) => h.reason)).toEqual(['import', 'manual'])
  })
})
