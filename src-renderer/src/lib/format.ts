import type { MaskedValue, ProviderId, RotationInfo } from '../../../src-shared/model'

const DAY_MS = 86_400_000

const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' })
const dateTimeFmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})

const shortDateFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' })

export const formatDate = (ms: number): string => dateFmt.format(new Date(ms))
/** "Nov 21" this year, "Nov 21, 2027" otherwise: for badges. */
export const formatShortDate = (ms: number, now = Date.now()): string =>
  new Date(ms).getFullYear() === new Date(now).getFullYear()
    ? shortDateFmt.format(new Date(ms))
    : formatDate(ms)
export const formatDateTime = (ms: number): string => dateTimeFmt.format(new Date(ms))

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

/** "today", "yesterday", "12 days ago", "3 months ago". */
export function relativeDays(ms: number, now = Date.now()): string {
  const days = Math.round((now - ms) / DAY_MS)
  if (days <= 0) return 'today'
  if (days === 1) return 'yesterday'
  // Days are what rotation is counted in, so keep them up to a few months.
  if (days < 120) return `${days} days ago`
  const months = Math.round(days / 30)
  if (months < 18) return `${months} months ago`
  return `${Math.round(days / 365)} years ago`
}

export type BadgeTone = 'ok' | 'warn' | 'danger' | 'neutral'

/** The status badge text and tone for a credential's rotation info. */
export function statusLabel(
  rotation: RotationInfo,
  expiresAt: number | null,
): { text: string; tone: BadgeTone; title: string } {
  const days = rotation.daysLeft ?? 0
  switch (rotation.status) {
    case 'revoked':
      return { text: 'revoked', tone: 'neutral', title: 'Revoked: kept for the record, not exported' }
    case 'expired':
      return expiresAt !== null
        ? {
            text: `expired ${formatShortDate(expiresAt)}`,
            tone: 'danger',
            title: `Expired on ${formatDateTime(expiresAt)}`,
          }
        : { text: 'expired', tone: 'danger', title: 'Marked as expired' }
    case 'overdue': {
      const n = Math.max(1, -days)
      return {
        text: `overdue ${plural(n, 'day')}`,
        tone: 'danger',
        title: rotation.rotationDueAt
          ? `Rotation was due on ${formatDate(rotation.rotationDueAt)}`
          : 'Overdue',
      }
    }
    case 'due-soon': {
      const byExpiry = expiresAt !== null && rotation.governingAt === expiresAt
      if (byExpiry)
        return {
          text: `expires ${formatShortDate(expiresAt)}`,
          tone: 'warn',
          title: `Expires on ${formatDateTime(expiresAt)}`,
        }
      return {
        text: days <= 0 ? 'due today' : `due in ${plural(days, 'day')}`,
        tone: 'warn',
        title: rotation.governingAt ? `Rotation due on ${formatDate(rotation.governingAt)}` : 'Due soon',
      }
    }
    default:
      if (rotation.governingAt === null)
        return { text: 'no rotation', tone: 'neutral', title: 'Never rotates: no due date' }
      return {
        text: 'OK',
        tone: 'ok',
        title: rotation.governingAt
          ? `Next rotation due on ${formatDate(rotation.governingAt)}`
          : 'No rotation scheduled',
      }
  }
}

/** The rotation policy in words: "Rotates every 90 days" or "Never rotates". */
export function policyText(intervalDays: number | null): string {
  return intervalDays === null ? 'Never rotates' : `Rotates every ${plural(intervalDays, 'day')}`
}

/** "12 days ago" when rotated, "added 3 days ago" when never rotated since it was added. */
export function rotatedText(lastRotatedAt: number | null, createdAt: number, now = Date.now()): string {
  return lastRotatedAt !== null ? relativeDays(lastRotatedAt, now) : `added ${relativeDays(createdAt, now)}`
}

/** Masked display for a secret: dots plus the last 4 characters when the value is long enough. */
export function maskedText(last4: string | null): string {
  return last4 ? `••••••••${last4}` : '••••••••••••'
}

/** What a masked value shows: "(empty)" for an empty value, ⏎ for a trailing newline, else {@link maskedText}. */
export function maskedDisplay(m: MaskedValue): string {
  if (m.empty === true || m.clear === '') return '(empty)'
  const nl = (s: string) => (s.endsWith('\n') ? `${s.slice(0, -1)}⏎` : s)
  if (m.clear !== null) return nl(m.clear)
  return m.last4 ? nl(maskedText(m.last4)) : `${maskedText(null)}${m.endsWithNewline === true ? '⏎' : ''}`
}

/** "2025-03-04" for <input type="date"> from epoch ms (local date). */
export function toDateInput(ms: number | null): string {
  if (ms === null) return ''
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/** Epoch ms at local midnight for an <input type="date"> value; null when empty or invalid. */
export function fromDateInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return null
  const t = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime()
  return Number.isFinite(t) ? t : null
}

/** Display names of the providers. */
export const PROVIDER_LABELS: Record<ProviderId, string> = {
  manual: 'Manual',
  novu: 'Novu',
  cloudflare: 'Cloudflare',
  gitlab: 'GitLab',
  sendgrid: 'SendGrid',
  openai: 'OpenAI',
  'aws-iam': 'AWS IAM',
  other: 'Other',
}
