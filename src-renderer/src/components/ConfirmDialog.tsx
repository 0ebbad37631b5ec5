import { useState, type ReactNode } from 'react'
import { messageOf } from '../lib/api.client'
import { Dialog } from './Dialog'
import { FormError } from './Field'

/** A destructive confirmation: Cancel is focused first; the action button says exactly what happens. */
export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  title: string
  body: ReactNode
  confirmLabel: string
  onConfirm: () => Promise<void>
  onClose: () => void
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  return (
    <Dialog title={title} description={body} onClose={onClose} role="alertdialog">
      {error ? (
        <div className="dialog-body">
          <FormError message={error} />
        </div>
      ) : null}
      <div className="dialog-footer">
        <button type="button" className="btn" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true)
            setError(null)
            try {
              await onConfirm()
              onClose()
            } catch (err) {
              setError(messageOf(err))
              setBusy(false)
            }
          }}
        >
          {busy ? <span className="spinner" aria-hidden /> : null}
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  )
}
