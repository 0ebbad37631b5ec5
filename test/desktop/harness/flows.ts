/** What a user does in the window, shared by the desktop scenarios (Playwright on the real page). */
import type { Page } from 'playwright-core'
import type { Command } from '../../../src-shared/contract'

export const PASSWORD = 'correct horse battery staple'
export const SECRET = 'sk_live_desktop_5f3a9c1e7b2d4086'

/** Calls window.keyshelf.<command> in the page (through the built preload and IPC); throws on an error result. */
export async function api<T = unknown>(page: Page, command: Command, input: unknown = {}): Promise<T> {
  const r = (await page.evaluate(
    ([c, i]) =>
      (globalThis as unknown as { keyshelf: Record<string, (x: unknown) => Promise<unknown>> }).keyshelf[c]!(
        i,
      ),
    [command, input] as [string, unknown],
  )) as { ok: boolean; value?: T; error?: { code: string; message: string } }
  if (!r.ok) throw new Error(`${command}: ${r.error?.code} ${r.error?.message}`)
  return r.value as T
}

/** First run: the create-vault screen, as a new user fills it. */
export async function createVault(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'Create your vault' }).waitFor()
  await page.getByLabel('Master password', { exact: true }).fill(PASSWORD)
  await page.getByLabel('Confirm master password').fill(PASSWORD)
  await page.getByLabel(/I understand/).check()
  await page.getByRole('button', { name: 'Create vault' }).click()
  await page.getByRole('heading', { name: 'Add your first app' }).waitFor({ timeout: 20_000 })
}

/** Adds an app, an environment and one secret key through the dialogs. */
export async function addAppEnvAndKey(
  page: Page,
  envVar = 'STRIPE_SECRET_KEY',
  value = SECRET,
): Promise<void> {
  await page.getByRole('button', { name: 'Add app' }).first().click()
  const appDialog = page.getByRole('dialog', { name: 'Add an app' })
  await appDialog.getByLabel('Name').fill('Billing')
  await appDialog.getByRole('button', { name: 'Add app' }).click()
  await page.getByRole('heading', { name: 'Billing', level: 1 }).waitFor()
  await page.getByRole('button', { name: 'Add environment' }).click()
  const envDialog = page.getByRole('dialog', { name: /Add an environment/ })
  await envDialog.getByLabel('Name').fill('Production')
  await envDialog.getByRole('button', { name: 'Add environment' }).click()
  await page.getByRole('tab', { name: 'Production', selected: true }).waitFor()
  await page.getByRole('button', { name: 'Add key' }).first().click()
  const keyDialog = page.getByRole('dialog', { name: /Add a key/ })
  await keyDialog.getByLabel('Name', { exact: true }).fill('Stripe secret key')
  const row = keyDialog.getByTestId('field-row').first()
  await row.getByLabel('Env var').fill(envVar)
  await row.getByLabel(/^(Secret value|Value)$/).fill(value)
  await keyDialog.getByRole('button', { name: 'Add key' }).click()
  await keyDialog.waitFor({ state: 'detached' })
  await page.getByTestId('key-row').first().waitFor()
}

/** The unlock screen is showing (the vault is locked in the window). */
export async function expectUnlockScreen(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Unlock', exact: true }).waitFor({ timeout: 15_000 })
}

/** Types the master password on the unlock screen. */
export async function unlock(page: Page): Promise<void> {
  await page.getByLabel('Master password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Unlock', exact: true }).click()
  await page
    .getByRole('button', { name: 'Unlock', exact: true })
    .waitFor({ state: 'detached', timeout: 15_000 })
  for (let i = 0; i < 100 && (await api<{ state: string }>(page, 'status')).state !== 'unlocked'; i++) {
    await new Promise((r) => setTimeout(r, 50))
  }
}
