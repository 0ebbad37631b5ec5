import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useDeferredValue, useMemo, useRef, useState } from 'react'
import type { DueItem } from '../../../../src-shared/model'
import { EmptyState } from '../../components/EmptyState'
import { Icon } from '../../components/Icon'
import { StatusBadge } from '../../components/StatusBadge'
import { useToast } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'
import { formatDate, formatDateTime, plural } from '../../lib/format'
import { useLoad } from '../../lib/use-load.hook'
import { usePageScroll } from '../../lib/use-page-scroll.hook'
import { naturalCompare } from '../keys/keys-order'
import { useShell, type Route } from '../shell/shell.context'
import { buildDueRows, type DueRow } from './due-rows'
import { RevokeDueNote, useRevokeAction } from '../providers/revoke-due'
import { ReportExportDialog } from './ReportExportDialog'

const HEIGHT = { group: 44, app: 34, item: 54 } as const
const NARROW_BELOW = 760

const DueItemRow = memo(function DueItemRow({
  item,
  onRotate,
  onOpen,
  onRevoke,
}: {
  item: DueItem
  onRotate: (item: DueItem) => void
  onRevoke: (item: DueItem) => void
  onOpen: (route: Route) => void
}) {
  const [now] = useState(() => Date.now())
  const overlap = item.overlapUntil && item.overlapUntil > now ? item.overlapUntil : null
  // providers: only an old key to revoke (the rotation itself is not due): one action, its date.
  const st = item.rotation.status
  const revokeOnly = Boolean(item.revoke) && st !== 'overdue' && st !== 'expired' && st !== 'due-soon'
  return (
    <div className="due-item" data-testid="due-row" data-status={item.rotation.status}>
      <div className="cell-key">
        <span className="name" title={item.name}>
          {item.name}
        </span>
        <span className="sub mono" title={item.envVars.join(', ')}>
          {item.envVars.join(', ')}
        </span>
      </div>
      <button
        type="button"
        className="link-btn due-where"
        title={`Open ${item.appName} › ${item.environmentName}`}
        onClick={() => onOpen({ view: 'app', appId: item.appId, environmentId: item.environmentId })}
      >
        {item.environmentName}
      </button>
      <div className="status-stack">
        <StatusBadge rotation={item.rotation} expiresAt={item.expiresAt} />
        {item.revoke ? (
          <RevokeDueNote revoke={item.revoke} />
        ) : overlap ? (
          <span
            className="overlap-note"
            title={`The previous value stays valid until ${formatDateTime(overlap)}: revoke it then`}
          >
            old key valid until {formatDate(overlap)}
          </span>
        ) : null}
      </div>
      <span
        className="date-cell"
        title={item.lastRotatedAt ? `Last rotated ${formatDate(item.lastRotatedAt)}` : 'Never rotated'}
      >
        {revokeOnly && item.revoke
          ? formatDate(item.revoke.dueAt)
          : item.rotation.governingAt
            ? formatDate(item.rotation.governingAt)
            : '—'}
      </span>
      <div className="row-actions">
        {item.revoke ? (
          <button type="button" className="btn btn-sm" onClick={() => onRevoke(item)}>
            {item.revoke.source === 'provider' ? 'Revoke old key' : 'Mark revoked'}
            <span className="sr-only"> {item.name}</span>
          </button>
        ) : null}
        {revokeOnly ? null : (
          <button type="button" className="btn btn-sm" onClick={() => onRotate(item)}>
            <Icon name="rotate" size="sm" />
            Rotate
            <span className="sr-only"> {item.name}</span>
          </button>
        )}
      </div>
    </div>
  )
})

/**
 * Every due-soon, overdue and expired key across apps, grouped by status and then by app, soonest first
 * inside each, with Rotate and a filter box. Virtualised: thousands of due keys paint only what is in view.
 */
export function DueView() {
  const { version, navigate, openDialog, prefs } = useShell()
  const toast = useToast()
  const report = useLoad(() => call('dueReport', {}), String(version))
  const items: DueItem[] = useMemo(() => report.data ?? [], [report.data])
  const [filter, setFilter] = useState('')
  const [exporting, setExporting] = useState<'calendar' | 'report' | null>(null)
  const query = useDeferredValue(filter)
  const counts = useMemo(() => {
    const c = { overdue: 0, expired: 0, soon: 0 }
    for (const i of items) {
      if (i.rotation.status === 'overdue') c.overdue++
      else if (i.rotation.status === 'expired') c.expired++
      else if (i.rotation.status === 'due-soon') c.soon++
    }
    return c
  }, [items])
  const rows = useMemo(() => buildDueRows(items, query, naturalCompare), [items, query])
  const shown = useMemo(() => rows.filter((r) => r.kind === 'item').length, [rows])

  const cardRef = useRef<HTMLDivElement>(null)
  const listRef = useRef<HTMLDivElement>(null)
  const { scroller, width, scrollMargin } = usePageScroll(cardRef, listRef)
  const narrow = width > 0 && width < NARROW_BELOW
  // TanStack Virtual returns fresh functions each render, so the React Compiler skips this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller,
    estimateSize: (i) => HEIGHT[rows[i]?.kind ?? 'item'],
    overscan: 10,
    scrollMargin,
    getItemKey: (i) => rows[i]?.key ?? i,
  })

  const rotate = useMemo(
    () => async (item: DueItem) => {
      try {
        openDialog({ kind: 'rotate', credential: await call('getCredential', { id: item.credentialId }) })
      } catch (err) {
        toast(messageOf(err), 'error')
      }
    },
    [openDialog, toast],
  )
  const onRotate = useMemo(() => (item: DueItem) => void rotate(item), [rotate])
  const onRevoke = useRevokeAction()

  const renderRow = (row: DueRow) => {
    if (row.kind === 'group')
      return (
        <h2 className={`due-group due-group-${row.status}`} data-testid="due-group">
          <span
            className={`dot dot-${row.status === 'due-soon' || row.status === 'revoke' ? 'warn' : 'danger'}`}
            aria-hidden="true"
          />
          {row.title}
          <span className="muted">{row.count}</span>
        </h2>
      )
    if (row.kind === 'app')
      return (
        <h3 className="due-app" data-testid="due-app">
          {row.appName}
          <span className="muted">{plural(row.count, 'key')}</span>
        </h3>
      )
    return <DueItemRow item={row.item} onRotate={onRotate} onOpen={navigate} onRevoke={onRevoke} />
  }

  return (
    <div className="page">
      <header className="page-header">
        <div className="page-header-main">
          <h1 className="page-title">Due for rotation</h1>
          <p className="page-desc">
            Keys that are overdue, expired, or due within {plural(prefs.warnDays, 'day')}, across every app.
            Grouped by status and app, soonest first.
          </p>
        </div>
        <div className="header-actions">
          <button type="button" className="btn btn-sm" onClick={() => setExporting('calendar')}>
            <Icon name="calendar" size="sm" />
            Export calendar…
          </button>
          <button type="button" className="btn btn-sm" onClick={() => setExporting('report')}>
            Export report…
          </button>
        </div>
      </header>
      {exporting ? <ReportExportDialog mode={exporting} onClose={() => setExporting(null)} /> : null}
      {report.data ? (
        <div className="summary-cards">
          <div className={`summary-card ${counts.overdue ? 'danger' : ''}`}>
            <div className="n" data-testid="due-overdue">
              {counts.overdue}
            </div>
            <div className="l">overdue</div>
          </div>
          <div className={`summary-card ${counts.expired ? 'danger' : ''}`}>
            <div className="n" data-testid="due-expired">
              {counts.expired}
            </div>
            <div className="l">expired</div>
          </div>
          <div className={`summary-card ${counts.soon ? 'warn' : ''}`}>
            <div className="n" data-testid="due-soon">
              {counts.soon}
            </div>
            <div className="l">due within {plural(prefs.warnDays, 'day')}</div>
          </div>
        </div>
      ) : null}
      {report.data && items.length === 0 ? (
        <div className="card">
          <EmptyState icon="shield" title="Everything is up to date" tone="ok">
            No key is overdue, expired or due within {plural(prefs.warnDays, 'day')}. Keyshelf will tell you
            when one is.
          </EmptyState>
        </div>
      ) : null}
      <div className={`card due-card ${narrow ? 'narrow' : ''}`} ref={cardRef} hidden={items.length === 0}>
        <div className="keys-toolbar">
          <div className="filter-box">
            <Icon name="search" size="sm" />
            <input
              className="input"
              type="search"
              aria-label="Filter due keys"
              placeholder="Filter by key, app, environment or variable"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              data-testid="due-filter"
            />
          </div>
          <span className="muted keys-count" role="status" data-testid="due-shown">
            {query.trim() ? `${shown} of ${plural(items.length, 'key')}` : plural(items.length, 'key')}
          </span>
        </div>
        <section
          ref={listRef}
          className="due-list"
          aria-label="Keys due for rotation"
          style={{ height: virtualizer.getTotalSize() }}
        >
          {virtualizer.getVirtualItems().map((v) => {
            const row = rows[v.index]
            if (!row) return null
            return (
              <div
                key={v.key}
                className={`due-slot due-slot-${row.kind}`}
                style={{ transform: `translateY(${v.start - scrollMargin}px)`, height: v.size }}
              >
                {renderRow(row)}
              </div>
            )
          })}
        </section>
        {items.length > 0 && shown === 0 ? (
          <p className="keys-none" role="status">
            No due key matches “{query.trim()}”.
          </p>
        ) : null}
      </div>
      {report.error ? <p className="field-error">{report.error}</p> : null}
    </div>
  )
}
