import { Menu, app, type MenuItemConstructorOptions } from 'electron'
import type { MenuCommand } from '../src-shared/bridge'

/**
 * The application menu. Items that act on the vault are forwarded to the renderer (`send`), except Lock,
 * which main performs itself so it works even if the renderer is busy.
 */
export function buildAppMenu(handlers: { send: (command: MenuCommand) => void; lock: () => void }): Menu {
  const isMac = process.platform === 'darwin'
  const send = (command: MenuCommand) => () => handlers.send(command)
  const template: MenuItemConstructorOptions[] = [
    ...(isMac
      ? [
          {
            label: 'Keyshelf',
            submenu: [
              { role: 'about' },
              { type: 'separator' },
              { label: 'Settings…', accelerator: 'Cmd+,', click: send('preferences') },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Key…', accelerator: 'CmdOrCtrl+N', click: send('new-key') },
        { label: 'New Environment…', accelerator: 'CmdOrCtrl+Shift+E', click: send('new-environment') },
        { label: 'New App…', accelerator: 'CmdOrCtrl+Shift+N', click: send('new-app') },
        { type: 'separator' },
        { label: 'Lock Vault', accelerator: 'CmdOrCtrl+L', click: () => handlers.lock() },
        ...(isMac
          ? []
          : ([
              { type: 'separator' },
              { label: 'Preferences…', accelerator: 'Ctrl+,', click: send('preferences') },
              { type: 'separator' },
              { role: 'quit' },
            ] satisfies MenuItemConstructorOptions[])),
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        { label: 'Search…', accelerator: 'CmdOrCtrl+K', click: send('search') },
        // Ctrl+F is where people look for "find"; it opens the same search.
        { label: 'Find…', accelerator: 'CmdOrCtrl+F', click: send('search') },
        { label: 'Keys Due for Rotation', accelerator: 'CmdOrCtrl+Shift+D', click: send('open-due') },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged
          ? []
          : ([{ type: 'separator' }, { role: 'toggleDevTools' }] satisfies MenuItemConstructorOptions[])),
      ],
    },
    { role: 'windowMenu' },
  ]
  return Menu.buildFromTemplate(template)
}
