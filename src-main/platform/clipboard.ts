import { clipboard, ClipboardItem } from 'electron'
import { ClipboardGuard, type RawClipboard } from '../core/desktop/clipboard-guard'
import type { Logger } from '../core/logger'

/** Raw OS clipboard formats that tell clipboard-history and sync tools to skip the value. */
const osFormat = (name: string): string => `electron application/osclipboard;format="${name}"`

/**
 * The hints for the current OS, written in the same atomic `clipboard.write` as the text
 * (Electron 45's clipboard API commits every entry of one write together; separate writes would replace
 * each other).
 * - Windows: `ExcludeClipboardContentFromMonitorProcessing` keeps it out of Win+V history and cloud sync.
 * - Linux: `x-kde-passwordManagerHint` = `secret` makes Klipper (and clipboard managers that honour it) skip it.
 * - macOS: `org.nspasteboard.ConcealedType` marks it concealed for clipboard managers (nspasteboard.org).
 */
export function secretHints(platform: NodeJS.Platform): Record<string, Buffer> {
  if (platform === 'win32')
    return { [osFormat('ExcludeClipboardContentFromMonitorProcessing')]: Buffer.alloc(0) }
  if (platform === 'darwin') return { [osFormat('org.nspasteboard.ConcealedType')]: Buffer.from('', 'utf8') }
  return { [osFormat('x-kde-passwordManagerHint')]: Buffer.from('secret', 'utf8') }
}

const electronRaw: RawClipboard = {
  async writeSecretText(value) {
    const hints: Record<string, Blob> = {}
    for (const [type, bytes] of Object.entries(secretHints(process.platform))) hints[type] = new Blob([bytes])
    try {
      await clipboard.write([new ClipboardItem({ 'text/plain': value, ...hints })])
    } catch {
      // A platform that refuses a raw format must still get the text (and the timed clear).
      await clipboard.writeText(value)
    }
  },
  readText: () => clipboard.readText(),
  clear: async () => clipboard.clear(),
}

/** The desktop SecretClipboard: OS clipboard with history hints, cleared later only if it still holds our value. */
export function createElectronClipboard(logger: Logger): ClipboardGuard {
  return new ClipboardGuard(electronRaw, Date.now, undefined, () =>
    logger.warn('clipboard operation failed', { area: 'clipboard' }),
  )
}
