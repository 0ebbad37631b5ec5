import './teams.css'
import { formatDateTime } from '../../lib/format'
import { useShell } from '../shell/shell.context'
import { useTeamMarks } from './team-marks.hook'

/**
 * On a team app's page: which team its keys live in, and, when the team did not answer, that the values
 * shown are the local copy ("offline since …"). Nothing for a local app.
 */
export function TeamMeta({ appId }: { appId: string }) {
  const { version } = useShell()
  const marks = useTeamMarks(version)
  const team = marks.apps[appId]
  if (team === undefined) return null
  const since = marks.offlineSince[team] ?? null
  return (
    <span className="meta-item team-meta" data-testid="team-meta">
      <span className="team-badge">Team {team}</span>
      {since !== null ? (
        <span className="team-offline" data-testid="team-offline">
          offline since {formatDateTime(since)}: values from the local copy, changes are refused
        </span>
      ) : null}
    </span>
  )
}
