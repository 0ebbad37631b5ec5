import { useCallback } from 'react'
import { useToast, type ToastAction } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'
import { useShell, type Route } from '../shell/shell.context'

/**
 * The "Undo" action for the toast after an app or environment moved to the Trash: restores it and goes
 * back to `route`. A failure (its name was taken meanwhile) is a toast that says so; the item stays in the Trash.
 */
export function useUndoDelete(): (id: string, route: Route) => ToastAction {
  const { changed, navigate } = useShell()
  const toast = useToast()
  return useCallback(
    (id, route) => ({
      label: 'Undo',
      run: () => {
        call('restoreFromTrash', { id }).then(
          () => {
            changed()
            navigate(route)
          },
          (err: unknown) => toast(messageOf(err), 'error'),
        )
      },
    }),
    [changed, navigate, toast],
  )
}
