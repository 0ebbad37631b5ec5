import type { ParsedInput } from '../../../src-shared/contract'
import type { DueCounts, DueItem } from '../../../src-shared/model'
import { countRevokesDue, openRevokes } from '../guided/revoke-reminders'
import { countDue, rotationInfo } from '../rotation/rotation-status'
import type { VaultKernel } from '../vault/vault-kernel'
import { readRotationRows } from '../vault/vault.repository'

/**
 * Due reports: which keys are overdue, due soon or expired (rotation policy in rotation/rotation-status),
 * as a sorted list when unlocked, and as counts that need no unlock (plaintext dates only).
 */
export class DueModule {
  constructor(private readonly kernel: VaultKernel) {}

  /** Keys overdue, due within `withinDays` (default: the warning preference) or expired, soonest first. */
  dueReport(input: ParsedInput<'dueReport'>): DueItem[] {
    const s = this.kernel.session()
    const now = this.kernel.clock()
    const warn = input.withinDays ?? this.kernel.settings.get().warnDays
    const items: DueItem[] = []
    const overlaps = s.repo.overlapsAfter(now)
    // providers: old keys to revoke at their provider, listed from the warning window on.
    const revokes = openRevokes(s.repo)
    for (const row of s.creds.plainRows()) {
      const info = rotationInfo(row, now, warn)
      const revoke = revokes.get(row.id)
      const revokeDue = revoke !== undefined && revoke.dueAt <= now + warn * 86_400_000
      if (!revokeDue && info.status !== 'overdue' && info.status !== 'due-soon' && info.status !== 'expired')
        continue
      const c = s.creds.get(row.id)
      if (!c) continue
      const env = s.envs.get(c.environmentId)
      const app = env ? s.apps.get(env.appId) : undefined
      items.push({
        credentialId: c.id,
        appId: app?.id ?? '',
        appName: app?.name ?? '',
        environmentId: c.environmentId,
        environmentName: env?.name ?? '',
        name: c.overview.name,
        envVars: c.overview.fields.map((f) => f.envVar),
        rotation: info,
        expiresAt: c.expiresAt,
        lastRotatedAt: c.lastRotatedAt,
        overlapUntil: overlaps.get(c.id) ?? null,
        owner: c.overview.owner,
        ...(revokeDue ? { revoke } : {}),
      })
    }
    return items.sort(
      (a, b) =>
        (a.rotation.governingAt ?? Infinity) - (b.rotation.governingAt ?? Infinity) ||
        a.name.localeCompare(b.name),
    )
  }

  /**
   * Counts of overdue, due-soon and expired keys (zeros when there is no vault). Unlocked: from the
   * authenticated rows (each credential's sealed overview opened, so a forged plaintext status or date is
   * VAULT_CORRUPT), `verified: true`. Locked: from the plaintext columns, which nothing can authenticate
   * without the key, `verified: false` (the lock screen says so).
   */
  dueCounts(): DueCounts {
    if (!this.kernel.exists()) return { overdue: 0, dueSoon: 0, expired: 0, total: 0, verified: true }
    const now = this.kernel.clock()
    const warn = this.kernel.settings.get().warnDays
    if (this.kernel.unlocked) {
      // Opening every overview authenticates each row's status and dates (10,000 keys: a few hundred ms
      // once; the desktop's warm-up and the search index decrypt them anyway).
      const counts: DueCounts = {
        ...countDue(this.kernel.session().creds.values(), now, warn),
        verified: true,
      }
      // providers: revoke reminders are sealed, so they count only while the vault is unlocked.
      const revoke = countRevokesDue(this.kernel.session().repo, now)
      if (revoke > 0) counts.revoke = revoke
      return counts
    }
    return { ...countDue(readRotationRows(this.kernel.database()), now, warn), verified: false }
  }

  /**
   * The counts for a status answer: locked, the unverified plaintext counts; unlocked, the verified counts
   * only when every overview is already decrypted (else null, so unlock does not wait for 10,000
   * decryptions; the window asks `dueCounts` next).
   */
  statusCounts(): DueCounts | null {
    const s = this.kernel.peekSession()
    if (s && !s.creds.warmed) return null
    return this.dueCounts()
  }
}
