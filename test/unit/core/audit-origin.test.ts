/** Audit entries say where an action came from: the app's window or the CLI (audit-origin.ts). */
import { afterEach, describe, expect, it } from 'vitest'
import { withAuditOrigin } from '../../../src-main/core/audit-origin'
import type { CoreDeps } from '../../../src-main/core/core'
import { credentialInput, newVault, seedAppEnv } from '../../helpers/vault.helper'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

async function keyIn(deps: Partial<CoreDeps>) {
  const v = await newVault(deps)
  cleanups.push(v.cleanup)
  const { envId } = await seedAppEnv(v.svc)
  const c = await v.svc.createCredential(credentialInput(envId))
  return { svc: v.svc, id: c.id, fieldId: c.fields[0]!.id }
}

describe('audit origin', () => {
  it("records the core's origin on every entry, and a call wrapped for the CLI as the CLI's", async () => {
    const { svc, id, fieldId } = await keyIn({ origin: 'app' })
    await svc.reveal({ fieldId })
    // The desktop app serving the CLI (Settings → CLI access) runs each request like this (agent-server.ts).
    await withAuditOrigin('cli', () => svc.copy({ fieldId }))
    const got = await svc.keyActivity({ credentialId: id })
    expect(got.map((e) => [e.event, e.details.origin])).toEqual([
      ['copy', 'cli'],
      ['reveal', 'app'],
      ['edit', 'app'],
    ])
  })

  it('a core that does not say (tests, tools) records no origin', async () => {
    const { svc, id, fieldId } = await keyIn({})
    await svc.reveal({ fieldId })
    const got = await svc.keyActivity({ credentialId: id })
    expect(got.every((e) => !('origin' in e.details))).toBe(true)
  })
})
