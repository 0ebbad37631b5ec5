import { BrowserWindow, nativeTheme, session, type Session } from 'electron'
import type { RendererSource } from '../core/desktop/renderer-origin'

export interface MainWindowOptions {
  preloadPath: string
  source: RendererSource
  iconPath: string
  /** DevTools are available (development only; false in the packaged app). */
  devTools: boolean
  /** Hide the window from screen capture (setContentProtection; macOS and Windows). */
  contentProtection: boolean
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
 * The one window: sandboxed renderer, context isolation, no Node, web security on, strict CSP, permission
 * requests denied. window.open and navigation are refused by the global guard (web-contents-guard.ts).
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
      devTools: opts.devTools,
    },
  })
  hardenSession(win.webContents.session)

  win.setContentProtection(opts.contentProtection)

  win.once('ready-to-show', () => win.show())
  if (opts.source.kind === 'url') void win.loadURL(opts.source.url)
  else void win.loadFile(opts.source.indexPath)
  return win
}
