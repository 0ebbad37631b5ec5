/**
 * Issue 10 at the window sizes that matter: 900 x 600 (the window's minimum), 1280 x 800 and 1920 x 1080, in
 * light and dark, with axe on every screen and screenshots (out/screenshots, or KEYSHELF_SCREENSHOT_DIR).
 * One vault and one browser for the file; one page per size and scheme, walked through in order:
 * unlock (busy button), keys table (layout, sort, filter, badges, overlap, Ctrl+C, keyboard), Due view, lock
 * and unlock back to the same row.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  PASSWORD,
  RENDERER_DIR,
  axe,
  createVault,
  describeViolations,
  e2eUnavailable,
  inPage,
  launchBrowser,
  openApp,
  screenshot,
  serveStatic,
  textContrast,
  type AppPage,
  type Vault,
  WINDOW_SIZES,
} from './harness'
import { seedLayout, type LayoutIds } from './layout-seed'

let browser: Browser
let server: { url: string; close: () => Promise<void> }
let vault: Vault
let ids: LayoutIds

type Box = { left: number; right: number; top: number; bottom: number; width: number; height: number }

/** Boxes of everything matching `selector` (DOM expression evaluated in the page). */
const boxes = (page: Page, selector: string): Promise<Box[]> =>
  inPage<Box[]>(
    page,
    `[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height } })`,
  )

const overlaps = (a: Box, b: Box) =>
  a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5

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
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await vault?.cleanup()
})

for (const size of WINDOW_SIZES) {
  for (const scheme of ['light', 'dark'] as const) {
    const tag = `${size.width}x${size.height}-${scheme}`
    const narrow = size.width < 1100
    describe(`layout at ${tag}`, () => {
      let app: AppPage
      const noAxe = async (where: string) => {
        const v = await axe(app.page)
        expect(v, `axe on ${where} (${tag}):\n${describeViolations(v)}`).toEqual([])
      }
      const row = (text: string) => app.page.getByTestId('key-row').filter({ hasText: text })
      /** Scrolls the (virtualised) table until the row with `text` is rendered. */
      const reach = async (text: string) => {
        for (let i = 0; i < 30 && (await row(text).count()) === 0; i++) {
          await inPage(app.page, "document.querySelector('.main-scroll').scrollBy(0, 250)")
          await app.page.waitForTimeout(60)
        }
        return row(text)
      }
      const toTop = () => inPage(app.page, "document.querySelector('.main-scroll').scrollTop = 0")

      beforeAll(async () => {
        app = await openApp(browser, server.url, vault, { colorScheme: scheme, viewport: size })
      })
      afterAll(async () => {
        await app?.close()
        if ((await vault.core.status()).state === 'unlocked') await vault.core.lock()
      })

      it('§3 unlock: the busy button keeps its colour, shows a spinner and stays readable', async () => {
        const { page } = app
        await page.getByLabel('Master password').fill(PASSWORD)
        app.delays['unlock'] = 1200
        await page.getByRole('button', { name: 'Unlock' }).click()
        await page.getByRole('button', { name: 'Unlocking…' }).waitFor()
        expect(await page.locator('button[type="submit"] .spinner').count()).toBe(1)
        expect(await textContrast(page, 'button[type="submit"]')).toBeGreaterThanOrEqual(4.5)
        await screenshot(page, `unlocking-${tag}`)
        delete app.delays['unlock']
        await page.getByRole('navigation', { name: 'Apps' }).waitFor()
      })

      it('§1 §6 §15 the app page fits: tabs scroll with due counts, "+ Environment" and every Show/Copy visible', async () => {
        const { page } = app
        await page
          .getByRole('navigation', { name: 'Apps' })
          .getByRole('button', { name: /Acme Payments/ })
          .click()
        await page.getByTestId('key-row').first().waitFor()
        await page.mouse.move(0, 0)
        // No sideways scrolling of the page or the content pane.
        expect(await inPage(page, 'document.documentElement.scrollWidth <= window.innerWidth')).toBe(true)
        expect(
          await inPage(
            page,
            "(() => { const m = document.querySelector('.main-scroll'); return m.scrollWidth <= m.clientWidth })()",
          ),
        ).toBe(true)
        // Tabs: the list scrolls inside itself; "+ Environment" stays whole and inside the window.
        const add = (await page.getByRole('button', { name: 'Environment', exact: true }).boundingBox())!
        expect(add.x + add.width).toBeLessThanOrEqual(size.width)
        const tablist = (await boxes(page, '[role="tablist"]'))[0]!
        expect(tablist.right).toBeLessThanOrEqual(add.x + 0.5)
        // §6: the Production tab carries the same red/amber counts as the sidebar.
        const prod = page.getByRole('tab', { name: /^Production/ })
        await expect(prod.getByTestId('tab-overdue').textContent()).resolves.toBe('2 overdue or expired')
        await expect(prod.getByTestId('tab-due-soon').textContent()).resolves.toBe('2 due soon')
        // Show and Copy: inside the window and their cell, on top (clickable), for every rendered row.
        const rows = page.getByTestId('key-row')
        const n = await rows.count()
        expect(n).toBeGreaterThan(5)
        for (let i = 0; i < Math.min(n, 8); i++) {
          for (const name of [/^Show /, /^Copy /]) {
            const btn = rows.nth(i).getByRole('button', { name })
            if ((await btn.count()) === 0) continue
            const b = (await btn.boundingBox())!
            if (b.y + b.height > size.height) continue // below the fold
            expect(b.width).toBeGreaterThanOrEqual(24)
            expect(b.x + b.width).toBeLessThanOrEqual(size.width)
            const hit = await page.evaluate(
              ([x, y]) =>
                (
                  globalThis as unknown as {
                    document: {
                      elementFromPoint(x: number, y: number): { closest(s: string): unknown } | null
                    }
                  }
                ).document
                  .elementFromPoint(x!, y!)
                  ?.closest('button') !== null,
              [b.x + b.width / 2, b.y + b.height / 2],
            )
            expect(hit, `${String(name)} on row ${i} is covered`).toBe(true)
          }
        }
        // Column headers never overlap each other.
        const heads = await boxes(page, '.kgrid-head [role="columnheader"]')
        for (let i = 1; i < heads.length; i++) expect(overlaps(heads[i - 1]!, heads[i]!)).toBe(false)
        // Below ~1100 px the variable folds under the key name; above, it has its own column and is not cut.
        const mode = await page.locator('.keys-card').getAttribute('data-mode')
        expect(mode).toBe(narrow ? 'narrow' : 'wide')
        if (!narrow) {
          const cut = await inPage<string[]>(
            page,
            `[...document.querySelectorAll('.kcell-var .envvar-code')].filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent)`,
          )
          expect(cut).toEqual([])
        }
        // §15: at 1920 px the table uses the width.
        if (size.width === 1920) expect((await boxes(page, '.keys-card'))[0]!.width).toBeGreaterThan(1500)
        await noAxe('the app page')
        await screenshot(page, `keys-${tag}`)
      })

      it('§5 §7 §8 §9 urgency first in natural order, badges whole, no-rotation and added-N-days, overlap end', async () => {
        const { page } = app
        const names = () => page.locator('[data-testid="key-row"] .name').allTextContents()
        const first = await names()
        expect(first.slice(0, 4)).toEqual([
          'Card processor key 7',
          'Card processor key 67',
          'Merchant key 11',
          'Payout signing key',
        ])
        // §7: every status badge is whole inside its cell.
        const clipped = await inPage<string[]>(
          page,
          `[...document.querySelectorAll('.kcell-status .badge')].filter((b) => { const c = b.closest('.kcell').getBoundingClientRect(); const r = b.getBoundingClientRect(); return b.scrollWidth > b.clientWidth + 1 || r.right > c.right + 0.5 || r.left < c.left - 0.5 }).map((b) => b.textContent)`,
        )
        expect(clipped).toEqual([])
        await expect(
          row('ACME_CARD_PROCESSOR_SECRET_KEY_67').locator('[data-status]').textContent(),
        ).resolves.toBe('overdue 42 days')
        // §8: never-rotate is neutral; a new key says when it was added; the policy is in the tooltip.
        await expect(
          row('ACME_PAYOUT_SIGNING_KEY').locator('[data-status]').getAttribute('title'),
        ).resolves.toContain('Rotates every 90 days')
        const partner = (await reach('ACME_PARTNER_IDENTIFIER')).locator('[data-status]')
        await expect(partner.textContent()).resolves.toBe('no rotation')
        await expect(partner.getAttribute('data-tone')).resolves.toBe('neutral')
        await expect(partner.getAttribute('title')).resolves.toContain('Never rotates')
        await expect(
          row('ACME_FRAUD_SCORING_SERVICE_TOKEN').getByTestId('rotated').textContent(),
        ).resolves.toBe('added today')
        // §9: the old key of a rotation with an overlap is still valid: the row says until when.
        await reach(ids.overlapEnvVar)
        await screenshot(page, `keys-bottom-${tag}`)
        await expect(row(ids.overlapEnvVar).locator('.overlap-note').textContent()).resolves.toMatch(
          /^old key valid until /,
        )

        // §5: every header sorts; Key sorts naturally.
        await page.getByRole('button', { name: 'Key', exact: true }).click()
        await expect(
          page.locator('[role="columnheader"][aria-sort="ascending"]').textContent(),
        ).resolves.toBe('Key')
        const byName = await names()
        expect(byName.indexOf('Merchant key 2')).toBeLessThan(byName.indexOf('Merchant key 11'))
        await page.getByRole('button', { name: 'Key', exact: true }).click()
        await expect(
          page.locator('[role="columnheader"][aria-sort="descending"]').textContent(),
        ).resolves.toBe('Key')
        await page.getByRole('button', { name: 'Status', exact: true }).click()
        // §5: due only.
        await page.getByTestId('due-only').click()
        await expect.poll(() => page.getByTestId('key-row').count()).toBe(4)
        await expect(page.getByTestId('due-only').getAttribute('aria-pressed')).resolves.toBe('true')
        await screenshot(page, `keys-due-only-${tag}`)
        await page.getByTestId('due-only').click()
        // §5: the header stays in view while the table scrolls.
        await inPage(page, "document.querySelector('.main-scroll').scrollTop = 400")
        await page.waitForTimeout(100)
        const head = (await boxes(page, '.kgrid-head'))[0]!
        const pane = (await boxes(page, '.main-scroll'))[0]!
        expect(Math.abs(head.top - pane.top)).toBeLessThan(2)
        await screenshot(page, `keys-scrolled-${tag}`)
        await inPage(page, "document.querySelector('.main-scroll').scrollTop = 0")
      })

      it('§2 §14 Show or Copy selects its row; Ctrl+C copies the selected row; a shown value stays on one line', async () => {
        const { page } = app
        const first = await page.locator('[data-testid="key-row"] .name').first().textContent()
        const third = page.getByTestId('key-row').nth(2)
        const envVar = (await third.locator('.envvar-code').textContent())!
        await third.getByRole('button', { name: `Show ${envVar}` }).click()
        await expect.poll(() => third.getAttribute('aria-selected')).toBe('true')
        const shown = third.getByTestId('revealed-value')
        const value = (await shown.textContent())!
        expect(value).toMatch(/^sk_live_/)
        await page.keyboard.press('Control+C')
        await expect.poll(() => vault.clipboard.text).toBe(value)
        // One line (sideways scroll), digits and symbols set apart.
        const b = (await shown.boundingBox())!
        expect(b.height).toBeLessThanOrEqual(30)
        expect(await shown.locator('.ch-digit').count()).toBeGreaterThan(0)
        expect(await shown.locator('.ch-symbol').count()).toBeGreaterThan(0)
        await noAxe('the app page with a shown value')
        await screenshot(page, `keys-shown-${tag}`)
        await third.getByRole('button', { name: `Hide ${envVar}` }).click()
        // A long public value ends in an ellipsis with the whole value in its tooltip.
        const pub = (await reach('ACME_PARTNER_IDENTIFIER')).locator('.value.public')
        await expect(pub.getAttribute('title')).resolves.toBe('partner_7Hq2LmN4xY8Zb3Vc1Qe5Rt9Wu0Io6Pa2Sd4Fg')
        expect(
          await pub.evaluate(
            (e) =>
              (
                globalThis as unknown as { getComputedStyle(x: unknown): { textOverflow: string } }
              ).getComputedStyle(e).textOverflow,
          ),
        ).toBe('ellipsis')
        await toTop()
        // Copy on another row selects that row.
        await expect
          .poll(() => page.locator('[data-testid="key-row"] .name').first().textContent())
          .toBe(first)
        const envVar4 = 'ACME_PAYOUT_SIGNING_KEY'
        const fourth = row(envVar4)
        await fourth.getByRole('button', { name: `Copy ${envVar4}` }).click()
        await expect.poll(() => fourth.getAttribute('aria-selected')).toBe('true')
        await expect.poll(() => vault.clipboard.text).toContain(envVar4.toLowerCase())
        vault.clipboard.clearIfOurs()
      })

      it('§21 keyboard: skip link, one tab stop, Enter/C/R/E/Delete act on the focused row; Esc returns focus', async () => {
        const { page } = app
        // The skip link is the shell's first tab stop, visible when focused.
        await expect(
          inPage(page, "document.querySelector('.shell').firstElementChild.textContent"),
        ).resolves.toBe('Skip to keys')
        await page.locator('.skip-link').focus()
        expect((await page.locator('.skip-link').boundingBox())!.y).toBeGreaterThanOrEqual(0)
        await page.keyboard.press('Enter')
        await expect(inPage(page, "document.activeElement?.getAttribute('data-testid')")).resolves.toBe(
          'key-row',
        )
        // One tab stop: Tab from the table leaves it.
        const tabStops = await inPage<number>(
          page,
          `document.querySelectorAll('[role="grid"][tabindex="0"], [role="grid"] [role="row"][tabindex="0"], .kgrid-body button:not([tabindex="-1"])').length`,
        )
        expect(tabStops).toBe(1)
        await page.keyboard.press('ArrowDown')
        const focused = page.locator('[data-testid="key-row"]:focus')
        const name = await page
          .locator('[data-testid="key-row"][aria-selected="true"] .envvar-code')
          .textContent()
        await page.keyboard.press('Enter')
        await focused.getByTestId('revealed-value').waitFor()
        await page.keyboard.press('Enter')
        await focused.getByTestId('revealed-value').waitFor({ state: 'detached' })
        await page.keyboard.press('c')
        await expect.poll(() => vault.clipboard.text).toContain(name!.toLowerCase())
        await page.keyboard.press('r')
        const rotate = page.getByRole('dialog', { name: /^Rotate / })
        await rotate.waitFor()
        await noAxe('the rotate dialog')
        await page.keyboard.press('Escape')
        await rotate.waitFor({ state: 'detached' })
        await expect
          .poll(() => inPage(page, "document.activeElement?.getAttribute('data-testid')"))
          .toBe('key-row')
        await page.keyboard.press('e')
        const edit = page.getByRole('dialog', { name: /^Edit / })
        await edit.waitFor()
        await screenshot(page, `dialog-edit-key-${tag}`)
        await page.keyboard.press('Escape')
        await edit.waitFor({ state: 'detached' })
        // Focus comes back to the row (as after Rotate) before Delete is pressed: a keypress that lands while
        // the dialog is still handing focus back goes to the page, not the row (a fresh-clone CI run flaked).
        await expect
          .poll(() => inPage(page, "document.activeElement?.getAttribute('data-testid')"))
          .toBe('key-row')
        await page.keyboard.press('Delete')
        const confirm = page.getByRole('alertdialog', { name: /^Delete / })
        await confirm.waitFor()
        await confirm.getByRole('button', { name: 'Cancel' }).click()
        await confirm.waitFor({ state: 'detached' })
        vault.clipboard.clearIfOurs()
      })

      it('§16 Add key shows the essentials; the rest is behind More details; Never rotate hides the interval', async () => {
        const { page } = app
        await page.getByRole('button', { name: 'Add key' }).first().click()
        const dialog = page.getByRole('dialog', { name: /Add a key/ })
        await dialog.waitFor()
        expect(await dialog.getByLabel('Owner').isVisible()).toBe(false)
        await dialog.getByLabel(/Never rotate/).check()
        expect(await dialog.getByLabel('Rotate every (days)').count()).toBe(0)
        await dialog.getByLabel(/Never rotate/).uncheck()
        await dialog.getByLabel('Rotate every (days)').waitFor()
        await noAxe('the add-key dialog')
        await screenshot(page, `dialog-add-key-${tag}`)
        await dialog.getByRole('button', { name: /More details/ }).click()
        await dialog.getByLabel('Owner').waitFor()
        await page.keyboard.press('Escape')
        await dialog.waitFor({ state: 'detached' })
      })

      it('§9 §10 Due view: grouped by status and app, filterable, fits the window', async () => {
        const { page } = app
        await page.getByRole('button', { name: /Due for rotation/ }).click()
        await page.getByTestId('due-row').first().waitFor()
        await expect(page.getByTestId('due-group').allTextContents()).resolves.toEqual([
          'Overdue3',
          'Expired1',
          'Due soon3',
        ])
        expect(
          await inPage(
            page,
            "(() => { const m = document.querySelector('.main-scroll'); return m.scrollWidth <= m.clientWidth })()",
          ),
        ).toBe(true)
        // Nothing in a due row overlaps anything else in it.
        const rowBoxes = await inPage<Box[][]>(
          page,
          `[...document.querySelectorAll('[data-testid="due-row"]')].map((r) => [...r.children].map((c) => { const b = c.getBoundingClientRect(); return { left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width, height: b.height } }).filter((b) => b.width > 0))`,
        )
        for (const cells of rowBoxes)
          for (let i = 1; i < cells.length; i++) expect(overlaps(cells[i - 1]!, cells[i]!)).toBe(false)
        await noAxe('the Due view')
        await page.mouse.move(0, 0)
        await screenshot(page, `due-${tag}`)
        await page.getByTestId('due-filter').fill('acme')
        await expect.poll(() => page.getByTestId('due-row').count()).toBe(4)
        await expect(page.getByTestId('due-app').allTextContents()).resolves.toEqual(
          expect.arrayContaining([expect.stringMatching(/^Acme Payments/)]),
        )
        await page.getByTestId('due-filter').fill('')
      })

      it('§13 after a lock, unlock comes back to the same app, environment and key, focused', async () => {
        const { page } = app
        await page
          .getByRole('navigation', { name: 'Apps' })
          .getByRole('button', { name: /Acme Payments/ })
          .click()
        const target = page.getByTestId('key-row').nth(4)
        await target.click()
        const fieldId = await target.getAttribute('data-field-id')
        await page.keyboard.press('Control+L')
        await page.getByRole('heading', { name: 'Unlock your vault' }).waitFor()
        await noAxe('the unlock screen')
        await page.getByLabel('Master password').fill(PASSWORD)
        await page.getByRole('button', { name: 'Unlock' }).click()
        await page.getByRole('heading', { name: 'Acme Payments', level: 1 }).waitFor()
        await expect
          .poll(() => inPage(page, "document.activeElement?.getAttribute('data-field-id')"))
          .toBe(fieldId)
        expect(app.errors.filter((e) => !e.includes("style-src 'self'"))).toEqual([])
      })
    })
  }
}
