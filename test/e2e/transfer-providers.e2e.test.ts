/**
 * The .env and provider screens in Chromium against the real core: export (masked preview, a profile that
 * cannot carry a value, copy through main, save 0600 with the git warning), import (line-numbered errors,
 * then changes as rotations), and Cloudflare through the loopback fake (connect, sync, a dropped rotate
 * answer shown as "rotation unknown", settled by Verify without a second roll).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CF_ROUTES, startCloudflareFake, type CloudflareFake } from '../fakes/cloudflare.fake'
import {
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
  outerHTML,
  secretAttributes,
  screenshot,
  serveStatic,
  type AppPage,
  type Vault,
} from './harness'

const MULTILINE = 'line-one-SECRET\nline-two-SECRET'
const PLAIN = 'sk_live_PLAIN_secret_0042'

let browser: Browser
let server: { url: string; close: () => Promise<void> }
let vault: Vault
let app: AppPage
let cf: CloudflareFake
let repo: string

beforeAll(async () => {
  const why = e2eUnavailable()
  if (why) throw new Error(why)
  repo = mkdtempSync(join(tmpdir(), 'keyshelf-e2e-repo-'))
  execFileSync('git', ['init', '-q', repo])
  ;[browser, server, cf] = await Promise.all([
    launchBrowser(),
    serveStatic(RENDERER_DIR),
    startCloudflareFake({ tokens: 3 }),
  ])
  vault = await createVault({ state: 'unlocked', saveDir: repo })
  const a = await addApp(vault.core, 'Acme')
  const env = await addEnv(vault.core, a.id, 'Production')
  await vault.core.createCredential(
    credential(env.id, {
      name: 'Cert',
      fields: [{ label: '', envVar: 'CERT_PEM', kind: 'secret', value: MULTILINE }],
    }),
  )
  await vault.core.createCredential(
    credential(env.id, {
      name: 'API',
      fields: [{ label: '', envVar: 'API_KEY', kind: 'secret', value: PLAIN }],
    }),
  )
  app = await openApp(browser, server.url, vault)
  await app.page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: 'Acme' }).click()
  await app.page.getByRole('grid', { name: 'Keys' }).waitFor()
})

afterAll(async () => {
  await app?.close()
  await vault?.cleanup()
  await browser?.close()
  await server?.close()
  await cf?.close()
  if (repo) rmSync(repo, { recursive: true, force: true })
})

const noAxe = async (where: string) => {
  const v = await axe(app.page)
  expect(v, `axe on ${where}:\n${describeViolations(v)}`).toEqual([])
}

describe('export', () => {
  it('previews masked, refuses docker for a multiline value, copies and saves', async () => {
    const { page } = app
    await page.getByRole('button', { name: 'Export', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Export Production' })
    await dialog.waitFor()
    await expect.poll(() => dialog.getByTestId('export-preview').textContent()).toContain('API_KEY=')
    const html = await outerHTML(page)
    expect(html).not.toContain(PLAIN)
    expect(html).not.toContain('line-one-SECRET')
    await noAxe('the export dialog')
    await screenshot(page, 'export-dialog-light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await noAxe('the export dialog (dark)')
    await screenshot(page, 'export-dialog-dark')
    await page.emulateMedia({ colorScheme: 'light' })

    await dialog.getByRole('radio', { name: /Docker/ }).check()
    await expect.poll(() => dialog.getByRole('alert').first().textContent()).toContain('CERT_PEM')
    await expect(dialog.getByRole('button', { name: 'Save…' }).isDisabled()).resolves.toBe(true)

    await dialog.getByRole('radio', { name: /JSON/ }).check()
    await expect.poll(() => dialog.getByRole('button', { name: 'Save…' }).isDisabled()).toBe(false)
    await dialog.getByRole('button', { name: /Copy as JSON/ }).click()
    await expect.poll(() => vault.clipboard.text).not.toBe('')
    expect(JSON.parse(vault.clipboard.text)).toEqual({ CERT_PEM: MULTILINE, API_KEY: PLAIN })

    await dialog.getByRole('button', { name: 'Save…' }).click()
    const saved = join(repo, 'env.json')
    await expect.poll(() => statSync(saved, { throwIfNoEntry: false })?.mode).toBeDefined()
    expect(statSync(saved).mode & 0o777).toBe(0o600)
    await dialog.getByRole('button', { name: 'Add to .gitignore' }).click()
    await expect.poll(() => readFileSync(join(repo, '.gitignore'), 'utf8')).toContain('env.json')
    await dialog.getByRole('button', { name: 'Close' }).first().click()
  })
})

describe('import', () => {
  it('names bad lines and imports nothing, then applies changes as rotations', async () => {
    const { page } = app
    await page.getByRole('button', { name: 'Import', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Import into Production' })
    await dialog.waitFor()
    const box = dialog.getByLabel('.env contents')
    await box.fill('API_KEY=sk_live_rotated_by_import\nthis is not a line\nNEW_ONE=hello\n')
    await expect.poll(() => dialog.getByRole('alert').first().textContent()).toContain('Line 2')
    await expect(dialog.getByRole('button', { name: 'Import', exact: true }).isDisabled()).resolves.toBe(true)
    await noAxe('the import dialog with an error')
    await box.fill('API_KEY=sk_live_rotated_by_import\nNEW_ONE=hello\n')
    await expect.poll(() => dialog.getByTestId('import-preview').textContent()).toContain('1 new')
    await dialog.getByRole('button', { name: 'Import', exact: true }).click()
    const done = page.getByRole('dialog', { name: 'Imported into Production' })
    await expect
      .poll(() => done.getByTestId('import-result').textContent())
      .toContain('1 key added · 1 changed')
    await done.getByRole('button', { name: 'Done' }).click()
    await done.waitFor({ state: 'detached' })
    const creds = await vault.core.listCredentials({})
    const api = creds.find((c) => c.name === 'API')!
    expect(vault.core.readValue(api.id, api.fields[0]!.id)).toBe('sk_live_rotated_by_import')
    expect((await vault.core.history({ credentialId: api.id }))[0]?.reason).toBe('import')
    expect(creds.some((c) => c.name === 'NEW_ONE')).toBe(true)
  })
})

describe('providers', () => {
  it('connects Cloudflare, syncs, and settles a lost rotation answer with Verify', async () => {
    const { page } = app
    await page.getByRole('button', { name: /^Providers/ }).click()
    const dialog = page.getByRole('dialog', { name: 'Providers for Acme' })
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Connect provider' }).click()
    await dialog.getByLabel('Provider', { exact: true }).selectOption('cloudflare')
    await dialog.getByLabel(/API token/).fill(cf.state.secretOf(cf.state.adminId))
    await dialog.getByLabel(/Environment/).fill('Production')
    await dialog.getByLabel(/API URL/).fill(cf.url)
    // The provider key typed into the form is not in the page's HTML (no value="…" attribute).
    expect(await outerHTML(page)).not.toContain(cf.state.secretOf(cf.state.adminId))
    expect(await secretAttributes(page)).toEqual([])
    await noAxe('the connect-provider form')
    await dialog.getByRole('button', { name: 'Connect and sync' }).click()
    await expect
      .poll(() => dialog.getByTestId('sync-result').first().textContent(), { timeout: 10_000 })
      .toContain('added')
    await screenshot(page, 'providers-dialog-light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, 'providers-dialog-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await dialog.getByRole('button', { name: 'Sync now' }).click()
    await expect.poll(() => dialog.getByTestId('sync-result').first().textContent()).toContain('unchanged')
    expect(await outerHTML(page)).not.toContain(cf.state.secretOf(cf.state.adminId))
    await dialog.getByRole('button', { name: 'Close' }).first().click()

    const synced = (await vault.core.listCredentials({})).find(
      (c) => c.provider === 'cloudflare' && c.role !== 'connection',
    )!
    cf.setMode({ kind: 'drop', route: CF_ROUTES.roll, times: 1 })
    await page.getByRole('button', { name: `Rotate ${synced.name}` }).click()
    const confirm = page.getByRole('alertdialog', { name: /Rotate .* at Cloudflare/ })
    await confirm.waitFor()
    await expect(confirm.textContent()).resolves.toContain('stops working immediately')
    await noAxe('the rotate-via-provider confirmation')
    await confirm.getByRole('button', { name: 'Rotate at Cloudflare' }).click()
    // The answer was lost: the dialog turns into "verify first" and offers no second rotation.
    const verifyFirst = page.getByRole('alertdialog', { name: /Verify .* first/ })
    await expect.poll(() => verifyFirst.textContent()).toContain('did not answer')
    expect(await verifyFirst.getByRole('button', { name: /Rotate at/ }).count()).toBe(0)
    await verifyFirst.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => page.locator('[data-status="rotation-unknown"]').count()).toBe(1)
    await page.getByRole('button', { name: 'Verify' }).click()
    await expect.poll(() => page.locator('[data-status="rotation-unknown"]').count()).toBe(0)
    expect(cf.count(CF_ROUTES.roll)).toBe(1)
  })
})
