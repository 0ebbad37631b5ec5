// What `import ... from 'electron'` resolves to under the desktop harness (see resolve-electron.ts): the
// FakeElectron of the app start named in this module's URL (?keyshelf-instance=N). Plain JS, so Node loads
// it natively, exactly as the built main bundle and electron-store import it.
const instance = new URL(import.meta.url).searchParams.get('keyshelf-instance') ?? ''
const registry = /** @type {Map<string, Record<string, any>> | undefined} */ (
  /** @type {any} */ (globalThis)[Symbol.for('keyshelf.desktop-harness.electron')]
)
const api = registry?.get(instance)
if (!api) throw new Error(`The desktop harness has no Electron for app start ${instance}`)

export const {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  MenuItem,
  Notification,
  clipboard,
  ClipboardItem,
  nativeTheme,
  powerMonitor,
  safeStorage,
  session,
  dialog,
  shell,
  webContents,
} = api
export default api
