/**
 * Ctrl/Cmd+K over a 10,000-key vault: correct results, a virtualised list (a few dozen options in the DOM,
 * however many match), and the keystroke -> filtered-list-painted latency, measured in the page and printed
 * (no timed assertion: this machine's load varies). Target: <= 16 ms.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  RENDERER_DIR,
  axe,
  PASSWORD,
  createVault,
  describeViolations,
  e2eUnavailable,
  inPage,
  launchBrowser,
  openApp,
  serveStatic,
  type AppPage,
  type Vault,
} from './harness'
import { seedLarge } from './seed'

let browser: Browser
let server: { url: string; close: () => Promise<void> }
let vault: Vault
let app: AppPage
let seeded = 0

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN
}
const fmt = (xs: number[]) =>
  `p50 ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`

/** Installed in the page: per keystroke, keydown -> React commit, -> next paint (rAF + task), -> double rAF. */
const probe = (selector: string, key: string) => `(() => {
  const input = document.querySelector('${selector}')
  const samples = []
  window['${key}'] = samples
  let pending = null
  input.addEventListener('keydown', (e) => { pending = { t0: e.timeStamp } }, true)
  // Bubble phase on window runs after React's root listener, i.e. after the synchronous (discrete) render.
  window.addEventListener('input', () => {
    const p = pending
    if (!p) return
    pending = null
    p.commit = performance.now() - p.t0
    requestAnimationFrame(() => {
      setTimeout(() => { p.paint = performance.now() - p.t0 }, 0)
      requestAnimationFrame(() => { p.raf2 = performance.now() - p.t0; p.count = document.querySelector('[data-testid="palette-count"]')?.textContent ?? ''; samples.push(p) })
    })
  })
})()`

describe('search over 10,000 keys', () => {
  beforeAll(async () => {
    const why = e2eUnavailable()
    if (why) throw new Error(why)
    ;[browser, server, vault] = await Promise.all([launchBrowser(), serveStatic(RENDERER_DIR), createVault()])
    const t = performance.now()
    seeded = await seedLarge(vault.core)
    console.log(`seeded ${seeded} keys through the core in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    app = await openApp(browser, server.url, vault)
  }, 400_000)

  afterAll(async () => {
    await app?.close()
    await browser?.close()
    await server?.close()
    await vault?.cleanup()
  })

  it('finds a key among 10,000 and keeps the list virtualised', async () => {
    const { page } = app
    expect(seeded).toBeGreaterThanOrEqual(10_000)
    await page.getByRole('heading', { level: 1 }).waitFor()
    const t = performance.now()
    await page.keyboard.press('Control+K')
    const input = page.getByTestId('palette-input')
    await input.waitFor()
    await page
      .getByTestId('palette-count')
      .filter({ hasText: 'Apps and environments' })
      .waitFor({ timeout: 30_000 })
    console.log(`palette ready with the 10,000-key index in ${(performance.now() - t).toFixed(0)} ms`)

    await input.fill('key')
    const count = Number((await page.getByTestId('palette-count').textContent())?.split(' ')[0])
    expect(count).toBeGreaterThan(1000)
    const inDom = await page.getByTestId('palette-option').count()
    expect(inDom).toBeLessThan(40)
    console.log(`"key" matches ${count} entries; ${inDom} options in the DOM`)

    await input.fill('zebra relay')
    await expect(page.getByTestId('palette-count').textContent()).resolves.toBe('1 result')
    await expect(axe(page).then(describeViolations)).resolves.toBe('')
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Sentry', level: 1 }).waitFor()
    const selected = page.locator('[data-testid="key-row"][aria-selected="true"]')
    await expect(selected.textContent()).resolves.toContain('ZEBRA_RELAY_DSN')
    await expect(inPage(page, "document.activeElement?.getAttribute('data-testid')")).resolves.toBe('key-row')
  }, 60_000)

  it('measures keystroke -> filtered list painted (prints p50/p95)', async () => {
    const { page } = app
    const typed = 'sentry production access token'

    // Baseline: the same keystrokes into a bare <input> with no work attached, to show what the headless
    // compositor's frame alignment costs by itself.
    await page.evaluate(
      "(() => { const i = document.createElement('input'); i.id = 'baseline'; i.setAttribute('aria-label', 'baseline'); document.body.appendChild(i) })()",
    )
    await page.evaluate(probe('#baseline', '__baseline'))
    await page.focus('#baseline')
    for (const ch of typed) await page.keyboard.type(ch, { delay: 0 }).then(() => page.waitForTimeout(60))
    await page.waitForTimeout(100)
    const base = await inPage<{ commit: number; paint?: number; raf2: number }[]>(page, 'window.__baseline')
    await page.evaluate("document.getElementById('baseline').remove()")

    await page.keyboard.press('Control+K')
    const input = page.getByTestId('palette-input')
    await input.waitFor()
    await page.getByTestId('palette-count').filter({ hasText: 'Apps and environments' }).waitFor()
    await page.evaluate(probe('[data-testid="palette-input"]', '__latency'))
    await input.focus()
    for (const ch of typed) await page.keyboard.type(ch, { delay: 0 }).then(() => page.waitForTimeout(60))
    for (let i = 0; i < 20; i++) await page.keyboard.press('Backspace').then(() => page.waitForTimeout(60))
    await page.waitForTimeout(200)
    const samples = await inPage<{ commit: number; paint?: number; raf2: number; count: string }[]>(
      page,
      'window.__latency',
    )
    expect(samples.length).toBe(typed.length + 20)
    const commit = samples.map((s) => s.commit)
    const paint = samples.map((s) => s.paint ?? s.raf2)
    const raf2 = samples.map((s) => s.raf2)
    console.log(
      [
        `search latency over ${seeded} keys, ${samples.length} keystrokes (first: "${samples[0]?.count}", last: "${samples.at(-1)?.count}")`,
        `  keydown -> list rendered (sync React commit): ${fmt(commit)}`,
        `  keydown -> next paint (rAF + task):            ${fmt(paint)}`,
        `  keydown -> second rAF (frame-aligned):          ${fmt(raf2)}`,
        `  baseline, bare <input> with no work: next paint ${fmt(base.map((s) => s.paint ?? s.raf2))}`,
      ].join('\n'),
    )
    expect(samples.every((s) => /result|Nothing|Apps/.test(s.count))).toBe(true)
  }, 60_000)

  it('loads the search index with one request for the whole vault, not one per app (issue 10 §12)', () => {
    // The page has been open through the tests above: the index was warmed once and reused.
    expect(app.calls.filter((c) => c === 'searchIndex')).toHaveLength(1)
    // listEnvironments only for app pages visited (Sentry, and the first app at start), never one per app.
    expect(app.calls.filter((c) => c === 'listEnvironments').length).toBeLessThanOrEqual(3)
  })

  it('renders the Due view for thousands of due keys virtualised, grouped, with a filter (§10)', async () => {
    const { page } = app
    if (await page.getByTestId('palette-input').count()) {
      await page.keyboard.press('Escape')
      await page.getByTestId('palette-input').waitFor({ state: 'detached' })
    }
    const due = await vault.core.dueReport({})
    expect(due.length).toBeGreaterThan(3000)
    await page.getByRole('button', { name: /Due for rotation/ }).click()
    await page.getByTestId('due-row').first().waitFor({ timeout: 30_000 })
    const inDom = await page.getByTestId('due-row').count()
    expect(inDom).toBeLessThan(80)
    expect(await page.getByTestId('due-group').first().textContent()).toMatch(/^Overdue\d+$/)
    await expect(page.getByTestId('due-shown').textContent()).resolves.toBe(`${due.length} keys`)
    await page.getByTestId('due-filter').fill('sentry production')
    const sentryProd = due.filter((d) => d.appName === 'Sentry' && d.environmentName === 'Production').length
    await expect
      .poll(() => page.getByTestId('due-shown').textContent())
      .toBe(`${sentryProd} of ${due.length} keys`)
    const apps = await page.getByTestId('due-app').allTextContents()
    expect(apps.every((a) => a.startsWith('Sentry'))).toBe(true)
    await expect(axe(page).then(describeViolations)).resolves.toBe('')
    await page.getByTestId('due-filter').fill('')
  }, 60_000)

  it('moving with the arrow keys re-renders only the two rows whose selection changed (§11)', async () => {
    const { page } = app
    await page
      .getByRole('navigation', { name: 'Apps' })
      .getByRole('button', { name: /^Sentry/ })
      .click()
    await page.getByRole('tab', { name: /^Production/ }).click()
    const rows = page.getByTestId('key-row')
    await rows.nth(2).click()
    // Count the rows whose subtree or attributes change on each ArrowDown (React commits only what changed).
    await page.evaluate(`(() => {
      const body = document.querySelector('.kgrid-body')
      window.__touched = []
      let current = new Set()
      new MutationObserver((ms) => {
        for (const m of ms) {
          const row = (m.target.nodeType === 1 ? m.target : m.target.parentElement)?.closest('[data-testid="key-row"]')
          if (row) current.add(row.dataset.fieldId)
        }
      }).observe(body, { subtree: true, attributes: true, childList: true, characterData: true })
      document.addEventListener('keyup', () => setTimeout(() => { window.__touched.push(current.size); current = new Set() }, 50))
    })()`)
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('ArrowDown')
      await page.waitForTimeout(80)
    }
    const touched = await inPage<number[]>(page, 'window.__touched')
    expect(touched).toHaveLength(10)
    // A step that scrolls mounts one new row at the edge as well: at most 3 rows, never the whole table.
    expect(Math.max(...touched)).toBeLessThanOrEqual(3)
    await expect(rows.count()).resolves.toBeLessThan(60)
  }, 30_000)

  it('comes back to the same app, environment and key after a lock, with focus in the table (§13)', async () => {
    const { page } = app
    const selected = page.locator('[data-testid="key-row"][aria-selected="true"]')
    const fieldId = await selected.getAttribute('data-field-id')
    expect(fieldId).toBeTruthy()
    await page.keyboard.press('Control+L')
    await page.getByRole('heading', { name: 'Unlock your vault' }).waitFor()
    await page.getByLabel('Master password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Unlock' }).click()
    await page.getByRole('heading', { name: 'Sentry', level: 1 }).waitFor({ timeout: 20_000 })
    await page.getByRole('tab', { name: /^Production/, selected: true }).waitFor()
    await expect
      .poll(() => inPage(page, "document.activeElement?.getAttribute('data-field-id')"))
      .toBe(fieldId)
  }, 60_000)
})
