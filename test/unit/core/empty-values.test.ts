/**
 * Issue 9 §5 in main: an empty value from the window (or any IPC caller) is refused by the contract unless the
 * request says `allowEmpty: true`, in Add key, Edit, Add field and Rotate. The renderer refuses too, but main
 * does not rely on it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/core/ipc-dispatch'
import { credentialInput, newVault, seedAppEnv } from '../../helpers/vault.helper'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

async function vault() {
  const v = await newVault()
  cleanups.push(v.cleanup)
  const { envId } = await seedAppEnv(v.svc, 'Shop', 'Prod')
  const c = await v.svc.createCredential(
    credentialInput(envId, {
      name: 'Stripe',
      fields: [{ label: 'Key', envVar: 'STRIPE_KEY', kind: 'secret', value: 'sk_live_first_value_0001' }],
    }),
  )
  return { ...v, envId, c }
}

const refusedAt = (r: Awaited<ReturnType<typeof dispatch>>, path: string) => {
  expect(r.ok).toBe(false)
  if (r.ok) return
  expect(r.error.code).toBe('INVALID_INPUT')
  const details = (r.error as { details?: { path: string; message: string }[] }).details ?? []
  expect(details).toContainEqual({ path, message: expect.stringMatching(/empty/i) as string })
}

describe('main refuses an empty value without allowEmpty', () => {
  it('createCredential: refused, nothing stored; with allowEmpty: true it is stored and listed as empty', async () => {
    const v = await vault()
    const base = {
      environmentId: v.envId,
      name: 'Blank',
      fields: [{ label: '', envVar: 'BLANK', kind: 'secret', value: '' }],
    }
    refusedAt(await dispatch(v.svc, 'createCredential', base), 'fields.0.value')
    expect((await v.svc.listCredentials({ environmentId: v.envId })).map((c) => c.name)).toEqual(['Stripe'])
    const ok = await dispatch(v.svc, 'createCredential', { ...base, allowEmpty: true })
    expect(ok.ok).toBe(true)
    const blank = (await v.svc.listCredentials({ environmentId: v.envId })).find((c) => c.name === 'Blank')
    expect(blank?.fields[0]?.masked.empty).toBe(true)
    expect((await v.svc.reveal({ fieldId: blank!.fields[0]!.id })).value).toBe('')
  })

  it('updateCredential: an empty replacement value is refused; allowEmpty: true stores it', async () => {
    const v = await vault()
    const f = v.c.fields[0]!
    const input = {
      id: v.c.id,
      patch: {},
      fields: [{ id: f.id, label: f.label, envVar: f.envVar, kind: f.kind, value: '' }],
    }
    refusedAt(await dispatch(v.svc, 'updateCredential', input), 'fields.0.value')
    expect((await v.svc.reveal({ fieldId: f.id })).value).toBe('sk_live_first_value_0001')
    expect((await dispatch(v.svc, 'updateCredential', { ...input, allowEmpty: true })).ok).toBe(true)
    expect((await v.svc.reveal({ fieldId: f.id })).value).toBe('')
    // Leaving the value out still keeps it (that is not an empty value).
    const kept = await dispatch(v.svc, 'updateCredential', {
      id: v.c.id,
      patch: { notes: 'x' },
      fields: [{ id: f.id, label: f.label, envVar: f.envVar, kind: f.kind }],
    })
    expect(kept.ok).toBe(true)
  })

  it('addField: refused without allowEmpty', async () => {
    const v = await vault()
    const input = { credentialId: v.c.id, label: '', envVar: 'OTHER', kind: 'public', value: '' }
    refusedAt(await dispatch(v.svc, 'addField', input), 'value')
    expect((await v.svc.getCredential({ id: v.c.id })).fields).toHaveLength(1)
    expect((await dispatch(v.svc, 'addField', { ...input, allowEmpty: true })).ok).toBe(true)
    expect((await v.svc.getCredential({ id: v.c.id })).fields).toHaveLength(2)
  })

  it('rotate: an empty new value is refused (the old value stays); allowEmpty: true rotates to empty', async () => {
    const v = await vault()
    const f = v.c.fields[0]!
    const input = { credentialId: v.c.id, values: [{ fieldId: f.id, value: '' }] }
    refusedAt(await dispatch(v.svc, 'rotate', input), 'values.0.value')
    expect((await v.svc.reveal({ fieldId: f.id })).value).toBe('sk_live_first_value_0001')
    expect(await v.svc.history({ credentialId: v.c.id })).toHaveLength(0)
    expect((await dispatch(v.svc, 'rotate', { ...input, allowEmpty: true })).ok).toBe(true)
    expect((await v.svc.reveal({ fieldId: f.id })).value).toBe('')
  })

  it('allowEmpty must be a boolean', async () => {
    const v = await vault()
    const r = await dispatch(v.svc, 'rotate', {
      credentialId: v.c.id,
      values: [{ fieldId: v.c.fields[0]!.id, value: '' }],
      allowEmpty: 'yes',
    })
    expect(r.ok).toBe(false)
  })
})
