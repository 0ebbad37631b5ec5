import type { DueItem, RotationStatus } from '../../../../src-shared/model'

/** One line of the Due view's virtual list: a status group heading, an app heading, or a key. */
export type DueRow =
  | { kind: 'group'; key: string; status: RotationStatus | 'revoke'; title: string; count: number }
  | { kind: 'app'; key: string; appName: string; count: number }
  | { kind: 'item'; key: string; item: DueItem }

const GROUPS: { status: RotationStatus | 'revoke'; title: string }[] = [
  { status: 'overdue', title: 'Overdue' },
  { status: 'expired', title: 'Expired' },
  { status: 'due-soon', title: 'Due soon' },
  // providers: keys whose rotation is fine but whose old key still waits to be revoked.
  { status: 'revoke', title: 'Old keys to revoke' },
]

/** The group a due item belongs to: its rotation status, or 'revoke' for an old key to revoke only. */
const groupOf = (i: DueItem): RotationStatus | 'revoke' =>
  i.rotation.status === 'overdue' || i.rotation.status === 'expired' || i.rotation.status === 'due-soon'
    ? i.rotation.status
    : i.revoke
      ? 'revoke'
      : i.rotation.status

const matches = (i: DueItem, terms: string[]): boolean => {
  if (terms.length === 0) return true
  const hay = `${i.name}\n${i.appName}\n${i.environmentName}\n${i.envVars.join('\n')}`.toLowerCase()
  return terms.every((t) => hay.includes(t))
}

/**
 * The Due view's rows: overdue, expired, then due soon; inside each, apps in natural order; inside each app,
 * soonest (most overdue) first, then by name. `query` keeps the keys whose name, app, environment or env var
 * contain every whitespace-separated term (case-insensitive); empty groups and apps are left out.
 */
export function buildDueRows(
  items: readonly DueItem[],
  query: string,
  compare: (a: string, b: string) => number,
): DueRow[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean)
  const out: DueRow[] = []
  for (const g of GROUPS) {
    const byApp = new Map<string, DueItem[]>()
    let count = 0
    for (const i of items) {
      if (groupOf(i) !== g.status || !matches(i, terms)) continue
      const list = byApp.get(i.appName) ?? []
      list.push(i)
      byApp.set(i.appName, list)
      count++
    }
    if (count === 0) continue
    out.push({ kind: 'group', key: `g:${g.status}`, status: g.status, title: g.title, count })
    for (const appName of [...byApp.keys()].sort(compare)) {
      const list = byApp.get(appName) ?? []
      list.sort(
        (a, b) => (a.rotation.governingAt ?? 0) - (b.rotation.governingAt ?? 0) || compare(a.name, b.name),
      )
      out.push({ kind: 'app', key: `a:${g.status}:${appName}`, appName, count: list.length })
      for (const item of list) out.push({ kind: 'item', key: `i:${item.credentialId}`, item })
    }
  }
  return out
}
