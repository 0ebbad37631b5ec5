/**
 * Rotation status in the UI for seeded keys last rotated 10, 80 and 95 days ago and one past its expiry:
 * unlock summary, sidebar badges, status badges, the Due view (sorted, with Rotate) and the notification
 * click. Runs once per colour scheme, with axe-core and the README screenshots (docs/screenshots).
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  PASSWORD,
  RENDERER_DIR,
  axe,
  createVault,
  describeViolations,
  e2eUnavailable,
  launchBrowser,
  openApp,
  outerHTML,
  screenshot,
  serveStatic,
  type AppPage,
  type Vault,
} from './harness'
import { SEED_SECRETS, seedShowcase, type ShowcaseIds } from './seed'

let browser: Browser
let server: { url: string; close: () => Promise<void> }

beforeAll(async () => {
  const why = e2eUnavailable()
  if (why) throw new Error(why)
  ;[browser, server] = await Promise.all([launchBrowser(), serveStatic(RENDERER_DIR)])
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

for (const scheme of ['light', 'dark'] as const) {
  describe(`due keys and screens (${scheme})`, () => {
    let vault: Vault
    let ids: ShowcaseIds
    let app: AppPage

    const noAxeViolations = async (where: string) => {
      const v = await axe(app.page)
      expect(v, `axe on ${where} (${scheme}):\n${describeViolations(v)}`).toEqual([])
    }
    const sidebarApp = (name: string) =>
      app.page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name })

    beforeAll(async () => {
      vault = await createVault({ state: 'unlocked', prefs: { remaskSeconds: 20 } })
      ids = await seedShowcase(vault)
      await vault.core.lock()
      app = await openApp(browser, server.url, vault, { colorScheme: scheme })
    })

    afterAll(async () => {
      await app?.close()
      await vault?.cleanup()
    })

    it('shows the due summary on the unlock screen, before the password', async () => {
      const { page } = app
      const summary = page.getByTestId('unlock-due')
      await summary.waitFor()
      await expect(summary.textContent()).resolves.toContain(
        '1 key overdue, 1 expired, 1 due within 14 days.',
      )
      await noAxeViolations('the unlock screen with the due summary')
      await screenshot(page, `unlock-${scheme}`)
      await page.getByLabel('Master password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Unlock' }).click()
      await page.getByTestId('due-banner').waitFor()
      await expect(page.getByTestId('due-banner').textContent()).resolves.toContain(
        '1 key overdue, 1 expired, 1 due within 14 days.',
      )
    })

    it('puts per-app badges in the sidebar: red for overdue or expired, amber for due soon', async () => {
      const badges = async (name: string) => ({
        red: await sidebarApp(name).getByTestId('badge-overdue').allTextContents(),
        amber: await sidebarApp(name).getByTestId('badge-due-soon').allTextContents(),
      })
      await sidebarApp('Novu').waitFor()
      expect(await badges('Novu')).toEqual({ red: [], amber: ['1 due soon'] })
      expect(await badges('Stripe')).toEqual({ red: ['1 overdue or expired'], amber: [] })
      expect(await badges('Cloudflare')).toEqual({ red: ['1 overdue or expired'], amber: [] })
      expect(await badges('OpenAI')).toEqual({ red: [], amber: [] })
      await expect(app.page.getByTestId('due-total').textContent()).resolves.toBe('3 keys need attention')
    })

    it('shows each key with its status badge, masked, with public identifiers in clear', async () => {
      const { page } = app
      await sidebarApp('Novu').click()
      await page.getByRole('heading', { name: 'Novu', level: 1 }).waitFor()
      const status = (envVar: string) =>
        page.getByTestId('key-row').filter({ hasText: envVar }).locator('[data-status]').textContent()
      await expect(status('NOVU_API_KEY')).resolves.toBe('OK')
      await expect(status('NOVU_WEBHOOK_ID')).resolves.toBe('due in 10 days')
      // A key that never rotates is neutral, not a green OK.
      await expect(status('NOVU_APP_IDENTIFIER')).resolves.toBe('no rotation')
      const html = await outerHTML(page)
      for (const secret of Object.values(SEED_SECRETS)) expect(html).not.toContain(secret)
      expect(html).toContain('Xh3kP9vQ2mLw')
      await noAxeViolations('the app page')
      await page.mouse.move(0, 0)
      await screenshot(page, `keys-masked-${scheme}`)

      await page.getByRole('button', { name: 'Show NOVU_API_KEY' }).click()
      await expect(page.getByTestId('revealed-value').textContent()).resolves.toBe(SEED_SECRETS.novuApiKey)
      await page.getByRole('button', { name: 'Copy NOVU_WEBHOOK_SECRET' }).click()
      await page.getByRole('button', { name: /Copied NOVU_WEBHOOK_SECRET/ }).waitFor()
      await noAxeViolations('the app page with a revealed value')
      await screenshot(page, `keys-revealed-${scheme}`)
      await page.getByRole('button', { name: 'Hide NOVU_API_KEY' }).click()
      expect(await outerHTML(page)).not.toContain(SEED_SECRETS.novuApiKey)

      await sidebarApp('Stripe').click()
      await expect(status('STRIPE_SECRET_KEY')).resolves.toBe('overdue 5 days')
      await sidebarApp('Cloudflare').click()
      await expect(status('CLOUDFLARE_API_TOKEN')).resolves.toMatch(
        /^expired [A-Z][a-z]{2} \d{1,2}(, \d{4})?$/,
      )
    })

    it('lists due, overdue and expired keys across apps in the Due view, soonest first, with Rotate', async () => {
      const { page } = app
      await page.getByRole('button', { name: /Due for rotation/ }).click()
      await page.getByRole('heading', { name: 'Due for rotation' }).waitFor()
      const rows = page.getByTestId('due-row')
      await rows.first().waitFor()
      await expect.poll(() => rows.count()).toBe(3)
      const order = await rows.evaluateAll((els) =>
        els.map((e) => [e.querySelector('.name')?.textContent, e.getAttribute('data-status')]),
      )
      expect(order).toEqual([
        ['Secret key', 'overdue'],
        ['R2 access token', 'expired'],
        ['Webhook signing', 'due-soon'],
      ])
      // Grouped by app: the row names its environment, the group heading its app.
      await expect(
        rows.nth(0).getByRole('button', { name: 'Production' }).getAttribute('title'),
      ).resolves.toBe('Open Stripe › Production')
      await expect(page.getByTestId('due-overdue').textContent()).resolves.toBe('1')
      await expect(page.getByTestId('due-expired').textContent()).resolves.toBe('1')
      await expect(page.getByTestId('due-soon').textContent()).resolves.toBe('1')
      await noAxeViolations('the Due view')
      await page.mouse.move(0, 0)
      await screenshot(page, `due-view-${scheme}`)

      await rows
        .nth(0)
        .getByRole('button', { name: /Rotate/ })
        .click()
      const dialog = page.getByRole('dialog', { name: 'Rotate Secret key' })
      await dialog.waitFor()
      await noAxeViolations('the rotate dialog from the Due view')
      await dialog.getByLabel(/New value/).fill('sk_live_rotated_51NzQfK2eZvKYlo2C9')
      await dialog.getByRole('button', { name: 'Rotate' }).click()
      await dialog.waitFor({ state: 'detached' })
      await expect.poll(() => rows.count()).toBe(2)
      const counts = await vault.core.dueCounts()
      expect(counts).toEqual({ overdue: 0, dueSoon: 1, expired: 1, total: 2, verified: true })
    })

    it('opens the Due view from the notification click (menu command from main)', async () => {
      const { page } = app
      await sidebarApp('OpenAI').click()
      await page.getByRole('heading', { name: 'OpenAI', level: 1 }).waitFor()
      await app.menu('open-due')
      await page.getByRole('heading', { name: 'Due for rotation' }).waitFor()
    })

    it('add-key dialog (a pair) and the search palette', async () => {
      const { page } = app
      await sidebarApp('Novu').click()
      await page.getByRole('button', { name: 'Add key' }).first().click()
      const dialog = page.getByRole('dialog', { name: /Add a key to Production/ })
      await dialog.waitFor()
      await dialog.getByRole('button', { name: /key pair/ }).click()
      await dialog.getByLabel('Name', { exact: true }).fill('Inbox HMAC')
      const rows = dialog.getByTestId('field-row')
      await rows.nth(0).getByLabel('Env var').fill('NOVU_INBOX_ID')
      await rows.nth(0).getByLabel('Value').fill('inbox_2Xb8')
      await rows.nth(1).getByLabel('Env var').fill('NOVU_INBOX_HMAC')
      await rows.nth(1).getByLabel('Secret value').fill('hmac_not_shown_in_the_dom')
      await dialog.getByRole('button', { name: 'Add key' }).focus()
      await noAxeViolations('the add-key dialog')
      await screenshot(page, `dialog-add-key-${scheme}`)
      await page.keyboard.press('Escape')
      await dialog.waitFor({ state: 'detached' })

      await page.keyboard.press('Control+K')
      const input = page.getByTestId('palette-input')
      await input.waitFor()
      await input.fill('novu webhook')
      await expect(page.getByTestId('palette-count').textContent()).resolves.toBe('2 results')
      await noAxeViolations('the search palette')
      await screenshot(page, `search-${scheme}`)
      await page.keyboard.press('ArrowDown')
      await page.keyboard.press('Enter')
      await input.waitFor({ state: 'detached' })
      const selected = page.locator('[data-testid="key-row"][aria-selected="true"]')
      await expect(selected.textContent()).resolves.toContain('NOVU_WEBHOOK_SECRET')
      // Focus moves to the row once the palette has closed (polled: it is handed back after the close).
      await expect.poll(() => page.evaluate('document.activeElement?.dataset.testid')).toBe('key-row')
      expect(ids.novu).toBeTruthy()
    })
  })
}
