import { useCallback, useEffect, useRef, useState } from 'react'
import type { MenuCommand } from '../../src-shared/bridge'
import { DEFAULT_PREFERENCES, type Preferences, type VaultStatus } from '../../src-shared/model'
import { ToastProvider } from './components/Toasts'
import { Shell } from './features/shell/Shell'
import type { Route } from './features/shell/shell.context'
import { CreateVaultScreen } from './features/vault/CreateVaultScreen'
import { UnlockScreen } from './features/vault/UnlockScreen'
import { call, messageOf, onLockedError } from './lib/api.client'
import { useTheme } from './lib/use-theme.hook'

/** A menu command with a counter, so the same command twice is two signals. */
export interface MenuSignal {
  command: MenuCommand
  n: number
}

/** The gate: first run, unlock, or the unlocked app. Locking unmounts the shell, dropping everything it held. */
export function App() {
  const [status, setStatus] = useState<VaultStatus | null>(null)
  const [fatal, setFatal] = useState<string | null>(null)
  const [prefs, setPrefs] = useState<Preferences>(DEFAULT_PREFERENCES)
  const [menu, setMenu] = useState<MenuSignal | null>(null)
  const [openDueAfterUnlock, setOpenDueAfterUnlock] = useState(false)
  useTheme(prefs.theme)
  // Where the user was when the vault locked (ids only, never a value): unlock comes back there.
  const lastPlace = useRef<Route | null>(null)
  const onLeave = useCallback((r: Route) => {
    lastPlace.current = r
  }, [])

  const refreshStatus = useCallback(async () => {
    try {
      setStatus(await call('status', {}))
    } catch (err) {
      setFatal(messageOf(err))
    }
  }, [])

  useEffect(() => {
    call('status', {}).then(setStatus, (err: unknown) => setFatal(messageOf(err)))
    call('getPreferences', {}).then(setPrefs, () => {})
  }, [])

  // Main locked (idle, suspend, screen lock, menu), or a command found the vault locked.
  useEffect(() => window.keyshelf.onLockedByMain(() => void refreshStatus()), [refreshStatus])
  useEffect(() => onLockedError(() => void refreshStatus()), [refreshStatus])

  useEffect(
    () =>
      window.keyshelf.onMenuCommand((command) => {
        if (command === 'open-due') setOpenDueAfterUnlock(true)
        setMenu((m) => ({ command, n: (m?.n ?? 0) + 1 }))
      }),
    [],
  )

  const lock = useCallback(async () => {
    try {
      setStatus(await call('lock', {}))
    } catch {
      await refreshStatus()
    }
  }, [refreshStatus])

  let screen
  if (fatal) {
    screen = (
      <div className="loading-screen" role="alert">
        {fatal}
      </div>
    )
  } else if (!status) {
    screen = (
      <div className="loading-screen" aria-busy="true">
        <span className="spinner" aria-label="Loading" />
      </div>
    )
  } else if (status.state === 'no-vault') {
    screen = <CreateVaultScreen onCreated={setStatus} />
  } else if (status.state === 'locked') {
    screen = <UnlockScreen status={status} warnDays={prefs.warnDays} onUnlocked={setStatus} />
  } else {
    screen = (
      <Shell
        prefs={prefs}
        onPrefsChange={setPrefs}
        onLock={lock}
        menu={menu}
        startOnDue={openDueAfterUnlock}
        onStartedOnDue={() => setOpenDueAfterUnlock(false)}
        initialDue={status.due}
        // eslint-disable-next-line react-hooks/refs -- read once, when the shell mounts after unlock
        initialRoute={lastPlace.current}
        onLeave={onLeave}
      />
    )
  }
  return <ToastProvider>{screen}</ToastProvider>
}
