import { describe, expect, it } from 'vitest'
import {
  countDue,
  DAY_MS,
  rotationInfo,
  type RotationInput,
} from '../../../src-main/core/rotation/rotation-status'

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0)
const daysAgo = (d: number) => NOW - d * DAY_MS
const inDays = (d: number) => NOW + d * DAY_MS
const base: RotationInput = {
  status: 'active',
  createdAt: daysAgo(400),
  lastRotatedAt: null,
  expiresAt: null,
  rotationIntervalDays: 90,
}

describe('rotationInfo (table-driven, injected clock)', () => {
  const cases: {
    name: string
    c: Partial<RotationInput>
    warn?: number
    status: string
    daysLeft: number | null
  }[] = [
    { name: 'rotated 10 days ago', c: { lastRotatedAt: daysAgo(10) }, status: 'ok', daysLeft: 80 },
    {
      name: 'rotated 80 days ago (inside the 14-day window)',
      c: { lastRotatedAt: daysAgo(80) },
      status: 'due-soon',
      daysLeft: 10,
    },
    {
      name: 'rotated 76 days ago (exactly 14 days left)',
      c: { lastRotatedAt: daysAgo(76) },
      status: 'due-soon',
      daysLeft: 14,
    },
    {
      name: 'rotated 75 days ago (15 days left)',
      c: { lastRotatedAt: daysAgo(75) },
      status: 'ok',
      daysLeft: 15,
    },
    { name: 'rotated 95 days ago', c: { lastRotatedAt: daysAgo(95) }, status: 'overdue', daysLeft: -5 },
    { name: 'exactly due now', c: { lastRotatedAt: daysAgo(90) }, status: 'overdue', daysLeft: 0 },
    { name: 'never rotated: uses createdAt', c: { createdAt: daysAgo(30) }, status: 'ok', daysLeft: 60 },
    { name: 'never rotates (public id)', c: { rotationIntervalDays: null }, status: 'ok', daysLeft: null },
    {
      name: 'expired by date',
      c: { lastRotatedAt: daysAgo(1), expiresAt: daysAgo(2) },
      status: 'expired',
      daysLeft: -2,
    },
    {
      name: 'marked expired',
      c: { status: 'expired', lastRotatedAt: daysAgo(1) },
      status: 'expired',
      daysLeft: 89,
    },
    {
      name: 'revoked wins over overdue',
      c: { status: 'revoked', lastRotatedAt: daysAgo(200) },
      status: 'revoked',
      daysLeft: -110,
    },
    {
      name: 'expiry earlier than due date governs',
      c: { lastRotatedAt: daysAgo(1), expiresAt: inDays(5) },
      status: 'due-soon',
      daysLeft: 5,
    },
    {
      name: 'due date earlier than expiry governs',
      c: { lastRotatedAt: daysAgo(95), expiresAt: inDays(50) },
      status: 'overdue',
      daysLeft: -5,
    },
    {
      name: 'expiry only, far away',
      c: { rotationIntervalDays: null, expiresAt: inDays(100) },
      status: 'ok',
      daysLeft: 100,
    },
    {
      name: 'custom warning window 30 days',
      c: { lastRotatedAt: daysAgo(65) },
      warn: 30,
      status: 'due-soon',
      daysLeft: 25,
    },
    {
      name: 'custom interval 30 days',
      c: { lastRotatedAt: daysAgo(31), rotationIntervalDays: 30 },
      status: 'overdue',
      daysLeft: -1,
    },
  ]
  for (const t of cases) {
    it(t.name, () => {
      const info = rotationInfo({ ...base, ...t.c }, NOW, t.warn ?? 14)
      expect(info.status).toBe(t.status)
      expect(info.daysLeft).toBe(t.daysLeft)
    })
  }

  it('reports the due date and the governing date', () => {
    const info = rotationInfo({ ...base, lastRotatedAt: daysAgo(10), expiresAt: inDays(20) }, NOW)
    expect(info.rotationDueAt).toBe(inDays(80))
    expect(info.governingAt).toBe(inDays(20))
  })
})

describe('countDue', () => {
  it('counts overdue, due-soon and expired, not ok or revoked', () => {
    const items: RotationInput[] = [
      { ...base, lastRotatedAt: daysAgo(10) },
      { ...base, lastRotatedAt: daysAgo(80) },
      { ...base, lastRotatedAt: daysAgo(95) },
      { ...base, lastRotatedAt: daysAgo(1), expiresAt: daysAgo(1) },
      { ...base, status: 'revoked' },
    ]
    expect(countDue(items, NOW, 14)).toEqual({ overdue: 1, dueSoon: 1, expired: 1, total: 3 })
  })
})
