import type { CredentialView, RotationStatus } from '../../../../src-shared/model'

/** The columns the keys table sorts by. */
export type SortKey = 'status' | 'name' | 'envVar' | 'rotated'
export interface SortState {
  key: SortKey
  dir: 'asc' | 'desc'
}

/** Urgency first: expired, overdue, due soon, then the rest (revoked last). */
export const DEFAULT_SORT: SortState = { key: 'status', dir: 'asc' }

const RANK: Record<RotationStatus, number> = { expired: 0, overdue: 1, 'due-soon': 2, ok: 3, revoked: 4 }

/** Lower is more urgent. */
export const urgencyRank = (status: RotationStatus): number => RANK[status]

/** Whether a key needs attention: expired, overdue or due soon. */
export const isDue = (c: CredentialView): boolean => RANK[c.rotation.status] <= 2

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** Natural, case-insensitive order: "key 7" before "key 67". */
export const naturalCompare = (a: string, b: string): number => collator.compare(a, b)

const byName = (a: CredentialView, b: CredentialView) =>
  naturalCompare(a.name, b.name) || a.createdAt - b.createdAt

/** When a key was last rotated, or added if never. */
const rotatedAt = (c: CredentialView): number => c.lastRotatedAt ?? c.createdAt

/**
 * Credentials in table order. `status` sorts by urgency group (expired, overdue, due soon, ok, revoked) and
 * naturally by name inside each group; the other keys sort by that column, ties by name. `desc` reverses the
 * column order but keeps ties by name ascending.
 */
export function orderCredentials(list: readonly CredentialView[], sort: SortState): CredentialView[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  const primary = (a: CredentialView, b: CredentialView): number => {
    switch (sort.key) {
      case 'status':
        return urgencyRank(a.rotation.status) - urgencyRank(b.rotation.status)
      case 'name':
        return naturalCompare(a.name, b.name)
      case 'envVar':
        return naturalCompare(a.fields[0]?.envVar ?? '', b.fields[0]?.envVar ?? '')
      case 'rotated':
        return rotatedAt(a) - rotatedAt(b)
    }
  }
  return [...list].sort((a, b) => sign * primary(a, b) || byName(a, b))
}
