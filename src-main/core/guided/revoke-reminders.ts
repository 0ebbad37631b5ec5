import type { RevokeDue, RevokeReminder } from '../../../src-shared/model'
import { SyncRepository } from '../sync/sync.repository'
import type { SealedMetaKey } from '../vault/row-binding'
import type { VaultRepository } from '../vault/vault.repository'
import { catalogueEntry } from './provider-catalogue'

/** The sealed meta row that holds guided-rotation reminders. */
export const REMINDERS_KEY = 'guided_reminders' satisfies SealedMetaKey

const PROVIDER_NAMES: Record<string, string> = {
  novu: 'Novu',
  cloudflare: 'Cloudflare',
  gitlab: 'GitLab',
  'aws-iam': 'AWS IAM',
  sendgrid: 'SendGrid',
}
const DASHBOARD_OF: Record<string, string> = { 'aws-iam': 'aws' }

/** Every guided-rotation reminder, due or not. */
export function guidedReminders(repo: VaultRepository): RevokeReminder[] {
  return repo.readSealedMeta<RevokeReminder[]>(REMINDERS_KEY, [])
}

/**
 * Old keys still alive at their provider after a rotation with an overlap, by credential id: guided
 * rotations (the user revokes in the dashboard, then dismisses the reminder) and provider two-key
 * rotations (Novu rolling, AWS IAM dual phase) whose old key was not deleted yet ("Revoke old key now").
 * Sealed rows only; call while unlocked.
 */
export function openRevokes(repo: VaultRepository): Map<string, RevokeDue> {
  const out = new Map<string, RevokeDue>()
  for (const r of guidedReminders(repo)) {
    out.set(r.credentialId, {
      source: 'guided',
      providerName: r.providerName,
      dashboardUrl: r.dashboardUrl,
      dueAt: r.dueAt,
      reminderId: r.id,
    })
  }
  for (const j of new SyncRepository(repo).journalInStates(['done'])) {
    if (!j.revokeRemoteId || j.revoked) continue
    out.set(j.credentialId, {
      source: 'provider',
      providerName: PROVIDER_NAMES[j.provider] ?? j.provider,
      dashboardUrl: catalogueEntry(DASHBOARD_OF[j.provider] ?? j.provider)?.dashboardUrl ?? '',
      dueAt: j.revokeAfter ?? j.finishedAt ?? j.startedAt,
      reminderId: null,
    })
  }
  return out
}

/** How many old keys are due for revoking by `at`. */
export function countRevokesDue(repo: VaultRepository, at: number): number {
  let n = 0
  for (const r of openRevokes(repo).values()) if (r.dueAt <= at) n++
  return n
}
