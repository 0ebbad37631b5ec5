import { useCallback, useEffect, useState, useSyncExternalStore } from 'react'
import { RevealStore } from './reveal-store'

/** A reveal store owned by one view; everything it revealed is wiped when the view unmounts (or locks). */
export function useRevealStore(): RevealStore {
  const [store] = useState(() => new RevealStore())
  useEffect(() => () => store.hideAll(), [store])
  return store
}

/**
 * Whether `id` is shown and when it re-masks. Deliberately not the value: hook state lingers in React's
 * alternate fibers, so the value is read from the store only where it is rendered (`store.value(id)`), inside
 * a keyed element that is deleted, not updated, on re-mask.
 */
export function useRevealed(
  store: RevealStore,
  id: string,
): { shown: boolean; expiresAt: number | undefined } {
  const expiresAt = useSyncExternalStore(store.subscribe, () => store.expiresAt(id))
  return { shown: expiresAt !== undefined, expiresAt }
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
