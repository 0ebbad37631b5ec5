import { useCallback, useEffect, useState, useSyncExternalStore } from 'react'
import { RevealStore } from './reveal-store'

/** A reveal store owned by one view; everything it revealed is wiped when the view unmounts (or locks). */
export function useRevealStore(): RevealStore {
  const [store] = useState(() => new RevealStore())
  useEffect(() => () => store.hideAll(), [store])
  return store
}

/** The revealed value for `id` (undefined while masked) and when it re-masks. */
export function useRevealed(
  store: RevealStore,
  id: string,
): { value: string | undefined; expiresAt: number | undefined } {
  const value = useSyncExternalStore(store.subscribe, () => store.value(id))
  const expiresAt = useSyncExternalStore(store.subscribe, () => store.expiresAt(id))
  return { value, expiresAt }
}

/** Seconds left until `until` (ticking once a second); 0 when past or undefined. */
export function useSecondsLeft(until: number | undefined): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (until === undefined) return
    const tick = () => setNow(Date.now())
    tick()
    const t = setInterval(tick, 250)
    return () => clearInterval(t)
  }, [until])
  return until === undefined ? 0 : Math.max(0, Math.ceil((until - now) / 1000))
}

/** Toggles a reveal: fetches the value on Show, deletes it on Hide. */
export function useRevealToggle(store: RevealStore, remaskSeconds: number) {
  return useCallback(
    async (id: string, load: () => Promise<string>) => {
      if (store.value(id) !== undefined) {
        store.hide(id)
        return
      }
      const value = await load()
      store.reveal(id, value, remaskSeconds * 1000)
    },
    [store, remaskSeconds],
  )
}
