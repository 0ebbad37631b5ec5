/**
 * Issue 10 §18, the last gap: connecting Novu never rewrites an environment's URLs or region the user set;
 * the Providers dialog shows each difference (yours and Novu's) and asks "Keep mine" or "Use Novu's". At
 * 900×600, 1280×800 and 1920×1080 in light and dark, against the Novu loopback fake (a self-hosted
 * connection: Novu reports the connection's API URL and region "self-hosted" for every environment).
 * Core's side is tested in test/unit/sync/connect-asks.test.ts.
 */
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNovuFake, type NovuFake } from '../fakes/novu.fake'
import {
  RENDERER_DIR,
  addApp,
  addEnv,
  axe,
  createVault,
  describeViolations,
  e2eUnavailable,
  inPage,
  launchBrowser,
  openApp,
  openProvidersDialog,
  screenshot,
  serveStatic,
  type AppPage,
  type Vault,
  WINDOW_SIZES,
} from './harness'

/** What the user set: differs from what the fake reports (its own loopback URL, region self-hosted). */
const MINE = {
  Development: {
    apiUrl: 'https://novu-dev.internal.example',
    wsUrl: 'wss://ws-dev.internal.example',
    region: 'eu',
  },
  Production: { apiUrl: 'https://novu.internal.example', wsUrl: 'wss://ws.internal.example', region: 'eu' },
} as const

let browser: Browser
let server: { url: string; close: () => Promise<void> }
let vault: Vault

beforeAll(async () => {
  const why = e2eUnavailable()
  if (why) throw new Error(why)
  ;[browser, server] = await Promise.all([launchBrowser(), serveStatic(RENDERER_DIR)])
  vault = await createVault({ state: 'unlocked' })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await vault?.cleanup()
})

/** The element's box lies inside the viewport and inside `within` (not clipped by the dialog's scroller). */
async function fullyVisible(page: Page, el: Locator, within: Locator): Promise<void> {
  await el.scrollIntoViewIfNeeded()
  const [box, outer] = await Promise.all([el.boundingBox(), within.boundingBox()])
  const vp = page.viewportSize()!
  expect(box, 'element has a box').not.toBeNull()
  expect(outer, 'container has a box').not.toBeNull()
  const b = box!
  const o = outer!
  expect(b.width).toBeGreaterThan(0)
  expect(b.height).toBeGreaterThan(0)
  expect(b.x).toBeGreaterThanOrEqual(Math.max(0, o.x) - 0.5)
  expect(b.y).toBeGreaterThanOrEqual(Math.max(0, o.y) - 0.5)
  expect(b.x + b.width).toBeLessThanOrEqual(Math.min(vp.width, o.x + o.width) + 0.5)
  expect(b.y + b.height).toBeLessThanOrEqual(Math.min(vp.height, o.y + o.height) + 0.5)
  // Nothing cut inside the element itself (its text fits its box).
  const cut = await el.evaluate((n) => n.scrollWidth > n.clientWidth + 1)
  expect(cut, 'button text is not cut').toBe(false)
}

for (const size of WINDOW_SIZES) {
  for (const scheme of ['light', 'dark'] as const) {
    const tag = `${size.width}x${size.height}-${scheme}`
    describe(`Providers dialog, Novu reports other URLs, at ${tag}`, () => {
      let app: AppPage
      let novu: NovuFake
      let appId = ''
      const ids: Record<keyof typeof MINE, string> = { Development: '', Production: '' }
      const appName = `Notify ${tag}`
      beforeAll(async () => {
        novu = await startNovuFake()
        const a = await addApp(vault.core, appName)
        appId = a.id
        for (const name of ['Development', 'Production'] as const)
          ids[name] = (await addEnv(vault.core, a.id, name, { ...MINE[name] })).id
        app = await openApp(browser, server.url, vault, { colorScheme: scheme, viewport: size })
      })
      afterAll(async () => {
        await app?.close()
        await novu?.close()
      })

      const stored = async (name: keyof typeof MINE) => {
        const envs = await vault.core.listEnvironments({ appId })
        const e = envs.find((x) => x.id === ids[name])!
        return { apiUrl: e.apiUrl, wsUrl: e.wsUrl, region: e.region }
      }

      it('§18 shows yours and Novu’s, changes nothing; "Keep mine" keeps, "Use Novu’s" applies', async () => {
        const { page } = app
        const dialog = await openProvidersDialog(page, appId, appName)
        await dialog.getByRole('button', { name: 'Connect provider' }).click()
        await dialog.getByLabel('Provider', { exact: true }).selectOption('novu')
        await dialog.getByLabel('Region', { exact: true }).selectOption('self-hosted')
        await dialog.getByLabel(/API URL/).fill(novu.url)
        await dialog.getByLabel(/Secret key/).fill(novu.state.keyOf('Development'))
        await dialog.getByRole('button', { name: 'Connect and sync' }).click()
        await page.getByText(`Connected ${appName} to Novu`).waitFor({ timeout: 10_000 })

        // The prompt: one group per environment, yours beside Novu's; nothing changed yet.
        const prompt = dialog.getByTestId('env-changes')
        await prompt.waitFor()
        const dev = prompt.getByRole('group', { name: /Development/ })
        const prod = prompt.getByRole('group', { name: /Production/ })
        await dev.waitFor()
        await prod.waitFor()
        for (const [name, group] of [
          ['Development', dev],
          ['Production', prod],
        ] as const) {
          const text = (await group.textContent()) ?? ''
          expect(text).toContain(name)
          expect(text).toContain(MINE[name].apiUrl)
          expect(text).toContain(MINE[name].region)
          expect(text).toContain(novu.url)
          expect(text).toContain('self-hosted')
          // Novu reports no WebSocket URL for a self-hosted API: the socket setting is not a difference.
          expect(text).not.toContain('WebSocket')
          const apiRow = group.getByRole('row', { name: /API URL/ })
          await expect(apiRow.getByRole('cell').allTextContents()).resolves.toEqual([
            MINE[name].apiUrl,
            novu.url,
          ])
          await expect(
            group
              .getByRole('row', { name: /Region/ })
              .getByRole('cell')
              .allTextContents(),
          ).resolves.toEqual([MINE[name].region, 'self-hosted'])
        }
        await expect(stored('Development')).resolves.toEqual(MINE.Development)
        await expect(stored('Production')).resolves.toEqual(MINE.Production)

        // Every button visible, not clipped, at every size (the dialog scrolls; nothing is cut off).
        for (const group of [dev, prod])
          for (const label of ['Keep mine', 'Use Novu’s'])
            await fullyVisible(page, group.getByRole('button', { name: label }), dialog)
        await prompt.scrollIntoViewIfNeeded()
        // The "Connected" toast, shown while the dialog is open, covers none of the dialog's buttons.
        const toast = await page.getByText(`Connected ${appName} to Novu`).boundingBox()
        expect(toast, 'the toast is still shown').not.toBeNull()
        for (const button of await dialog.getByRole('button').all()) {
          const b = await button.boundingBox()
          if (!b) continue
          const apart =
            b.x >= toast!.x + toast!.width ||
            toast!.x >= b.x + b.width ||
            b.y >= toast!.y + toast!.height ||
            toast!.y >= b.y + b.height
          expect(apart, `the toast covers "${await button.textContent()}"`).toBe(true)
        }
        await screenshot(page, `providers-env-changes-${tag}`)
        const v1 = await axe(page)
        expect(v1, `axe with the prompt open (${tag}):\n${describeViolations(v1)}`).toEqual([])

        // Keep mine: nothing stored changes; focus moves on to the next question, not to the page.
        await dev.getByRole('button', { name: 'Keep mine' }).click()
        await dev.waitFor({ state: 'detached' })
        await expect(stored('Development')).resolves.toEqual(MINE.Development)
        await expect
          .poll(() =>
            inPage(
              page,
              "document.activeElement?.textContent + ' in ' + document.activeElement?.closest('[role=group]')?.querySelector('strong')?.textContent",
            ),
          )
          .toBe('Keep mine in Production')

        // Use Novu's, from the keyboard: the environment takes Novu's API URL and region; the socket URL Novu
        // did not report stays.
        await page.keyboard.press('Tab')
        await expect(inPage(page, 'document.activeElement?.textContent')).resolves.toBe('Use Novu’s')
        await screenshot(page, `providers-env-changes-kept-${tag}`)
        await page.keyboard.press('Enter')
        await prompt.waitFor({ state: 'detached' })
        await expect
          .poll(() => stored('Production'))
          .toEqual({ apiUrl: novu.url, wsUrl: MINE.Production.wsUrl, region: 'self-hosted' })
        await expect(stored('Development')).resolves.toEqual(MINE.Development)
        // The last answer: focus lands on the footer's Sync now, not on the page.
        await expect.poll(() => inPage(page, 'document.activeElement?.textContent')).toBe('Sync now')
        const v2 = await axe(page)
        expect(v2, `axe after answering (${tag}):\n${describeViolations(v2)}`).toEqual([])

        // Sync again: only the environment that kept its own settings is asked about again.
        await dialog.getByRole('button', { name: 'Sync now' }).click()
        await prompt.waitFor({ timeout: 10_000 })
        await expect(prompt.getByRole('group').count()).resolves.toBe(1)
        await expect(prompt.getByRole('group', { name: /Development/ }).count()).resolves.toBe(1)
        // Esc still closes the dialog with the prompt open, and closing answers nothing.
        await page.keyboard.press('Escape')
        await dialog.waitFor({ state: 'detached' })
        await expect(stored('Development')).resolves.toEqual(MINE.Development)
      }, 60_000)
    })
  }
}
