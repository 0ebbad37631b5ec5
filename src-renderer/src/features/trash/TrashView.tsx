import { useState } from 'react'
import { TRASH_DAYS, type TrashItem } from '../../../../src-shared/model'
import { EmptyState } from '../../components/EmptyState'
import { Icon } from '../../components/Icon'
import { useToast } from '../../components/Toasts'
import { ApiError, call, messageOf } from '../../lib/api.client'
import { formatDateTime, plural } from '../../lib/format'
import { useLoad } from '../../lib/use-load.hook'
import { useShell } from '../shell/shell.context'
import { RestoreAsDialog } from './RestoreAsDialog'
import { deletedText, removedText, trashContents, trashTitle } from './trash-text'
import './trash.css'

function TrashRow({
  item,
  now,
  onRestore,
  onDelete,
}: {
  item: TrashItem
  now: number
  onRestore: (item: TrashItem) => void
  onDelete: (item: TrashItem) => void
}) {
  const title = trashTitle(item)
  const blocked = item.kind === 'environment' && item.appInTrash
  return (
    <li className="trash-item" data-testid="trash-item" data-kind={item.kind}>
      <span className="trash-icon" aria-hidden="true">
        <Icon name={item.kind === 'app' ? 'app' : 'env'} />
      </span>
      <div className="trash-main">
        <h2 className="trash-name" title={title}>
          {item.name}
          {item.kind === 'environment' ? <span className="trash-of"> in {item.appName}</span> : null}
          <span className="sr-only">{item.kind === 'app' ? ' (app)' : ' (environment)'}</span>
        </h2>
        <p className="trash-meta">
          <span>{trashContents(item)}</span>
          <span title={formatDateTime(item.deletedAt)}>{deletedText(item, now)}</span>
          <span className="trash-when" title={formatDateTime(item.purgeAt)}>
            {removedText(item, now)}
          </span>
        </p>
        {blocked ? (
          <p className="trash-note">
            <Icon name="info" size="sm" />
            Its app “{item.appName}” is in the Trash too: restore the app first.
          </p>
        ) : null}
      </div>
      <div className="trash-actions">
        {blocked ? null : (
          <button type="button" className="btn btn-sm" onClick={() => onRestore(item)}>
            <Icon name="rotate" size="sm" />
            Restore<span className="sr-only"> {title}</span>
          </button>
        )}
        <button type="button" className="btn btn-sm btn-danger-ghost" onClick={() => onDelete(item)}>
          <Icon name="trash" size="sm" />
          Delete forever<span className="sr-only"> {title}</span>
        </button>
      </div>
    </li>
  )
}

/**
 * The Trash: deleted apps and environments with what they hold, when they were deleted and when they go
 * for good; Restore (under another name when the name is taken now), Delete forever and Empty Trash, both
 * confirmed first.
 */
export function TrashView() {
  const { version, changed, openDialog } = useShell()
  const toast = useToast()
  const trash = useLoad(() => call('listTrash', {}), `trash-${version}`)
  const [now] = useState(() => Date.now())
  const [renaming, setRenaming] = useState<{ item: TrashItem; reason: string } | null>(null)
  const items = trash.data ?? []

  const restored = (back: TrashItem) => {
    changed()
    toast(`Restored “${trashTitle(back)}” with ${trashContents(back).replace(' · ', ' and ')}.`)
  }

  const restore = async (item: TrashItem) => {
    try {
      restored(await call('restoreFromTrash', { id: item.id }))
    } catch (err) {
      if (
        err instanceof ApiError &&
        err.code === 'CONFLICT' &&
        !(item.kind === 'environment' && item.appInTrash)
      )
        setRenaming({ item, reason: err.message })
      else toast(messageOf(err), 'error')
    }
  }

  const deleteForever = (item: TrashItem) =>
    openDialog({
      kind: 'confirm',
      title: `Delete “${trashTitle(item)}” forever?`,
      body: `This deletes ${item.kind === 'app' ? 'the app' : 'the environment'} with its ${trashContents(item).replace(' · ', ' and ')} and their history for good. It cannot be undone. Keys stay valid at their providers.`,
      confirmLabel: 'Delete forever',
      action: async () => {
        await call('deleteFromTrash', { id: item.id })
        changed()
      },
    })

  const emptyTrash = () => {
    const keys = items.reduce((n, i) => n + i.credentialCount, 0)
    openDialog({
      kind: 'confirm',
      title: 'Empty the Trash?',
      body: `This deletes ${plural(items.length, 'item')} with ${plural(keys, 'key')} and their history for good. It cannot be undone. Keys stay valid at their providers.`,
      confirmLabel: 'Empty Trash',
      action: async () => {
        await call('emptyTrash', {})
        changed()
      },
    })
  }

  return (
    <div className="page trash-page">
      <header className="page-header">
        <div className="page-header-main">
          <h1 className="page-title">Trash</h1>
          <p className="page-desc">
            Deleted apps and environments wait here for {TRASH_DAYS} days with all their keys and history,
            then they are removed for good.
          </p>
        </div>
        {items.length > 0 ? (
          <div className="header-actions">
            <button type="button" className="btn btn-sm btn-danger-ghost" onClick={emptyTrash}>
              <Icon name="trash" size="sm" />
              Empty Trash
            </button>
          </div>
        ) : null}
      </header>
      {trash.error ? <p className="form-error">{trash.error}</p> : null}
      {trash.data && items.length === 0 ? (
        <div className="card">
          <EmptyState icon="trash" title="The Trash is empty">
            When you delete an app or an environment, it comes here with all its keys and history, so you can
            restore it for {TRASH_DAYS} days. After that it is removed for good.
          </EmptyState>
        </div>
      ) : null}
      {items.length > 0 ? (
        <ul className="trash-list" aria-label="Items in the Trash">
          {items.map((i) => (
            <TrashRow
              key={i.id}
              item={i}
              now={now}
              onRestore={(x) => void restore(x)}
              onDelete={deleteForever}
            />
          ))}
        </ul>
      ) : null}
      {renaming ? (
        <RestoreAsDialog
          item={renaming.item}
          reason={renaming.reason}
          onRestored={restored}
          onClose={() => setRenaming(null)}
        />
      ) : null}
    </div>
  )
}
