/**
 * The keyhole: exposes window.keyshelf with one named function per contract command, each invoking its
 * own fixed channel, plus three narrow main -> renderer subscriptions (menu, locked, progress). ipcRenderer itself never crosses.
 * Built as a single CommonJS bundle (sandboxed preloads cannot load ESM or other modules).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  COMMAND_NAMES,
  LOCKED_CHANNEL,
  MENU_CHANNEL,
  PROGRESS_CHANNEL,
  commandChannel,
  isMenuCommand,
  isProgressEvent,
  type KeyshelfBridge,
  type MenuCommand,
} from '../src-shared/bridge'
import type { ProgressEvent } from '../src-shared/model'

const commands: Record<string, (input?: unknown) => Promise<unknown>> = {}
for (const command of COMMAND_NAMES) {
  const channel = commandChannel(command)
  commands[command] = (input?: unknown) => ipcRenderer.invoke(channel, input ?? {})
}

const api = {
  ...commands,
  onMenuCommand(listener: (command: MenuCommand) => void): () => void {
    const handler = (_event: IpcRendererEvent, command: unknown) => {
      if (isMenuCommand(command)) listener(command)
    }
    ipcRenderer.on(MENU_CHANNEL, handler)
    return () => void ipcRenderer.removeListener(MENU_CHANNEL, handler)
  },
  onLockedByMain(listener: () => void): () => void {
    const handler = () => listener()
    ipcRenderer.on(LOCKED_CHANNEL, handler)
    return () => void ipcRenderer.removeListener(LOCKED_CHANNEL, handler)
  },
  onProgress(listener: (event: ProgressEvent) => void): () => void {
    const handler = (_event: IpcRendererEvent, payload: unknown) => {
      if (isProgressEvent(payload)) listener({ ...payload })
    }
    ipcRenderer.on(PROGRESS_CHANNEL, handler)
    return () => void ipcRenderer.removeListener(PROGRESS_CHANNEL, handler)
  },
} as unknown as KeyshelfBridge

contextBridge.exposeInMainWorld('keyshelf', api)
