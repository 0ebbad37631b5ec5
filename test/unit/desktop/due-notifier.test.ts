import { describe, expect, it } from 'vitest'
import {
  DueNotifier,
  NOTIFY_PERIOD_MS,
  dueNoticeText,
  shouldNotify,
} from '../../../src-main/core/desktop/due-notifier'
import type { DueCounts } from '../../../src-shared/model'

const counts = (overdue: number, dueSoon: number, expired = 0): DueCounts => ({
  overdue,
  dueSoon,
  expired,
  total: overdue + dueSoon + expired,
})

describe('dueNoticeText', () => {
  it('says how many are overdue and due soon', () => {
    expect(dueNoticeText(counts(2, 3), 14)).toBe('2 keys overdue, 3 due within 14 days')
  })
  it('uses the singular and names expired keys', () => {
    expect(dueNoticeText(counts(1, 0), 14)).toBe('1 key overdue')
    expect(dueNoticeText(counts(0, 1), 1)).toBe('1 key due within 1 day')
    expect(dueNoticeText(counts(0, 0, 2), 14)).toBe('2 keys expired')
    expect(dueNoticeText(counts(1, 2, 1), 7)).toBe('1 key overdue, 1 expired, 2 due within 7 days')
  })
  it('is null when nothing needs attention', () => {
    expect(dueNoticeText(counts(0, 0), 14)).toBeNull()
  })
  it('says so on a second line when the counts were read while locked (unverified)', () => {
    expect(dueNoticeText({ ...counts(2, 0), verified: false }, 14)).toBe(
      '2 keys overdue\nCounts read before unlock; verified when you unlock.',
    )
    expect(dueNoticeText({ ...counts(2, 0), verified: true }, 14)).toBe('2 keys overdue')
    expect(dueNoticeText({ ...counts(0, 0), verified: false }, 14)).toBeNull()
  })
})

describe('shouldNotify', () => {
  const now = 1_800_000_000_000
  it('notifies the first time something is due', () => {
    expect(shouldNotify(now, null, counts(1, 0))).toBe(true)
  })
  it('never notifies when nothing is due', () => {
    expect(shouldNotify(now, null, counts(0, 0))).toBe(false)
  })
  it('notifies at most once per 24 hours', () => {
    expect(shouldNotify(now, now - NOTIFY_PERIOD_MS + 1, counts(1, 0))).toBe(false)
    expect(shouldNotify(now, now - NOTIFY_PERIOD_MS, counts(1, 0))).toBe(true)
  })
  it('recovers from a last time in the future (clock moved back)', () => {
    expect(shouldNotify(now, now + 1000, counts(1, 0))).toBe(true)
  })
})

describe('DueNotifier', () => {
  function setup(c: DueCounts) {
    let now = 1_800_000_000_000
    let last: number | null = null
    const shown: string[] = []
    const n = new DueNotifier({
      clock: () => now,
      counts: async () => c,
      warnDays: () => 14,
      lastNotifiedAt: { get: () => last, set: (at) => (last = at) },
      show: (_title, body) => shown.push(body),
    })
    return { n, shown, advance: (ms: number) => (now += ms) }
  }

  it('shows one notification a day while running, however often it checks', async () => {
    const { n, shown, advance } = setup(counts(2, 3))
    expect(await n.check()).toBe('2 keys overdue, 3 due within 14 days')
    for (let h = 1; h < 24; h++) {
      advance(3_600_000)
      expect(await n.check()).toBeNull()
    }
    advance(3_600_000)
    expect(await n.check()).not.toBeNull()
    expect(shown).toHaveLength(2)
  })

  it('never throws when counting fails', async () => {
    const n = new DueNotifier({
      clock: () => 0,
      counts: async () => {
        throw new Error('db gone')
      },
      warnDays: () => 14,
      lastNotifiedAt: { get: () => null, set: () => {} },
      show: () => {},
    })
    expect(await n.check()).toBeNull()
  })
})
