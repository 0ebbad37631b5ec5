import { useMemo, useState } from 'react'
import type { AppSummary } from '../../../../src-shared/contract'
import type { DueCounts } from '../../../../src-shared/model'
import { Icon } from '../../components/Icon'
import { shortcutLabel } from '../../lib/shortcuts'
import { TrashNavItem } from '../trash/TrashNavItem'
import { useShell } from './shell.context'
import { useTeamMarks } from '../teams/team-marks.hook'

const AVATAR_COLORS = ['#4f46e5', '#0e7490', '#b45309', '#be185d', '#15803d', '#7c3aed', '#c2410c', '#1d4ed8']

function avatarColor(name: string): string {
  let h = 0
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  return AVATAR_COLORS[h % AVATAR_COLORS.length] ?? '#4f46e5'
}

function AppCounts({ app }: { app: AppSummary }) {
  const red = app.overdue + app.expired
  return (
    <span className="counts">
      {red > 0 ? (
        <span className="count count-danger" title={`${red} overdue or expired`} data-testid="badge-overdue">
          {red}
          <span className="sr-only"> overdue or expired</span>
        </span>
      ) : null}
      {app.dueSoon > 0 ? (
        <span className="count count-warn" title={`${app.dueSoon} due soon`} data-testid="badge-due-soon">
          {app.dueSoon}
          <span className="sr-only"> due soon</span>
        </span>
      ) : null}
    </span>
  )
}

/** Apps with a filter box and per-app attention badges; the Due view; search, settings and lock. */
export function Sidebar({ counts, onLock }: { counts: DueCounts | null; onLock: () => void }) {
  const { apps, route, navigate, openDialog, version } = useShell()
  const teams = useTeamMarks(version)
  const [filter, setFilter] = useState('')
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase()
    return f
      ? apps.filter((a) => a.name.toLowerCase().includes(f) || a.appId.toLowerCase().includes(f))
      : apps
  }, [apps, filter])
  const dueTotal = counts?.total ?? 0

  return (
    <aside className="sidebar" aria-label="Sidebar">
      <div className="sidebar-top">
        <div className="sidebar-brand">
          <div className="logo logo-sm" aria-hidden="true">
            <Icon name="key" />
          </div>
          <span className="brand-name">Keyshelf</span>
        </div>
        <button type="button" className="search-trigger" onClick={() => openDialog({ kind: 'search' })}>
          <Icon name="search" size="sm" />
          <span>Search keys…</span>
          <span className="kbd" aria-hidden="true">
            {shortcutLabel('K')}
          </span>
          <span className="sr-only">({shortcutLabel('K')})</span>
        </button>
      </div>
      <nav className="sidebar-nav" aria-label="Views">
        <button
          type="button"
          className="nav-item"
          aria-current={route.view === 'due' ? 'page' : undefined}
          onClick={() => navigate({ view: 'due' })}
        >
          <Icon name="clock" />
          <span className="label">Due for rotation</span>
          {dueTotal > 0 ? (
            <span
              className={`count ${counts && counts.overdue + counts.expired > 0 ? 'count-danger' : 'count-warn'}`}
              data-testid="due-total"
            >
              {dueTotal}
              <span className="sr-only"> keys need attention</span>
            </span>
          ) : null}
        </button>
        <TrashNavItem />
      </nav>
      <div className="sidebar-section">
        <span id="apps-heading">Apps</span>
        <button
          type="button"
          className="icon-btn"
          aria-label="Add app"
          title="Add app"
          onClick={() => openDialog({ kind: 'app' })}
        >
          <Icon name="plus" size="sm" />
        </button>
      </div>
      {apps.length > 6 || filter ? (
        <div className="sidebar-filter">
          <input
            className="input"
            type="search"
            placeholder="Filter apps"
            aria-label="Filter apps"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </div>
      ) : null}
      <nav aria-labelledby="apps-heading" className="app-list-nav">
        <ul className="app-list">
          {shown.map((app) => (
            <li key={app.id}>
              <button
                type="button"
                className="nav-item"
                aria-current={route.view === 'app' && route.appId === app.id ? 'page' : undefined}
                onClick={() => navigate({ view: 'app', appId: app.id })}
                data-app-id={app.id}
              >
                <span className="app-avatar" style={{ background: avatarColor(app.name) }} aria-hidden="true">
                  {app.name.slice(0, 1)}
                </span>
                <span className="label">{app.name}</span>
                {teams.apps[app.id] !== undefined ? (
                  <span className="team-dot" title={`Team ${teams.apps[app.id]}`} data-testid="team-badge">
                    <span aria-hidden="true">T</span>
                    <span className="sr-only"> (team {teams.apps[app.id]})</span>
                  </span>
                ) : null}
                <AppCounts app={app} />
              </button>
            </li>
          ))}
        </ul>
        {apps.length === 0 ? <p className="sidebar-empty">No apps yet.</p> : null}
        {apps.length > 0 && shown.length === 0 ? (
          <p className="sidebar-empty">No app matches “{filter}”.</p>
        ) : null}
      </nav>
      <div className="sidebar-bottom">
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={() => openDialog({ kind: 'preferences' })}
        >
          <Icon name="settings" size="sm" />
          Settings
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={onLock}
          title={`Lock (${shortcutLabel('L')})`}
        >
          <Icon name="lock" size="sm" />
          Lock
          <span className="kbd push" aria-hidden="true">
            {shortcutLabel('L')}
          </span>
        </button>
      </div>
    </aside>
  )
}
