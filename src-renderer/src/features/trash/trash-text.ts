import { TRASH_DAYS, type TrashItem } from '../../../../src-shared/model'
import { plural } from '../../lib/format'

const DAY_MS = 86_400_000

/** "Shop" for an app, "Prod in Shop" for an environment. */
export function trashTitle(i: TrashItem): string {
  return i.kind === 'app' ? i.name : `${i.name} in ${i.appName}`
}

/** "2 environments · 5 keys" / "5 keys". */
export function trashContents(i: TrashItem): string {
  const keys = plural(i.credentialCount, 'key')
  return i.kind === 'app' ? `${plural(i.environmentCount, 'environment')} · ${keys}` : keys
}

/** "Deleted today", "Deleted 3 days ago". */
export function deletedText(i: TrashItem, now: number): string {
  const d = Math.floor((now - i.deletedAt) / DAY_MS)
  return d <= 0 ? 'Deleted today' : d === 1 ? 'Deleted yesterday' : `Deleted ${d} days ago`
}

/** "removed in 27 days" / "removed at the next unlock". */
export function removedText(i: TrashItem, now: number): string {
  const d = Math.ceil((i.purgeAt - now) / DAY_MS)
  return d <= 0 ? 'removed at the next unlock' : `removed in ${plural(d, 'day')}`
}

/** What the delete confirmations say about the Trash. */
export const TRASH_PROMISE = `You can restore it from the Trash for ${TRASH_DAYS} days.`
