/**
 * The desktop harness: runs the BUILT out/main/index.js (and, in each window, the BUILT preload) unchanged in
 * this Node 22 process, with `electron` answered by FakeElectron and every BrowserWindow a real Chromium page.
 *
 *   const h = await DesktopHarness.launch()
 *   const run = await h.start()            // app start: import main, emit 'ready', wait for the window
 *   const { page } = await run.mainWindow()
 *   ... drive the page with Playwright, assert run.fx.calls / clipboard / notifications ...
 *   await run.quit()                       // app.quit(): the app's own quit handlers run to the end
 *
 * Each start gets its own browser context (Electron's defaultSession), its own module instances of the app
 * and electron-store (see resolve-electron.ts) and, unless given one, a fresh userData folder.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type Browser, type BrowserContext, type Page, type Route } from 'playwright-core'
import { launchBrowser } from '../../e2e/harness'
import {
  FakeElectron,
  type FakeBrowserWindow,
  type FakeMenuItem,
  PreventableEvent,
  frameOf,
  projectVersion,
} from './fake-electron'
import { BINDING, pageScript } from './page-script'
import { electronRegistry, installElectronResolver, nativeImport } from './resolve-electron'

export const ROOT = join(import.meta.dirname, '../../..')
export const MAIN_BUNDLE = join(ROOT, 'out/main/index.js')
export const PRELOAD_BUNDLE = join(ROOT, 'out/preload/index.cjs')
export const RENDERER_INDEX = join(ROOT, 'out/renderer/index.html')

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

/** One response as the page received it, after the session's onHeadersReceived listener. */
export interface SeenResponse {
  url: string
  resourceType: string
  headers: Record<string, string[]>
}

export interface StartOptions {
  /** Reuse a userData folder (a restart); default: a fresh temp folder, removed by `DesktopHarness.close`. */
  userData?: string
  isPackaged?: boolean
  /** Environment variables set while the app starts (undefined = unset). */
  env?: Record<string, string | undefined>
  /** Adjust the fakes before the app loads (safeStorage backend, notification support, ...). */
  before?: (fx: FakeElectron) => void
}

/** One app start. */
export class AppRun {
  readonly responses: SeenResponse[] = []
  /** Navigations the app refused (will-navigate / will-frame-navigate prevented). */
  readonly refusedNavigations: string[] = []
  readonly receiverKeys = new Map<FakeBrowserWindow, string>()
  readonly startedAt = Date.now()
  /** ms from import of the main bundle to the first window's did-finish-load. */
  startMs = 0

  constructor(
    readonly fx: FakeElectron,
    readonly context: BrowserContext,
    readonly userData: string,
    readonly instance: number,
  ) {}

  /** The first window, once its page loaded (the app's main window). */
  async mainWindow(timeoutMs = 20_000): Promise<{ win: FakeBrowserWindow; page: Page }> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const win = this.fx.openWindows()[0]
      if (win && win.webContents.page && !win.webContents.isLoading() && win.webContents.deliver) {
        return { win, page: win.webContents.page }
      }
      if (Date.now() > until) throw new Error('the app opened no window')
      await new Promise((r) => setTimeout(r, 25))
    }
  }

  /** Clicks a menu item of the application menu by label, as the user would. */
  clickMenu(label: string): void {
    const item = this.menuItem(label)
    if (!item.click) throw new Error(`menu item ${label} has no click`)
    item.click(item, this.fx.openWindows()[0], { triggeredByAccelerator: false })
  }

  menuItem(label: string): FakeMenuItem {
    const item = this.fx.applicationMenu?.flat().find((i) => i.label === label)
    if (!item) throw new Error(`no menu item ${label}`)
    return item
  }

  /** app.quit() and wait until the app let the process exit; resolves to the exit code. */
  async quit(): Promise<number> {
    this.fx.app.quit()
    const code = await this.fx.app.exited
    await this.context.close().catch(() => undefined)
    return code
  }

  /** Waits for the app to exit by itself (e.g. after its last window closed). */
  async exited(): Promise<number> {
    const code = await this.fx.app.exited
    await this.context.close().catch(() => undefined)
    return code
  }
}

const ROLE_ACCELERATORS: Record<string, string> = {
  copy: 'CmdOrCtrl+C',
  cut: 'CmdOrCtrl+X',
  paste: 'CmdOrCtrl+V',
  selectAll: 'CmdOrCtrl+A',
  undo: 'CmdOrCtrl+Z',
  redo: 'CmdOrCtrl+Shift+Z',
  toggleDevTools: 'CmdOrCtrl+Shift+I',
  quit: 'CmdOrCtrl+Q',
}

/** Whether a keydown matches an accelerator such as "CmdOrCtrl+Shift+K" (on Linux/Windows CmdOrCtrl = Ctrl). */
export function matchesAccelerator(
  accel: string,
  key: { key: string; ctrl: boolean; shift: boolean; alt: boolean; meta: boolean },
): boolean {
  const parts = accel.split('+').map((p) => p.trim().toLowerCase())
  const want = { ctrl: false, shift: false, alt: false, meta: false }
  let main = ''
  for (const p of parts) {
    if (p === 'cmdorctrl' || p === 'commandorcontrol')
      want[process.platform === 'darwin' ? 'meta' : 'ctrl'] = true
    else if (p === 'ctrl' || p === 'control') want.ctrl = true
    else if (p === 'cmd' || p === 'command' || p === 'super' || p === 'meta') want.meta = true
    else if (p === 'shift') want.shift = true
    else if (p === 'alt' || p === 'option') want.alt = true
    else main = p
  }
  return (
    want.ctrl === key.ctrl &&
    want.shift === key.shift &&
    want.alt === key.alt &&
    want.meta === key.meta &&
    main === key.key.toLowerCase()
  )
}

/** The harness: one Chromium for a test file, any number of app starts (one at a time). */
export class DesktopHarness {
  private counter = 0
  private readonly temps: string[] = []
  /** Timing: Chromium launch in ms. */
  launchMs = 0

  private constructor(readonly browser: Browser) {}

  /** Fails (never skips) when the build or Chromium is missing. */
  static async launch(): Promise<DesktopHarness> {
    for (const f of [MAIN_BUNDLE, PRELOAD_BUNDLE, RENDERER_INDEX]) {
      if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build first`)
    }
    installElectronResolver(ROOT)
    const t = Date.now()
    const h = new DesktopHarness(await launchBrowser())
    h.launchMs = Date.now() - t
    return h
  }

  /** A temp folder removed at close. */
  tempDir(prefix = 'keyshelf-desktop-'): string {
    const d = mkdtempSync(join(tmpdir(), prefix))
    this.temps.push(d)
    return d
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined)
    for (const d of this.temps) rmSync(d, { recursive: true, force: true })
  }

  /** Starts the app from its built main bundle. */
  async start(opts: StartOptions = {}): Promise<AppRun> {
    const instance = ++this.counter
    const userData = opts.userData ?? this.tempDir()
    const appData = this.tempDir('keyshelf-appdata-')
    const context = await this.browser.newContext()
    const expected = new Map<FakeBrowserWindow, string>()
    let run: AppRun | null = null
    const host = {
      context,
      openPage: (win: FakeBrowserWindow) => this.openPage(run!, win),
    }
    const fx = new FakeElectron(host, {
      userData: join(appData, 'Electron'),
      appData,
      isPackaged: opts.isPackaged ?? false,
      version: projectVersion(ROOT),
      argv: [`--user-data-dir=${userData}`],
    })
    fx.host_expectNavigation = (win, url) => expected.set(win, url)
    run = new AppRun(fx, context, userData, instance)
    await context.route('**/*', (route) => this.onRequest(run!, expected, route))
    opts.before?.(fx)
    electronRegistry().set(String(instance), fx.moduleExports())

    const saved: Record<string, string | undefined> = {}
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      saved[k] = process.env[k]
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    const t = Date.now()
    try {
      await nativeImport(`${pathToFileURL(MAIN_BUNDLE).href}?keyshelf-instance=${instance}`)
      // Electron emits 'ready' once the main script's first turn is done.
      await new Promise((r) => setImmediate(r))
      fx.app.markReady()
      if (fx.app.exitCode === null) await run.mainWindow()
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
    run.startMs = Date.now() - t
    return run
  }

  private async openPage(run: AppRun, win: FakeBrowserWindow): Promise<Page> {
    const fx = run.fx
    const page = await run.context.newPage()
    const wc = win.webContents
    const prefs = (win.options['webPreferences'] ?? {}) as Record<string, unknown>
    const preloadPath = typeof prefs['preload'] === 'string' ? prefs['preload'] : null
    let preloadSource: string | null = null
    if (preloadPath !== null) {
      if (existsSync(preloadPath)) preloadSource = readFileSync(preloadPath, 'utf8')
      else fx.record('BrowserWindow', 'preload-missing', [preloadPath])
    }
    const receiverKey = `__ksReceiver_${randomBytes(8).toString('hex')}`
    run.receiverKeys.set(win, receiverKey)
    await page.exposeBinding(BINDING, async (source, msg: Record<string, unknown>) => {
      const frame = frameOf(source.frame)
      switch (msg['kind']) {
        case 'invoke':
          try {
            const value = await fx.ipcMain.invoke(wc, frame, String(msg['channel']), msg['args'] as unknown[])
            return { value }
          } catch (err) {
            return { error: err instanceof Error ? err.message : String(err) }
          }
        case 'send':
          fx.ipcMain.emit(
            String(msg['channel']),
            { sender: wc, senderFrame: frame },
            ...(msg['args'] as unknown[]),
          )
          return null
        case 'exposed':
          fx.record('contextBridge', 'exposeInMainWorld', [msg['key']])
          if (source.frame === page.mainFrame()) {
            wc.deliver = async (channel, args) => {
              if (wc.destroyed || page.isClosed()) return
              await page
                .evaluate(
                  ([k, c, a]) =>
                    (globalThis as unknown as Record<string, (c: string, a: unknown) => number>)[k]?.(c, a),
                  [receiverKey, channel, args] as [string, string, unknown[]],
                )
                .catch(() => undefined)
            }
          }
          return null
        case 'open':
          return wc.windowOpen(
            String(msg['url']),
            String(msg['frameName']),
            String(msg['features']),
            String(msg['disposition']),
          )
        case 'permission':
          return wc.session.requestPermission(wc, String(msg['permission']), {
            requestingUrl: frame.url,
            isMainFrame: !frame.parent,
          })
        case 'permission-check':
          return wc.session.checkPermission(wc, String(msg['permission']), frame.origin)
        case 'key':
          this.onKey(
            run,
            win,
            msg as unknown as { key: string; ctrl: boolean; shift: boolean; alt: boolean; meta: boolean },
          )
          return null
        default:
          return null
      }
    })
    await page.addInitScript({ content: pageScript(preloadSource, receiverKey) })
    page.on('close', () => {
      if (!win.destroyed) win.destroy()
    })
    return page
  }

  /** A keydown the page left unhandled: the application menu's matching accelerator runs its item. */
  private onKey(
    run: AppRun,
    win: FakeBrowserWindow,
    key: { key: string; ctrl: boolean; shift: boolean; alt: boolean; meta: boolean },
  ): void {
    const menu = run.fx.applicationMenu
    if (!menu) return
    for (const item of menu.flat()) {
      const accel = item.accelerator ?? (item.role ? ROLE_ACCELERATORS[item.role] : undefined)
      if (!accel || item.visible === false || item.enabled === false || !matchesAccelerator(accel, key))
        continue
      run.fx.record('Menu', 'accelerator', [accel, item.label ?? item.role])
      if (item.click) item.click(item, win, { triggeredByAccelerator: true })
      else if (item.role === 'copy') win.webContents.copy()
      else if (item.role === 'paste') win.webContents.paste()
      else if (item.role === 'cut') win.webContents.cut()
      else if (item.role === 'selectAll') win.webContents.selectAll()
      else if (item.role === 'toggleDevTools') win.webContents.toggleDevTools()
      else if (item.role === 'quit') run.fx.app.quit()
      return
    }
  }

  /** Every request of the session: navigations go through will-navigate; responses through onHeadersReceived. */
  private async onRequest(
    run: AppRun,
    expected: Map<FakeBrowserWindow, string>,
    route: Route,
  ): Promise<void> {
    const req = route.request()
    const url = req.url()
    let frame
    try {
      frame = req.frame()
    } catch {
      frame = null
    }
    const win = frame ? run.fx.openWindows().find((w) => w.webContents.page === frame.page()) : undefined
    if (req.isNavigationRequest() && frame && win) {
      const isMainFrame = frame.parentFrame() === null
      if (isMainFrame && expected.get(win) === url) {
        expected.delete(win)
      } else {
        const event = new PreventableEvent({ url, isMainFrame, frame: frameOf(frame), isSameDocument: false })
        win.webContents.emit('will-frame-navigate', event)
        if (isMainFrame) win.webContents.emit('will-navigate', event, url, false, true)
        if (event.defaultPrevented) {
          run.refusedNavigations.push(url)
          run.fx.record('webContents', 'navigation-refused', [url])
          await route.abort('aborted')
          return
        }
      }
    }
    let status = 200
    let body: Buffer
    let headers: Record<string, string[]> = {}
    if (url.startsWith('file:')) {
      const path = fileURLToPath(url)
      if (!existsSync(path)) {
        await route.fulfill({ status: 404, body: '' })
        return
      }
      body = readFileSync(path)
      headers = { 'content-type': [TYPES[extname(path)] ?? 'application/octet-stream'] }
    } else if (url.startsWith('http:') || url.startsWith('https:')) {
      try {
        const res = await route.fetch()
        status = res.status()
        body = await res.body()
        for (const { name, value } of res.headersArray()) (headers[name.toLowerCase()] ??= []).push(value)
      } catch {
        await route.abort('failed').catch(() => undefined)
        return
      }
    } else {
      await route.continue()
      return
    }
    const applied =
      (await win?.webContents.session.applyHeaders({
        url,
        method: req.method(),
        resourceType:
          req.resourceType() === 'document'
            ? frame?.parentFrame()
              ? 'subFrame'
              : 'mainFrame'
            : req.resourceType(),
        statusCode: status,
        responseHeaders: headers,
      })) ??
      (await run.fx.session.defaultSession.applyHeaders({
        url,
        method: req.method(),
        resourceType: req.resourceType(),
        statusCode: status,
        responseHeaders: headers,
      }))
    if (applied.cancel) {
      await route.abort('blockedbyclient')
      return
    }
    run.responses.push({ url, resourceType: req.resourceType(), headers: applied.headers })
    const flat: Record<string, string> = {}
    for (const [k, v] of Object.entries(applied.headers)) flat[k] = v.join(', ')
    await route.fulfill({ status, headers: flat, body })
  }
}
