import { useMemo, useState } from 'react'
import type { DueItem, RevokeDue } from '../../../../src-shared/model'
import { useToast } from '../../components/Toasts'
import { call } from '../../lib/api.client'
import { formatDate, formatDateTime } from '../../lib/format'
import { useShell } from '../shell/shell.context'

/** The Due view's line for an old key to revoke: when its overlap ends, at which provider. */
export function RevokeDueNote({ revoke }: { revoke: RevokeDue }) {
  const [now] = useState(() => Date.now())
  const ended = revoke.dueAt <= now
  return (
    <span
      className="overlap-note"
      title={`The old key's overlap ${ended ? 'ended' : 'ends'} ${formatDateTime(revoke.dueAt)}: revoke it at ${revoke.providerName}`}
      data-testid="due-revoke"
    >
      {ended ? `revoke old key at ${revoke.providerName}` : `revoke old key ${formatDate(revoke.dueAt)}`}
    </span>
  )
}

/** A key with an old key to revoke (a due item, or a key row). */
export type RevokeTarget = Pick<DueItem, 'credentialId' | 'name' | 'revoke'>

/**
 * The revoke action (Due view and key rows), confirmed: a two-key provider rotation deletes the old key at the provider
 * (finish-rotation); a guided one drops the reminder once the user revoked the key in the dashboard.
 */
export function useRevokeAction(): (item: RevokeTarget) => void {
  const { openDialog, changed } = useShell()
  const toast = useToast()
  return useMemo(
    () => (item: RevokeTarget) => {
      const r = item.revoke
      if (!r) return
      if (r.source === 'provider') {
        openDialog({
          kind: 'confirm',
          title: `Revoke the old key of “${item.name}” now?`,
          body: `Keyshelf deletes the old key at ${r.providerName}. Anything still using it stops working at once; the new key stays.`,
          confirmLabel: 'Revoke old key',
          action: async () => {
            const out = await call('finishProviderRotation', { credentialId: item.credentialId })
            toast(out.message)
            changed()
          },
        })
        return
      }
      const reminderId = r.reminderId
      if (!reminderId) return
      openDialog({
        kind: 'confirm',
        title: `Did you revoke the old key of “${item.name}”?`,
        body: `Keyshelf cannot revoke it at ${r.providerName} for you. Revoke it in the dashboard${r.dashboardUrl ? ` (${r.dashboardUrl})` : ''}, then confirm to drop the reminder.`,
        confirmLabel: 'It is revoked',
        action: async () => {
          await call('dismissGuidedReminder', { id: reminderId })
          changed()
        },
      })
    },
    [openDialog, changed, toast],
  )
}
