/**
 * Issue 10 at the window sizes that matter: 900 x 600 (the window's minimum), 1280 x 800 and 1920 x 1080, in
 * light and dark. One vault and one browser for the file; a fresh page (context) per size and scheme.
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
  screenshot,
  serveStatic,
  type AppPage,
  type Vault,
} from './harness'
import { seedLayout, type LayoutIds } from './layout-seed'

let browser: Browser
let server: { url: string; close: () => Promise<void> }
let vault: Vault
let ids: LayoutIds

const SIZES = [
  { width: 900, height: 600 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const

beforeAll(async () => {
  const why = e2eUnavailable()
  if (why) throw new Error(why)
  ;[browser, server, vault] = await Promise.all([
    launchBrowser(),
    serveStatic(RENDERER_DIR),
    createVault({ state: 'unlocked', prefs: { remaskSeconds: 30 } }),
  ])
  ids = await seedLayout(vault)
  await vault.core.lock()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await vault?.cleanup()
})

for (const size of SIZES) {
  for (const scheme of ['light', 'dark'] as const) {
    const tag = `${size.width}x${size.height}-${scheme}`
    describe(`layout at ${tag}`, () => {
      let app: AppPage
      const noAxe = async (where: string) => {
        const v = await axe(app.page)
        expect(v, `axe on ${where} (${tag}):\n${describeViolations(v)}`).toEqual([])
      }
      beforeAll(async () => {
        app = await openApp(browser, server.url, vault, { colorScheme: scheme, viewport: size })
        const { page } = app
        await page.getByLabel('Master password').fill(PASSWORD)
        await page.getByRole('button', { name: 'Unlock' }).click()
        await page.getByRole('navigation', { name: 'Apps' }).waitFor()
      })
      afterAll(async () => {
        await app?.close()
        await vault.core.lock()
      })

      it('keys table', async () => {
        const { page } = app
        await page
          .getByRole('navigation', { name: 'Apps' })
          .getByRole('button', { name: /Acme Payments/ })
          .click()
        await page.getByTestId('key-row').first().waitFor()
        await page.mouse.move(0, 0)
        await screenshot(page, `layout-keys-${tag}`)
        await noAxe('keys')
        expect(ids.acme).toBeTruthy()
      })
    })
  }
}
