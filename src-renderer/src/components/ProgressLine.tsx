import type { ProgressEvent } from '../../../src-shared/model'

/** A labelled progress bar for long work in main (sync, import), announced politely. */
export function ProgressLine({ event, fallback }: { event: ProgressEvent | null; fallback: string }) {
  const label = event?.label ?? fallback
  const counts =
    event && (event.done > 0 || event.total !== null)
      ? `${event.done.toLocaleString()}${event.total !== null ? ` of ${event.total.toLocaleString()}` : ''}`
      : ''
  return (
    <div className="progress-line" role="status" aria-live="polite" data-testid="progress">
      <progress
        aria-label={label}
        {...(event && event.total !== null && event.total > 0
          ? { value: Math.min(event.done, event.total), max: event.total }
          : {})}
      />
      <span className="progress-text">
        {label}
        {counts ? <span className="muted"> · {counts}</span> : null}
      </span>
    </div>
  )
}
