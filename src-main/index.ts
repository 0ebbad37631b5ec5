/**
 * Keyshelf's composition root (Electron main). It builds the object graph and wires core to the OS;
 * behaviour lives in src-main/core. Nothing a test loads imports this file.
 */
import { BrowserWindow, Menu, Notification, app, dialog, nativeTheme, powerMonitor } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LOCKED_CHANNEL, MENU_CHANNEL, PROGRESS_CHANNEL, type MenuCommand } from '../src-shared/bridge'
import type { Preferences, VaultStatus } from '../src-shared/model'
import { runCli } from './cli/run-cli'
import { CliAccess } from './core/desktop/cli-access'
import { DueNotifier } from './core/desktop/due-notifier'
import { IdleLock, idlePollMs, type LockReason } from './core/desktop/idle-lock'
import type { RendererSource } from './core/desktop/renderer-origin'
import { isTrustedRendererUrl } from './core/desktop/renderer-origin'
import { createStreamLogger } from './core/logger'
import { createCore } from './core/core'
import { registerIpc } from './ipc/register'
import { buildAppMenu } from './menu'
import { createElectronClipboard } from './platform/clipboard'
import { createQuickUnlock } from './platform/quick-unlock'
import { createElectronSettings } from './platform/settings'
import { createMainWindow } from './windows/main-window'
import { installWebContentsGuard } from './windows/web-contents-guard'

const here = dirname(fileURLToPath(import.meta.url))
const HOUR_MS = 3_600_000

// userData is ~/.config/Keyshelf (Linux), ~/Library/Application Support/Keyshelf, %APPDATA%\Keyshelf,
// unless Chromium's standard --user-data-dir switch names another folder (the Electron smoke test uses it).
app.setName('Keyshelf')
const userDataSwitch = app.commandLine.getSwitchValue('user-data-dir')
app.setPath('userData', userDataSwitch || join(app.getPath('appData'), 'Keyshelf'))
app.enableSandbox()

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  void main()
}

async function main(): Promise<void> {
  const logger = createStreamLogger((line) => process.stderr.write(line))
  // The dev server URL and DevTools exist only in development; the packaged app ignores both.
  const devUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined
  const source: RendererSource = devUrl
    ? { kind: 'url', url: devUrl }
    : { kind: 'file', indexPath: join(here, '../renderer/index.html') }

  installWebContentsGuard({
    isTrustedUrl: (url) => isTrustedRendererUrl(url, source),
    devTools: !app.isPackaged,
    logger,
  })
  const settings = createElectronSettings()
  const clipboard = createElectronClipboard(logger)
  let win: BrowserWindow | null = null
  const vaultPath = join(app.getPath('userData'), 'vault.db')
  const service = createCore({
    vaultPath,
    origin: 'app',
    clipboard,
    settings,
    logger,
    quickUnlock: createQuickUnlock(join(app.getPath('userData'), 'quick-unlock.bin')),
    onProgress: (event) => {
      if (win && !win.isDestroyed()) win.webContents.send(PROGRESS_CHANNEL, event)
    },
    dialogs: {
      async chooseSavePath(defaultName, title) {
        const options = {
          title: title ?? 'Save environment file',
          defaultPath: defaultName,
          properties: ['showOverwriteConfirmation' as const],
        }
        const r =
          win && !win.isDestroyed()
            ? await dialog.showSaveDialog(win, options)
            : await dialog.showSaveDialog(options)
        return r.canceled || !r.filePath ? null : r.filePath
      },
    },
  })

  let unlocked = false
  let idleTimer: ReturnType<typeof setInterval> | null = null
  let pendingMenuCommand: MenuCommand | null = null
  let dueChecked = false

  const applyTheme = (prefs: Preferences) => {
    nativeTheme.themeSource = prefs.theme
  }

  const showWindow = () => {
    if (!win || win.isDestroyed()) {
      openWindow()
      return
    }
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
  }

  const sendMenuCommand = (command: MenuCommand) => {
    if (!win || win.isDestroyed() || win.webContents.isLoading()) {
      pendingMenuCommand = command
      showWindow()
      return
    }
    win.webContents.send(MENU_CHANNEL, command)
  }

  // Settings › CLI access: the CLI's agent protocol, served while the window is unlocked (off by default).
  const cliAccess = new CliAccess({
    vault: vaultPath,
    core: service,
    env: process.env,
    run: async (argv, io, core) => (await runCli(argv, io, { core })).code,
    lockWindow: () => void lockVault('user'),
    logger,
  })
  const syncCliAccess = () => void cliAccess.update(settings.get().cliAccess, unlocked)

  const lockVault = async (reason: LockReason) => {
    await cliAccess.stop()
    await service.lock()
    await clipboard.clearIfOursNow()
    unlocked = false
    logger.info('locked', { reason })
    if (win && !win.isDestroyed()) win.webContents.send(LOCKED_CHANNEL)
  }

  const idleLock = new IdleLock({
    idleSeconds: () => powerMonitor.getSystemIdleTime(),
    autoLockMinutes: () => settings.get().autoLockMinutes,
    isUnlocked: () => unlocked,
    lock: (reason) => void lockVault(reason),
  })

  const scheduleIdlePoll = () => {
    if (idleTimer) clearInterval(idleTimer)
    idleTimer = setInterval(() => idleLock.tick(), idlePollMs(settings.get().autoLockMinutes))
  }

  const notifier = new DueNotifier({
    clock: Date.now,
    counts: () => service.dueCounts(),
    warnDays: () => settings.get().warnDays,
    lastNotifiedAt: settings.lastDueNoticeAt,
    show: (title, body) => {
      if (!Notification.isSupported()) return
      const n = new Notification({ title, body, icon: join(here, '../../resources/icon.png') })
      n.on('click', () => sendMenuCommand('open-due'))
      n.show()
    },
  })

  registerIpc(service, {
    isTrustedSender: (url, webContentsId) =>
      win !== null &&
      !win.isDestroyed() &&
      win.webContents.id === webContentsId &&
      isTrustedRendererUrl(url, source),
    logger,
    afterCommand: (command, value) => {
      if (
        command === 'unlock' ||
        command === 'quickUnlock' ||
        command === 'create' ||
        command === 'lock' ||
        command === 'status'
      ) {
        unlocked = (value as VaultStatus).state === 'unlocked'
        // Decrypt the rest of the key overview in small steps now, so the first search is already warm.
        if (unlocked && command !== 'status') void service.warmUp()
        syncCliAccess()
      }
      if (command === 'setPreferences') {
        applyTheme(value as Preferences)
        if (win && !win.isDestroyed()) win.setContentProtection((value as Preferences).hideFromScreenCapture)
        scheduleIdlePoll()
        syncCliAccess()
      }
    },
  })

  function openWindow(): void {
    win = createMainWindow({
      preloadPath: join(here, '../preload/index.cjs'),
      source,
      iconPath: join(here, '../../resources/icon.png'),
      devTools: !app.isPackaged,
      contentProtection: settings.get().hideFromScreenCapture,
    })
    win.webContents.on('did-finish-load', () => {
      if (pendingMenuCommand && win) {
        win.webContents.send(MENU_CHANNEL, pendingMenuCommand)
        pendingMenuCommand = null
      }
      // The first due check runs once the window can show where the notification leads.
      if (!dueChecked) {
        dueChecked = true
        void notifier.check()
      }
    })
    win.on('minimize', () => {
      if (settings.get().lockOnMinimize && unlocked) void lockVault('minimize')
    })
    win.on('closed', () => {
      win = null
    })
  }

  app.on('second-instance', () => showWindow())
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow()
  })
  app.on('window-all-closed', () => {
    // The vault locks with its last window; on macOS the app stays in the Dock.
    void lockVault('user')
    if (process.platform !== 'darwin') app.quit()
  })

  let cleanedUp = false
  app.on('will-quit', (event) => {
    if (cleanedUp) return
    event.preventDefault()
    void Promise.allSettled([cliAccess.stop(), clipboard.clearIfOursNow(), service.close()]).finally(() => {
      cleanedUp = true
      app.quit()
    })
  })

  await app.whenReady()
  applyTheme(settings.get())
  Menu.setApplicationMenu(buildAppMenu({ send: sendMenuCommand, lock: () => void lockVault('user') }))
  powerMonitor.on('suspend', () => idleLock.lockNow('suspend'))
  powerMonitor.on('lock-screen', () => idleLock.lockNow('lock-screen'))
  // After a night asleep the hourly timer may be far off: check on wake too (still at most once a day).
  powerMonitor.on('resume', () => void notifier.check())
  scheduleIdlePoll()
  openWindow()

  setInterval(() => void notifier.check(), HOUR_MS)
}
