import Store from 'electron-store'
import { contract } from '../../src-shared/contract'
import { DEFAULT_PREFERENCES, type Preferences } from '../../src-shared/model'
import type { Settings } from '../core/platform-ports'

interface StoreShape {
  preferences: Partial<Preferences>
  lastDueNoticeAt: number | null
}

/** Non-secret desktop state: preferences plus the time of the last due notification. Never a secret. */
export interface DesktopSettings extends Settings {
  lastDueNoticeAt: { get(): number | null; set(at: number): void }
}

/** Reads stored preferences through the contract's schema; anything invalid falls back to the default. */
function sanitize(stored: unknown): Preferences {
  const out: Preferences = { ...DEFAULT_PREFERENCES }
  if (typeof stored !== 'object' || stored === null) return out
  for (const [k, v] of Object.entries(stored)) {
    const one = contract.setPreferences.input.safeParse({ [k]: v })
    if (one.success) Object.assign(out, one.data)
  }
  return out
}

/** electron-store behind the core's Settings port (the file is `config.json` in userData). */
export function createElectronSettings(): DesktopSettings {
  const store = new Store<StoreShape>({
    name: 'config',
    defaults: { preferences: {}, lastDueNoticeAt: null },
    clearInvalidConfig: true,
  })
  let cached = sanitize(store.get('preferences'))
  return {
    get: () => ({ ...cached }),
    set(patch) {
      cached = sanitize({ ...cached, ...patch })
      store.set('preferences', cached)
      return { ...cached }
    },
    lastDueNoticeAt: {
      get: () => {
        const v = store.get('lastDueNoticeAt')
        return typeof v === 'number' && Number.isFinite(v) ? v : null
      },
      set: (at) => store.set('lastDueNoticeAt', at),
    },
  }
}
