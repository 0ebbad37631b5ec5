import { useEffect, useRef, useState } from 'react'
import './teams.css'
import type { TeamPullResult } from '../../../../src-shared/teams'
import { Icon } from '../../components/Icon'
import { ProgressLine } from '../../components/ProgressLine'
import { call, messageOf } from '../../lib/api.client'
import { plural } from '../../lib/format'
import { useProgress } from '../../lib/use-progress.hook'
import { pullText } from './team-text'

/**
 * Pull on unlock: mounted with the unlocked shell, it pulls every connected team in the background (the
 * window is usable meanwhile), shows a progress line, and ends with nothing (all fine) or one calm notice
 * (offline or failed: the local copy is served, nothing local was lost). Calls `onPulled` when something
 * changed so the views reload.
 */
export function TeamPullStatus({ onPulled }: { onPulled: () => void }) {
  const [running, setRunning] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const progress = useProgress('sync', running)
  const done = useRef(onPulled)
  useEffect(() => {
    done.current = onPulled
  })

  useEffect(() => {
    let live = true
    void (async () => {
      try {
        const teams = await call('listTeams', {})
        if (teams.length === 0 || !live) return
        setRunning(true)
        const results = await call('pullTeams', {})
        if (!live) return
        if (results.some((r) => r.created + r.updated > 0)) done.current()
        const trouble = results.filter((r: TeamPullResult) => r.error !== null || r.offlineSince !== null)
        if (trouble.length === 1) setNotice(pullText(trouble[0]!))
        else if (trouble.length > 1)
          setNotice(
            `${plural(trouble.length, 'team')} could not be pulled (${trouble.map((r) => r.team).join(', ')}); their keys are served from the local copy.`,
          )
      } catch (err) {
        if (live) setNotice(`Teams were not pulled: ${messageOf(err)} Your local copy is unchanged.`)
      } finally {
        if (live) setRunning(false)
      }
    })()
    return () => {
      live = false
    }
  }, [])

  if (running)
    return (
      <div className="team-progress" data-testid="team-pull-progress">
        <ProgressLine event={progress} fallback="Pulling team keys" />
      </div>
    )
  if (notice === null) return null
  return (
    <div className="banner team-notice" role="status" data-testid="team-notice">
      <Icon name="info" size="sm" />
      <span className="grow">{notice}</span>
      <button
        type="button"
        className="icon-btn"
        aria-label="Dismiss"
        title="Dismiss"
        onClick={() => setNotice(null)}
      >
        <Icon name="x" size="sm" />
      </button>
    </div>
  )
}
