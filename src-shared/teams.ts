/**
 * Types of the team commands (issue 12) shared by main, the preload and the renderer. No value or
 * credential of a team ever appears in these types: the token, AppRole secret id and password only travel
 * main-ward, inside `connectTeam`'s input.
 */

/** Formats of `saveReport` (and `keyshelf report --format`). */
export const REPORT_FILE_FORMATS = ['ics', 'csv', 'json', 'md'] as const
export type ReportFileFormat = (typeof REPORT_FILE_FORMATS)[number]

/** A connected team as the window and CLI see it: no token. */
export interface TeamSummary {
  id: string
  name: string
  addrs: string[]
  mount: string
  prefix: string
  namespace: string | null
  authMethod: 'token' | 'approle' | 'userpass'
  /** The token's display name on the server (who Keyshelf says wrote a version). */
  displayName: string
  policies: string[]
  /** Set when no node answered: team keys are served from the local copy and writes are refused. */
  offlineSince: number | null
  /** When the last complete pull ended. */
  lastSyncAt: number | null
  apps: number
  keys: number
}

/** What pulling one team did; `error` is one sentence when the pull failed (nothing local was lost). */
export interface TeamPullResult {
  team: string
  created: number
  updated: number
  unchanged: number
  deletedRemotely: number
  offlineSince: number | null
  error: string | null
}

/** What sharing an app did. */
export interface TeamShareResult {
  team: string
  app: string
  environments: number
  keys: number
  alreadyShared: number
}

/** For badges: the team of each shared app (by app id) and each team's offline mark (by team name). */
export interface TeamMarks {
  apps: Record<string, string>
  offlineSince: Record<string, number | null>
}

/** What disconnecting a team kept locally. */
export interface TeamDisconnectResult {
  team: string
  apps: number
  keys: number
}

/** Where a report or calendar was saved (`cancelled` when the dialog was closed). */
export interface ReportSaveResult {
  cancelled: boolean
  path: string | null
  keys: number
}
