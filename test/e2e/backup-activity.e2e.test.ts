/**
 * Issue 13 in real Chromium: Settings › Backup makes a verified copy through main's save dialog (stubbed by
 * the harness to a temp folder: main picks the path, the page sends none), the copy opens with the password,
 * and the last backup is shown; a key's history dialog has an Activity tab that lists the reveal and copy
 * just made, newest first, and an empty state for a key never used. axe on each, screenshots at 900 x 600
 * and 1280 x 800 (out/screenshots/backup-*, activity-*).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore } from '../../src-main/core/core'
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
  screenshot,
  serveStatic,
  type AppPage,
  type Vault,
  WINDOW_SIZES,
} from './harness'

const SECRET = 'sk_live_backup_0123456789abcdef'

let browser: Browser
let server: { url: string; close: () => Promise<void> }
let saveDir: string
let vault: Vault
const LAUNCHER = join(import.meta.dirname, '..', '..', 'bin', 'keyshelf.cjs')

beforeAll(async () => {
  const why = e2eUnavailable()
  if (why) throw new Error(why)
  saveDir = mkdtempSync(join(tmpdir(), 'keyshelf-backup-e2e-'))
  ;[browser, server, vault] = await Promise.all([
    launchBrowser(),
    serveStatic(RENDERER_DIR),
    createVault({ state: 'unlocked', saveDir }),
  ])
  const shop = await addApp(vault.core, 'Shop')
  const prod = await addEnv(vault.core, shop.id, 'Production')
  await vault.core.createCredential(
    credential(prod.id, {
      name: 'Stripe secret',
      fields: [{ label: '', envVar: 'STRIPE_SECRET_KEY', kind: 'secret', value: SECRET }],
    }),
  )
  await vault.core.createCredential(
    credential(prod.id, {
      name: 'Database URL',
      fields: [{ label: '', envVar: 'DATABASE_URL', kind: 'secret', value: 'postgres://prod/db' }],
    }),
  )
  // The same key read once by the CLI (a separate process on the same vault file), so the Activity tab
  // has an entry from each origin.
  const cli = spawnSync(
    process.execPath,
    [LAUNCHER, '--vault', vault.path, '--password-stdin', 'get', 'Shop/Production/STRIPE_SECRET_KEY'],
    { input: `${PASSWORD}\n`, encoding: 'utf8' },
  )
  if (cli.status !== 0) throw new Error(`keyshelf get failed: ${cli.stderr}`)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await vault?.cleanup()
  if (saveDir) rmSync(saveDir, { recursive: true, force: true })
})

async function expectNoAxe(app: AppPage, where: string) {
  const v = await axe(app.page)
  expect(v, `axe on ${where}:\n${describeViolations(v)}`).toEqual([])
}

describe('Settings › Backup', () => {
  it('backs up through main’s save dialog, shows the verified result and the last backup; the copy opens', async () => {
    for (const [i, size] of WINDOW_SIZES.entries()) {
      const app = await openApp(browser, server.url, vault, { viewport: size })
      try {
        const { page } = app
        await page.getByRole('button', { name: 'Settings' }).click()
        const dialog = page.getByRole('dialog', { name: 'Settings' })
        await dialog.getByRole('tab', { name: 'Backup' }).click()
        await dialog.getByText(/keyshelf restore FILE/).waitFor()
        if (i === 0) await dialog.getByText('No backup made from this window yet.').waitFor()
        app.delays['backupNow'] = 400
        await dialog.getByRole('button', { name: 'Back up now…' }).click()
        await dialog.getByRole('button', { name: 'Backing up…' }).waitFor()
        await dialog.getByTestId('backup-result').waitFor()
        const result = (await dialog.getByTestId('backup-result').textContent()) ?? ''
        expect(result).toMatch(
          /^Saved keyshelf-backup-\d{4}-\d\d-\d\d\.sqlite \(\d+(\.\d)? KB\), verified\.$/,
        )
        await dialog
          .getByTestId('last-backup')
          .getByText(/^Last backup: .+, keyshelf-backup-\d{4}-\d\d-\d\d\.sqlite \(/)
          .waitFor()
        // The page sent no path: main's dialog chose it.
        expect(app.calls).toContain('backupNow')
        await expectNoAxe(app, `Settings › Backup at ${size.width}x${size.height}`)
        await screenshot(page, `backup-settings-${size.width}x${size.height}`)
        expect(app.errors.filter((e) => !e.includes("style-src 'self'"))).toEqual([])
      } finally {
        await app.close()
      }
    }
    const name = `keyshelf-backup-${new Date(Date.now()).toISOString().slice(0, 10)}.sqlite`
    const file = join(saveDir, name)
    expect(existsSync(file)).toBe(true)
    const copy = createCore({ vaultPath: file })
    try {
      await copy.unlock({ password: PASSWORD })
      const creds = await copy.listCredentials({})
      expect(creds.map((c) => c.name).sort()).toEqual(['Database URL', 'Stripe secret'])
      const stripe = creds.find((c) => c.name === 'Stripe secret')
      await expect(copy.reveal({ fieldId: stripe?.fields[0]?.id ?? '' })).resolves.toEqual({ value: SECRET })
    } finally {
      await copy.close()
    }
  })
})

describe("a key's activity", () => {
  it('lists the reveal and the copy just made, newest first, never the value', async () => {
    for (const size of WINDOW_SIZES) {
      const app = await openApp(browser, server.url, vault, { viewport: size })
      try {
        const { page } = app
        await page.getByRole('button', { name: 'Shop' }).first().click()
        await page.getByRole('button', { name: 'Show STRIPE_SECRET_KEY' }).click()
        await page.getByRole('button', { name: 'Hide STRIPE_SECRET_KEY' }).waitFor()
        await page.getByRole('button', { name: 'Copy STRIPE_SECRET_KEY' }).click()
        await page.getByRole('button', { name: 'History of Stripe secret' }).click()
        const history = page.getByRole('dialog', { name: 'History of Stripe secret' })
        const tab = history.getByRole('tab', { name: 'Activity' })
        await expect(tab.getAttribute('aria-selected')).resolves.toBe('false')
        // Keyboard: the tablist moves with the arrow keys.
        await history.getByRole('tab', { name: 'Versions' }).focus()
        await page.keyboard.press('ArrowRight')
        await expect(tab.getAttribute('aria-selected')).resolves.toBe('true')
        const list = history.getByRole('list', { name: 'Activity, newest first' })
        await list.waitFor()
        const items = (await list.getByRole('listitem').allTextContents()).map((t) => t.trim())
        expect(items[0]).toMatch(/^CopiedSTRIPE_SECRET_KEY · in the app/)
        expect(items[1]).toMatch(/^RevealedSTRIPE_SECRET_KEY · in the app/)
        // `keyshelf get` in beforeAll: audited as the CLI's.
        expect(items.filter((t) => /^RevealedSTRIPE_SECRET_KEY · from the CLI/.test(t))).toHaveLength(1)
        expect(items.at(-1)).toMatch(/^Created/)
        expect((await history.textContent()) ?? '').not.toContain(SECRET)
        await expectNoAxe(app, `the Activity tab at ${size.width}x${size.height}`)
        await screenshot(page, `activity-tab-${size.width}x${size.height}`)
        await page.keyboard.press('Escape')
        await history.waitFor({ state: 'detached' })
      } finally {
        await app.close()
      }
    }
  })

  it('shows the empty state for a key with no entries (a vault from before per-key audit)', async () => {
    const db = new BetterSqlite3(vault.path)
    const id = (await vault.core.listCredentials({})).find((c) => c.name === 'Database URL')?.id ?? ''
    db.prepare('DELETE FROM audit WHERE credential_id = ?').run(id)
    db.close()
    const app = await openApp(browser, server.url, vault, { viewport: WINDOW_SIZES[0] })
    try {
      const { page } = app
      await page.getByRole('button', { name: 'Shop' }).first().click()
      await page.getByRole('button', { name: 'History of Database URL' }).click()
      const history = page.getByRole('dialog', { name: 'History of Database URL' })
      await history.getByRole('tab', { name: 'Activity' }).click()
      await history.getByText('No activity recorded for this key yet.').waitFor()
      await expectNoAxe(app, 'the empty Activity tab')
      await screenshot(page, 'activity-tab-empty-900x600')
    } finally {
      await app.close()
    }
  })
})
