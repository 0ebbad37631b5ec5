/**
 * Window benchmark (issue 10): the BUILT renderer in real Chromium (test/e2e/harness.ts) over a real core
 * with 10,000 keys. Prints, without asserting:
 *   1. unlock -> first key row painted, and how many requests the window made for it;
 *   2. Due view with ~3,600 due keys: click -> first due row painted, long tasks while it paints;
 *   3. arrow keys in a 400-row keys table: keydown -> next paint, and the rows each keypress touched.
 * Needs `npm run build` first (out/renderer) and /usr/bin/chromium. Run: `npm run bench -- ui`.
 * The vault uses the harness's cheap test KDF, so the unlock number is the window's work, not Argon2id.
 */
import {
  PASSWORD,
  RENDERER_DIR,
  addApp,
  addEnv,
  createVault,
  credential,
  e2eUnavailable,
  inPage,
  launchBrowser,
  openApp,
  serveStatic,
  DAY_MS,
} from '../test/e2e/harness'
import { seedLarge } from '../test/e2e/seed'

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN
}
const fmt = (xs: number[]) =>
  `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`

/** Installed before an action: records long tasks; `__mark()` -> ms until the next painted frame. */
const LONG_TASKS = `(() => {
  window.__long = []
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration) }).observe({ type: 'longtask' })
})()`

async function main(): Promise<void> {
  const why = e2eUnavailable()
  if (why) throw new Error(why)
  const [browser, server, vault] = await Promise.all([
    launchBrowser(),
    serveStatic(RENDERER_DIR),
    createVault(),
  ])
  try {
    let t = performance.now()
    const n = await seedLarge(vault.core)
    // One environment with 400 keys for the arrow-key measurement.
    const big = await addApp(vault.core, 'Zz Four hundred')
    const env = await addEnv(vault.core, big.id, 'Production')
    vault.core.transaction(() => {
      for (let i = 0; i < 400; i++)
        vault.core.createCredentialNow(
          credential(env.id, {
            name: `Key ${i}`,
            lastRotatedAt: Date.now() - (i % 100) * DAY_MS,
            fields: [
              { label: '', envVar: `FOUR_HUNDRED_${i}`, kind: 'secret', value: `sk_${i}_${'y'.repeat(24)}` },
            ],
          }),
        )
    })
    const due = (await vault.core.dueReport({})).length
    console.log(`seeded ${n + 400} keys (${due} due) in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    await vault.core.lock()
    // The core's own share of unlocking (the harness's cheap KDF): decrypting what the window asks for first.
    t = performance.now()
    await vault.core.unlock({ password: PASSWORD })
    const coreUnlock = performance.now() - t
    t = performance.now()
    const firstApp = (await vault.core.listApps())[0]
    if (firstApp) await vault.core.listCredentials({ appId: firstApp.id })
    console.log(
      `0. core alone: unlock ${coreUnlock.toFixed(0)} ms, then the first app's keys ${(performance.now() - t).toFixed(0)} ms`,
    )
    await vault.core.lock()

    // 1. Unlock -> first key row.
    const app = await openApp(browser, server.url, vault)
    const { page } = app
    await page.getByLabel('Master password').fill(PASSWORD)
    const before = app.calls.length
    t = performance.now()
    await page.getByRole('button', { name: 'Unlock' }).click()
    await page.getByTestId('key-row').first().waitFor({ timeout: 60_000 })
    const firstRow = performance.now() - t
    await page.waitForTimeout(1500) // the search index warms 400 ms after unlock
    const calls = app.calls.slice(before)
    const count = (c: string) => calls.filter((x) => x === c).length
    console.log(
      `1. unlock -> first key row painted: ${firstRow.toFixed(0)} ms; requests in the first 1.5 s: ${calls.length} ` +
        `(searchIndex ${count('searchIndex')}, listEnvironments ${count('listEnvironments')}, listCredentials ${count('listCredentials')})`,
    )

    // 2. Due view paint.
    await page.evaluate(LONG_TASKS)
    t = performance.now()
    await page.getByRole('button', { name: /Due for rotation/ }).click()
    await page.getByTestId('due-row').first().waitFor({ timeout: 60_000 })
    await page.evaluate('new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)))')
    const dueMs = performance.now() - t
    const long = await inPage<number[]>(page, 'window.__long')
    const rowsInDom = await page.getByTestId('due-row').count()
    console.log(
      `2. Due view with ${due} due keys: click -> first row painted ${dueMs.toFixed(0)} ms (includes the dueReport request); ` +
        `long tasks: ${long.length ? long.map((x) => x.toFixed(0)).join(', ') + ' ms' : 'none'}; ${rowsInDom} rows in the DOM`,
    )
    // Scrolling the Due list: frames while jumping down 20 screens.
    await page.evaluate(LONG_TASKS)
    for (let i = 0; i < 20; i++) {
      await page.mouse.wheel(0, 1200)
      await page.waitForTimeout(30)
    }
    const scrollLong = await inPage<number[]>(page, 'window.__long')
    console.log(
      `   scrolling 20 screens: long tasks ${scrollLong.length ? scrollLong.map((x) => x.toFixed(0)).join(', ') + ' ms' : 'none'}`,
    )

    // 3. Arrow keys at 400 rows.
    await page
      .getByRole('navigation', { name: 'Apps' })
      .getByRole('button', { name: /Zz Four hundred/ })
      .click()
    await page.getByTestId('key-row').first().click()
    await page.evaluate(`(() => {
      window.__samples = []
      const body = document.querySelector('.kgrid-body')
      let touched = new Set()
      new MutationObserver((ms) => { for (const m of ms) { const r = (m.target.nodeType === 1 ? m.target : m.target.parentElement)?.closest('[data-testid="key-row"]'); if (r) touched.add(r.dataset.fieldId) } })
        .observe(body, { subtree: true, attributes: true, childList: true, characterData: true })
      document.addEventListener('keydown', (e) => {
        const t0 = e.timeStamp
        touched = new Set()
        requestAnimationFrame(() => setTimeout(() => window.__samples.push({ ms: performance.now() - t0, rows: touched.size }), 0))
      }, true)
    })()`)
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('ArrowDown')
      await page.waitForTimeout(40)
    }
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('ArrowUp')
      await page.waitForTimeout(40)
    }
    await page.waitForTimeout(200)
    const samples = await inPage<{ ms: number; rows: number }[]>(page, 'window.__samples')
    const rowCount = await page.getByTestId('key-row').count()
    console.log(
      `3. arrow keys in a 400-row table (${rowCount} rows in the DOM): keydown -> next paint ${fmt(samples.map((s) => s.ms))}; ` +
        `rows touched per keypress: max ${Math.max(...samples.map((s) => s.rows))}, mean ${(samples.reduce((a, s) => a + s.rows, 0) / samples.length).toFixed(1)}`,
    )
    await app.close()
  } finally {
    await browser.close()
    await server.close()
    await vault.cleanup()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
