import { BrowserWindow, nativeTheme, session, shell, type Session } from 'electron'
import type { RendererSource } from '../core/desktop/renderer-origin'
import { isTrustedRendererUrl } from '../core/desktop/renderer-origin'

export interface MainWindowOptions {
  preloadPath: string
  source: RendererSource
  iconPath: string
}

/** The same policy as the meta tag in index.html, also sent as a header for the dev server. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')

let hardenedSessions = new WeakSet<Session>()

/** Denies every permission request and check (camera, notifications from the page, clipboard-read, ...). */
function hardenSession(ses: Session): void {
  if (hardenedSessions.has(ses)) return
  hardenedSessions.add(ses)
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.setDevicePermissionHandler(() => false)
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    })
  })
}

/** For tests of the module graph: forget which sessions were hardened. */
export function resetHardenedSessions(): void {
  hardenedSessions = new WeakSet<Session>()
}

/**
 * The one window: sandboxed renderer, context isolation, no Node, web security on, strict CSP;
 * window.open denied, navigation away from our index.html denied, permission requests denied.
 */
export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  hardenSession(session.defaultSession)
  const win = new BrowserWindow({
    width: 1240,
    height: 800,
    minWidth: 900,
    minHeight: 580,
    show: false,
    title: 'Keyshelf',
    icon: opts.iconPath,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#111214' : '#f7f7f8',
    autoHideMenuBar: false,
    webPreferences: {
      preload: opts.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      enableWebSQL: false,
      safeDialogs: true,
    },
  })
  hardenSession(win.webContents.session)

  const wc = win.webContents
  wc.setWindowOpenHandler(({ url }) => {
    // Links to documentation may open in the browser; nothing opens inside Keyshelf.
    if (/^https:\/\//i.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  const refuseNavigation = (event: { preventDefault(): void }, url: string) => {
    if (!isTrustedRendererUrl(url, opts.source)) event.preventDefault()
  }
  wc.on('will-navigate', refuseNavigation)
  wc.on('will-redirect', refuseNavigation)
  wc.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame || !isTrustedRendererUrl(event.url, opts.source)) event.preventDefault()
  })
  wc.on('will-attach-webview', (event) => event.preventDefault())

  win.once('ready-to-show', () => win.show())
  if (opts.source.kind === 'url') void win.loadURL(opts.source.url)
  else void win.loadFile(opts.source.indexPath)
  return win
}
