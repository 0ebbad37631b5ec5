import { describe, expect, it } from 'vitest'
import type { CredentialView, RotationStatus } from '../../../src-shared/model'
import { DEFAULT_SORT, isDue, orderCredentials } from '../../../src-renderer/src/features/keys/keys-order'

let seq = 0
function cred(name: string, status: RotationStatus, extra: Partial<CredentialView> = {}): CredentialView {
  seq++
  return {
    id: `c${seq}`,
    environmentId: 'e',
    appId: 'a',
    name,
    provider: 'manual',
    providerCredentialId: '',
    status: 'active',
    role: '',
    allowedHosts: [],
    owner: '',
    tags: [],
    notes: '',
    createdAt: seq,
    updatedAt: seq,
    lastRotatedAt: null,
    expiresAt: null,
    rotationIntervalDays: 90,
    rotationState: 'settled',
    fields: [
      {
        id: `f${seq}`,
        label: '',
        envVar: `VAR_${name}`,
        kind: 'secret',
        masked: { last4: null, fingerprint: 'x', clear: null },
      },
    ],
    rotation: { status, rotationDueAt: null, governingAt: null, daysLeft: null },
    ...extra,
  }
}

describe('keys table order', () => {
  it('puts expired, overdue and due-soon keys first, each group in natural order', () => {
    const list = [
      cred('key 67', 'ok'),
      cred('key 7', 'ok'),
      cred('key 12', 'overdue'),
      cred('key 3', 'revoked'),
      cred('key 9', 'due-soon'),
      cred('key 100', 'expired'),
      cred('key 2', 'overdue'),
    ]
    expect(orderCredentials(list, DEFAULT_SORT).map((c) => c.name)).toEqual([
      'key 100',
      'key 2',
      'key 12',
      'key 9',
      'key 7',
      'key 67',
      'key 3',
    ])
  })

  it('sorts by name and by env var naturally, both directions', () => {
    const list = [cred('b 10', 'ok'), cred('b 9', 'overdue'), cred('A 1', 'ok')]
    expect(orderCredentials(list, { key: 'name', dir: 'asc' }).map((c) => c.name)).toEqual([
      'A 1',
      'b 9',
      'b 10',
    ])
    expect(orderCredentials(list, { key: 'name', dir: 'desc' }).map((c) => c.name)).toEqual([
      'b 10',
      'b 9',
      'A 1',
    ])
    expect(orderCredentials(list, { key: 'envVar', dir: 'asc' }).map((c) => c.name)).toEqual([
      'A 1',
      'b 9',
      'b 10',
    ])
  })

  it('sorts by last rotation (or creation) date', () => {
    const list = [
      cred('old', 'ok', { lastRotatedAt: 5 }),
      cred('new', 'ok', { lastRotatedAt: 500 }),
      cred('never', 'ok'),
    ]
    expect(orderCredentials(list, { key: 'rotated', dir: 'desc' }).map((c) => c.name)).toEqual([
      'new',
      'never',
      'old',
    ])
  })

  it('counts expired, overdue and due soon as due', () => {
    expect(
      ['expired', 'overdue', 'due-soon', 'ok', 'revoked'].map((s) => isDue(cred('x', s as RotationStatus))),
    ).toEqual([true, true, true, false, false])
  })
})
