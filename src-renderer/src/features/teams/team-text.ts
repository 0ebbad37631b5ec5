import type { TeamPullResult, TeamSummary } from '../../../../src-shared/teams'
import { formatDateTime, plural } from '../../lib/format'

/** "Online · last pull …" / "Offline since …" for a team. */
export function teamStatusText(t: Pick<TeamSummary, 'offlineSince' | 'lastSyncAt'>): string {
  if (t.offlineSince !== null) return `Offline since ${formatDateTime(t.offlineSince)}`
  return t.lastSyncAt !== null
    ? `Online · last pull ${formatDateTime(t.lastSyncAt)}`
    : 'Online · never pulled'
}

/** One sentence for what a pull did (or why it did not). */
export function pullText(r: TeamPullResult): string {
  if (r.error !== null) return `${r.team}: ${r.error}`
  if (r.offlineSince !== null)
    return `${r.team} is offline since ${formatDateTime(r.offlineSince)}; its keys are served from the local copy.`
  const changed = r.created + r.updated
  return changed === 0
    ? `${r.team} is up to date.`
    : `${r.team}: ${plural(r.created, 'new key')}, ${plural(r.updated, 'updated key')}.`
}
