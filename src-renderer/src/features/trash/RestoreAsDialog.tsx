import { useState, type FormEvent } from 'react'
import type { TrashItem } from '../../../../src-shared/model'
import { Dialog, SubmitFooter } from '../../components/Dialog'
import { Field, FormError } from '../../components/Field'
import { call, messageOf } from '../../lib/api.client'

/**
 * Restore under another name: shown when the item's name has been taken since it was deleted. Says why
 * (the core's sentence) and suggests "<name> (restored)".
 */
export function RestoreAsDialog({
  item,
  reason,
  onRestored,
  onClose,
}: {
  item: TrashItem
  reason: string
  onRestored: (item: TrashItem) => void
  onClose: () => void
}) {
  const [name, setName] = useState(`${item.name} (restored)`)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const invalid =
    name.trim() === '' ? 'Enter a name.' : name.includes('/') ? 'Names cannot contain “/”.' : null

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (invalid) return
    setBusy(true)
    setError(null)
    try {
      onRestored(await call('restoreFromTrash', { id: item.id, name: name.trim() }))
      onClose()
    } catch (err) {
      setError(messageOf(err))
      setBusy(false)
    }
  }

  return (
    <Dialog title={`Restore “${item.name}” under another name`} description={reason} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form-stack">
          <Field label={item.kind === 'app' ? 'App name' : 'Environment name'} error={invalid ?? undefined}>
            {(p) => <input {...p} className="input" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <FormError message={error} />
        </div>
        <SubmitFooter onCancel={onClose} busy={busy} label="Restore" />
      </form>
    </Dialog>
  )
}
