import { useCallback, useEffect, useState } from 'react'
import { call, messageOf } from '../../lib/api.client'
import { useToast } from '../../components/Toasts'

/**
 * Copy through main (the value never crosses into the renderer): main writes the clipboard with
 * history-exclusion hints and clears it later. Tracks one countdown, since the clipboard holds one value.
 */
export function useSecretCopy(clearSeconds: number) {
  const toast = useToast()
  const [copied, setCopied] = useState<{ id: string; until: number } | null>(null)
  useEffect(() => {
    if (!copied) return
    const t = setTimeout(() => setCopied(null), Math.max(0, copied.until - Date.now()))
    return () => clearTimeout(t)
  }, [copied])
  const copy = useCallback(
    async (fieldId: string, what: string) => {
      try {
        await call('copy', { fieldId })
        setCopied({ id: fieldId, until: Date.now() + clearSeconds * 1000 })
        toast(`Copied ${what} · clipboard clears in ${clearSeconds} s`)
      } catch (err) {
        toast(messageOf(err), 'error')
      }
    },
    [clearSeconds, toast],
  )
  return { copy, copied }
}
