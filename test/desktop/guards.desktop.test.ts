/**
 * From app start: the sender check refuses other frames and other windows; window.open, navigation away and
 * permission requests are denied; external links reach shell.openExternal only for allow-listed hosts;
 * menu accelerators reach the renderer; the due notification fires at most once a day and opens the Due
 * view; the packaged app ignores ELECTRON_RENDERER_URL and has no DevTools.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channelOf } from '../../src-shared/contract'
import type { VaultStatus } from '../../src-shared/model'
import { credential, serveStatic } from '../e2e/harness'
import { DesktopHarness, PRELOAD_BUNDLE, RENDERER_INDEX, type AppRun } from './harness/desktop-harness'
import { addAppEnvAndKey, api, createVault, expectUnlockScreen, SECRET, unlock } from './harness/flows'

const DAY_MS = 86_400_000
const REFUSED = {
  ok: false,
  error: { code: 'INVALID_INPUT', message: 'This request did not come from the Keyshelf window.' },
}

let h: DesktopHarness
let server: { url: string; close: () => Promise<void> }
beforeAll(async () => {
  h = await DesktopHarness.launch()
  server = await serveStatic(join(RENDERER_INDEX, '..'))
})
afterAll(async () => {
  await server?.close()
  await h?.close()
})

describe('sender check, windows, navigation, permissions, links', () => {
  let run: AppRun
  beforeAll(async () => {
    run = await h.start()
  }, 60_000)
  afterAll(async () => {
    await run?.quit()
  })

  it('refuses IPC from a subframe of another origin, and from a second window (other page or even our own)', async () => {
    const { win } = await run.mainWindow()
    const main = win.webContents.mainFrame!
    // What Electron delivers for an invoke from an iframe: the frame's own URL and a parent.
    const iframe = {
      url: 'https://evil.example/frame.html',
      origin: 'https://evil.example',
      parent: main,
      top: main,
      routingId: 7,
    }
    await expect(run.fx.ipcMain.invoke(win.webContents, iframe, channelOf('status'), [{}])).resolves.toEqual(
      REFUSED,
    )
    const sameUrlChild = { ...main, parent: main, routingId: 8 }
    await expect(
      run.fx.ipcMain.invoke(win.webContents, sameUrlChild, channelOf('status'), [{}]),
    ).resolves.toEqual(REFUSED)

    for (const url of [`${server.url}/index.html`, new URL(`file://${RENDERER_INDEX}`).href]) {
      const second = new run.fx.BrowserWindow({
        webPreferences: { preload: PRELOAD_BUNDLE, sandbox: true, contextIsolation: true },
      })
      await second.loadURL(url)
      const page = await second.ready
      await expect(page.evaluate('window.keyshelf.status({})')).resolves.toEqual(REFUSED)
      second.close()
    }
    // The main window itself still may.
    await expect(api<VaultStatus>((await run.mainWindow()).page, 'status')).resolves.toMatchObject({
      state: 'no-vault',
    })
  }, 30_000)

  it('denies window.open and target=_blank; only allow-listed https links go to shell.openExternal', async () => {
    const { page } = await run.mainWindow()
    const windowsBefore = run.fx.openWindows().length
    expect(await page.evaluate(`window.open('https://example.com/')`)).toBeNull()
    await page.evaluate(`window.open('https://dash.cloudflare.com/profile/api-tokens')`)
    await page.evaluate(`window.open('http://gitlab.com/')`)
    await page.evaluate(`window.open('file:///etc/passwd')`)
    await page.evaluate(`(() => {
      const a = document.createElement('a'); a.href = 'https://gitlab.com/-/user_settings/personal_access_tokens';
      a.target = '_blank'; a.textContent = 'GitLab tokens'; a.id = 'ext'; document.body.append(a) })()`)
    await page.click('#ext')
    await expect.poll(() => run.fx.callsOf('webContents', 'window-open').length).toBe(5)
    expect(run.fx.opened).toEqual([
      'https://dash.cloudflare.com/profile/api-tokens',
      'https://gitlab.com/-/user_settings/personal_access_tokens',
    ])
    expect(run.fx.openWindows().length).toBe(windowsBefore) // nothing opened inside Keyshelf
  })

  it('refuses navigation away from index.html (main frame), keeping the page', async () => {
    const { page } = await run.mainWindow()
    const before = page.url()
    for (const target of ['https://example.com/', 'file:///etc/passwd', `${server.url}/index.html`]) {
      await page.evaluate(`location.href = ${JSON.stringify(target)}`)
      await expect.poll(() => run.refusedNavigations.includes(target)).toBe(true)
    }
    expect(page.url()).toBe(before)
    await page.getByRole('heading', { name: 'Create your vault' }).waitFor()
  })

  it('denies permission requests and checks through the session handlers', async () => {
    const { page } = await run.mainWindow()
    await expect(page.evaluate('Notification.requestPermission()')).resolves.toBe('denied')
    await expect(
      page.evaluate(
        'navigator.mediaDevices.getUserMedia({ video: true }).then(() => "granted", (e) => e.name)',
      ),
    ).resolves.toBe('NotAllowedError')
    await expect(
      page.evaluate('navigator.clipboard.readText().then(() => "read", (e) => e.name)'),
    ).resolves.toBe('NotAllowedError')
    await expect(
      page.evaluate(`navigator.permissions.query({ name: 'geolocation' }).then((s) => s.state)`),
    ).resolves.toBe('denied')
    expect(run.fx.callsOf('session', 'permission-request').map((c) => c.args[0])).toEqual([
      'notifications',
      'media',
      'clipboard-read',
    ])
    expect(run.fx.callsOf('session', 'permission-check').map((c) => c.args[0])).toEqual(['geolocation'])
  })
})

describe('menu accelerators', () => {
  it('Ctrl+K and Ctrl+F open search, Ctrl+Shift+D the Due view, Ctrl+C copies the selected key, Ctrl+L locks', async () => {
    const run = await h.start()
    const { page } = await run.mainWindow()
    await createVault(page)
    await addAppEnvAndKey(page)

    await page.keyboard.press('Control+K') // the renderer's own shortcut
    await page.getByRole('dialog', { name: /Search/i }).waitFor()
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'detached' })

    await page.keyboard.press('Control+F') // unhandled by the page: the menu's Find… accelerator
    await page.getByRole('dialog', { name: /Search/i }).waitFor()
    expect(run.fx.callsOf('Menu', 'accelerator').map((c) => c.args[0])).toContain('CmdOrCtrl+F')
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'detached' })

    await page.keyboard.press('Control+Shift+D')
    await page.getByRole('heading', { name: 'Due for rotation' }).waitFor()
    expect(run.fx.callsOf('Menu', 'accelerator').map((c) => c.args[0])).toContain('CmdOrCtrl+Shift+D')

    await page
      .getByRole('navigation', { name: /Apps/i })
      .getByRole('button', { name: /Billing/ })
      .click()
    await page.getByTestId('key-row').first().click()
    await page.keyboard.press('Control+C')
    await expect.poll(() => run.fx.clipboard.text).toBe(SECRET)

    await page.keyboard.press('Control+L')
    await expectUnlockScreen(page)
    expect((await api<VaultStatus>(page, 'status')).state).toBe('locked')
    expect(run.fx.clipboard.text).toBe('') // locking cleared what we copied

    // The Lock Vault menu item (main locks itself) reaches the renderer too.
    await unlock(page)
    run.clickMenu('Lock Vault')
    await expectUnlockScreen(page)
    await run.quit()
  }, 60_000)
})

describe('due notification', () => {
  it('fires once a day at most, survives restarts in electron-store, and its click opens the Due view', async () => {
    const first = await h.start()
    const { page } = await first.mainWindow()
    await createVault(page)
    const appRow = await api<{ id: string }>(page, 'createApp', {
      name: 'Mail',
      description: '',
      appId: '',
      tags: [],
      notes: '',
    })
    const env = await api<{ id: string }>(page, 'createEnvironment', {
      appId: appRow.id,
      name: 'Production',
      apiUrl: '',
      wsUrl: '',
      region: '',
      notes: '',
    })
    await api(page, 'createCredential', credential(env.id, { expiresAt: Date.now() - 2 * DAY_MS }))
    expect(first.fx.notifications).toHaveLength(0) // nothing was due at this start
    await first.quit()

    const second = await h.start({ userData: first.userData })
    await expect.poll(() => second.fx.notifications.filter((n) => n.shown).length).toBe(1)
    const note = second.fx.notifications[0]!
    expect(note.options.title).toBe('Keys need rotation')
    // Read while locked: the counts come from plaintext columns, and the notice says so.
    expect(note.options.body).toBe('1 key expired\nCounts read before unlock; verified when you unlock.')
    second.fx.powerMonitor.emit('resume') // waking up the same day: no second notice
    await new Promise((r) => setTimeout(r, 300))
    expect(second.fx.notifications).toHaveLength(1)
    const w = await second.mainWindow()
    await unlock(w.page)
    note.click()
    await w.page.getByRole('heading', { name: 'Due for rotation' }).waitFor()
    await second.quit()

    const third = await h.start({ userData: first.userData })
    await new Promise((r) => setTimeout(r, 500))
    expect(third.fx.notifications).toHaveLength(0) // shown today already (kept in config.json)
    await third.quit()

    // A day later (the stored time moved back 25 h), it fires again.
    const file = join(first.userData, 'config.json')
    const config = JSON.parse(readFileSync(file, 'utf8')) as { lastDueNoticeAt: number }
    writeFileSync(
      file,
      JSON.stringify({ ...config, lastDueNoticeAt: config.lastDueNoticeAt - 25 * 3_600_000 }),
    )
    const fourth = await h.start({ userData: first.userData })
    await expect.poll(() => fourth.fx.notifications.filter((n) => n.shown).length).toBe(1)
    await fourth.quit()
  }, 90_000)
})

describe('packaged vs development', () => {
  it('development: ELECTRON_RENDERER_URL loads the dev server, which may call IPC; DevTools are available', async () => {
    const run = await h.start({ env: { ELECTRON_RENDERER_URL: `${server.url}/` } })
    const { win, page } = await run.mainWindow()
    expect(run.fx.callsOf('BrowserWindow', 'loadURL')[0]?.args).toEqual([`${server.url}/`])
    await expect(api<VaultStatus>(page, 'status')).resolves.toMatchObject({ state: 'no-vault' })
    expect((win.options['webPreferences'] as Record<string, unknown>)['devTools']).toBe(true)
    expect(run.fx.applicationMenu!.flat().some((i) => i.role === 'toggleDevTools')).toBe(true)
    await run.quit()
  }, 30_000)

  it('packaged: ignores ELECTRON_RENDERER_URL, has no DevTools menu, and closes DevTools if they open', async () => {
    const run = await h.start({ isPackaged: true, env: { ELECTRON_RENDERER_URL: `${server.url}/` } })
    const { win } = await run.mainWindow()
    expect(run.fx.callsOf('BrowserWindow', 'loadURL')).toHaveLength(0)
    expect(run.fx.callsOf('BrowserWindow', 'loadFile')[0]?.args).toEqual([RENDERER_INDEX])
    expect((win.options['webPreferences'] as Record<string, unknown>)['devTools']).toBe(false)
    expect(run.fx.applicationMenu!.flat().some((i) => i.role === 'toggleDevTools')).toBe(false)
    win.webContents.openDevTools()
    expect(win.webContents.isDevToolsOpened()).toBe(false)
    await run.quit()
  }, 30_000)

  it('every web contents gets the guard, also one the app did not create itself', async () => {
    const run = await h.start()
    const other = new run.fx.BrowserWindow({})
    await other.loadURL(`${server.url}/index.html`)
    const page = await other.ready
    expect(await page.evaluate(`window.open('https://example.com/')`)).toBeNull()
    await page.evaluate(`location.href = 'https://example.com/'`)
    await expect.poll(() => run.refusedNavigations).toContain('https://example.com/')
    expect(run.fx.opened).toEqual([])
    other.close()
    await run.quit()
  }, 30_000)
})
