import ICAL from 'ical.js'
import { afterEach, describe, expect, it } from 'vitest'
import {
  collectReportKeys,
  eventUid,
  groupByOwner,
  renderReport,
  REPORT_FORMATS,
  type ReportKey,
} from '../../../src-main/core/rotation/rotation-report'
import { foldIcsLine } from '../../../src-main/core/rotation/ics-writer'
import { DAY_MS } from '../../../src-main/core/rotation/rotation-status'
import { credentialInput, newVault, seedAppEnv } from '../../helpers/vault.helper'

const NOW = Date.UTC(2026, 11, 2, 9, 30)

function key(over: Partial<ReportKey> = {}): ReportKey {
  return {
    id: 'k1',
    appName: 'Shop',
    environmentName: 'Production',
    name: 'Stripe secret',
    envVars: ['STRIPE_SECRET_KEY'],
    owner: 'payments',
    provider: 'manual',
    status: 'active',
    createdAt: NOW - 100 * DAY_MS,
    lastRotatedAt: NOW - 80 * DAY_MS,
    expiresAt: null,
    rotationIntervalDays: 90,
    overlapEndsAt: null,
    team: null,
    ...over,
  }
}

/** Parses with ical.js (a real RFC 5545 parser) and returns the VEVENTs. */
function parseEvents(ics: string): ICAL.Component[] {
  const cal = new ICAL.Component(ICAL.parse(ics))
  expect(cal.name).toBe('vcalendar')
  expect(cal.getFirstPropertyValue('version')).toBe('2.0')
  expect(cal.getFirstPropertyValue('prodid')).toBeTruthy()
  return cal.getAllSubcomponents('vevent')
}

/** A small RFC 4180 reader for the test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += c
  }
  return rows
}

describe('rotation report formats', () => {
  it('ICS: one event per rotation due date, expiry and overlap end, each with a stable UID and an alarm at the warning window', () => {
    const keys = [
      key({ expiresAt: NOW + 30 * DAY_MS, overlapEndsAt: NOW + 2 * DAY_MS }),
      key({ id: 'k2', name: 'Never rotates', rotationIntervalDays: null }),
      key({ id: 'k3', name: 'Revoked', status: 'revoked', expiresAt: NOW + DAY_MS }),
    ]
    const ics = renderReport('ics', keys, { now: NOW, warnDays: 7 })
    expect(ics.endsWith('\r\n')).toBe(true)
    expect(ics.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true)
    const events = parseEvents(ics)
    expect(events.map((e) => e.getFirstPropertyValue('uid')).sort()).toEqual(
      [eventUid('rotation-due', 'k1'), eventUid('expiry', 'k1'), eventUid('overlap-end', 'k1')].sort(),
    )
    const due = events.find((e) => e.getFirstPropertyValue('uid') === eventUid('rotation-due', 'k1'))!
    const start = due.getFirstPropertyValue('dtstart') as ICAL.Time
    expect(start.isDate).toBe(true)
    expect(start.toString()).toBe(new Date(NOW + 10 * DAY_MS).toISOString().slice(0, 10))
    expect(due.getFirstPropertyValue('summary')).toBe('Rotate: Shop › Production › Stripe secret')
    expect(String(due.getFirstPropertyValue('description'))).toContain('Owner: payments')
    const alarm = due.getFirstSubcomponent('valarm')!
    expect(alarm.getFirstPropertyValue('action')).toBe('DISPLAY')
    const trigger = alarm.getFirstPropertyValue('trigger') as ICAL.Duration
    expect(trigger.toSeconds()).toBe(-7 * 86_400)
    for (const e of events) {
      expect(e.getFirstPropertyValue('dtstamp')).toBeTruthy()
      expect(e.getFirstSubcomponent('valarm')).toBeTruthy()
    }

    // Rotating moves the due date; the UID stays, so a subscribed calendar updates the event.
    const later = renderReport('ics', [key({ lastRotatedAt: NOW })], { now: NOW + DAY_MS, warnDays: 7 })
    const moved = parseEvents(later)[0]!
    expect(moved.getFirstPropertyValue('uid')).toBe(eventUid('rotation-due', 'k1'))
    expect((moved.getFirstPropertyValue('dtstart') as ICAL.Time).toString()).toBe(
      new Date(NOW + 90 * DAY_MS).toISOString().slice(0, 10),
    )
  })

  it('ICS: escapes and folds names with commas, semicolons, backslashes, line breaks and long Unicode text', () => {
    const nasty = 'Pay; ments, \\ "EU"\nline two ' + 'ключ-🔑-'.repeat(20)
    const ics = renderReport('ics', [key({ id: 'a/b c', name: nasty, owner: 'Zoë, Ops' })], { now: NOW })
    expect(ics.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true)
    const [ev] = parseEvents(ics)
    expect(ev!.getFirstPropertyValue('summary')).toBe(`Rotate: Shop › Production › ${nasty}`)
    expect(String(ev!.getFirstPropertyValue('uid'))).toMatch(/^rotation-due\.a%2fb%20c@keyshelf$/)
    expect(foldIcsLine('x'.repeat(200)).split('\r\n ').join('')).toBe('x'.repeat(200))
  })

  it('CSV: one row per key, soonest first, quoted per RFC 4180 and safe from spreadsheet formulas', () => {
    const csv = renderReport(
      'csv',
      [
        key({ id: 'late', name: 'Later, "quoted"' }),
        key({ id: 'soon', name: '=HYPERLINK("x")', lastRotatedAt: NOW - 89 * DAY_MS }),
      ],
      { now: NOW },
    )
    const rows = parseCsv(csv)
    expect(rows[0]).toEqual([
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
    ])
    expect(rows).toHaveLength(3)
    expect(rows[1]![2]).toBe(`'=HYPERLINK("x")`)
    expect(rows[1]![7]).toBe('due-soon')
    expect(rows[1]![11]).toBe('1')
    expect(rows[2]![2]).toBe('Later, "quoted"')
  })

  it('JSON and Markdown: counts, owners (no owner last) and escaped table cells', () => {
    const keys = [
      key({ id: 'a', owner: '', lastRotatedAt: NOW - 100 * DAY_MS }),
      key({ id: 'b', owner: 'zed' }),
      key({ id: 'c', owner: 'alice', name: 'a|b' }),
    ]
    const json = JSON.parse(renderReport('json', keys, { now: NOW, warnDays: 7 }))
    expect(json.counts).toMatchObject({ overdue: 1, ok: 2 })
    expect(json.owners.map((o: { owner: string }) => o.owner)).toEqual(['alice', 'zed', ''])
    expect(json.keys[0].id).toBe('a')
    const md = renderReport('md', keys, { now: NOW, warnDays: 7 })
    expect(md.indexOf('## alice')).toBeLessThan(md.indexOf('## zed'))
    expect(md.indexOf('## zed')).toBeLessThan(md.indexOf('## No owner'))
    expect(md).toContain('a\\|b')
    expect(md).toContain('1 overdue')
    expect(renderReport('md', [], { now: NOW })).toContain('No keys yet.')
  })

  it('groups by owner, trimmed, "no owner" last', () => {
    const g = groupByOwner([{ owner: ' bob ' }, { owner: '' }, { owner: 'alice' }, { owner: 'bob' }])
    expect(g.map((x) => [x.owner, x.items.length])).toEqual([
      ['alice', 1],
      ['bob', 2],
      ['', 1],
    ])
  })
})

describe('report from a real vault', () => {
  let cleanup: (() => Promise<void>) | null = null
  afterEach(async () => {
    await cleanup?.()
    cleanup = null
  })

  it('holds no secret value in any format (canary), and carries owners and overlap ends', async () => {
    let now = NOW
    const v = await newVault({ clock: () => now })
    cleanup = v.cleanup
    const { envId } = await seedAppEnv(v.svc, 'Shop', 'Production')
    const CANARY = 'sk_live_CANARY_7f3a9c1e5b'
    const CANARY2 = 'whsec_CANARY_NEW_0d9e8f7a'
    const cred = await v.svc.createCredential(
      credentialInput(envId, {
        name: 'Stripe',
        owner: 'payments',
        expiresAt: NOW + 40 * DAY_MS,
        fields: [
          { label: 'Secret', envVar: 'STRIPE_SECRET', kind: 'secret', value: CANARY },
          { label: 'Publishable', envVar: 'STRIPE_PUB', kind: 'public', value: 'pk_live_public_CANARY' },
        ],
      }),
    )
    now += DAY_MS
    const secretField = cred.fields.find((f) => f.envVar === 'STRIPE_SECRET')!
    await v.svc.rotate({
      credentialId: cred.id,
      values: [{ fieldId: secretField.id, value: CANARY2 }],
      overlapHours: 48,
    })
    const keys = await collectReportKeys(v.svc, now)
    expect(keys).toHaveLength(1)
    expect(keys[0]!.owner).toBe('payments')
    expect(keys[0]!.overlapEndsAt).toBe(now + 48 * 3_600_000)
    for (const format of REPORT_FORMATS) {
      const text = renderReport(format, keys, { now })
      expect(text).not.toContain('CANARY')
      expect(text).not.toContain(CANARY.slice(-4))
    }
    const events = parseEvents(renderReport('ics', keys, { now }))
    expect(events.map((e) => String(e.getFirstPropertyValue('uid')).split('.')[0]).sort()).toEqual([
      'expiry',
      'overlap-end',
      'rotation-due',
    ])
  })
})
