import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { AppSummary } from '../../../../src-shared/contract'
import type { DueCounts, Environment, Preferences } from '../../../../src-shared/model'
import type { MenuSignal } from '../../App'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { EmptyState } from '../../components/EmptyState'
import { Icon } from '../../components/Icon'
import { call } from '../../lib/api.client'
import { plural } from '../../lib/format'
import { buildSearchIndex, type SearchEntry } from '../../lib/search-index'
import { isMod, shortcutLabel } from '../../lib/shortcuts'
import { AppDialog } from '../apps/AppDialog'
import { AppPage } from '../apps/AppPage'
import { EnvironmentDialog } from '../apps/EnvironmentDialog'
import { DueView } from '../due/DueView'
import { CredentialDialog } from '../keys/CredentialDialog'
import { HistoryDialog } from '../keys/HistoryDialog'
import { RotateDialog } from '../keys/RotateDialog'
import { CommandPalette } from '../search/CommandPalette'
import { SettingsDialog } from '../settings/SettingsDialog'
import { ShellContext, type DialogState, type Route, type ShellContextValue } from './shell.context'
import { Sidebar } from './Sidebar'
import { TeamPullStatus } from '../teams/TeamPullStatus'
import { TrashView } from '../trash/TrashView'

/** The skip link's target: the focused row of the keys table (or the Due list), else the page heading. */
function skipToContent() {
  const main = document.querySelector('main.main')
  const target =
    main?.querySelector<HTMLElement>(
      '[role="grid"] [role="row"][tabindex="0"], [role="grid"][tabindex="0"]',
    ) ?? main?.querySelector<HTMLElement>('h1')
  if (!target) return
  if (target.tabIndex < 0 && !target.hasAttribute('tabindex')) target.tabIndex = -1
  target.focus()
}

function dueText(c: DueCounts, warnDays: number): string {
  const parts: string[] = []
  if (c.overdue) parts.push(`${plural(c.overdue, 'key')} overdue`)
  if (c.expired) parts.push(`${c.expired} expired`)
  if (c.dueSoon) parts.push(`${c.dueSoon} due within ${plural(warnDays, 'day')}`)
  return parts.join(', ')
}

/** The unlocked app: sidebar, the current view, dialogs, keyboard shortcuts and menu commands. */
export function Shell({
  prefs,
  onPrefsChange,
  onLock,
  menu,
  startOnDue,
  onStartedOnDue,
  initialDue,
  initialRoute,
  onLeave,
}: {
  prefs: Preferences
  onPrefsChange: (p: Preferences) => void
  onLock: () => Promise<void>
  menu: MenuSignal | null
  startOnDue: boolean
  onStartedOnDue: () => void
  initialDue: DueCounts | null
  /** Where the user was when the vault locked: app, environment and selected key. */
  initialRoute?: Route | null
  /** Called when the shell goes away (lock), with where the user was. */
  onLeave?: (route: Route) => void
}) {
  const [apps, setApps] = useState<AppSummary[] | null>(null)
  const [counts, setCounts] = useState<DueCounts | null>(initialDue)
  const [version, setVersion] = useState(0)
  const [route, setRoute] = useState<Route>(startOnDue ? { view: 'due' } : (initialRoute ?? { view: 'home' }))
  // Where the user is, down to the selected key row: handed back on lock so unlock returns there.
  const place = useRef<Route>(initialRoute ?? { view: 'home' })
  const leave = useRef(onLeave)
  useEffect(() => {
    leave.current = onLeave
  })
  useEffect(() => () => leave.current?.(place.current), [])
  const [dialog, setDialog] = useState<DialogState | null>(null)
  const [bannerHidden, setBannerHidden] = useState(false)
  const currentEnv = useRef<Environment | null>(null)
  const searchCache = useRef<{ version: number; index: Promise<SearchEntry[]> } | null>(null)
  const lastMenu = useRef(menu?.n ?? 0)

  useEffect(() => {
    if (startOnDue) onStartedOnDue()
  }, [startOnDue, onStartedOnDue])

  useEffect(() => {
    let live = true
    Promise.all([call('listApps', {}), call('dueCounts', {})]).then(
      ([a, c]) => {
        if (!live) return
        setApps(a)
        setCounts(c)
      },
      () => {},
    )
    return () => {
      live = false
    }
  }, [version])

  const changed = useCallback(() => setVersion((v) => v + 1), [])
  const navigate = useCallback((r: Route) => setRoute(r), [])
  const openDialog = useCallback((d: DialogState) => setDialog(d), [])
  const closeDialog = useCallback(() => setDialog(null), [])
  const onEnvironment = useCallback((env: Environment | null) => {
    currentEnv.current = env
    const p = place.current
    if (p.view === 'app' && env && env.appId === p.appId && p.environmentId !== env.id)
      place.current = { view: 'app', appId: p.appId, environmentId: env.id }
  }, [])
  const onSelectField = useCallback((fieldId: string) => {
    const p = place.current
    if (p.view === 'app') place.current = { ...p, focusFieldId: fieldId }
  }, [])

  const loadIndex = useCallback((): Promise<SearchEntry[]> => {
    const cached = searchCache.current
    if (cached && cached.version === version) return cached.index
    // One request for the whole vault (not one per app).
    const index = call('searchIndex', {}).then((d) => buildSearchIndex(d.apps, d.environments, d.credentials))
    searchCache.current = { version, index }
    index.catch(() => {
      if (searchCache.current?.index === index) searchCache.current = null
    })
    return index
  }, [version])

  // Warm the search index shortly after unlock and after changes, so Ctrl/Cmd+K opens instantly.
  useEffect(() => {
    const t = setTimeout(() => void loadIndex().catch(() => {}), 400)
    return () => clearTimeout(t)
  }, [loadIndex])

  const appList = useMemo(() => apps ?? [], [apps])
  // 'home' shows the first app when there is one; a deleted app falls back the same way.
  const firstApp = appList[0]
  const effective = useMemo<Route>(
    () =>
      (route.view === 'home' ||
        (route.view === 'app' && apps && !appList.some((a) => a.id === route.appId))) &&
      firstApp
        ? { view: 'app', appId: firstApp.id }
        : route,
    [route, apps, appList, firstApp],
  )

  useEffect(() => {
    const p = place.current
    if (effective.view !== 'app') place.current = effective
    else if (p.view !== 'app' || p.appId !== effective.appId)
      place.current = { view: 'app', appId: effective.appId, environmentId: effective.environmentId }
  }, [effective])

  const runMenu = useCallback(
    (command: MenuSignal['command']) => {
      switch (command) {
        case 'search':
          setDialog({ kind: 'search' })
          break
        case 'open-due':
          setRoute({ view: 'due' })
          break
        case 'new-app':
          setDialog({ kind: 'app' })
          break
        case 'new-environment':
          if (effective.view === 'app') setDialog({ kind: 'environment', appId: effective.appId })
          break
        case 'new-key':
          if (effective.view === 'app' && currentEnv.current)
            setDialog({ kind: 'credential', environment: currentEnv.current })
          break
        case 'preferences':
          setDialog({ kind: 'preferences' })
          break
        case 'lock':
          void onLock()
          break
      }
    },
    [effective, onLock],
  )

  useEffect(() => {
    if (!menu || menu.n === lastMenu.current) return
    lastMenu.current = menu.n
    runMenu(menu.command)
  }, [menu, runMenu])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isMod(e) || e.altKey) return
      const k = e.key.toLowerCase()
      if (k === 'k' && !e.shiftKey) {
        e.preventDefault()
        setDialog({ kind: 'search' })
      } else if (k === 'l' && !e.shiftKey) {
        e.preventDefault()
        void onLock()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onLock])

  const ctx = useMemo<ShellContextValue>(
    () => ({ prefs, apps: appList, version, route: effective, navigate, openDialog, changed }),
    [prefs, appList, version, effective, navigate, openDialog, changed],
  )

  const showBanner = counts && counts.total > 0 && !bannerHidden && effective.view !== 'due'
  const danger = counts ? counts.overdue + counts.expired > 0 : false

  return (
    <ShellContext.Provider value={ctx}>
      <div className="shell">
        <button type="button" className="skip-link" onClick={skipToContent}>
          Skip to {effective.view === 'app' ? 'keys' : 'content'}
        </button>
        <Sidebar counts={counts} onLock={() => void onLock()} />
        <main className="main" aria-label="Content">
          {showBanner && counts ? (
            <div className={`banner ${danger ? 'danger' : ''}`} role="status" data-testid="due-banner">
              <Icon name="clock" size="sm" />
              <span className="grow">
                <strong>{dueText(counts, prefs.warnDays)}.</strong> Rotate them before they cause an outage.
              </span>
              <button type="button" className="btn btn-sm" onClick={() => setRoute({ view: 'due' })}>
                Review
              </button>
              <button
                type="button"
                className="icon-btn"
                aria-label="Dismiss"
                title="Dismiss"
                onClick={() => setBannerHidden(true)}
              >
                <Icon name="x" size="sm" />
              </button>
            </div>
          ) : null}
          <TeamPullStatus onPulled={changed} />
          <div className="main-scroll">
            {effective.view === 'due' ? <DueView /> : null}
            {effective.view === 'trash' ? <TrashView /> : null}
            {effective.view === 'app' ? (
              <AppPage
                key={effective.appId}
                appId={effective.appId}
                environmentId={effective.environmentId}
                focusFieldId={effective.focusFieldId}
                onEnvironment={onEnvironment}
                onSelectField={onSelectField}
              />
            ) : null}
            {effective.view === 'home' && apps ? (
              <div className="welcome">
                <EmptyState
                  icon="key"
                  level={1}
                  title="Add your first app"
                  actions={
                    <button
                      type="button"
                      className="btn btn-primary btn-lg"
                      onClick={() => setDialog({ kind: 'app' })}
                    >
                      <Icon name="plus" size="sm" />
                      Add app
                    </button>
                  }
                >
                  Start with a service you hold API keys for, such as Novu or Stripe. Then add its
                  environments (Development, Production…) and their keys. Press {shortcutLabel('K')} to search
                  at any time.
                </EmptyState>
              </div>
            ) : null}
          </div>
        </main>
      </div>
      {dialog?.kind === 'app' ? <AppDialog app={dialog.app} onClose={closeDialog} /> : null}
      {dialog?.kind === 'environment' ? (
        <EnvironmentDialog appId={dialog.appId} environment={dialog.environment} onClose={closeDialog} />
      ) : null}
      {dialog?.kind === 'credential' ? (
        <CredentialDialog
          environment={dialog.environment}
          credential={dialog.credential}
          onClose={closeDialog}
        />
      ) : null}
      {dialog?.kind === 'rotate' ? (
        <RotateDialog credential={dialog.credential} onClose={closeDialog} />
      ) : null}
      {dialog?.kind === 'history' ? (
        <HistoryDialog credential={dialog.credential} onClose={closeDialog} />
      ) : null}
      {dialog?.kind === 'confirm' ? (
        <ConfirmDialog
          title={dialog.title}
          body={dialog.body}
          confirmLabel={dialog.confirmLabel}
          onConfirm={dialog.action}
          onClose={closeDialog}
        />
      ) : null}
      {dialog?.kind === 'preferences' ? (
        <SettingsDialog
          prefs={prefs}
          section={dialog.section}
          onSaved={onPrefsChange}
          onClose={closeDialog}
        />
      ) : null}
      {dialog?.kind === 'search' ? (
        <CommandPalette
          loadIndex={loadIndex}
          onClose={closeDialog}
          onPick={(hit) => {
            setDialog(null)
            setRoute({
              view: 'app',
              appId: hit.appId,
              environmentId: hit.environmentId ?? undefined,
              focusFieldId: hit.fieldId ?? undefined,
            })
          }}
        />
      ) : null}
    </ShellContext.Provider>
  )
}
