/**
 * Issue 9 in the window, in real Chromium against the real core:
 * - the lock screen's due counts say they were read before unlock, and the counts shown after unlock are
 *   the verified ones;
 * - an empty typed value is refused in Add key and Rotate unless "Allow empty" is ticked;
 * - Settings → Security → "Rotate the vault key…": explanation, master password, progress, result toast.
 * axe on each screen and dialog; screenshots in out/screenshots (trust-*.png).
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DAY_MS,
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
  outerHTML,
  screenshot,
  serveStatic,
  type AppPage,
  type Vault,
} from './harness'

let browser: Browser
let server: { url: string; close: () => Promise<void> }
let vault: Vault
let app: AppPage
let envId = ''

async function noAxeViolations(where: string) {
  const v = await axe(app.page)
  expect(v, `axe on ${where}:\n${describeViolations(v)}`).toEqual([])
}

describe('trust in the window', () => {
  beforeAll(async () => {
    const why = e2eUnavailable()
    if (why) throw new Error(why)
    ;[browser, server, vault] = await Promise.all([
      launchBrowser(),
      serveStatic(RENDERER_DIR),
      createVault({ state: 'unlocked', quickUnlock: true }),
    ])
    const shop = await addApp(vault.core, 'Shop')
    const prod = await addEnv(vault.core, shop.id, 'Production')
    envId = prod.id
    const now = vault.clock.now()
    await vault.core.createCredential(
      credential(prod.id, {
        name: 'Payments',
        lastRotatedAt: now - 120 * DAY_MS,
        rotationIntervalDays: 90,
        fields: [{ label: '', envVar: 'PAYMENTS_TOKEN', kind: 'secret', value: 'pay_token_0001' }],
      }),
    )
    await vault.core.lock()
    app = await openApp(browser, server.url, vault)
  }, 30_000)

  afterAll(async () => {
    await app?.close()
    await browser?.close()
    await server?.close()
    await vault?.cleanup()
  })

  it('the lock screen says its counts are unverified; after unlock the verified counts show', async () => {
    const { page } = app
    const summary = page.getByTestId('unlock-due')
    await summary.waitFor()
    await expect(summary.textContent()).resolves.toContain('1 key overdue.')
    await expect(page.getByTestId('unlock-due-unverified').textContent()).resolves.toBe(
      'Counts read before unlock; verified when you unlock.',
    )
    await noAxeViolations('the unlock screen with unverified counts')
    await screenshot(page, 'trust-unlock-unverified')
    await page.getByLabel('Master password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Unlock' }).click()
    await page.getByTestId('due-total').waitFor()
    await expect(page.getByTestId('due-total').textContent()).resolves.toMatch(/^1 keys? needs? attention$/)
    expect(await page.getByText('Counts read before unlock').count()).toBe(0)
    // What the window shows after unlock came from the authenticated rows.
    expect(await vault.core.dueCounts()).toMatchObject({ overdue: 1, verified: true })
  }, 30_000)

  it('Add key refuses an empty value unless "Allow empty" is ticked', async () => {
    const { page } = app
    await page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: /^Shop/ }).click()
    await page.getByRole('heading', { name: 'Shop', level: 1 }).waitFor()
    await page
      .getByRole('button', { name: /^Add key/ })
      .first()
      .click()
    const dialog = page.getByRole('dialog', { name: /^Add a key/ })
    await dialog.getByLabel('Name').fill('Webhook secret')
    await dialog.getByLabel('Env var').fill('WEBHOOK_SECRET')
    await dialog.getByRole('button', { name: /^Add key|^Save/ }).click()
    await dialog.getByText('Enter the value, or tick "Allow empty".').waitFor()
    expect((await vault.core.listCredentials({ environmentId: envId })).map((c) => c.name)).toEqual([
      'Payments',
    ])
    await dialog.getByLabel('Allow empty').check()
    await noAxeViolations('Add key with "Allow empty"')
    await screenshot(page, 'trust-add-key-allow-empty')
    await dialog.getByRole('button', { name: /^Add key|^Save/ }).click()
    await dialog.waitFor({ state: 'detached' })
    const added = (await vault.core.listCredentials({ environmentId: envId })).find(
      (c) => c.name === 'Webhook secret',
    )
    expect(added?.fields[0]?.masked.empty).toBe(true)
    expect((await vault.core.reveal({ fieldId: added!.fields[0]!.id })).value).toBe('')
  }, 30_000)

  it('Rotate refuses an empty new value unless the box is ticked', async () => {
    const { page } = app
    const stripe = (await vault.core.listCredentials({ environmentId: envId })).find(
      (c) => c.name === 'Payments',
    )!
    await page
      .getByTestId('key-row')
      .filter({ hasText: 'PAYMENTS_TOKEN' })
      .getByRole('button', { name: /Rotate/ })
      .first()
      .click()
    const dialog = page.getByRole('dialog', { name: 'Rotate Payments' })
    await dialog.getByRole('button', { name: 'Rotate' }).click()
    await dialog.getByText('Enter at least one new value.').waitFor()
    expect(await vault.core.history({ credentialId: stripe.id })).toHaveLength(0)
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
  }, 30_000)

  it('Settings → Security: "Rotate the vault key…" explains, asks for the password, shows progress and a toast', async () => {
    const { page } = app
    await vault.core.setQuickUnlock({ enabled: true, password: PASSWORD })
    const before = vault.core.dataKeyForQuickUnlock()
    await page.getByRole('button', { name: 'Settings' }).click()
    const settings = page.getByRole('dialog', { name: 'Settings' })
    await settings.getByRole('tab', { name: 'Security' }).click()
    await settings.getByRole('button', { name: 'Rotate the vault key…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Rotate the vault key' })
    await dialog.waitFor()
    const explain = await dialog.getByTestId('rekey-explain').textContent()
    expect(explain).toContain(
      'an old copy of the file and an old password cannot open secrets you add afterwards',
    )
    expect(explain).toContain('Quick unlock is turned off')
    await noAxeViolations('the rotate-the-vault-key dialog')
    await screenshot(page, 'trust-rekey-confirm')

    // Empty, then wrong password: nothing changes.
    await dialog.getByRole('button', { name: 'Rotate the vault key' }).click()
    await dialog.getByText('Enter your master password to confirm.').waitFor()
    await dialog.getByLabel('Master password').fill('not the password')
    await dialog.getByRole('button', { name: 'Rotate the vault key' }).click()
    await dialog.getByText('That is not the master password. Nothing was changed.').waitFor()
    expect(vault.core.dataKeyForQuickUnlock().equals(before)).toBe(true)

    // Right password: progress while main works (held 1.5 s here so it can be seen), then the toast.
    app.delays['rekey'] = 1500
    await dialog.getByLabel('Master password').fill(PASSWORD)
    await dialog.getByRole('button', { name: 'Rotate the vault key' }).click()
    await dialog.getByTestId('progress').waitFor()
    await expect(dialog.getByTestId('progress').textContent()).resolves.toContain(
      'Re-encrypting every secret',
    )
    await noAxeViolations('the rekey dialog while it works')
    await screenshot(page, 'trust-rekey-progress')
    await page.getByText(/^Vault key rotated: \d+ encrypted items re-encrypted\./).waitFor()
    await dialog.waitFor({ state: 'detached' })
    delete app.delays['rekey']
    await screenshot(page, 'trust-rekey-done')
    expect(await outerHTML(page)).not.toContain(PASSWORD)
    expect(vault.core.dataKeyForQuickUnlock().equals(before)).toBe(false)
    expect((await vault.core.quickUnlockStatus()).enabled).toBe(false)
    expect((await vault.core.auditLog({ limit: 5 })).some((a) => a.event === 'rekey')).toBe(true)
    const stripe = (await vault.core.listCredentials({ environmentId: envId })).find(
      (c) => c.name === 'Payments',
    )!
    expect((await vault.core.reveal({ fieldId: stripe.fields[0]!.id })).value).toBe('pay_token_0001')
  }, 60_000)
})
