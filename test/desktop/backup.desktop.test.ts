/**
 * Settings › Backup through the built app under the Electron stand-in: "Back up now…" opens main's native save
 * dialog (titled "Back up vault", overwrite confirmation on), the page sends no path, the file main got from the
 * dialog is written and verified, a cancelled dialog writes nothing, and a dialog answer naming the vault
 * itself is refused with one sentence.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore } from '../../src-main/core/core'
import { DesktopHarness } from './harness/desktop-harness'
import { PASSWORD, SECRET, addAppEnvAndKey, createVault } from './harness/flows'

const out = mkdtempSync(join(tmpdir(), 'keyshelf-backup-desktop-'))
let h: DesktopHarness
beforeAll(async () => {
  h = await DesktopHarness.launch()
})
afterAll(async () => {
  await h?.close()
  rmSync(out, { recursive: true, force: true })
})

describe('Settings › Backup in the desktop app', () => {
  it('saves through the native dialog, verifies, and refuses the vault itself', async () => {
    const run = await h.start()
    const { page } = await run.mainWindow()
    await createVault(page)
    await addAppEnvAndKey(page)
    const vault = join(run.userData, 'vault.db')
    const target = join(out, 'my-backup.sqlite')

    await page.getByRole('button', { name: 'Settings' }).click()
    const dialog = page.getByRole('dialog', { name: 'Settings' })
    await dialog.getByRole('tab', { name: 'Backup' }).click()

    // Cancelled: nothing written, nothing shown.
    await dialog.getByRole('button', { name: 'Back up now…' }).click()
    await expect.poll(() => run.fx.callsOf('dialog', 'showSaveDialog').length).toBe(1)
    await dialog.getByRole('button', { name: 'Back up now…' }).waitFor()
    await expect(dialog.getByTestId('backup-result').count()).resolves.toBe(0)

    run.fx.saveDialogAnswers.push(target)
    await dialog.getByRole('button', { name: 'Back up now…' }).click()
    await expect(dialog.getByTestId('backup-result').textContent()).resolves.toMatch(
      /^Saved my-backup\.sqlite \(\d+(\.\d)? KB\), verified\.$/,
    )
    const [, second] = run.fx.callsOf('dialog', 'showSaveDialog')
    expect(second?.args[0]).toMatchObject({
      title: 'Back up vault',
      defaultPath: expect.stringMatching(/^keyshelf-backup-\d{4}-\d\d-\d\d\.sqlite$/),
      properties: ['showOverwriteConfirmation'],
    })
    await dialog
      .getByTestId('last-backup')
      .getByText(/^Last backup: .+, my-backup\.sqlite \(/)
      .waitFor()

    run.fx.saveDialogAnswers.push(vault)
    await dialog.getByRole('button', { name: 'Back up now…' }).click()
    await dialog.getByText('A backup cannot replace the vault itself; choose another file name.').waitFor()
    await run.quit()

    expect(existsSync(target)).toBe(true)
    const copy = createCore({ vaultPath: target })
    try {
      await copy.unlock({ password: PASSWORD })
      const [key] = await copy.listCredentials({})
      await expect(copy.reveal({ fieldId: key?.fields[0]?.id ?? '' })).resolves.toEqual({ value: SECRET })
    } finally {
      await copy.close()
    }
  })
})
