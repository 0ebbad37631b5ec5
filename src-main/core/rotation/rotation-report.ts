import type { AppSummary } from '../../../src-shared/contract'
import type {
  CredentialStatus,
  CredentialView,
  Environment,
  RotationInfo,
  VersionView,
} from '../../../src-shared/model'
import { DEFAULT_WARN_DAYS } from '../../../src-shared/model'
import { DAY_MS, rotationDueAt, rotationInfo } from './rotation-status'
import { escapeIcsText, icsDate, icsDateTime, writeIcs, type IcsComponent } from './ics-writer'

/**
 * The rotation calendar and report (`keyshelf report --format ics|csv|json|md`). Its input type has no
 * field that can hold a secret value: only names, env var names, owners, dates and statuses, so no
 * format can leak one.
 */

/** The report formats. */
export const REPORT_FORMATS = ['ics', 'csv', 'json', 'md'] as const
/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number]

/** One key as the report sees it. Deliberately no values, fingerprints or masked hints. */
export interface ReportKey {
  /** Stable id of the key (credential id, or a team key's path); the calendar UIDs derive from it. */
  id: string
  appName: string
  environmentName: string
  name: string
  envVars: string[]
  owner: string
  provider: string
  status: CredentialStatus
  createdAt: number
  lastRotatedAt: number | null
  expiresAt: number | null
  rotationIntervalDays: number | null
  /** When the previous value stops working at the provider (rotation overlap), if that is still ahead. */
  overlapEndsAt: number | null
  /** The team space the key lives in, or null for the local vault. */
  team: string | null
}

/** Options of a report. */
export interface ReportOptions {
  now: number
  warnDays?: number
  /** Shown as the calendar's name and the report's title ("Keyshelf: payments team"). */
  title?: string
}

/** The kinds of calendar event one key can have. */
export type ReportEventKind = 'rotation-due' | 'expiry' | 'overlap-end'

/** One dated event of the calendar. */
export interface ReportEvent {
  kind: ReportEventKind
  key: ReportKey
  at: number
}

/** A key with its computed rotation status. */
export interface ReportRow {
  key: ReportKey
  rotation: RotationInfo
}

/** The label of a key: "App › Environment › Key". */
export function keyLabel(k: Pick<ReportKey, 'appName' | 'environmentName' | 'name'>): string {
  return `${k.appName} › ${k.environmentName} › ${k.name}`
}

/** Rows sorted soonest first (by the governing date), then by label. */
export function reportRows(
  keys: readonly ReportKey[],
  now: number,
  warnDays = DEFAULT_WARN_DAYS,
): ReportRow[] {
  return keys
    .map((key) => ({ key, rotation: rotationInfo(key, now, warnDays) }))
    .sort(
      (a, b) =>
        (a.rotation.governingAt ?? Infinity) - (b.rotation.governingAt ?? Infinity) ||
        keyLabel(a.key).localeCompare(keyLabel(b.key)),
    )
}

/** The rows that need attention (overdue, expired, due within `warnDays`), soonest first. */
export function dueRows(keys: readonly ReportKey[], now: number, warnDays = DEFAULT_WARN_DAYS): ReportRow[] {
  return reportRows(keys, now, warnDays).filter(
    (r) =>
      r.rotation.status === 'overdue' || r.rotation.status === 'expired' || r.rotation.status === 'due-soon',
  )
}

/** Every dated event: a rotation due date, an expiry and an overlap end per key (revoked keys have none). */
export function reportEvents(keys: readonly ReportKey[]): ReportEvent[] {
  const events: ReportEvent[] = []
  for (const key of keys) {
    if (key.status === 'revoked') continue
    const due = rotationDueAt(key)
    if (due !== null) events.push({ kind: 'rotation-due', key, at: due })
    if (key.expiresAt !== null) events.push({ kind: 'expiry', key, at: key.expiresAt })
    if (key.overlapEndsAt !== null) events.push({ kind: 'overlap-end', key, at: key.overlapEndsAt })
  }
  return events.sort(
    (a, b) => a.at - b.at || a.key.id.localeCompare(b.key.id) || a.kind.localeCompare(b.kind),
  )
}

/** Groups items by owner, owners in alphabetical order and "no owner" last. */
export function groupByOwner<T extends { owner: string }>(
  items: readonly T[],
): { owner: string; items: T[] }[] {
  const map = new Map<string, T[]>()
  for (const it of items) {
    const o = it.owner.trim()
    const list = map.get(o)
    if (list) list.push(it)
    else map.set(o, [it])
  }
  return [...map.entries()]
    .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))
    .map(([owner, list]) => ({ owner, items: list }))
}

const KIND_TITLE: Record<ReportEventKind, string> = {
  'rotation-due': 'Rotate',
  expiry: 'Expires',
  'overlap-end': 'Old value stops working',
}

/** A UID that stays the same for a key and kind across exports, so calendars update instead of duplicating. */
export function eventUid(kind: ReportEventKind, keyId: string): string {
  const safe = keyId.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  return `${kind}.${safe}@keyshelf`
}

function describe(k: ReportKey): string {
  return [
    `Key: ${keyLabel(k)}`,
    `Env vars: ${k.envVars.join(', ') || '—'}`,
    `Owner: ${k.owner || '—'}`,
    `Provider: ${k.provider}`,
    ...(k.team ? [`Team: ${k.team}`] : []),
    k.rotationIntervalDays !== null ? `Rotation: every ${k.rotationIntervalDays} days` : 'Rotation: never',
  ].join('\n')
}

/** The calendar: one all-day VEVENT per event with a display alarm `warnDays` before it. */
export function renderIcs(keys: readonly ReportKey[], opts: ReportOptions): string {
  const warnDays = opts.warnDays ?? DEFAULT_WARN_DAYS
  const stamp = icsDateTime(opts.now)
  const events: IcsComponent[] = reportEvents(keys).map((e) => {
    const summary = `${KIND_TITLE[e.kind]}: ${keyLabel(e.key)}`
    return {
      name: 'VEVENT',
      props: [
        ['UID', eventUid(e.kind, e.key.id)],
        ['DTSTAMP', stamp],
        ['DTSTART', icsDate(e.at), 'VALUE=DATE'],
        ['DTEND', icsDate(e.at + DAY_MS), 'VALUE=DATE'],
        ['SUMMARY', escapeIcsText(summary)],
        ['DESCRIPTION', escapeIcsText(describe(e.key))],
        ['CATEGORIES', ['Keyshelf', e.kind].map(escapeIcsText).join(',')],
        ['TRANSP', 'TRANSPARENT'],
      ],
      children: [
        {
          name: 'VALARM',
          props: [
            ['ACTION', 'DISPLAY'],
            ['TRIGGER', `-P${warnDays}D`],
            ['DESCRIPTION', escapeIcsText(`In ${warnDays} days: ${summary}`)],
          ],
        },
      ],
    }
  })
  return writeIcs({
    name: 'VCALENDAR',
    props: [
      ['VERSION', '2.0'],
      ['PRODID', '-//Keyshelf//Rotation calendar//EN'],
      ['CALSCALE', 'GREGORIAN'],
      ['METHOD', 'PUBLISH'],
      ['X-WR-CALNAME', escapeIcsText(opts.title ?? 'Keyshelf rotations')],
    ],
    children: events,
  })
}

const isoDay = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString().slice(0, 10))

/** A CSV cell (RFC 4180), with a leading quote on text that a spreadsheet would run as a formula. */
function csvCell(v: string | number | null, text = true): string {
  let s = v === null ? '' : String(v)
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** CSV: one row per key, soonest first; CRLF line ends. */
export function renderCsv(keys: readonly ReportKey[], opts: ReportOptions): string {
  const header = [
    'app',
    'environment',
    'key',
    'env_vars',
    'owner',
    'provider',
    'team',
    'status',
    'rotation_due',
    'expires',
    'overlap_ends',
    'days_left',
    'last_rotated',
    'rotation_interval_days',
  ]
  const lines = [header.join(',')]
  for (const { key: k, rotation: r } of reportRows(keys, opts.now, opts.warnDays)) {
    lines.push(
      [
        csvCell(k.appName),
        csvCell(k.environmentName),
        csvCell(k.name),
        csvCell(k.envVars.join(' ')),
        csvCell(k.owner),
        csvCell(k.provider),
        csvCell(k.team ?? ''),
        csvCell(r.status, false),
        csvCell(isoDay(r.rotationDueAt), false),
        csvCell(isoDay(k.expiresAt), false),
        csvCell(isoDay(k.overlapEndsAt), false),
        csvCell(r.daysLeft, false),
        csvCell(isoDay(k.lastRotatedAt), false),
        csvCell(k.rotationIntervalDays, false),
      ].join(','),
    )
  }
  return lines.join('\r\n') + '\r\n'
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/** JSON: the rows with ISO dates, and counts by status and by owner. */
export function renderJson(keys: readonly ReportKey[], opts: ReportOptions): string {
  const rows = reportRows(keys, opts.now, opts.warnDays)
  const counts: Record<string, number> = { ok: 0, 'due-soon': 0, overdue: 0, expired: 0, revoked: 0 }
  for (const r of rows) counts[r.rotation.status] = (counts[r.rotation.status] ?? 0) + 1
  return (
    JSON.stringify(
      {
        title: opts.title ?? 'Keyshelf rotations',
        generatedAt: iso(opts.now),
        warnDays: opts.warnDays ?? DEFAULT_WARN_DAYS,
        counts,
        owners: groupByOwner(rows.map((r) => ({ owner: r.key.owner, status: r.rotation.status }))).map(
          (g) => ({
            owner: g.owner,
            keys: g.items.length,
            needAttention: g.items.filter((i) => i.status !== 'ok' && i.status !== 'revoked').length,
          }),
        ),
        keys: rows.map(({ key: k, rotation: r }) => ({
          id: k.id,
          app: k.appName,
          environment: k.environmentName,
          key: k.name,
          envVars: k.envVars,
          owner: k.owner,
          provider: k.provider,
          team: k.team,
          status: r.status,
          rotationDueAt: iso(r.rotationDueAt),
          expiresAt: iso(k.expiresAt),
          overlapEndsAt: iso(k.overlapEndsAt),
          daysLeft: r.daysLeft,
          lastRotatedAt: iso(k.lastRotatedAt),
          rotationIntervalDays: k.rotationIntervalDays,
        })),
      },
      null,
      2,
    ) + '\n'
  )
}

/** Escapes text for a Markdown table cell. */
function mdCell(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))
    .replace(/\r?\n/g, ' ')
}

const STATUS_WORD: Record<RotationInfo['status'], string> = {
  overdue: '🔴 overdue',
  expired: '⛔ expired',
  'due-soon': '🟠 due soon',
  ok: '🟢 ok',
  revoked: '⚪ revoked',
}

/** Markdown: a summary line, then one table per owner ("no owner" last), soonest first. */
export function renderMarkdown(keys: readonly ReportKey[], opts: ReportOptions): string {
  const rows = reportRows(keys, opts.now, opts.warnDays)
  const n = (s: RotationInfo['status']): number => rows.filter((r) => r.rotation.status === s).length
  const out = [
    `# ${mdCell(opts.title ?? 'Keyshelf rotations')}`,
    '',
    `Generated ${new Date(opts.now).toISOString().slice(0, 16).replace('T', ' ')} UTC · ${rows.length} keys · ` +
      `${n('overdue')} overdue · ${n('expired')} expired · ${n('due-soon')} due soon ` +
      `(within ${opts.warnDays ?? DEFAULT_WARN_DAYS} days)`,
  ]
  if (rows.length === 0) out.push('', 'No keys yet.')
  for (const g of groupByOwner(rows.map((r) => ({ ...r, owner: r.key.owner })))) {
    out.push('', `## ${g.owner ? mdCell(g.owner) : 'No owner'}`, '')
    out.push('| Status | Key | Env vars | Rotation due | Expires | Overlap ends | Days left |')
    out.push('|---|---|---|---|---|---|---|')
    for (const { key: k, rotation: r } of g.items) {
      out.push(
        `| ${STATUS_WORD[r.status]} | ${mdCell(keyLabel(k))}${k.team ? ` (team ${mdCell(k.team)})` : ''} | ` +
          `${mdCell(k.envVars.join(', '))} | ${isoDay(r.rotationDueAt) || '—'} | ${isoDay(k.expiresAt) || '—'} | ` +
          `${isoDay(k.overlapEndsAt) || '—'} | ${r.daysLeft ?? '—'} |`,
      )
    }
  }
  return out.join('\n') + '\n'
}

/** Renders `keys` in `format`. */
export function renderReport(format: ReportFormat, keys: readonly ReportKey[], opts: ReportOptions): string {
  switch (format) {
    case 'ics':
      return renderIcs(keys, opts)
    case 'csv':
      return renderCsv(keys, opts)
    case 'json':
      return renderJson(keys, opts)
    case 'md':
      return renderMarkdown(keys, opts)
  }
}

/** What the report needs from the vault: the contract's masked reads (no reveal). */
export interface ReportSource {
  listApps(): Promise<AppSummary[]>
  listEnvironments(input: { appId: string }): Promise<Environment[]>
  listCredentials(input: { appId?: string }): Promise<CredentialView[]>
  history(input: { credentialId: string }): Promise<VersionView[]>
}

/** Reads every local key as a ReportKey through masked reads only; `now` decides which overlaps are ahead. */
export async function collectReportKeys(src: ReportSource, now: number): Promise<ReportKey[]> {
  const out: ReportKey[] = []
  for (const app of await src.listApps()) {
    const envs = new Map((await src.listEnvironments({ appId: app.id })).map((e) => [e.id, e.name]))
    for (const c of await src.listCredentials({ appId: app.id })) {
      const latest = (await src.history({ credentialId: c.id }))[0]
      const overlap = latest?.validUntil ?? null
      out.push({
        id: c.id,
        appName: app.name,
        environmentName: envs.get(c.environmentId) ?? '',
        name: c.name,
        envVars: c.fields.map((f) => f.envVar),
        owner: c.owner,
        provider: c.provider,
        status: c.status,
        createdAt: c.createdAt,
        lastRotatedAt: c.lastRotatedAt,
        expiresAt: c.expiresAt,
        rotationIntervalDays: c.rotationIntervalDays,
        overlapEndsAt: overlap !== null && overlap > now ? overlap : null,
        team: null,
      })
    }
  }
  return out
}
