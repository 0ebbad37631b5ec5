/**
 * Issue 10 §18, the Providers dialog at every window size in both themes, against the Cloudflare loopback
 * fake: one set of buttons while connecting, one error prefix when the provider refuses the key,
 * "Connected <app> to Cloudflare", and synced keys showing their provider. (That connecting never rewrites
 * an environment's URL or region without asking is tested in core: test/unit/sync/connect-asks.test.ts.)
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCloudflareFake, type CloudflareFake } from '../fakes/cloudflare.fake'
import {
  RENDERER_DIR,
  addApp,
  addEnv,
  axe,
  createVault,
  describeViolations,
  e2eUnavailable,
  launchBrowser,
  openApp,
  openProvidersDialog,
  screenshot,
  serveStatic,
  type AppPage,
  type Vault,
  WINDOW_SIZES,
} from './harness'

let browser: Browser
let server: { url: string; close: () => Promise<void> }
let vault: Vault
let cf: CloudflareFake

beforeAll(async () => {
  const why = e2eUnavailable()
  if (why) throw new Error(why)
  ;[browser, server, cf] = await Promise.all([
    launchBrowser(),
    serveStatic(RENDERER_DIR),
    startCloudflareFake({ tokens: 2 }),
  ])
  vault = await createVault({ state: 'unlocked' })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await cf?.close()
  await vault?.cleanup()
})

for (const size of WINDOW_SIZES) {
  for (const scheme of ['light', 'dark'] as const) {
    const tag = `${size.width}x${size.height}-${scheme}`
    describe(`Providers dialog at ${tag}`, () => {
      let app: AppPage
      let appId = ''
      const appName = `Shop ${tag}`
      beforeAll(async () => {
        const a = await addApp(vault.core, appName)
        appId = a.id
        await addEnv(vault.core, a.id, 'Production')
        app = await openApp(browser, server.url, vault, { colorScheme: scheme, viewport: size })
      })
      afterAll(async () => {
        await app?.close()
      })

      it('§18 one set of buttons, one error prefix, "Connected … to Cloudflare", synced keys show their provider', async () => {
        const { page } = app
        const dialog = await openProvidersDialog(page, appId, appName)
        await dialog.getByRole('button', { name: 'Connect provider' }).click()
        await dialog.getByLabel('Provider', { exact: true }).selectOption('cloudflare')
        await dialog.getByLabel(/Environment/).fill('Production')
        await dialog.getByLabel(/API URL/).fill(cf.url)

        // One set of buttons: the form's own buttons are the dialog's footer.
        await expect(dialog.locator('.dialog-footer').count()).resolves.toBe(1)
        await expect(dialog.getByRole('button', { name: 'Connect and sync' }).count()).resolves.toBe(1)
        await expect(dialog.getByRole('button', { name: 'Cancel', exact: true }).count()).resolves.toBe(1)

        // A key Cloudflare refuses: one sentence, the provider named once, nothing stored.
        await dialog.getByLabel(/API token/).fill('not-a-cloudflare-token-000000000000000000')
        await dialog.getByRole('button', { name: 'Connect and sync' }).click()
        const error = dialog.locator('.form-error, .field-error').first()
        await error.waitFor({ timeout: 10_000 })
        const text = (await error.textContent()) ?? ''
        expect(text).toMatch(/^Cloudflare did not accept the API token: it was rolled/)
        expect(text).not.toMatch(/did not accept the [^:]*: \w+ rejected/) // one prefix
        expect(text.match(/Nothing was/g)).toHaveLength(1)
        expect(await vault.core.listConnections({ appId })).toEqual([])
        await screenshot(page, `providers-refused-${tag}`)
        const v1 = await axe(page)
        expect(v1, `axe on the refused connect form (${tag}):\n${describeViolations(v1)}`).toEqual([])

        await dialog.getByLabel(/API token/).fill(cf.state.secretOf(cf.state.adminId))
        await dialog.getByRole('button', { name: 'Connect and sync' }).click()
        await page.getByText(`Connected ${appName} to Cloudflare`).waitFor({ timeout: 10_000 })
        await expect
          .poll(() => dialog.getByTestId('sync-result').first().textContent(), { timeout: 10_000 })
          .toContain('added')
        await expect(dialog.locator('.dialog-footer').count()).resolves.toBe(1)
        await screenshot(page, `providers-connected-${tag}`)
        const v2 = await axe(page)
        expect(v2, `axe on the connected dialog (${tag}):\n${describeViolations(v2)}`).toEqual([])
        await page.keyboard.press('Escape')
        await dialog.waitFor({ state: 'detached' })

        // Synced keys show their provider on the row.
        await expect
          .poll(() => page.getByTestId('provider-badge').count(), { timeout: 10_000 })
          .toBeGreaterThan(0)
        await expect(page.getByTestId('provider-badge').first().textContent()).resolves.toBe('Cloudflare')
        await screenshot(page, `providers-synced-${tag}`)
      }, 60_000)
    })
  }
}
