/**
 * Issue 9 §1: due counts read while locked come from plaintext columns nothing can authenticate without the
 * key; they say so (`verified: false`). Once unlocked, the counts are computed from the authenticated rows
 * (`verified: true`): a status or date forged while locked is VAULT_CORRUPT, never a forged count.
 */
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { credentialInput, newVault, seedAppEnv, TEST_PASSWORD } from '../../helpers/vault.helper'

const DAY = 86_400_000
const NOW = 1_800_000_000_000
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

async function vault() {
  const v = await newVault({ clock: () => NOW })
  cleanups.push(v.cleanup)
  const { envId } = await seedAppEnv(v.svc, 'Shop', 'Prod')
  // One overdue key (rotated 100 days ago, every 90 days) and one fine key.
  await v.svc.createCredential(
    credentialInput(envId, {
      name: 'Old',
      lastRotatedAt: NOW - 100 * DAY,
      rotationIntervalDays: 90,
      fields: [{ label: '', envVar: 'OLD', kind: 'secret', value: 'old-value-0001' }],
    }),
  )
  const fine = await v.svc.createCredential(
    credentialInput(envId, {
      name: 'Fine',
      lastRotatedAt: NOW - DAY,
      rotationIntervalDays: 90,
      fields: [{ label: '', envVar: 'FINE', kind: 'secret', value: 'fine-value-0001' }],
    }),
  )
  return { ...v, fine }
}

describe('due counts: unverified while locked, verified once unlocked', () => {
  it('locked counts say verified: false; the status after unlock carries verified counts', async () => {
    const v = await vault()
    await v.svc.lock()
    expect(await v.svc.dueCounts()).toEqual({ overdue: 1, dueSoon: 0, expired: 0, total: 1, verified: false })
    expect((await v.svc.status()).due?.verified).toBe(false)
    const after = await v.svc.unlock({ password: TEST_PASSWORD })
    // Right after unlock the status does not wait to decrypt every key: no counts rather than unverified ones.
    expect(after.due).toBeNull()
    expect(await v.svc.dueCounts()).toEqual({ overdue: 1, dueSoon: 0, expired: 0, total: 1, verified: true })
    expect((await v.svc.status()).due).toEqual({
      overdue: 1,
      dueSoon: 0,
      expired: 0,
      total: 1,
      verified: true,
    })
  })

  it('a last-rotated date forged while locked shows in the locked counts only; unlocked it is VAULT_CORRUPT', async () => {
    const v = await vault()
    await v.svc.lock()
    const raw = new BetterSqlite3(v.path)
    raw.prepare('UPDATE credentials SET last_rotated_at = ? WHERE id = ?').run(NOW - 200 * DAY, v.fine.id)
    raw.close()
    // Without the key nothing can tell: the lock screen shows 2, marked unverified.
    expect(await v.svc.dueCounts()).toMatchObject({ overdue: 2, verified: false })
    const status = await v.svc
      .unlock({ password: TEST_PASSWORD })
      .catch((e: { code?: string }) => String(e.code))
    // Unlocked, the forged count is never presented as verified.
    if (typeof status === 'string') expect(status).toBe('VAULT_CORRUPT')
    else {
      expect(status.due?.verified === true && status.due.overdue === 2).toBe(false)
      await expect(v.svc.dueCounts()).rejects.toMatchObject({ code: 'VAULT_CORRUPT' })
    }
  })
})
