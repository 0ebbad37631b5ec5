/**
 * Issue 10 §20 in real Chromium: deleting an app or environment moves it to the Trash (the confirmation
 * says so, a toast offers Undo), the sidebar's Trash entry counts it, the Trash view shows what each item
 * holds and when it goes, Restore brings the keys back, Delete forever and Empty Trash are confirmed.
 * At 900 x 600, 1280 x 800 and 1920 x 1080, light and dark, axe on every screen, screenshots in
 * out/screenshots (trash-*).
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  RENDERER_DIR,
  addApp,
  addEnv,
  axe,
  createVault,
  credential,
  describeViolations,
  e2eUnavailable,
  inPage,
  launchBrowser,
  openApp,
  screenshot,
  serveStatic,
  type AppPage,
  type Vault,
  WINDOW_SIZES,
} from './harness'

const DAY = 86_400_000

let browser: Browser
let server: { url: string; close: () => Promise<void> }

beforeAll(async () => {
  const why = e2eUnavailable()
  if (why) throw new Error(why)
  ;[browser, server] = await Promise.all([launchBrowser(), serveStatic(RENDERER_DIR)])
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** Shop (Production: 2 keys, Staging: 1 key), Blog (Production: 1 key, deleted 12 days ago). */
async function seed(v: Vault) {
  const shop = await addApp(v.core, 'Shop')
  const prod = await addEnv(v.core, shop.id, 'Production')
  const staging = await addEnv(v.core, shop.id, 'Staging')
  await v.core.createCredential(
    credential(prod.id, {
      name: 'Stripe secret',
      fields: [{ label: '', envVar: 'STRIPE_SECRET_KEY', kind: 'secret', value: 'sk_live_0123456789abcdef' }],
    }),
  )
  await v.core.createCredential(
    credential(prod.id, {
      name: 'Database URL',
      fields: [{ label: '', envVar: 'DATABASE_URL', kind: 'secret', value: 'postgres://prod/db' }],
    }),
  )
  await v.core.createCredential(
    credential(staging.id, {
      name: 'Stripe test',
      fields: [{ label: '', envVar: 'STRIPE_SECRET_KEY', kind: 'secret', value: 'sk_test_0123456789abcdef' }],
    }),
  )
  const blog = await addApp(v.core, 'Blog')
  const blogProd = await addEnv(v.core, blog.id, 'Production')
  await v.core.createCredential(credential(blogProd.id, { name: 'CMS token' }))
  v.clock.offset = -12 * DAY
  await v.core.deleteApp({ id: blog.id })
  v.clock.offset = 0
  return { shop, prod, staging, blog }
}

for (const size of WINDOW_SIZES) {
  for (const scheme of ['light', 'dark'] as const) {
    const tag = `${size.width}x${size.height}-${scheme}`
    describe(`the Trash at ${tag}`, () => {
      let vault: Vault
      let app: AppPage
      const noAxe = async (where: string) => {
        const v = await axe(app.page)
        expect(v, `axe on ${where} (${tag}):\n${describeViolations(v)}`).toEqual([])
      }
      const sidebarTrash = () => app.page.getByTestId('nav-trash')
      const noSideScroll = async () => {
        expect(await inPage(app.page, 'document.documentElement.scrollWidth <= window.innerWidth')).toBe(true)
        expect(
          await inPage(
            app.page,
            "(() => { const m = document.querySelector('.main-scroll'); return m.scrollWidth <= m.clientWidth })()",
          ),
        ).toBe(true)
      }

      beforeAll(async () => {
        vault = await createVault({ state: 'unlocked' })
        await seed(vault)
        app = await openApp(browser, server.url, vault, { colorScheme: scheme, viewport: size })
        await app.page.getByRole('navigation', { name: 'Apps' }).waitFor()
      }, 60_000)
      afterAll(async () => {
        await app?.close()
        await vault?.cleanup()
      })

      it('deleting an environment and then its app: the confirmations say Trash and 30 days; Undo is offered', async () => {
        const { page } = app
        await expect.poll(() => sidebarTrash().getByTestId('trash-count').textContent()).toBe('1 item')
        await page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: /Shop/ }).click()
        await page.getByRole('tab', { name: /^Staging/ }).click()
        // The environment's buttons name it.
        await page.getByRole('button', { name: 'Edit environment Staging' }).waitFor()
        await page.getByRole('button', { name: 'Delete environment Staging' }).click()
        const confirmEnv = page.getByRole('alertdialog', { name: 'Delete environment “Staging”?' })
        await expect(confirmEnv.textContent()).resolves.toContain(
          'Staging moves to the Trash with its 1 key and their history. You can restore it from the Trash for 30 days.',
        )
        await noAxe('the delete-environment confirmation')
        await screenshot(page, `trash-confirm-env-${tag}`)
        await confirmEnv.getByRole('button', { name: 'Move to Trash' }).click()
        await page.getByText('Moved “Staging” to the Trash.').waitFor()
        await page.getByRole('button', { name: 'Undo' }).waitFor()
        await screenshot(page, `trash-undo-toast-${tag}`)
        await expect.poll(() => sidebarTrash().getByTestId('trash-count').textContent()).toBe('2 items')
        await expect.poll(() => page.getByRole('tab').count()).toBe(1)

        await page.getByRole('button', { name: 'Delete app Shop' }).click()
        const confirmApp = page.getByRole('alertdialog', { name: 'Delete “Shop”?' })
        await expect(confirmApp.textContent()).resolves.toContain(
          'You can restore it from the Trash for 30 days.',
        )
        await confirmApp.getByRole('button', { name: 'Move to Trash' }).click()
        await page.getByText('Moved “Shop” to the Trash.').waitFor()
        await expect.poll(() => sidebarTrash().getByTestId('trash-count').textContent()).toBe('3 items')
        await expect
          .poll(() => page.getByRole('navigation', { name: 'Apps' }).getByRole('button').count())
          .toBe(0)
        expect((await vault.core.listCredentials({})).length).toBe(0)
      })

      it('the Trash view: what each item holds, when it was deleted and when it goes; keyboard reachable', async () => {
        const { page } = app
        // Keyboard: focus the sidebar entry and press Enter.
        await sidebarTrash().focus()
        await page.keyboard.press('Enter')
        await page.getByRole('heading', { level: 1, name: 'Trash' }).waitFor()
        const items = page.getByTestId('trash-item')
        await expect.poll(() => items.count()).toBe(3)
        const shop = items.filter({ has: page.getByRole('heading', { name: /^Shop/ }) })
        await expect
          .poll(() => shop.textContent())
          .toMatch(/1 environment · 2 keys.*Deleted today.*removed in 30 days/)
        const blog = items.filter({ has: page.getByRole('heading', { name: /^Blog/ }) })
        await expect(blog.textContent()).resolves.toMatch(/Deleted 12 days ago.*removed in 18 days/)
        const staging = items.filter({ has: page.getByRole('heading', { name: /^Staging/ }) })
        await expect(staging.textContent()).resolves.toContain(
          'Its app “Shop” is in the Trash too: restore the app first.',
        )
        expect(await staging.getByRole('button', { name: /^Restore/ }).count()).toBe(0)
        await noSideScroll()
        // Every button is inside the window and not covered.
        for (const b of await page.locator('.trash-actions button').all()) {
          const box = (await b.boundingBox())!
          expect(box.x + box.width, `${tag}`).toBeLessThanOrEqual(size.width)
          expect(box.width).toBeGreaterThan(40)
        }
        await noAxe('the Trash view')
        await screenshot(page, `trash-view-${tag}`)
      })

      it('restore (keyboard) brings the app, its environment and its keys back', async () => {
        const { page } = app
        const restoreShop = page.getByRole('button', { name: 'Restore Shop', exact: true })
        await restoreShop.focus()
        await page.keyboard.press('Enter')
        await page.getByText(/Restored “Shop” with 1 environment and 2 keys\./).waitFor()
        await page.getByRole('button', { name: 'Restore Staging in Shop' }).click()
        await page.getByText(/Restored “Staging in Shop” with 1 key\./).waitFor()
        await expect.poll(() => page.getByTestId('trash-item').count()).toBe(1)
        await expect.poll(() => sidebarTrash().getByTestId('trash-count').textContent()).toBe('1 item')
        await page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: /Shop/ }).click()
        await page.getByRole('tab', { name: /^Production/ }).waitFor()
        await page.getByTestId('key-row').filter({ hasText: 'Stripe secret' }).waitFor()
        await page.getByTestId('key-row').filter({ hasText: 'Database URL' }).waitFor()
        await page.getByRole('tab', { name: /^Staging/ }).click()
        await page.getByTestId('key-row').filter({ hasText: 'Stripe test' }).waitFor()
        const reveal = await vault.core.reveal({
          fieldId: (await vault.core.listCredentials({})).find((c) => c.name === 'Stripe test')!.fields[0]!
            .id,
        })
        expect(reveal.value).toBe('sk_test_0123456789abcdef')
        await screenshot(page, `trash-restored-${tag}`)
      })

      it('Undo on the toast restores at once; a taken name asks for another one', async () => {
        const { page } = app
        await page.getByRole('button', { name: 'Delete environment Staging' }).click()
        await page.getByRole('alertdialog').getByRole('button', { name: 'Move to Trash' }).click()
        await page.getByRole('button', { name: 'Undo' }).click()
        await page.getByRole('tab', { name: /^Staging/ }).waitFor()
        await expect.poll(() => sidebarTrash().getByTestId('trash-count').textContent()).toBe('1 item')

        // Blog's name is taken now: the Trash asks for another name.
        await addApp(vault.core, 'blog')
        await sidebarTrash().click()
        await page.getByRole('button', { name: 'Restore Blog', exact: true }).click()
        const ask = page.getByRole('dialog', { name: 'Restore “Blog” under another name' })
        await expect(ask.textContent()).resolves.toContain('An app named "Blog" already exists')
        await expect(ask.getByLabel('App name').inputValue()).resolves.toBe('Blog (restored)')
        await noAxe('the restore-under-another-name dialog')
        await screenshot(page, `trash-restore-as-${tag}`)
        await ask.getByRole('button', { name: 'Restore' }).click()
        await page.getByText(/Restored “Blog \(restored\)”/).waitFor()
        expect((await vault.core.listApps()).map((a) => a.name)).toEqual(['blog', 'Blog (restored)', 'Shop'])
      })

      it('Delete forever and Empty Trash are confirmed; the empty Trash says what it is for', async () => {
        const { page } = app
        await vault.core.deleteApp({ id: (await vault.core.listApps()).find((a) => a.name === 'blog')!.id })
        const staging = (await vault.core.searchIndex()).environments.find((e) => e.name === 'Staging')!
        await vault.core.deleteEnvironment({ id: staging.id })
        await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /Due/ }).click()
        await sidebarTrash().click()
        await expect.poll(() => page.getByTestId('trash-item').count()).toBe(2)

        await page.getByRole('button', { name: 'Delete forever blog' }).click()
        const forever = page.getByRole('alertdialog', { name: 'Delete “blog” forever?' })
        await expect(forever.textContent()).resolves.toContain('It cannot be undone.')
        await forever.getByRole('button', { name: 'Delete forever' }).click()
        await expect.poll(() => page.getByTestId('trash-item').count()).toBe(1)

        await page.getByRole('button', { name: 'Empty Trash' }).click()
        const empty = page.getByRole('alertdialog', { name: 'Empty the Trash?' })
        await expect(empty.textContent()).resolves.toContain(
          'This deletes 1 item with 1 key and their history for good.',
        )
        await noAxe('the Empty Trash confirmation')
        await screenshot(page, `trash-empty-confirm-${tag}`)
        await empty.getByRole('button', { name: 'Empty Trash' }).click()
        await page.getByRole('heading', { name: 'The Trash is empty' }).waitFor()
        await expect(page.locator('.empty').textContent()).resolves.toContain(
          'When you delete an app or an environment, it comes here with all its keys and history, so you can restore it for 30 days.',
        )
        await expect.poll(() => sidebarTrash().getByTestId('trash-count').count()).toBe(0)
        expect(await vault.core.listTrash()).toEqual([])
        await noAxe('the empty Trash')
        await screenshot(page, `trash-empty-${tag}`)
        // Radix's scroll lock injects a <style> the strict CSP blocks on purpose (see vault-flows.e2e.test.ts).
        expect(app.errors.filter((e) => !e.includes("style-src 'self'"))).toEqual([])
      })
    })
  }
}
