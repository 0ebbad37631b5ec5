/**
 * A stand-in for the part of Electron's main-process API that Keyshelf's built main bundle (and
 * electron-store) use. One `FakeElectron` exists per app start. Every object records what the app asked of
 * it (`calls`), so tests assert on it; windows are real Chromium pages (see desktop-harness.ts).
 *
 * Behaviour follows Electron 45's documented semantics where the app depends on them (quit sequence,
 * permission defaults, setWindowOpenHandler, webRequest header rewriting, ipcMain.handle errors); see the
 * notes at each class. What this cannot prove about real Electron is listed in test/desktop/README.md.
 */
import { EventEmitter } from 'node:events'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserContext, Frame, Page } from 'playwright-core'

/** One recorded API call: which object, which method, with what (secrets never pass here except clipboard). */
export interface Call {
  api: string
  method: string
  args: unknown[]
}

/** The hooks the harness gives the fakes to reach Chromium. */
export interface PageHost {
  context: BrowserContext
  /** Creates the page behind a BrowserWindow and wires it (bindings, preload, routes). */
  openPage(win: FakeBrowserWindow): Promise<Page>
}

/** An event Electron lets a listener cancel. */
export class PreventableEvent {
  defaultPrevented = false
  constructor(extra: Record<string, unknown> = {}) {
    Object.assign(this, extra)
  }
  preventDefault(): void {
    this.defaultPrevented = true
  }
}

// ------------------------------------------------------------------ session

export interface HeadersDetails {
  url: string
  method: string
  resourceType: string
  statusCode: number
  responseHeaders: Record<string, string[]>
}

/** session: permission handlers and webRequest.onHeadersReceived. Electron grants permissions when no handler is set. */
export class FakeSession {
  permissionRequestHandler:
    ((wc: unknown, permission: string, cb: (ok: boolean) => void, details: unknown) => void) | null = null
  permissionCheckHandler:
    ((wc: unknown, permission: string, origin: string, details: unknown) => boolean) | null = null
  devicePermissionHandler: ((details: unknown) => boolean) | null = null
  headersListener:
    | ((
        details: HeadersDetails,
        cb: (r: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void,
      ) => void)
    | null = null
  readonly webRequest = {
    onHeadersReceived: (a: unknown, b?: unknown) => {
      const listener = (typeof a === 'function' ? a : b) as FakeSession['headersListener']
      this.record('webRequest.onHeadersReceived', [])
      this.headersListener = listener ?? null
    },
  }
  constructor(private readonly fx: FakeElectron) {}
  private record(method: string, args: unknown[]): void {
    this.fx.record('session', method, args)
  }
  setPermissionRequestHandler(h: FakeSession['permissionRequestHandler']): void {
    this.record('setPermissionRequestHandler', [])
    this.permissionRequestHandler = h
  }
  setPermissionCheckHandler(h: FakeSession['permissionCheckHandler']): void {
    this.record('setPermissionCheckHandler', [])
    this.permissionCheckHandler = h
  }
  setDevicePermissionHandler(h: FakeSession['devicePermissionHandler']): void {
    this.record('setDevicePermissionHandler', [])
    this.devicePermissionHandler = h
  }
  on(): this {
    return this
  }
  /** Runs the app's header listener over a response (Electron calls it for every response of the session). */
  applyHeaders(details: HeadersDetails): Promise<{ headers: Record<string, string[]>; cancel: boolean }> {
    const listener = this.headersListener
    if (!listener) return Promise.resolve({ headers: details.responseHeaders, cancel: false })
    return new Promise((resolve) =>
      listener(details, (r) =>
        resolve({ headers: r.responseHeaders ?? details.responseHeaders, cancel: !!r.cancel }),
      ),
    )
  }
  /** A permission request from a page: the handler decides; none set means granted (Electron's default). */
  requestPermission(
    wc: FakeWebContents,
    permission: string,
    details: Record<string, unknown>,
  ): Promise<boolean> {
    this.fx.record('session', 'permission-request', [permission])
    const h = this.permissionRequestHandler
    if (!h) return Promise.resolve(true)
    return new Promise((resolve) => h(wc, permission, (ok) => resolve(ok === true), details))
  }
  checkPermission(wc: FakeWebContents, permission: string, origin: string): boolean {
    this.fx.record('session', 'permission-check', [permission])
    const h = this.permissionCheckHandler
    return h ? h(wc, permission, origin, { requestingUrl: origin }) === true : true
  }
}

// ------------------------------------------------------------------ webContents and windows

/** The sender frame an IPC event reports (Electron's WebFrameMain, as far as ipc/ reads it). */
export interface FakeFrame {
  url: string
  origin: string
  parent: FakeFrame | null
  top: FakeFrame | null
  routingId: number
}

export function frameOf(frame: Frame): FakeFrame {
  const parentFrame = frame.parentFrame()
  const parent = parentFrame ? frameOf(parentFrame) : null
  const url = frame.url()
  let origin = 'null'
  try {
    origin = new URL(url).origin
  } catch {
    // about:blank and friends
  }
  const self: FakeFrame = { url, origin, parent, top: null, routingId: 1 }
  self.top = parent ? parent.top : self
  return self
}

let nextId = 1

/** webContents: events, send, setWindowOpenHandler, DevTools and edit roles (recorded). */
export class FakeWebContents extends EventEmitter {
  readonly id = nextId++
  page: Page | null = null
  loading = false
  destroyed = false
  devToolsOpened = false
  windowOpenHandler:
    | ((d: { url: string; frameName: string; features: string; disposition: string }) => { action: string })
    | null = null
  /** Messages main sent to the renderer, in order (channel and arguments). */
  readonly sent: { channel: string; args: unknown[] }[] = []
  /** Set by the harness once the preload installed its receiver. */
  deliver: ((channel: string, args: unknown[]) => Promise<void>) | null = null
  constructor(
    private readonly fx: FakeElectron,
    readonly window: FakeBrowserWindow | null,
    readonly session: FakeSession,
  ) {
    super()
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed')
    this.sent.push({ channel, args })
    this.fx.record('webContents', 'send', [channel])
    void this.deliver?.(channel, args)
  }
  setWindowOpenHandler(h: FakeWebContents['windowOpenHandler']): void {
    this.fx.record('webContents', 'setWindowOpenHandler', [])
    this.windowOpenHandler = h
  }
  isLoading(): boolean {
    return this.loading
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  getURL(): string {
    return this.page?.url() ?? ''
  }
  getType(): string {
    return 'window'
  }
  openDevTools(): void {
    this.fx.record('webContents', 'openDevTools', [])
    this.devToolsOpened = true
    this.emit('devtools-opened')
  }
  closeDevTools(): void {
    this.devToolsOpened = false
  }
  isDevToolsOpened(): boolean {
    return this.devToolsOpened
  }
  toggleDevTools(): void {
    if (this.devToolsOpened) this.closeDevTools()
    else this.openDevTools()
  }
  copy(): void {
    this.fx.record('webContents', 'copy', [])
  }
  cut(): void {
    this.fx.record('webContents', 'cut', [])
  }
  paste(): void {
    this.fx.record('webContents', 'paste', [])
  }
  selectAll(): void {
    this.fx.record('webContents', 'selectAll', [])
  }
  undo(): void {}
  redo(): void {}
  get mainFrame(): FakeFrame | null {
    return this.page ? frameOf(this.page.mainFrame()) : null
  }
  /**
   * A window.open / target=_blank from the page: the app's handler decides; Electron's default (no handler)
   * is to open a new window.
   */
  async windowOpen(
    url: string,
    frameName: string,
    features: string,
    disposition: string,
  ): Promise<'allow' | 'deny'> {
    this.fx.record('webContents', 'window-open', [url])
    const decision = this.windowOpenHandler
      ? this.windowOpenHandler({ url, frameName, features, disposition })
      : { action: 'allow' }
    if (decision.action === 'allow') {
      const child = new this.fx.BrowserWindow({})
      void child.loadURL(url)
      return 'allow'
    }
    return 'deny'
  }
}

/** BrowserWindow backed by a Chromium page. Construction is synchronous; the page arrives a moment later. */
export class FakeBrowserWindow extends EventEmitter {
  static fx: FakeElectron
  readonly id: number
  readonly options: Record<string, unknown>
  readonly webContents: FakeWebContents
  readonly ready: Promise<Page>
  destroyed = false
  visible = false
  minimized = false
  focused = false
  contentProtection: boolean | null = null
  title = ''

  readonly fx: FakeElectron

  constructor(options: Record<string, unknown> = {}) {
    super()
    const fx = (new.target as typeof FakeBrowserWindow).fx
    this.fx = fx
    this.options = options
    this.title = typeof options['title'] === 'string' ? options['title'] : ''
    this.webContents = new FakeWebContents(fx, this, fx.session.defaultSession)
    this.id = this.webContents.id
    fx.windows.push(this)
    fx.record('BrowserWindow', 'new', [options])
    fx.app.emit('browser-window-created', new PreventableEvent(), this)
    fx.app.emit('web-contents-created', new PreventableEvent(), this.webContents)
    this.ready = fx.host.openPage(this).then((page) => {
      this.webContents.page = page
      return page
    })
    this.ready.catch(() => undefined)
    if (options['show'] !== false) this.visible = true
  }
  static getAllWindows(this: typeof FakeBrowserWindow): FakeBrowserWindow[] {
    return this.fx.openWindows()
  }
  static getFocusedWindow(this: typeof FakeBrowserWindow): FakeBrowserWindow | null {
    return this.fx.openWindows().find((w) => w.focused) ?? null
  }
  static fromWebContents(this: typeof FakeBrowserWindow, wc: FakeWebContents): FakeBrowserWindow | null {
    return this.fx.openWindows().find((w) => w.webContents === wc) ?? null
  }
  private async navigate(url: string): Promise<void> {
    const fx = this.fx
    const page = await this.ready
    this.webContents.loading = true
    fx.host_expectNavigation(this, url)
    try {
      await page.goto(url, { waitUntil: 'load' })
    } finally {
      this.webContents.loading = false
    }
    if (this.destroyed) return
    this.webContents.emit('did-finish-load')
    this.emit('ready-to-show')
  }
  loadFile(path: string): Promise<void> {
    this.fx.record('BrowserWindow', 'loadFile', [path])
    return this.navigate(new URL(`file://${path.startsWith('/') ? '' : '/'}${path.replace(/\\/g, '/')}`).href)
  }
  loadURL(url: string): Promise<void> {
    this.fx.record('BrowserWindow', 'loadURL', [url])
    return this.navigate(url)
  }
  show(): void {
    this.visible = true
    this.focused = true
    this.emit('show')
  }
  hide(): void {
    this.visible = false
    this.emit('hide')
  }
  focus(): void {
    this.focused = true
    this.emit('focus')
  }
  isVisible(): boolean {
    return this.visible
  }
  isMinimized(): boolean {
    return this.minimized
  }
  /** As the window manager would: minimises and emits 'minimize'. */
  minimize(): void {
    this.minimized = true
    this.emit('minimize', new PreventableEvent())
  }
  restore(): void {
    this.minimized = false
    this.emit('restore')
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  setContentProtection(enable: boolean): void {
    this.fx.record('BrowserWindow', 'setContentProtection', [enable])
    this.contentProtection = enable
  }
  isContentProtected(): boolean {
    return this.contentProtection === true
  }
  getTitle(): string {
    return this.title
  }
  setTitle(t: string): void {
    this.title = t
  }
  setMenuBarVisibility(): void {}
  removeMenu(): void {}
  /** Closes like the user clicking X: 'close' (preventable), then the page goes, then 'closed'. */
  close(): void {
    if (this.destroyed) return
    const event = new PreventableEvent()
    this.emit('close', event)
    if (event.defaultPrevented) return
    this.destroy()
  }
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.webContents.destroyed = true
    this.webContents.emit('destroyed')
    void this.ready.then((p) => p.close()).catch(() => undefined)
    this.emit('closed')
    this.fx.windowClosed()
  }
}

// ------------------------------------------------------------------ app, ipcMain, menu, the rest

/** ipcMain: handle/removeHandler for invoke, plus EventEmitter `on` (electron-store registers one). */
export class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>()
  constructor(private readonly fx: FakeElectron) {
    super()
  }
  handle(channel: string, fn: (event: unknown, ...args: unknown[]) => unknown): void {
    // Electron throws on a second handler for the same channel.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, fn)
  }
  handleOnce(channel: string, fn: (event: unknown, ...args: unknown[]) => unknown): void {
    this.handle(channel, (e, ...a) => {
      this.handlers.delete(channel)
      return fn(e, ...a)
    })
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  /** What ipcRenderer.invoke does: the handler's value, or Electron's "No handler registered" error. */
  async invoke(
    sender: FakeWebContents,
    frame: FakeFrame,
    channel: string,
    args: unknown[],
  ): Promise<unknown> {
    this.fx.record('ipcMain', 'invoke', [channel])
    const fn = this.handlers.get(channel)
    if (!fn) throw new Error(`No handler registered for '${channel}'`)
    const event = { sender, senderFrame: frame, frameId: frame.routingId, processId: 1, type: 'frame' }
    return await fn(event, ...args)
  }
}

export interface FakeMenuItem {
  label?: string
  accelerator?: string
  role?: string
  type?: string
  visible?: boolean
  enabled?: boolean
  click?: (item: FakeMenuItem, win: FakeBrowserWindow | undefined, event: unknown) => void
  submenu?: FakeMenu
}

/** Menu.buildFromTemplate keeps the template as items; accelerators are matched by the harness. */
export class FakeMenu {
  readonly items: FakeMenuItem[]
  constructor(template: Record<string, unknown>[]) {
    this.items = template.map((t) => ({
      ...(t as FakeMenuItem),
      submenu: Array.isArray(t['submenu'])
        ? new FakeMenu(t['submenu'] as Record<string, unknown>[])
        : undefined,
    }))
  }
  /** Every item, depth first. */
  flat(): FakeMenuItem[] {
    return this.items.flatMap((i) => [i, ...(i.submenu ? i.submenu.flat() : [])])
  }
}

/** Notification: recorded when shown; `click()` does what the user's click would. */
export class FakeNotification extends EventEmitter {
  static fx: FakeElectron
  shown = false
  readonly fx: FakeElectron
  constructor(readonly options: { title?: string; body?: string; icon?: string }) {
    super()
    this.fx = (new.target as typeof FakeNotification).fx
    this.fx.notifications.push(this)
  }
  static isSupported(this: typeof FakeNotification): boolean {
    return this.fx.notificationsSupported
  }
  show(): void {
    this.shown = true
    this.fx.record('Notification', 'show', [this.options.title, this.options.body])
    this.emit('show')
  }
  close(): void {
    this.emit('close')
  }
  click(): void {
    this.emit('click')
  }
}

/** ClipboardItem as Electron 45 defines it (types + getType). */
export class FakeClipboardItem {
  readonly types: string[]
  constructor(readonly items: Record<string, string | Blob>) {
    this.types = Object.keys(items)
  }
  async getType(type: string): Promise<Blob> {
    const v = this.items[type]
    if (v === undefined) throw new Error(`no ${type}`)
    return typeof v === 'string' ? new Blob([v]) : v
  }
}

/** The OS clipboard: what is on it now (text and raw formats), and every write (recorded for the tests). */
export class FakeClipboard {
  text = ''
  formats: Record<string, Buffer> = {}
  readonly writes: { text: string; formats: Record<string, Buffer> }[] = []
  clears = 0
  /** Set to make `write` refuse raw formats, as a platform without them might. */
  refuseRawFormats = false
  constructor(private readonly fx: FakeElectron) {}
  async write(items: FakeClipboardItem[]): Promise<void> {
    this.fx.record('clipboard', 'write', [items.flatMap((i) => i.types)])
    let text = ''
    const formats: Record<string, Buffer> = {}
    for (const item of items) {
      for (const type of item.types) {
        const blob = await item.getType(type)
        const bytes = Buffer.from(await blob.arrayBuffer())
        if (type === 'text/plain') text = bytes.toString('utf8')
        else {
          if (this.refuseRawFormats) throw new Error(`unsupported clipboard format ${type}`)
          formats[type] = bytes
        }
      }
    }
    this.text = text
    this.formats = formats
    this.writes.push({ text, formats })
  }
  async writeText(text: string): Promise<void> {
    this.fx.record('clipboard', 'writeText', [])
    this.text = text
    this.formats = {}
    this.writes.push({ text, formats: {} })
  }
  async readText(): Promise<string> {
    return this.text
  }
  async has(type: string): Promise<boolean> {
    return type === 'text/plain' ? this.text !== '' : type in this.formats
  }
  clear(): void {
    this.fx.record('clipboard', 'clear', [])
    this.clears++
    this.text = ''
    this.formats = {}
  }
  /** Another program (or the user) copies something. */
  userCopies(text: string): void {
    this.text = text
    this.formats = {}
  }
}

/**
 * safeStorage: encrypts with a per-process AES key standing in for the OS keychain; the backend and
 * availability are set by the test (Linux 'basic_text' is what Electron reports without a keyring).
 */
export class FakeSafeStorage {
  available = true
  backend = 'gnome_libsecret'
  private readonly key = randomBytes(32)
  constructor(private readonly fx: FakeElectron) {}
  isEncryptionAvailable(): boolean {
    return this.available
  }
  getSelectedStorageBackend(): string {
    this.fx.record('safeStorage', 'getSelectedStorageBackend', [])
    return this.backend
  }
  encryptString(plain: string): Buffer {
    this.fx.record('safeStorage', 'encryptString', [])
    if (!this.available) throw new Error('Encryption is not available.')
    const iv = randomBytes(12)
    const c = createCipheriv('aes-256-gcm', this.key, iv)
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()])
    return Buffer.concat([iv, c.getAuthTag(), body])
  }
  decryptString(data: Buffer): string {
    this.fx.record('safeStorage', 'decryptString', [])
    const d = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, 12))
    d.setAuthTag(data.subarray(12, 28))
    return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8')
  }
}

export interface AppOptions {
  userData: string
  appData: string
  isPackaged: boolean
  version: string
  argv: string[]
}

/**
 * app: paths, lifecycle and the quit sequence as Electron documents it: quit() emits before-quit (preventable),
 * closes every window (without window-all-closed), emits will-quit (preventable), then quit, then the
 * process would exit (here: `exited` resolves).
 */
export class FakeApp extends EventEmitter {
  name = 'Electron'
  readonly paths = new Map<string, string>()
  ready = false
  quitting = false
  exitCode: number | null = null
  sandboxEnabled = false
  readonly exited: Promise<number>
  private resolveExit!: (code: number) => void
  readonly commandLine: {
    getSwitchValue(n: string): string
    hasSwitch(n: string): boolean
    appendSwitch(): void
  }
  constructor(
    private readonly fx: FakeElectron,
    private readonly opts: AppOptions,
  ) {
    super()
    this.paths.set('appData', opts.appData)
    this.paths.set('userData', opts.userData)
    this.paths.set('temp', opts.appData)
    this.paths.set('home', opts.appData)
    this.exited = new Promise((r) => (this.resolveExit = r))
    const switches = new Map<string, string>()
    for (const a of opts.argv) {
      const m = /^--([^=]+)(?:=(.*))?$/.exec(a)
      if (m && m[1]) switches.set(m[1], m[2] ?? '')
    }
    this.commandLine = {
      getSwitchValue: (n) => switches.get(n) ?? '',
      hasSwitch: (n) => switches.has(n),
      appendSwitch: () => undefined,
    }
  }
  get isPackaged(): boolean {
    return this.opts.isPackaged
  }
  setName(n: string): void {
    this.name = n
  }
  getName(): string {
    return this.name
  }
  getVersion(): string {
    return this.opts.version
  }
  getPath(name: string): string {
    const p = this.paths.get(name)
    if (!p) throw new Error(`Failed to get '${name}' path`)
    return p
  }
  setPath(name: string, p: string): void {
    this.fx.record('app', 'setPath', [name, p])
    this.paths.set(name, p)
  }
  enableSandbox(): void {
    this.fx.record('app', 'enableSandbox', [])
    this.sandboxEnabled = true
  }
  requestSingleInstanceLock(): boolean {
    this.fx.record('app', 'requestSingleInstanceLock', [])
    return this.fx.singleInstanceLock
  }
  isReady(): boolean {
    return this.ready
  }
  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((r) => this.once('ready', () => r()))
  }
  /** The harness calls this after the main bundle was loaded, as Electron emits 'ready'. */
  markReady(): void {
    this.ready = true
    this.emit('will-finish-launching')
    this.emit('ready', new PreventableEvent(), {})
  }
  focus(): void {}
  setAppUserModelId(): void {}
  quit(): void {
    this.fx.record('app', 'quit', [])
    if (this.exitCode !== null) return
    const before = new PreventableEvent()
    this.emit('before-quit', before)
    if (before.defaultPrevented) return
    this.quitting = true
    for (const w of this.fx.openWindows()) {
      w.close()
      if (!w.destroyed) {
        this.quitting = false
        return // a window refused to close: the quit is cancelled
      }
    }
    const will = new PreventableEvent()
    this.emit('will-quit', will)
    if (will.defaultPrevented) {
      this.quitting = false
      return
    }
    this.emit('quit', new PreventableEvent(), 0)
    this.finish(0)
  }
  exit(code = 0): void {
    this.fx.record('app', 'exit', [code])
    for (const w of this.fx.openWindows()) w.destroy()
    this.finish(code)
  }
  private finish(code: number): void {
    if (this.exitCode !== null) return
    this.exitCode = code
    this.resolveExit(code)
  }
}

/** Everything one app start sees as `require('electron')`, plus what it recorded. */
export class FakeElectron {
  readonly calls: Call[] = []
  readonly windows: FakeBrowserWindow[] = []
  readonly notifications: FakeNotification[] = []
  notificationsSupported = true
  singleInstanceLock = true
  readonly app: FakeApp
  readonly ipcMain: FakeIpcMain
  readonly clipboard: FakeClipboard
  readonly safeStorage: FakeSafeStorage
  readonly session: { defaultSession: FakeSession; fromPartition: () => FakeSession }
  readonly BrowserWindow: typeof FakeBrowserWindow
  readonly Notification: typeof FakeNotification
  readonly ClipboardItem = FakeClipboardItem
  applicationMenu: FakeMenu | null = null
  readonly Menu: {
    buildFromTemplate(t: Record<string, unknown>[]): FakeMenu
    setApplicationMenu(m: FakeMenu | null): void
    getApplicationMenu(): FakeMenu | null
  }
  readonly nativeTheme: EventEmitter & { themeSource: string; shouldUseDarkColors: boolean }
  readonly powerMonitor: EventEmitter & {
    idleSeconds: number
    getSystemIdleTime(): number
    getSystemIdleState(t: number): string
  }
  /** Answers for dialog.showSaveDialog, in order; none left means "canceled". */
  readonly saveDialogAnswers: (string | null)[] = []
  readonly dialog: Record<string, (...args: unknown[]) => unknown>
  readonly shell: {
    openExternal(url: string): Promise<void>
    openPath(p: string): Promise<string>
    showItemInFolder(p: string): void
  }
  readonly opened: string[] = []
  /** Set by the harness: a navigation it starts itself (loadFile/loadURL) is not a will-navigate. */
  host_expectNavigation: (win: FakeBrowserWindow, url: string) => void = () => undefined

  constructor(
    readonly host: PageHost,
    opts: AppOptions,
  ) {
    this.app = new FakeApp(this, opts)
    this.ipcMain = new FakeIpcMain(this)
    this.clipboard = new FakeClipboard(this)
    this.safeStorage = new FakeSafeStorage(this)
    const defaultSession = new FakeSession(this)
    this.session = { defaultSession, fromPartition: () => defaultSession }
    // Classes Electron exports must be constructible with `new`; each instance gets its own subclass.
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the per-start subclasses close over it
    const fx = this
    this.BrowserWindow = class extends FakeBrowserWindow {
      static override fx = fx
    }
    this.Notification = class extends FakeNotification {
      static override fx = fx
    }
    this.Menu = {
      buildFromTemplate: (t) => new FakeMenu(t),
      setApplicationMenu: (m) => {
        this.record('Menu', 'setApplicationMenu', [])
        this.applicationMenu = m
      },
      getApplicationMenu: () => this.applicationMenu,
    }
    const theme = new EventEmitter() as FakeElectron['nativeTheme']
    let source = 'system'
    Object.defineProperty(theme, 'themeSource', {
      get: () => source,
      set: (v: string) => {
        this.record('nativeTheme', 'themeSource', [v])
        source = v
      },
    })
    theme.shouldUseDarkColors = false
    this.nativeTheme = theme
    const power = new EventEmitter() as FakeElectron['powerMonitor']
    power.idleSeconds = 0
    power.getSystemIdleTime = () => (this.app.exitCode === null ? power.idleSeconds : 0)
    power.getSystemIdleState = (t) => (power.idleSeconds >= t ? 'idle' : 'active')
    this.powerMonitor = power
    this.dialog = {
      showSaveDialog: async (...args: unknown[]) => {
        this.record('dialog', 'showSaveDialog', [args.at(-1)])
        const answer = this.saveDialogAnswers.shift() ?? null
        return answer === null ? { canceled: true } : { canceled: false, filePath: answer }
      },
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showMessageBox: async (...args: unknown[]) => {
        this.record('dialog', 'showMessageBox', [args.at(-1)])
        return { response: 0, checkboxChecked: false }
      },
      showErrorBox: (...args: unknown[]) => void this.record('dialog', 'showErrorBox', args),
    }
    this.shell = {
      openExternal: async (url: string) => {
        this.record('shell', 'openExternal', [url])
        this.opened.push(url)
      },
      openPath: async (p: string) => {
        this.record('shell', 'openPath', [p])
        return ''
      },
      showItemInFolder: (p: string) => void this.record('shell', 'showItemInFolder', [p]),
    }
  }

  record(api: string, method: string, args: unknown[]): void {
    this.calls.push({ api, method, args })
  }

  /** Calls of one api (and method). */
  callsOf(api: string, method?: string): Call[] {
    return this.calls.filter((c) => c.api === api && (method === undefined || c.method === method))
  }

  /** Windows not yet destroyed. */
  openWindows(): FakeBrowserWindow[] {
    return this.windows.filter((w) => !w.destroyed)
  }

  /** After a window closed: Electron emits window-all-closed when none is left, unless the app is quitting. */
  windowClosed(): void {
    if (this.openWindows().length === 0 && !this.app.quitting && this.app.exitCode === null) {
      this.app.emit('window-all-closed')
    }
  }

  /** The module object `require('electron')` returns in main. */
  moduleExports(): Record<string, unknown> {
    return {
      app: this.app,
      BrowserWindow: this.BrowserWindow,
      ipcMain: this.ipcMain,
      Menu: this.Menu,
      MenuItem: class {},
      Notification: this.Notification,
      clipboard: this.clipboard,
      ClipboardItem: this.ClipboardItem,
      nativeTheme: this.nativeTheme,
      powerMonitor: this.powerMonitor,
      safeStorage: this.safeStorage,
      session: this.session,
      dialog: this.dialog,
      shell: this.shell,
      webContents: {
        getAllWebContents: () => this.openWindows().map((w) => w.webContents),
      },
    }
  }
}

/** The version electron-store gets from app.getVersion(): the project's package.json version. */
export function projectVersion(root: string): string {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string
}
