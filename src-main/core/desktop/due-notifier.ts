import type { DueCounts } from '../../../src-shared/model'
import type { Clock } from '../platform-ports'

/** At most one due notification per this period. */
export const NOTIFY_PERIOD_MS = 24 * 60 * 60 * 1000

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

/** The line added when the counts were read while locked (plaintext the key has not checked yet). */
export const UNVERIFIED_COUNTS_NOTE = 'Counts read before unlock; verified when you unlock.'

/**
 * The notification text, e.g. "2 keys overdue, 3 due within 14 days"; null when nothing needs attention.
 * Expired keys are named separately ("1 expired") because rotating will not help them. Counts read while
 * locked (`verified: false`) get a second line saying so.
 */
export function dueNoticeText(counts: DueCounts, warnDays: number): string | null {
  const parts: string[] = []
  if (counts.overdue > 0) parts.push(`${plural(counts.overdue, 'key', 'keys')} overdue`)
  if (counts.expired > 0)
    parts.push(
      parts.length === 0 ? `${plural(counts.expired, 'key', 'keys')} expired` : `${counts.expired} expired`,
    )
  if (counts.dueSoon > 0) {
    const when = `due within ${plural(warnDays, 'day', 'days')}`
    parts.push(
      parts.length === 0 ? `${plural(counts.dueSoon, 'key', 'keys')} ${when}` : `${counts.dueSoon} ${when}`,
    )
  }
  const revoke = counts.revoke ?? 0
  if (revoke > 0) parts.push(`${plural(revoke, 'old key', 'old keys')} to revoke (overlap ended)`)
  if (parts.length === 0) return null
  return counts.verified === false ? `${parts.join(', ')}\n${UNVERIFIED_COUNTS_NOTE}` : parts.join(', ')
}

/** Whether a notification may be shown now: something is due and none was shown in the last period. */
export function shouldNotify(now: number, lastNotifiedAt: number | null, counts: DueCounts): boolean {
  if (counts.overdue + counts.dueSoon + counts.expired + (counts.revoke ?? 0) === 0) return false
  if (lastNotifiedAt === null || lastNotifiedAt > now) return true
  return now - lastNotifiedAt >= NOTIFY_PERIOD_MS
}

export interface DueNotifierDeps {
  clock: Clock
  /** Due counts work while locked (only plaintext rotation columns are read). */
  counts: () => Promise<DueCounts>
  warnDays: () => number
  /** Where the last notification time is kept (electron-store on desktop). */
  lastNotifiedAt: { get(): number | null; set(at: number): void }
  /** Shows the notification; its click should open the Due view. */
  show: (title: string, body: string) => void
}

/** Decides and shows the once-a-day due notification. `check()` is called at start-up and hourly. */
export class DueNotifier {
  constructor(private readonly deps: DueNotifierDeps) {}

  /** Shows a notification if one is due; returns its body, or null. Never throws. */
  async check(): Promise<string | null> {
    try {
      const counts = await this.deps.counts()
      const now = this.deps.clock()
      if (!shouldNotify(now, this.deps.lastNotifiedAt.get(), counts)) return null
      const body = dueNoticeText(counts, this.deps.warnDays())
      if (body === null) return null
      this.deps.lastNotifiedAt.set(now)
      this.deps.show('Keys need rotation', body)
      return body
    } catch {
      return null
    }
  }
}
