import { useEffect, useState } from 'react'
import type { TeamMarks } from '../../../../src-shared/teams'
import { call } from '../../lib/api.client'

const NONE: TeamMarks = { apps: {}, offlineSince: {} }

/** Which app belongs to which team, and each team's offline mark; reloaded when `version` moves. */
export function useTeamMarks(version: number): TeamMarks {
  const [marks, setMarks] = useState<TeamMarks>(NONE)
  useEffect(() => {
    let live = true
    call('teamMarks', {}).then(
      (m) => live && setMarks(m),
      () => {},
    )
    return () => {
      live = false
    }
  }, [version])
  return marks
}
