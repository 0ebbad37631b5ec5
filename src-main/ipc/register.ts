import { ipcMain, type IpcMainInvokeEvent } from 'electron'
import { COMMANDS, channelOf, type Command, type VaultService } from '../../src-shared/contract'
import type { Result } from '../../src-shared/model'
import { dispatch } from '../core/ipc-dispatch'
import type { Logger } from '../core/logger'

export interface IpcOptions {
  /**
   * Whether a sender is our renderer: its top-level frame URL (see core/desktop/renderer-origin) and the
   * id of the web contents it lives in (only the main window's may call; a second window may not).
   */
  isTrustedSender: (url: string, webContentsId: number) => boolean
  logger: Logger
  /** Runs after a command succeeded (main reacts to lock, unlock and preference changes). */
  afterCommand?: (command: Command, value: unknown) => void
}

const untrusted: Result<never> = {
  ok: false,
  error: { code: 'INVALID_INPUT', message: 'This request did not come from the Keyshelf window.' },
}

function senderUrl(event: IpcMainInvokeEvent): string | null {
  const frame = event.senderFrame
  if (!frame) return null
  // Only the top-level frame of our window may call; iframes (there are none) never could.
  if (frame.parent !== null) return null
  return frame.url
}

/**
 * The only place that calls ipcMain.handle: one handler per contract command on its fixed channel.
 * Each checks the sender frame, then hands the raw input to the core `dispatch` (zod parse, call, wrap).
 */
export function registerIpc(service: VaultService, opts: IpcOptions): () => void {
  for (const command of COMMANDS) {
    ipcMain.handle(channelOf(command), async (event, rawInput: unknown) => {
      const url = senderUrl(event)
      if (url === null || !opts.isTrustedSender(url, event.sender.id)) {
        opts.logger.warn('refused IPC from an untrusted frame', { command })
        return untrusted
      }
      const result = await dispatch(service, command, rawInput, opts.logger)
      if (result.ok) opts.afterCommand?.(command, result.value)
      return result
    })
  }
  return () => {
    for (const command of COMMANDS) ipcMain.removeHandler(channelOf(command))
  }
}
