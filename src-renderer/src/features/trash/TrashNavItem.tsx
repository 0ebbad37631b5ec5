import { Icon } from '../../components/Icon'
import { call } from '../../lib/api.client'
import { useLoad } from '../../lib/use-load.hook'
import { useShell } from '../shell/shell.context'

/** The sidebar's "Trash" entry with the number of items in it (reloaded after every change). */
export function TrashNavItem() {
  const { route, navigate, version } = useShell()
  const trash = useLoad(() => call('listTrash', {}), `trash-${version}`)
  const n = trash.data?.length ?? 0
  return (
    <button
      type="button"
      className="nav-item"
      aria-current={route.view === 'trash' ? 'page' : undefined}
      onClick={() => navigate({ view: 'trash' })}
      data-testid="nav-trash"
    >
      <Icon name="trash" />
      <span className="label">Trash</span>
      {n > 0 ? (
        <span className="count count-neutral" data-testid="trash-count">
          {n}
          <span className="sr-only"> {n === 1 ? 'item' : 'items'}</span>
        </span>
      ) : null}
    </button>
  )
}
