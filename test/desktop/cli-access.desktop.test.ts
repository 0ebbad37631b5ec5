/**
 * Settings › CLI access, through the built app under the Electron stand-in: with the setting on and the window
 * unlocked, the real `keyshelf` CLI (a child process) gets a value without any password; when the window locks
 * it falls back to asking for the password (and, with no terminal, refuses); `keyshelf lock` locks the window.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Preferences } from '../../src-shared/model'
import { DesktopHarness } from './harness/desktop-harness'
import { SECRET, addAppEnvAndKey, api, createVault, expectUnlockScreen, unlock } from './harness/flows'

const CLI = fileURLToPath(new URL('../../out/main/cli.js', import.meta.url))
const home = mkdtempSync(join(tmpdir(), 'keyshelf-cli-access-'))
const runtime = join(home, 'run')
const savedRuntime = process.env.XDG_RUNTIME_DIR

let h: DesktopHarness
beforeAll(async () => {
  mkdirSync(runtime, { mode: 0o700 })
  // The app's main process (this process) and the CLI must agree on the runtime folder.
  process.env.XDG_RUNTIME_DIR = runtime
  h = await DesktopHarness.launch()
})
afterAll(async () => {
  await h?.close()
  if (savedRuntime === undefined) delete process.env.XDG_RUNTIME_DIR
  else process.env.XDG_RUNTIME_DIR = savedRuntime
  rmSync(home, { recursive: true, force: true })
})

/** The CLI as a user runs it: no KEYSHELF_PASSWORD, no terminal. */
function keyshelf(vault: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--vault', vault, ...args], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        XDG_RUNTIME_DIR: runtime,
        LANG: 'C.UTF-8',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d: Buffer) => err.push(d))
    child.on('error', reject)
    child.on('close', (code) =>
      resolve({ code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() }),
    )
    child.stdin.end()
  })
}

const socketCount = () =>
  existsSync(join(runtime, 'keyshelf')) ? readdirSync(join(runtime, 'keyshelf')).length : 0

describe('the desktop app serves the CLI (Settings › CLI access)', () => {
  it('off by default; on: get needs no password while unlocked; locked: the CLI asks again; keyshelf lock locks the window', async () => {
    const run = await h.start()
    const { page } = await run.mainWindow()
    await createVault(page)
    await addAppEnvAndKey(page)
    const vault = join(run.userData, 'vault.db')
    const address = 'Billing/Production/STRIPE_SECRET_KEY'

    // Off by default: the CLI must ask for the password, and there is no terminal.
    expect((await api<Preferences>(page, 'getPreferences')).cliAccess).toBe(false)
    const off = await keyshelf(vault, ['get', address])
    expect(off.code).toBe(1)
    expect(off.err).toMatch(/No terminal to ask for a secret/)
    expect(socketCount()).toBe(0)

    await api<Preferences>(page, 'setPreferences', { cliAccess: true })
    await expect.poll(socketCount, { timeout: 10_000 }).toBeGreaterThan(0)
    const on = await keyshelf(vault, ['get', address])
    expect(on).toEqual({ code: 0, out: SECRET, err: '' })
    const listed = await keyshelf(vault, ['key', 'list', '--json'])
    expect(JSON.parse(listed.out)).toHaveLength(1)
    // The built main audits the window's actions as the app's and what it serves the CLI as the CLI's.
    const creds = await api<{ id: string; name: string }[]>(page, 'listCredentials', {})
    const activity = await api<{ event: string; details: { origin?: string } }[]>(page, 'keyActivity', {
      credentialId: creds[0]!.id,
    })
    expect(activity.map((e) => [e.event, e.details.origin])).toEqual([
      ['reveal', 'cli'],
      ['edit', 'app'],
    ])

    // The window locks: the app stops serving at once and the CLI falls back to the password.
    await api(page, 'lock')
    expect(socketCount()).toBe(0)
    const locked = await keyshelf(vault, ['get', address])
    expect(locked.code).toBe(1)
    expect(locked.err).toMatch(/No terminal to ask for a secret/)
    expect(locked.out).toBe('')

    // Unlocked again: served again; `keyshelf lock` locks the window too.
    await page.reload()
    await expectUnlockScreen(page)
    await unlock(page)
    await expect.poll(socketCount, { timeout: 10_000 }).toBeGreaterThan(0)
    const lock = await keyshelf(vault, ['lock'])
    expect(lock.code).toBe(0)
    expect(lock.err).toMatch(/locked its window/)
    await expectUnlockScreen(page)
    expect(socketCount()).toBe(0)

    // Turned off while unlocked: no longer served.
    await unlock(page)
    await expect.poll(socketCount, { timeout: 10_000 }).toBeGreaterThan(0)
    await api<Preferences>(page, 'setPreferences', { cliAccess: false })
    await expect.poll(socketCount, { timeout: 10_000 }).toBe(0)
    expect((await keyshelf(vault, ['get', address])).code).toBe(1)

    // Quitting stops it too.
    await api<Preferences>(page, 'setPreferences', { cliAccess: true })
    await expect.poll(socketCount, { timeout: 10_000 }).toBeGreaterThan(0)
    await run.quit()
    expect(socketCount()).toBe(0)
  }, 180_000)
})
