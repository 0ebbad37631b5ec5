import { writeFile } from 'node:fs/promises'
import type { ParsedInput } from '../../../src-shared/contract'
import type { Preferences } from '../../../src-shared/model'
import type {
  ReportSaveResult,
  TeamDisconnectResult,
  TeamMarks,
  TeamPullResult,
  TeamShareResult,
  TeamSummary,
} from '../../../src-shared/teams'
import type { SaveDialogs } from '../envfile/env-commands.module'
import { KeyshelfError } from '../errors'
import { fileSystemError } from '../fs-errors'
import { collectReportKeys, renderReport, type ReportSource } from '../rotation/rotation-report'
import type { TeamConnectInput, TeamSpaceService } from './team-space.service'

/** What the report export reads besides the team service: masked vault reads and the warning window. */
export interface ReportHost extends ReportSource {
  getPreferences(): Promise<Preferences>
}

const REPORT_TITLES = {
  ics: 'Save rotation calendar',
  csv: 'Save rotation report',
  json: 'Save rotation report',
  md: 'Save rotation report',
} as const

/**
 * The window's team commands (contract block `// teams`) over {@link TeamSpaceService}: list, connect,
 * disconnect, share, pull (per team, failures as one sentence each), badges, and the calendar/report export
 * through the native save dialog. The team credential in `connectTeam`'s input is handed to the service
 * and never returned: every output here is built from token-free views.
 */
export class TeamCommands {
  constructor(
    private readonly teams: TeamSpaceService,
    private readonly host: ReportHost,
    private readonly ports: { dialogs: SaveDialogs | undefined; clock: () => number },
  ) {}

  /** The connected teams. */
  listTeams(): TeamSummary[] {
    return this.teams.listTeams()
  }

  /** Connects a team from the window's form. */
  async connectTeam(input: ParsedInput<'connectTeam'>): Promise<TeamSummary> {
    const l = input.login
    const login: TeamConnectInput['login'] =
      l.method === 'token'
        ? { method: 'token', token: l.token }
        : l.method === 'approle'
          ? {
              method: 'approle',
              roleId: l.roleId,
              secretId: l.secretId,
              ...(l.authMount ? { authMount: l.authMount } : {}),
            }
          : {
              method: 'userpass',
              username: l.username,
              password: l.password,
              ...(l.authMount ? { authMount: l.authMount } : {}),
            }
    return this.teams.connect({
      name: input.name,
      addrs: input.addrs,
      login,
      ...(input.mount ? { mount: input.mount } : {}),
      ...(input.prefix ? { prefix: input.prefix } : {}),
      ...(input.namespace ? { namespace: input.namespace } : {}),
    })
  }

  /** Forgets a team; its keys stay as local keys. */
  disconnectTeam(input: ParsedInput<'disconnectTeam'>): TeamDisconnectResult {
    return this.teams.disconnect(input.team)
  }

  /** Shares an app with a team. */
  shareApp(input: ParsedInput<'shareApp'>): Promise<TeamShareResult> {
    return this.teams.share(input.appId, input.team)
  }

  /**
   * Pulls one team or all of them, one after the other. A team that fails (refused token, server error)
   * gets its one-sentence error and the others still pull; the local copy is never emptied by a failure.
   */
  async pullTeams(input: ParsedInput<'pullTeams'>): Promise<TeamPullResult[]> {
    const names = input.team !== undefined ? [input.team] : this.teams.listTeams().map((t) => t.name)
    const out: TeamPullResult[] = []
    for (const team of names) {
      try {
        out.push({ ...(await this.teams.pull(team)), error: null })
      } catch (err) {
        if (!(err instanceof KeyshelfError) || input.team !== undefined) throw err
        out.push({
          team,
          created: 0,
          updated: 0,
          unchanged: 0,
          deletedRemotely: 0,
          offlineSince: null,
          error: err.message,
        })
      }
    }
    return out
  }

  /** Team badges for the sidebar and key views. */
  teamMarks(): TeamMarks {
    return this.teams.marks()
  }

  /**
   * Saves the rotation calendar (ics) or report (csv, json, md) of every local key, or of one team's keys,
   * through the native save dialog. Never a value: the report is built from masked reads only.
   */
  async saveReport(input: ParsedInput<'saveReport'>): Promise<ReportSaveResult> {
    const dialogs = this.ports.dialogs
    if (!dialogs) {
      throw new KeyshelfError(
        'INVALID_INPUT',
        'Saving a file needs the desktop app; use `keyshelf report --format FORMAT -o FILE`.',
      )
    }
    const now = this.ports.clock()
    const keys =
      input.team !== undefined
        ? await this.teams.reportKeys(input.team)
        : await collectReportKeys(this.host, now)
    const { warnDays } = await this.host.getPreferences()
    const text = renderReport(input.format, keys, {
      now,
      warnDays,
      title: input.team !== undefined ? `Keyshelf: team ${input.team}` : 'Keyshelf rotations',
    })
    const base =
      input.team !== undefined ? `keyshelf-${input.team.replace(/[^A-Za-z0-9._-]+/g, '-')}` : 'keyshelf'
    const fileName = `${base}-${input.format === 'ics' ? 'rotations' : 'report'}.${input.format}`
    const path = await dialogs.chooseSavePath(fileName, REPORT_TITLES[input.format])
    if (!path) return { cancelled: true, path: null, keys: keys.length }
    try {
      // No secret in it (names and dates only), so an ordinary readable file.
      await writeFile(path, text, { mode: 0o644 })
    } catch (err) {
      throw fileSystemError(err, path) ?? err
    }
    return { cancelled: false, path, keys: keys.length }
  }
}
