import { useState } from 'react'
import type { ProgressEvent, VerifyAllResult } from '../../../../src-shared/model'
import { useToast } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'
import { plural } from '../../lib/format'
import { useProgress } from '../../lib/use-progress.hook'

/** How many checks run at once ("Check keys"); each key goes to its own provider's host only. */
export const CHECK_CONCURRENCY = 8

/**
 * "Check keys": every key of an app that the provider catalogue can check, with a read-only call to its own
 * provider, a few at a time, with progress. Results are stored sealed in the vault by main.
 */
export function useCheckKeys(
  appId: string,
  onDone: () => void,
): {
  run: () => Promise<void>
  busy: boolean
  progress: ProgressEvent | null
  last: VerifyAllResult | null
} {
  const toast = useToast()
  const [busy, setBusy] = useState(false)
  const [last, setLast] = useState<VerifyAllResult | null>(null)
  const progress = useProgress('verify', busy)
  const run = async () => {
    setBusy(true)
    try {
      const r = await call('verifyAllKeys', { appId, concurrency: CHECK_CONCURRENCY })
      setLast(r)
      const n = (s: string) => r.results.filter((x) => x.check.state === s).length
      toast(
        r.results.length === 0
          ? 'No key here has a provider check'
          : `Checked ${plural(r.results.length, 'key')}: ${n('valid')} valid, ${n('invalid')} invalid, ${n('unknown')} unknown`,
        n('invalid') > 0 ? 'error' : undefined,
      )
    } catch (err) {
      toast(messageOf(err), 'error')
    } finally {
      setBusy(false)
      onDone()
    }
  }
  return { run, busy, progress, last }
}
