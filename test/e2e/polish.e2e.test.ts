/**
 * Issue 10, items 14-17, 19 and 22 at 900 x 600, 1280 x 800 and 1920 x 1080, light and dark, with axe on
 * every state and screenshots (out/screenshots): env-var names never cut (§15), large type and masked
 * previews (§14), dialog chrome that shows a divider only while the body scrolls (§16), export refusals in
 * full sentences with the line marked and a Copy button per profile (§17), the import file chooser, masked
 * paste and marked error lines (§19), and the empty home and a scrolling search palette (§22).
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
  inPage,
  launchBrowser,
  openApp,
  outerHTML,
  screenshot,
  serveStatic,
  type AppPage,
  type Vault,
  WINDOW_SIZES,
} from './harness'
import { seedLayout } from './layout-seed'

const KEY_LIKE = 'sk_live_51Hq2LmN4xY8Zb3Vc1Qe5Rt9W'
const PASSWORD_VALUE = 'correct horse! battery 42'
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----'
const PASTED_SECRET = 'sk_live_pasted_Zq81xW0verylongsecret'

let browser: Browser
let server: { url: string; close: () => Promise<void> }
let vault: Vault
let empty: Vault

beforeAll(async () => {
  const why = e2eUnavailable()
  if (why) throw new Error(why)
  ;[browser, server, vault, empty] = await Promise.all([
    launchBrowser(),
    serveStatic(RENDERER_DIR),
    createVault({ state: 'unlocked', prefs: { remaskSeconds: 60 } }),
    createVault({ state: 'locked' }),
  ])
  await seedLayout(vault)
  const app = await addApp(vault.core, 'Polish checks')
  const env = await addEnv(vault.core, app.id, 'Production')
  const add = (name: string, envVar: string, value: string) =>
    vault.core.createCredential(
      credential(env.id, { name, fields: [{ label: '', envVar, kind: 'secret', value }] }),
    )
  await add('Key-like', 'POLISH_KEY_LIKE', KEY_LIKE)
  await add('Password', 'POLISH_PASSWORD', PASSWORD_VALUE)
  await add('Certificate', 'POLISH_CERT_PEM', PEM)
  await vault.core.lock()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await vault?.cleanup()
  await empty?.cleanup()
})

const computed = (page: Page, selector: string, prop: string) =>
  inPage<string>(page, `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).${prop}`)

for (const size of WINDOW_SIZES) {
  for (const scheme of ['light', 'dark'] as const) {
    const tag = `${size.width}x${size.height}-${scheme}`
    describe(`polish at ${tag}`, () => {
      let app: AppPage
      const noAxe = async (where: string, page = app.page) => {
        const v = await axe(page)
        expect(v, `axe on ${where} (${tag}):\n${describeViolations(v)}`).toEqual([])
      }
      const openSidebarApp = async (name: string) => {
        await app.page
          .getByRole('navigation', { name: 'Apps' })
          .getByRole('button', { name: new RegExp(name) })
          .click()
        await app.page.getByRole('heading', { name, level: 1 }).waitFor()
        await app.page.getByTestId('key-row').first().waitFor()
      }
      const row = (envVar: string) => app.page.getByTestId('key-row').filter({ hasText: envVar })

      beforeAll(async () => {
        app = await openApp(browser, server.url, vault, { colorScheme: scheme, viewport: size })
        await app.page.getByLabel('Master password').fill(PASSWORD)
        await app.page.getByRole('button', { name: 'Unlock' }).click()
        await app.page.getByRole('navigation', { name: 'Apps' }).waitFor()
      })
      afterAll(async () => {
        await app?.close()
        if ((await vault.core.status()).state === 'unlocked') await vault.core.lock()
      })

      it('§15 env-var names are whole (wrapping after _ when narrow), rows never overlap', async () => {
        const { page } = app
        await openSidebarApp('Acme Payments')
        await page.mouse.move(0, 0)
        const cut = await inPage<string[]>(
          page,
          `[...document.querySelectorAll('[data-testid="key-row"] .envvar-code')].filter((c) => {
            const cell = c.closest('.kcell').getBoundingClientRect()
            const rects = [...c.getClientRects()]
            const outside = rects.some((r) => r.right > cell.right + 0.5 || r.left < cell.left - 0.5)
            const clipped = getComputedStyle(c).display === 'block' && c.scrollWidth > c.clientWidth + 1
            return outside || clipped || c.textContent.includes('…')
          }).map((c) => c.textContent)`,
        )
        expect(cut).toEqual([])
        const long = row('ACME_CARD_PROCESSOR_SECRET_KEY_67').locator('.envvar-code')
        await expect(long.textContent()).resolves.toBe('ACME_CARD_PROCESSOR_SECRET_KEY_67')
        // Rows are as tall as what they hold: none overlaps the next.
        const tops = await inPage<{ top: number; bottom: number }[]>(
          page,
          `[...document.querySelectorAll('[data-testid="key-row"]')].map((r) => r.getBoundingClientRect()).sort((a, b) => a.top - b.top).map((r) => ({ top: r.top, bottom: r.bottom }))`,
        )
        for (let i = 1; i < tops.length; i++)
          expect(tops[i]!.top).toBeGreaterThanOrEqual(tops[i - 1]!.bottom - 1)
        if (size.width === 1920) {
          const card = await inPage<number>(
            page,
            "document.querySelector('.keys-card').getBoundingClientRect().width",
          )
          expect(card).toBeGreaterThan(1500)
        }
        await noAxe('the keys table')
        await screenshot(page, `polish-envvars-${tag}`)
      })

      it('§14 large type: one cell per character with its position, classes coloured apart, Esc closes', async () => {
        const { page } = app
        const envVar = 'ACME_CARD_PROCESSOR_SECRET_KEY_7'
        const value = `sk_live_${envVar.toLowerCase()}_0123456789abcdef`
        const r = row(envVar)
        await r.getByRole('button', { name: `Show ${envVar}` }).click()
        await r.getByTestId('revealed-value').waitFor()
        // The shown value stays on one line and scrolls sideways.
        const shown = (await r.getByTestId('revealed-value').boundingBox())!
        expect(shown.height).toBeLessThanOrEqual(30)
        // Even at 900 px the shown value gets room for a few characters (the name wraps instead).
        expect(shown.width).toBeGreaterThanOrEqual(40)
        await page.mouse.move(0, 0)
        await screenshot(page, `polish-shown-${tag}`)
        expect(await computed(page, '[data-testid="revealed-value"]', 'overflowX')).toMatch(/auto|scroll/)
        await r.getByRole('button', { name: `Large type ${envVar}` }).click()
        const dialog = page.getByRole('dialog', { name: `${envVar} in large type` })
        await dialog.waitFor()
        const cells = dialog.getByTestId('large-type').locator('li')
        await expect(cells.count()).resolves.toBe(value.length)
        await expect(cells.nth(0).locator('.lt-char').textContent()).resolves.toBe('s')
        await expect(cells.nth(0).locator('.lt-index').textContent()).resolves.toBe('1')
        await expect(
          cells
            .nth(value.length - 1)
            .locator('.lt-index')
            .textContent(),
        ).resolves.toBe(String(value.length))
        await expect(dialog.locator('li.lt-digit').count()).resolves.toBe(value.replace(/\D/g, '').length)
        await expect(dialog.locator('li.lt-symbol').count()).resolves.toBe(
          value.replace(/[A-Za-z0-9]/g, '').length,
        )
        const [digit, letter, symbol] = await Promise.all(
          ['li.lt-digit .lt-char', 'li.lt-letter .lt-char', 'li.lt-symbol .lt-char'].map((s) =>
            computed(page, `[role="dialog"] ${s}`, 'color'),
          ),
        )
        expect(new Set([digit, letter, symbol]).size).toBe(3)
        await noAxe('the large type dialog')
        await screenshot(page, `large-type-${tag}`)
        await page.keyboard.press('Escape')
        await dialog.waitFor({ state: 'detached' })
        // L on the selected row opens it too (revealing first when hidden).
        await r.getByRole('button', { name: `Hide ${envVar}` }).click()
        await r.getByTestId('revealed-value').waitFor({ state: 'detached' })
        await r.locator('.name').click()
        await page.keyboard.press('l')
        await dialog.waitFor()
        await expect(cells.count()).resolves.toBe(value.length)
        await page.keyboard.press('Escape')
        await dialog.waitFor({ state: 'detached' })
        await r.getByRole('button', { name: `Hide ${envVar}` }).click()
        expect(await outerHTML(page)).not.toContain(value)
      })

      it('§14 masked previews show the last 4 only for key-like values, not passwords or PEM blocks', async () => {
        await openSidebarApp('Polish checks')
        await expect(row('POLISH_KEY_LIKE').locator('.last4').textContent()).resolves.toBe(KEY_LIKE.slice(-4))
        await expect(row('POLISH_PASSWORD').locator('.last4').count()).resolves.toBe(0)
        await expect(row('POLISH_CERT_PEM').locator('.last4').count()).resolves.toBe(0)
        const html = await outerHTML(app.page)
        expect(html).not.toContain('y 42')
        expect(html).not.toContain('----')
      })

      it('§16 dialogs: header and footer stay put, with a divider only while the body scrolls under them', async () => {
        const { page } = app
        await page.getByRole('button', { name: 'Add key' }).first().click()
        const dialog = page.getByRole('dialog', { name: /Add a key/ })
        await dialog.waitFor()
        await inPage(page, "document.querySelector('.dialog .dialog-body').scrollTop = 0")
        const state = () =>
          inPage<{ top: boolean; bottom: boolean; overflow: boolean; header: string; footer: string }>(
            page,
            `(() => { const d = document.querySelector('.dialog'); const b = d.querySelector('.dialog-body');
              return { top: d.hasAttribute('data-scrolled-top'), bottom: d.hasAttribute('data-scrolled-bottom'),
                overflow: b.scrollHeight > b.clientHeight + 1,
                header: getComputedStyle(d.querySelector('.dialog-header')).borderBottomColor,
                footer: getComputedStyle(d.querySelector('.dialog-footer')).borderTopColor } })()`,
          )
        await expect.poll(async () => (await state()).top).toBe(false)
        let s = await state()
        expect(s.header).toBe('rgba(0, 0, 0, 0)')
        expect(s.bottom).toBe(s.overflow)
        if (s.overflow) expect(s.footer).not.toBe('rgba(0, 0, 0, 0)')
        else expect(s.footer).toBe('rgba(0, 0, 0, 0)')
        await screenshot(page, `dialog-add-key-top-${tag}`)
        // Open "More details" so the body is long at every size, then scroll it.
        await dialog.getByRole('button', { name: /More details/ }).click()
        await dialog.getByLabel('Owner').waitFor()
        await inPage(page, "document.querySelector('.dialog .dialog-body').scrollTop = 90")
        await expect.poll(async () => (await state()).top).toBe(true)
        s = await state()
        expect(s.header).not.toBe('rgba(0, 0, 0, 0)')
        // The body starts below the header: nothing scrolls over the title or description.
        const [header, body] = await Promise.all(
          ['.dialog-header', '.dialog .dialog-body'].map((sel) =>
            inPage<number>(
              page,
              `document.querySelector(${JSON.stringify(sel)}).getBoundingClientRect().${sel === '.dialog-header' ? 'bottom' : 'top'}`,
            ),
          ),
        )
        expect(body!).toBeGreaterThanOrEqual(header! - 0.5)
        await noAxe('the add-key dialog, scrolled')
        await screenshot(page, `dialog-add-key-scrolled-${tag}`)
        await inPage(
          page,
          "(() => { const b = document.querySelector('.dialog .dialog-body'); b.scrollTop = b.scrollHeight })()",
        )
        await expect.poll(async () => (await state()).bottom).toBe(false)
        expect((await state()).footer).toBe('rgba(0, 0, 0, 0)')
        await page.keyboard.press('Escape')
        await dialog.waitFor({ state: 'detached' })
      })

      it('§17 export: refusals in full sentences with profile names, the line marked, Copy says what it copies', async () => {
        const { page } = app
        await page.getByRole('button', { name: 'Export', exact: true }).click()
        const dialog = page.getByRole('dialog', { name: 'Export Production' })
        await dialog.waitFor()
        await dialog.getByRole('button', { name: 'Copy as .env (dotenv)' }).waitFor()
        await dialog.getByRole('radio', { name: /Docker/ }).check()
        const problem = dialog.getByTestId('export-problem')
        await expect
          .poll(() => problem.allTextContents())
          .toEqual([
            'POLISH_CERT_PEM contains a line break; --env-file has no multiline values. It can be written as .env (dotenv), POSIX shell or JSON.',
          ])
        await expect(dialog.getByTestId('export-problems').locator('strong').textContent()).resolves.toBe(
          'Docker --env-file cannot carry one of these values exactly, so nothing can be copied or saved in this profile.',
        )
        const marked = dialog.getByTestId('export-problem-line')
        await expect(marked.count()).resolves.toBe(1)
        await expect(marked.textContent()).resolves.toMatch(/^POLISH_CERT_PEM=.* ← cannot be written$/)
        const copy = dialog.getByRole('button', { name: 'Copy for docker --env-file' })
        await expect(copy.isDisabled()).resolves.toBe(true)
        await noAxe('the export dialog with a refusal')
        await screenshot(page, `export-refusal-${tag}`)
        await dialog.getByRole('radio', { name: /POSIX shell/ }).check()
        await dialog.getByRole('button', { name: 'Copy as POSIX shell exports' }).waitFor()
        await expect(marked.count()).resolves.toBe(0)
        await dialog.getByRole('radio', { name: /JSON/ }).check()
        await expect.poll(() => dialog.getByRole('button', { name: 'Copy as JSON' }).isDisabled()).toBe(false)
        await page.keyboard.press('Escape')
        await dialog.waitFor({ state: 'detached' })
      })

      it('§19 import: a real file button and drop zone, pasted values masked, bad lines marked, a labelled kind choice', async () => {
        const { page } = app
        await page.getByRole('button', { name: 'Import', exact: true }).click()
        const dialog = page.getByRole('dialog', { name: 'Import into Production' })
        await dialog.waitFor()
        const choose = dialog.getByRole('button', { name: 'Choose a .env file…' })
        await choose.focus()
        await expect(inPage(page, 'document.activeElement?.textContent')).resolves.toBe('Choose a .env file…')
        await expect(dialog.getByTestId('drop-zone').textContent()).resolves.toContain('No file chosen')
        const box = dialog.getByLabel('.env contents')
        await box.fill(`GOOD_KEY=${PASTED_SECRET}\nthis is not a line\nNEW_TWO=hello world\n`)
        await expect.poll(() => dialog.getByTestId('import-errors').locator('li').count()).toBe(1)
        // Masked: the value is neither drawn nor anywhere in the page's HTML or text.
        expect(await outerHTML(page)).not.toContain(PASTED_SECRET)
        await expect(
          dialog.getByTestId('env-drawn').locator('[data-line="1"] .env-text').textContent(),
        ).resolves.toBe(`GOOD_KEY=${'•'.repeat(PASTED_SECRET.length)}`)
        expect(await computed(page, '.env-input', 'color')).toBe('rgba(0, 0, 0, 0)')
        // The bad line is marked in the text (gutter and background) and named with its number.
        await expect(dialog.getByTestId('env-drawn').locator('.env-line.bad').count()).resolves.toBe(1)
        await expect(
          dialog.getByTestId('env-drawn').locator('.env-line.bad').getAttribute('data-line'),
        ).resolves.toBe('2')
        const err = dialog.getByTestId('import-errors').locator('li')
        await expect(err.locator('.line-no').textContent()).resolves.toBe('Line 2')
        await noAxe('the import dialog, masked, with an error')
        await screenshot(page, `import-masked-error-${tag}`)
        // Show values: the textarea draws the text itself.
        await dialog.getByRole('button', { name: 'Show values' }).click()
        await expect(
          dialog.getByRole('button', { name: 'Hide values' }).getAttribute('aria-pressed'),
        ).resolves.toBe('true')
        expect(await computed(page, '.env-input', 'color')).not.toBe('rgba(0, 0, 0, 0)')
        await dialog.getByRole('button', { name: 'Hide values' }).click()
        // Fixed: each new key asks secret or public, secret by default.
        await box.fill(`GOOD_KEY=${PASTED_SECRET}\nNEW_TWO=hello world\n`)
        const kind = dialog.getByRole('group', { name: 'GOOD_KEY' })
        await kind.waitFor()
        await expect(kind.getByRole('radio', { name: 'Secret' }).isChecked()).resolves.toBe(true)
        await dialog.getByRole('group', { name: 'NEW_TWO' }).getByRole('radio', { name: 'Public' }).check()
        await expect(
          dialog.getByRole('group', { name: 'NEW_TWO' }).getByRole('radio', { name: 'Secret' }).isChecked(),
        ).resolves.toBe(false)
        await noAxe('the import dialog with the kind choice')
        await screenshot(page, `import-kinds-${tag}`)
        // A dropped file: its name, never its contents.
        await box.fill('')
        await page.evaluate(() => {
          const g = globalThis as unknown as {
            document: { querySelector(s: string): { dispatchEvent(e: unknown): void } }
            DataTransfer: new () => { items: { add(f: unknown): void } }
            File: new (parts: string[], name: string) => unknown
            DragEvent: new (type: string, init: unknown) => unknown
          }
          const dt = new g.DataTransfer()
          dt.items.add(new g.File(['A_KEY=one\nB_KEY=two\n'], 'dropped.env'))
          const zone = g.document.querySelector('[data-testid="drop-zone"]')
          zone.dispatchEvent(
            new g.DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }),
          )
          zone.dispatchEvent(new g.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
        })
        await expect.poll(() => dialog.locator('.file-card strong').textContent()).toBe('dropped.env')
        await expect(dialog.getByTestId('import-preview').textContent()).resolves.toContain('2 new')
        await page.keyboard.press('Escape')
        await dialog.waitFor({ state: 'detached' })
      })

      it('§22 the search palette scrolls and stays axe-clean (scrollable-region-focusable)', async () => {
        const { page } = app
        await page.keyboard.press('Control+K')
        const input = page.getByTestId('palette-input')
        await input.waitFor()
        await input.fill('acme')
        await expect
          .poll(() =>
            inPage<boolean>(
              page,
              "(() => { const l = document.querySelector('.palette-list'); return l.scrollHeight > l.clientHeight + 1 })()",
            ),
          )
          .toBe(true)
        await noAxe('the scrolling search palette')
        await screenshot(page, `palette-scrolling-${tag}`)
        await page.keyboard.press('Escape')
        await input.waitFor({ state: 'detached' })
      })

      it('§22 the empty home has its h1 and no axe findings (page-has-heading-one)', async () => {
        const home = await openApp(browser, server.url, empty, { colorScheme: scheme, viewport: size })
        try {
          await home.page.getByLabel('Master password').fill(PASSWORD)
          await home.page.getByRole('button', { name: 'Unlock' }).click()
          await home.page.getByRole('heading', { name: 'Add your first app', level: 1 }).waitFor()
          await noAxe('the empty home', home.page)
          await screenshot(home.page, `home-empty-${tag}`)
        } finally {
          await home.close()
          if ((await empty.core.status()).state === 'unlocked') await empty.core.lock()
        }
      })
    })
  }
}

describe('large type and the re-mask timer', () => {
  it('closes by itself when the shown value re-masks, and the value leaves the page', async () => {
    const short = await createVault({ state: 'unlocked', prefs: { remaskSeconds: 6 } })
    const secret = 'sk_live_remask_9Zq2Lm_0042'
    try {
      const a = await addApp(short.core, 'Remask')
      const env = await addEnv(short.core, a.id, 'Production')
      await short.core.createCredential(
        credential(env.id, {
          name: 'Short-lived view',
          fields: [{ label: '', envVar: 'REMASK_KEY', kind: 'secret', value: secret }],
        }),
      )
      await short.core.lock()
      const app = await openApp(browser, server.url, short)
      try {
        const { page } = app
        await page.getByLabel('Master password').fill(PASSWORD)
        await page.getByRole('button', { name: 'Unlock' }).click()
        await page.getByTestId('key-row').first().waitFor()
        await page.getByTestId('key-row').first().locator('.name').click()
        await page.keyboard.press('l')
        const dialog = page.getByRole('dialog', { name: 'REMASK_KEY in large type' })
        await dialog.waitFor()
        await expect(dialog.getByTestId('large-type').locator('li').count()).resolves.toBe(secret.length)
        await dialog.waitFor({ state: 'detached', timeout: 20_000 })
        await expect.poll(() => outerHTML(page)).not.toContain('remask_9Zq2Lm')
      } finally {
        await app.close()
      }
    } finally {
      await short.cleanup()
    }
  })
})
