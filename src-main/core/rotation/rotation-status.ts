import type { CredentialStatus, DueCounts, RotationInfo } from '../../../src-shared/model'
import { DEFAULT_WARN_DAYS } from '../../../src-shared/model'

export const DAY_MS = 86_400_000

/** The plaintext columns rotation status is computed from: readable while the vault is locked. */
export interface RotationInput {
  status: CredentialStatus
  createdAt: number
  lastRotatedAt: number | null
  expiresAt: number | null
  rotationIntervalDays: number | null
}

/** The due date: lastRotatedAt (or createdAt) plus the interval; null when the key never rotates. */
export function rotationDueAt(c: RotationInput): number | null {
  if (c.rotationIntervalDays === null) return null
  return (c.lastRotatedAt ?? c.createdAt) + c.rotationIntervalDays * DAY_MS
}

/**
 * Status of one credential at `now`:
 * revoked > expired (expiresAt passed or marked expired) > overdue (due date passed) >
 * due-soon (the earlier of due date and expiry is within `warnDays`) > ok.
 */
export function rotationInfo(
  c: RotationInput,
  now: number,
  warnDays: number = DEFAULT_WARN_DAYS,
): RotationInfo {
  const dueAt = rotationDueAt(c)
  const candidates = [dueAt, c.expiresAt].filter((d): d is number => d !== null)
  const governingAt = candidates.length > 0 ? Math.min(...candidates) : null
  const daysLeft = governingAt === null ? null : Math.trunc((governingAt - now) / DAY_MS) || 0
  const info = (status: RotationInfo['status']): RotationInfo => ({
    status,
    rotationDueAt: dueAt,
    governingAt,
    daysLeft,
  })
  if (c.status === 'revoked') return info('revoked')
  if (c.status === 'expired' || (c.expiresAt !== null && c.expiresAt <= now)) return info('expired')
  if (dueAt !== null && dueAt <= now) return info('overdue')
  if (governingAt !== null && governingAt - now <= warnDays * DAY_MS) return info('due-soon')
  return info('ok')
}

/** Counts of keys that need attention. Revoked keys are not counted. */
export function countDue(
  items: Iterable<RotationInput>,
  now: number,
  warnDays: number = DEFAULT_WARN_DAYS,
): DueCounts {
  const counts: DueCounts = { overdue: 0, dueSoon: 0, expired: 0, total: 0 }
  for (const c of items) {
    const s = rotationInfo(c, now, warnDays).status
    if (s === 'overdue') counts.overdue++
    else if (s === 'due-soon') counts.dueSoon++
    else if (s === 'expired') counts.expired++
    else continue
    counts.total++
  }
  return counts
}
