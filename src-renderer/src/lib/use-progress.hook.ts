import { useEffect, useState } from 'react'
import type { ProgressEvent } from '../../../src-shared/model'

/**
 * The latest progress event main sent for `task` while `active` (a sync or an import is running), else null.
 * Events never carry a value: only a label and counts.
 */
export function useProgress(task: ProgressEvent['task'], active: boolean): ProgressEvent | null {
  const [event, setEvent] = useState<ProgressEvent | null>(null)
  useEffect(() => {
    if (!active) return
    const off = window.keyshelf.onProgress((e) => {
      if (e.task === task) setEvent(e)
    })
    return () => {
      off()
      setEvent(null)
    }
  }, [task, active])
  return active ? event : null
}
