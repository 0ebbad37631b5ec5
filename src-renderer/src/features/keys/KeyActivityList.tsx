import type { AuditEntry } from '../../../../src-shared/model'
import { EmptyState } from '../../components/EmptyState'
import { call } from '../../lib/api.client'
import { formatDateTime } from '../../lib/format'
import { useLoad } from '../../lib/use-load.hook'

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

/** What happened, in words: "Revealed", "Copied", "Rotated by hand"… */
export function activityLabel(e: AuditEntry): string {
  const action = str(e.details.action)
  switch (e.event) {
    case 'reveal':
      return e.details.version ? 'Revealed an earlier value' : 'Revealed'
    case 'copy':
      return 'Copied'
    case 'export':
      return str(e.details.target) === 'run' ? 'Used by a command' : 'Exported'
    case 'rotate':
      return 'Rotated'
    case 'sync':
      return 'Synced'
    case 'import':
      return 'Imported'
    case 'delete':
      return 'Deleted'
    case 'edit':
      return action === 'create-key' ? 'Created' : 'Edited'
    default:
      return e.event
  }
}

/** Where and how, from the entry's details (never a value: the log holds none). */
export function activityDetail(e: AuditEntry): string {
  const d = e.details
  const parts = [
    str(d.envVar),
    str(d.provider) ? `via ${String(d.provider)}` : null,
    str(d.target) && str(d.target) !== 'run' ? `to ${String(d.target)}` : null,
    str(d.via) ? `from the ${String(d.via)}` : null,
    d.origin === 'cli' ? 'from the CLI' : d.origin === 'app' ? 'in the app' : null,
  ]
  return parts.filter((p) => p !== null).join(' · ')
}

/** A key's activity from the encrypted audit log, newest first. */
export function KeyActivityList({ credentialId }: { credentialId: string }) {
  const activity = useLoad(() => call('keyActivity', { credentialId, limit: 200 }), credentialId)
  if (activity.loading && !activity.data) return <span className="spinner" aria-label="Loading activity" />
  if (activity.error) return <p className="field-error">{activity.error}</p>
  if (!activity.data) return null
  if (activity.data.length === 0)
    return (
      <EmptyState icon="clock" title="No activity recorded for this key yet.">
        Reveals, copies, exports, rotations and syncs of this key appear here, newest first.
      </EmptyState>
    )
  return (
    <ol className="activity-list" aria-label="Activity, newest first">
      {activity.data.map((e) => (
        <li key={e.id} className="activity-item">
          <span className="activity-what">{activityLabel(e)}</span>
          <span className="muted activity-detail">{activityDetail(e)}</span>
          <time className="muted activity-when" dateTime={new Date(e.at).toISOString()}>
            {formatDateTime(e.at)}
          </time>
        </li>
      ))}
    </ol>
  )
}
