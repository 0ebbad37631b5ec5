import { useCallback, useEffect, useEffectEvent, useState } from 'react'
import { messageOf } from './api.client'

interface LoadState<T> {
  key: string | null
  data: T | undefined
  error: string | null
}

/**
 * Loads data when `key` changes (stale responses are dropped); keeps showing the previous data meanwhile.
 * For non-secret data only: secret values never go through a hook that keeps them in state.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  key: string,
): {
  data: T | undefined
  loadedKey: string | null
  error: string | null
  loading: boolean
  reload: () => void
} {
  const [state, setState] = useState<LoadState<T>>({ key: null, data: undefined, error: null })
  const [nonce, setNonce] = useState(0)
  const run = useEffectEvent(load)
  useEffect(() => {
    let live = true
    run().then(
      (data) => live && setState({ key, data, error: null }),
      (err: unknown) => live && setState((s) => ({ key, data: s.data, error: messageOf(err) })),
    )
    return () => {
      live = false
    }
  }, [key, nonce])
  const reload = useCallback(() => setNonce((n) => n + 1), [])
  return { data: state.data, loadedKey: state.key, error: state.error, loading: state.key !== key, reload }
}
