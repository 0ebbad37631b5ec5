/**
 * Teams in the window, in Chromium against the real core and a real `bao server -dev`: Settings → Teams
 * (empty state, connect with a masked token that never reaches the DOM, pull now, share an app, at 1280×800
 * and 900×600), team badges and owners, pull on unlock in the background, "Export calendar…" and "Export
 * report…" from the Due view (no values), and a team that went offline: one calm notice, the "offline
 * since …" mark, and the local copy kept. axe must find nothing on each screen.
 */
import { readFileSync } from 'node:fs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ICAL from 'ical.js'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBaoDev, type BaoServer } from '../helpers/openbao'
import {
  PASSWORD,
  RENDERER_DIR,
  addApp,
  addEnv,
  axe,
  createVault,
  credential,
  describeViolations,
  e2eUnavailable,
  launchBrowser,
  openApp,
  outerHTML,
  screenshot,
  secretAttributes,
  serveStatic,
  type AppPage,
  type Vault,
} from './harness'

const STRIPE_1 = 'sk_live_TEAM_e2e_CANARY_one'
const STRIPE_2 = 'sk_live_TEAM_e2e_CANARY_two'
const BILLING = 'sk_live_TEAM_e2e_CANARY_billing'

let bao: BaoServer
let browser: Browser
let server: { url: string; close: () => Promise<void> }
let alice: Vault
let bob: Vault
let app: AppPage
let saveDir: string
let rotatorToken: string

async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
  const v = await axe(page)
  expect(v, `${what}: ${describeViolations(v)}`).toEqual([])
}

async function revealValue(v: Vault, keyName: string): Promise<string> {
  const c = (await v.core.listCredentials({})).find((x) => x.name === keyName)!
  return (await v.core.reveal({ fieldId: c.fields[0]!.id })).value
}

async function openTeams(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click()
  const dialog = page.getByRole('dialog', { name: 'Settings' })
  await dialog.getByRole('tab', { name: 'Teams' }).click()
  return dialog
}

async function unlockInWindow(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'Unlock your vault' }).waitFor()
  await page.getByLabel('Master password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Unlock' }).click()
}

beforeAll(async () => {
  const why = e2eUnavailable()
  if (why) throw new Error(why)
  saveDir = mkdtempSync(join(tmpdir(), 'keyshelf-e2e-teams-'))
  ;[bao, browser, server] = await Promise.all([startBaoDev(), launchBrowser(), serveStatic(RENDERER_DIR)])
  const tokens = await bao.teamTokens()
  rotatorToken = tokens.rotator
  // Alice (no window) shares Shop with the team.
  alice = await createVault({ state: 'unlocked' })
  const shop = await addApp(alice.core, 'Shop')
  const prod = await addEnv(alice.core, shop.id, 'Production')
  await alice.core.createCredential(
    credential(prod.id, {
      name: 'Stripe',
      owner: 'payments-oncall',
      fields: [{ label: '', envVar: 'STRIPE_SECRET_KEY', kind: 'secret', value: STRIPE_1 }],
    }),
  )
  await alice.core.teams.connect({
    name: 'payments',
    addrs: bao.addr,
    login: { method: 'token', token: tokens.rotator },
  })
  await alice.core.teams.share(shop.id)
  // Bob has the window and one local app of his own.
  bob = await createVault({ state: 'unlocked', saveDir })
  const billing = await addApp(bob.core, 'Billing')
  const live = await addEnv(bob.core, billing.id, 'Live')
  await bob.core.createCredential(
    credential(live.id, {
      name: 'Paddle',
      rotationIntervalDays: 30,
      lastRotatedAt: Date.now() - 29 * 86_400_000,
      fields: [{ label: '', envVar: 'PADDLE_KEY', kind: 'secret', value: BILLING }],
    }),
  )
  app = await openApp(browser, server.url, bob)
  await app.page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: 'Billing' }).waitFor()
}, 120_000)

afterAll(async () => {
  await app?.close()
  await Promise.all([alice?.cleanup(), bob?.cleanup()])
  await browser?.close()
  await server?.close()
  await bao?.stop()
  if (saveDir) rmSync(saveDir, { recursive: true, force: true })
})

describe('teams in the window, against a real OpenBao dev server', () => {
  it('Settings → Teams: empty state, connect with a masked token kept out of the DOM, pull now, share an app', async () => {
    const { page } = app
    expect(app.calls).not.toContain('pullTeams') // no team yet: nothing to pull on unlock
    const dialog = await openTeams(page)
    await dialog.getByTestId('teams-empty').waitFor()
    await expectNoAxeViolations(page, 'Settings → Teams (empty)')
    await screenshot(page, 'teams-settings-empty-1280')

    await dialog.getByLabel('Team name').fill('payments')
    await dialog.getByLabel('Server addresses').fill(bao.addr)
    await dialog.getByLabel('Client token').fill(rotatorToken)
    expect(await dialog.getByLabel('Client token').getAttribute('type')).toBe('password')
    expect(await secretAttributes(page)).toEqual([])
    expect(await outerHTML(page)).not.toContain(rotatorToken)
    await dialog.getByRole('button', { name: 'Connect team' }).click()
    const card = dialog.getByTestId('team-card')
    await card.waitFor()
    await expect.poll(() => card.getByTestId('team-status').textContent()).toBe('Online · never pulled')
    expect(await outerHTML(page)).not.toContain(rotatorToken)
    expect(JSON.stringify(await bob.core.listTeams())).not.toContain(rotatorToken)
    expect(await card.textContent()).toContain(bao.addr)
    expect(await card.textContent()).toContain('secret/keyshelf/')

    await card.getByRole('button', { name: 'Pull now' }).click()
    await page.getByText('payments: 1 new key, 0 updated keys.').waitFor()
    await expect.poll(() => card.getByTestId('team-status').textContent()).toMatch(/^Online · last pull /)
    expect(await revealValue(bob, 'Stripe')).toBe(STRIPE_1)

    // Share Bob's own app (the only one not in a team yet besides Shop, which is already this team's).
    await card.getByLabel('App to share with payments').selectOption({ label: 'Billing' })
    await card.getByRole('button', { name: 'Share app' }).click()
    await page.getByText('Shared Billing with payments: 1 key.').waitFor()
    // The card reloads its counts after the share's toast: poll, do not read once.
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain('2 keys in 2 apps')
    await alice.core.teams.pull()
    expect(await revealValue(alice, 'Paddle')).toBe(BILLING)

    await expectNoAxeViolations(page, 'Settings → Teams (one team)')
    await screenshot(page, 'teams-settings-1280')
    await page.setViewportSize({ width: 900, height: 600 })
    await expectNoAxeViolations(page, 'Settings → Teams at 900×600')
    await screenshot(page, 'teams-settings-900')
    await page.setViewportSize({ width: 1280, height: 800 })
    await dialog.getByRole('button', { name: 'Close' }).last().click()
    await dialog.waitFor({ state: 'detached' })
  }, 90_000)

  it('team apps carry a team badge in the sidebar; a team key shows its owner', async () => {
    const { page } = app
    const nav = page.getByRole('navigation', { name: 'Apps' })
    await nav.getByRole('button', { name: /Shop/ }).getByTestId('team-badge').waitFor()
    expect(await nav.getByRole('button', { name: /Shop/ }).textContent()).toContain('(team payments)')
    await nav.getByRole('button', { name: /Shop/ }).click()
    await page.getByTestId('team-meta').waitFor()
    expect(await page.getByTestId('team-meta').textContent()).toBe('Team payments')
    expect(await page.getByTestId('key-owner').first().textContent()).toBe('owner: payments-oncall')
    await expectNoAxeViolations(page, 'a team app')
    await screenshot(page, 'teams-app-1280')
  }, 30_000)

  it('pull on unlock runs in the background: the window is usable at once, progress shows, the new value arrives', async () => {
    const { page } = app
    const c = (await alice.core.listCredentials({})).find((x) => x.name === 'Stripe')!
    await alice.core.rotate({ credentialId: c.id, values: [{ fieldId: c.fields[0]!.id, value: STRIPE_2 }] })

    await page.locator('body').click({ position: { x: 600, y: 5 } })
    await page.keyboard.press('Control+L')
    app.delays['pullTeams'] = 2500
    const before = app.calls.length
    await unlockInWindow(page)
    // Unlock is not held by the pull: the app page and the progress line are there while it runs.
    await page.getByTestId('team-pull-progress').waitFor()
    await page.getByRole('heading', { name: 'Shop', level: 1 }).waitFor()
    expect(await page.getByTestId('team-pull-progress').textContent()).toContain('Pulling team keys')
    await screenshot(page, 'teams-pull-on-unlock-1280')
    await page.getByTestId('team-pull-progress').waitFor({ state: 'detached', timeout: 20_000 })
    delete app.delays['pullTeams']
    const after = app.calls.slice(before)
    expect(after.indexOf('unlock')).toBeGreaterThanOrEqual(0)
    expect(after.indexOf('pullTeams')).toBeGreaterThan(after.indexOf('unlock'))
    expect(await revealValue(bob, 'Stripe')).toBe(STRIPE_2)
    expect(await page.getByTestId('team-notice').count()).toBe(0) // all fine: no notice
    expect(await outerHTML(page)).not.toContain(STRIPE_2)
  }, 60_000)

  it('Due view: "Export calendar…" and "Export report…" save through main, with no values', async () => {
    const { page } = app
    await page.getByRole('button', { name: /Due for rotation/ }).click()
    await page.getByRole('heading', { name: 'Due for rotation', level: 1 }).waitFor()
    await page.getByRole('button', { name: 'Export calendar…' }).click()
    const cal = page.getByRole('dialog', { name: 'Export rotation calendar' })
    await cal.waitFor()
    await expectNoAxeViolations(page, 'the calendar export dialog')
    await screenshot(page, 'teams-export-calendar-1280')
    await cal.getByRole('button', { name: 'Save…' }).click()
    await page.getByText(/Saved the calendar of 2 keys\./).waitFor()
    const ics = readFileSync(join(saveDir, 'keyshelf-rotations.ics'), 'utf8')
    const events = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent')
    expect(events.map((e) => String(e.getFirstPropertyValue('summary')))).toEqual(
      expect.arrayContaining([expect.stringContaining('Paddle'), expect.stringContaining('Stripe')]),
    )
    for (const v of [STRIPE_1, STRIPE_2, BILLING]) expect(ics).not.toContain(v)

    await page.getByRole('button', { name: 'Export report…' }).click()
    const rep = page.getByRole('dialog', { name: 'Export rotation report' })
    await rep.getByLabel(/Markdown/).check()
    await rep.getByLabel('Keys').selectOption({ label: 'Team payments (2 keys)' })
    await expectNoAxeViolations(page, 'the report export dialog')
    await rep.getByRole('button', { name: 'Save…' }).click()
    await page.getByText(/Saved the report of 2 keys\./).waitFor()
    const md = readFileSync(join(saveDir, 'keyshelf-payments-report.md'), 'utf8')
    expect(md).toContain('payments-oncall')
    expect(md).toContain('Stripe')
    for (const v of [STRIPE_1, STRIPE_2, BILLING]) expect(md).not.toContain(v)
  }, 30_000)

  it('a team that went offline: one calm notice after unlock, "offline since …" on its apps, the local copy kept', async () => {
    const { page } = app
    await bao.stop()
    await page.locator('body').click({ position: { x: 600, y: 5 } })
    await page.keyboard.press('Control+L')
    await unlockInWindow(page)
    await page.getByRole('heading', { name: 'Due for rotation', level: 1 }).waitFor()
    // The client gives up after its failover bound (30 s), then says so once.
    const notice = page.getByTestId('team-notice')
    await notice.waitFor({ timeout: 60_000 })
    expect(await notice.textContent()).toMatch(
      /^payments is offline since .+; its keys are served from the local copy\.$/,
    )
    await page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: /Shop/ }).click()
    await page.getByTestId('team-offline').waitFor()
    expect(await page.getByTestId('team-offline').textContent()).toMatch(
      /^offline since .+: values from the local copy/,
    )
    expect(await revealValue(bob, 'Stripe')).toBe(STRIPE_2)
    await expectNoAxeViolations(page, 'a team app while offline')
    await page.setViewportSize({ width: 900, height: 600 })
    await screenshot(page, 'teams-offline-900')
    await page.setViewportSize({ width: 1280, height: 800 })
    const dialog = await openTeams(page)
    await expect.poll(() => dialog.getByTestId('team-status').textContent()).toMatch(/^Offline since /)
    await screenshot(page, 'teams-settings-offline-1280')
    await dialog.getByRole('button', { name: 'Close' }).last().click()
  }, 120_000)
})
