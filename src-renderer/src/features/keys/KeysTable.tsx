import { useVirtualizer } from '@tanstack/react-virtual'
import {
  memo,
  useCallback,
  useEffect,
  useEffectEvent,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type ReactNode,
} from 'react'
import type { CredentialView, FieldView, KeyCheckView, RevokeDue } from '../../../../src-shared/model'
import { CheckBadge, ProviderBadge, RevokeNote } from '../providers/KeyRowExtras'
import { Icon } from '../../components/Icon'
import { StatusBadge } from '../../components/StatusBadge'
import { call, messageOf } from '../../lib/api.client'
import { formatDate, formatDateTime, plural, policyText, rotatedText } from '../../lib/format'
import { isMod, isTextTarget, shortcutLabel } from '../../lib/shortcuts'
import { useToast } from '../../components/Toasts'
import { usePageScroll } from '../../lib/use-page-scroll.hook'
import { DEFAULT_SORT, isDue, orderCredentials, type SortKey, type SortState } from './keys-order'
import type { RevealStore } from './reveal-store'
import { LargeTypeDialog } from './LargeTypeDialog'
import { SecretValue } from './SecretValue'
import { useSecretCopy } from './use-copy.hook'
import { useRevealStore, useRevealToggle, useRevealed, useSecondsLeft } from './use-reveal.hook'

export type KeyAction =
  'rotate' | 'edit' | 'history' | 'delete' | 'verify' | 'finish-rotation' | 'revoke-done'

interface Row {
  credential: CredentialView
  field: FieldView
  first: boolean
  last: boolean
  /** providers: the key's last read-only check and an old key waiting to be revoked. */
  check?: KeyCheckView | undefined
  revoke?: RevokeDue | undefined
}

/**
 * The wide layout's columns other than the variable at their minimum (key 140, value 170, status 152, rotated
 * 112, actions 124): below this plus the longest variable's width, the variable folds under the key name and
 * "rotated" under the status, so an env-var name is never cut while the table has room for it.
 */
const WIDE_OTHER_MIN = 140 + 170 + 152 + 112 + 124
const ROW_HEIGHT = { wide: 50, narrow: 58 } as const
type Mode = keyof typeof ROW_HEIGHT

/** What a row asks of the table; one stable object, so rows re-render only when their own props change. */
interface RowHandlers {
  select: (fieldId: string) => void
  reveal: (field: FieldView) => void
  copy: (field: FieldView) => void
  action: (action: KeyAction, credential: CredentialView) => void
  register: (fieldId: string, el: HTMLDivElement | null) => void
  largeType: (field: FieldView) => void
}

/** "14s" until a shown value hides again. */
function RemaskIn({ store, field }: { store: RevealStore; field: FieldView }) {
  const { expiresAt } = useRevealed(store, field.id)
  const left = useSecondsLeft(expiresAt)
  if (expiresAt === undefined) return null
  return (
    <span className="remask" aria-hidden="true" title="Hides again automatically">
      {left}s
    </span>
  )
}

function ShowButton({
  store,
  field,
  onToggle,
}: {
  store: RevealStore
  field: FieldView
  onToggle: () => void
}) {
  const { shown } = useRevealed(store, field.id)
  return (
    <button
      type="button"
      className="icon-btn"
      tabIndex={-1}
      aria-pressed={shown}
      aria-label={`${shown ? 'Hide' : 'Show'} ${field.envVar}`}
      title={`${shown ? 'Hide' : 'Show'} (Enter)`}
      onClick={onToggle}
    >
      <Icon name={shown ? 'eye-off' : 'eye'} size="sm" />
    </button>
  )
}

/** While a secret is shown: opens it in large type (L). */
function LargeTypeButton({
  store,
  field,
  onOpen,
}: {
  store: RevealStore
  field: FieldView
  onOpen: () => void
}) {
  const { shown } = useRevealed(store, field.id)
  if (!shown) return null
  return (
    <button
      type="button"
      className="icon-btn"
      tabIndex={-1}
      aria-label={`Large type ${field.envVar}`}
      title="Large type (L)"
      onClick={onOpen}
    >
      <Icon name="type" size="sm" />
    </button>
  )
}

function CopyButton({
  field,
  until,
  onCopy,
}: {
  field: FieldView
  until: number | undefined
  onCopy: () => void
}) {
  const left = useSecondsLeft(until)
  const active = until !== undefined && left > 0
  return (
    <button
      type="button"
      className={`copy-btn ${active ? 'copied' : ''}`}
      tabIndex={-1}
      aria-label={active ? `Copied ${field.envVar}, clipboard clears in ${left}s` : `Copy ${field.envVar}`}
      title={active ? 'Copied: the clipboard clears automatically' : 'Copy (C)'}
      onClick={onCopy}
      data-testid="copy-button"
    >
      <Icon name={active ? 'check' : 'copy'} size="sm" />
      {active ? <span aria-hidden="true">{left}s</span> : null}
    </button>
  )
}

function ActionButton({
  label,
  title,
  icon,
  danger,
  onClick,
}: {
  label: string
  title: string
  icon: 'rotate' | 'pencil' | 'history' | 'trash'
  danger?: boolean
  onClick: () => void
}) {
  return (
    <button
      type="button"
      className={`icon-btn ${danger ? 'danger' : ''}`}
      tabIndex={-1}
      aria-label={label}
      title={title}
      onClick={onClick}
    >
      <Icon name={icon} size="sm" />
    </button>
  )
}

/** The "old key valid until" note after a rotation with an overlap that has not ended yet. */
function OverlapNote({ until }: { until: number | null | undefined }) {
  const [now] = useState(() => Date.now())
  if (!until || until <= now) return null
  return (
    <span
      className="overlap-note"
      title={`The previous value stays valid until ${formatDateTime(until)}: revoke it then`}
    >
      old key valid until {formatDate(until)}
    </span>
  )
}

const KeyRow = memo(function KeyRow({
  row,
  selected,
  mode,
  copiedUntil,
  store,
  handlers,
  offset,
  index,
}: {
  row: Row
  selected: boolean
  mode: Mode
  copiedUntil: number | undefined
  store: RevealStore
  handlers: RowHandlers
  /** Pixels from the top of the body: a number, not a style object, so memo skips unchanged rows. */
  offset: number
  index: number
}) {
  const { credential: c, field: f, first, last } = row
  const multi = c.fields.length > 1
  const rotated = rotatedText(c.lastRotatedAt, c.createdAt)
  const rotatedTitle = `${policyText(c.rotationIntervalDays)}. ${
    c.lastRotatedAt
      ? `Last rotated ${formatDate(c.lastRotatedAt)}`
      : `Added ${formatDate(c.createdAt)}, never rotated`
  }.`
  const sel = () => handlers.select(f.id)
  const envVar =
    mode === 'wide' ? (
      <code className="envvar-code" title={f.envVar}>
        {f.envVar}
      </code>
    ) : (
      <code className="envvar-code envvar-wrap">{wrappableName(f.envVar)}</code>
    )
  return (
    <div
      ref={(el) => handlers.register(f.id, el)}
      data-index={index}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      tabIndex={selected ? 0 : -1}
      className={`krow ${multi && !last ? 'group-mid' : ''} ${first ? 'group-first' : ''}`}
      style={{ transform: `translateY(${offset}px)`, minHeight: ROW_HEIGHT[mode] }}
      onClick={sel}
      onFocus={(e) => {
        if (e.target === e.currentTarget) sel()
      }}
      data-field-id={f.id}
      data-credential-id={c.id}
      data-testid="key-row"
    >
      <div role="gridcell" className="kcell kcell-key">
        <div className="cell-key">
          {first ? (
            <span className="name" title={c.name}>
              {c.name}
            </span>
          ) : null}
          <span className={first ? 'sub' : 'sub cont'}>
            {f.label ? <span className="label-text">{f.label}</span> : null}
            {first && c.owner ? (
              <span className="owner-text" title={`Owner: ${c.owner}`} data-testid="key-owner">
                owner: {c.owner}
              </span>
            ) : null}
            {mode === 'wide' ? (
              <span className={`kind ${f.kind === 'secret' ? 'kind-secret' : ''}`}>
                {f.kind === 'secret' ? 'Secret' : 'Public'}
              </span>
            ) : (
              envVar
            )}
            {first && mode === 'narrow' ? <ProviderBadge credential={c} /> : null}
          </span>
        </div>
      </div>
      {mode === 'wide' ? (
        <div role="gridcell" className="kcell kcell-var">
          {envVar}
        </div>
      ) : null}
      <div role="gridcell" className="kcell kcell-value">
        <div className="value-cell">
          <SecretValue store={store} field={f} />
          <div className="value-actions">
            {f.kind === 'secret' ? (
              <>
                <RemaskIn store={store} field={f} />
                <LargeTypeButton
                  store={store}
                  field={f}
                  onOpen={() => {
                    sel()
                    handlers.largeType(f)
                  }}
                />
                <ShowButton
                  store={store}
                  field={f}
                  onToggle={() => {
                    sel()
                    handlers.reveal(f)
                  }}
                />
              </>
            ) : null}
            <CopyButton
              field={f}
              until={copiedUntil}
              onCopy={() => {
                sel()
                handlers.copy(f)
              }}
            />
          </div>
        </div>
      </div>
      <div role="gridcell" className="kcell kcell-status">
        {first ? (
          <div className="status-stack">
            {c.rotationState === 'unknown' ? (
              <>
                <span
                  className="badge badge-unknown"
                  data-status="rotation-unknown"
                  title="The provider's answer to the last rotation was lost: verify which key is live"
                >
                  rotation unknown
                </span>
                <button
                  type="button"
                  className="link-btn verify-link"
                  tabIndex={-1}
                  onClick={() => handlers.action('verify', c)}
                >
                  Verify
                </button>
              </>
            ) : (
              <span className="status-line">
                <StatusBadge
                  rotation={c.rotation}
                  expiresAt={c.expiresAt}
                  intervalDays={c.rotationIntervalDays}
                />
                <CheckBadge check={row.check} />
              </span>
            )}
            {mode === 'narrow' ? (
              <span className="rotated-sub" title={rotatedTitle} data-testid="rotated">
                {rotated}
              </span>
            ) : null}
            {row.revoke ? (
              <RevokeNote revoke={row.revoke} onAction={(a) => handlers.action(a, c)} />
            ) : (
              <OverlapNote until={c.overlapUntil} />
            )}
          </div>
        ) : null}
      </div>
      {mode === 'wide' ? (
        <div role="gridcell" className="kcell kcell-date">
          {first ? (
            <span className="date-stack">
              <span title={rotatedTitle} data-testid="rotated">
                {rotated}
              </span>
              <ProviderBadge credential={c} />
            </span>
          ) : null}
        </div>
      ) : null}
      <div role="gridcell" className="kcell kcell-actions">
        {first ? (
          <div className="row-actions">
            <ActionButton
              label={`Rotate ${c.name}`}
              title="Rotate (R)"
              icon="rotate"
              onClick={() => handlers.action('rotate', c)}
            />
            <ActionButton
              label={`Edit ${c.name}`}
              title="Edit (E)"
              icon="pencil"
              onClick={() => handlers.action('edit', c)}
            />
            <ActionButton
              label={`History of ${c.name}`}
              title="History (H)"
              icon="history"
              onClick={() => handlers.action('history', c)}
            />
            <ActionButton
              label={`Delete ${c.name}`}
              title="Delete (Delete)"
              icon="trash"
              danger
              onClick={() => handlers.action('delete', c)}
            />
          </div>
        ) : null}
      </div>
    </div>
  )
})

function SortHeader({
  label,
  column,
  sort,
  onSort,
  className,
}: {
  label: string
  column: SortKey
  sort: SortState
  onSort: (key: SortKey) => void
  className: string
}) {
  const active = sort.key === column
  return (
    <div
      role="columnheader"
      className={`khead ${className}`}
      aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button type="button" className="sort-btn" onClick={() => onSort(column)}>
        {label}
        <Icon name={active && sort.dir === 'desc' ? 'chevron-up' : 'chevron-down'} size="sm" />
      </button>
    </div>
  )
}

/**
 * An env-var name that may wrap only after its underscores (ACME_CARD_<wbr>PROCESSOR_<wbr>…), so the narrow
 * layout shows the whole name on two lines instead of cutting it with an ellipsis.
 */
function wrappableName(name: string): ReactNode[] {
  const parts = name.split(/(?<=_)/)
  return parts.flatMap((p, i) => (i === 0 ? [p] : [<wbr key={i} />, p]))
}

let measureCtx: CanvasRenderingContext2D | null | undefined
/** The width the longest env var needs in the variable column (its monospace font), capped. */
function envVarColumnWidth(rows: readonly Row[]): number {
  if (measureCtx === undefined) measureCtx = document.createElement('canvas').getContext('2d')
  let longest = ''
  for (const r of rows) if (r.field.envVar.length > longest.length) longest = r.field.envVar
  const mono = getComputedStyle(document.documentElement).getPropertyValue('--font-mono') || 'monospace'
  let w = longest.length * 7.3
  if (measureCtx) {
    measureCtx.font = `12px ${mono}`
    w = measureCtx.measureText(longest).width
  }
  return Math.min(420, Math.max(140, Math.ceil(w) + 28))
}

/**
 * The keys of one environment, one row per field, most urgent first. Virtualised (only the rows in view are
 * in the DOM), with a sticky, sortable header and a "due only" filter. Secrets are masked until Show (fetched
 * on demand, kept in a per-table store and deleted on re-mask); Copy goes through main.
 *
 * Keyboard: the table is one tab stop (the selected row); arrows, Home/End and PageUp/PageDown move; Enter
 * shows, C or Ctrl/Cmd+C copies, R rotates, E edits, H opens history, Delete deletes the selected row. Clicking
 * a row's Show or Copy selects that row first, so the keyboard always acts on the row you last touched.
 */
export function KeysTable({
  credentials,
  environmentName,
  remaskSeconds,
  clipboardSeconds,
  focusFieldId,
  onAction,
  onSelect,
  checks,
  revokes,
}: {
  /** providers: last checks and old keys to revoke, by credential id. */
  checks?: Record<string, KeyCheckView> | undefined
  revokes?: Record<string, RevokeDue> | undefined
  credentials: CredentialView[]
  environmentName: string
  remaskSeconds: number
  clipboardSeconds: number
  focusFieldId?: string | undefined
  onAction: (action: KeyAction, credential: CredentialView) => void
  /** Told the selected field, so the shell can come back to it after a lock. */
  onSelect?: (fieldId: string) => void
}) {
  const toast = useToast()
  const store = useRevealStore()
  const toggleReveal = useRevealToggle(store, remaskSeconds)
  const { copy, copied } = useSecretCopy(clipboardSeconds)
  const [sort, setSort] = useState<SortState>(DEFAULT_SORT)
  const [dueOnly, setDueOnly] = useState(false)
  const dueCount = useMemo(() => credentials.filter(isDue).length, [credentials])
  const rows = useMemo<Row[]>(
    () =>
      orderCredentials(dueOnly ? credentials.filter(isDue) : credentials, sort).flatMap((c) =>
        c.fields.map((field, i) => ({
          credential: c,
          field,
          first: i === 0,
          last: i === c.fields.length - 1,
          check: checks?.[c.id],
          revoke: revokes?.[c.id],
        })),
      ),
    [credentials, sort, dueOnly, checks, revokes],
  )
  const varWidth = useMemo(() => envVarColumnWidth(rows), [rows])
  const indexOf = useMemo(() => new Map(rows.map((r, i) => [r.field.id, i])), [rows])
  const [selected, setSelected] = useState<string | null>(focusFieldId ?? null)
  // A new focus target (a search pick) selects its row: adjusted during render, not in an effect.
  const [lastFocus, setLastFocus] = useState(focusFieldId)
  if (focusFieldId !== lastFocus) {
    setLastFocus(focusFieldId)
    if (focusFieldId) setSelected(focusFieldId)
  }
  const selectedId = selected !== null && indexOf.has(selected) ? selected : (rows[0]?.field.id ?? null)
  const selectedIndex = selectedId ? (indexOf.get(selectedId) ?? 0) : -1

  // Layout: wide or narrow from the card's own width; the list scrolls with the page.
  const cardRef = useRef<HTMLDivElement>(null)
  const bodyRef = useRef<HTMLDivElement>(null)
  const { scroller, width, scrollMargin } = usePageScroll(cardRef, bodyRef)
  const mode: Mode = width > 0 && width < WIDE_OTHER_MIN + varWidth ? 'narrow' : 'wide'
  // TanStack Virtual returns fresh functions each render, so the React Compiler skips this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller,
    estimateSize: () => ROW_HEIGHT[mode],
    overscan: 8,
    scrollMargin,
    scrollPaddingStart: 36,
    getItemKey: (i) => rows[i]?.field.id ?? i,
  })
  useEffect(() => virtualizer.measure(), [mode, virtualizer])

  const rowEls = useRef(new Map<string, HTMLDivElement>())
  const pendingFocus = useRef<string | null>(null)
  const focusRow = useCallback((id: string) => {
    const el = rowEls.current.get(id)
    if (el) {
      el.focus({ preventScroll: true })
      pendingFocus.current = null
    } else pendingFocus.current = id
  }, [])
  // A row scrolled into view after a jump (End, PageDown, a search pick) takes focus once it is mounted.
  useLayoutEffect(() => {
    const id = pendingFocus.current
    if (id && rowEls.current.has(id)) focusRow(id)
  })

  const select = useCallback((id: string) => setSelected(id), [])
  useEffect(() => {
    if (selectedId) onSelect?.(selectedId)
  }, [selectedId, onSelect])

  const hasScroller = scroller !== null
  useEffect(() => {
    if (!focusFieldId || !hasScroller) return
    const i = indexOf.get(focusFieldId)
    if (i === undefined) return
    virtualizer.scrollToIndex(i, { align: 'center' })
    focusRow(focusFieldId)
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when a new focus target arrives
  }, [focusFieldId, hasScroller])

  const reveal = useCallback(
    (field: FieldView) => {
      if (field.kind !== 'secret') return
      toggleReveal(field.id, async () => (await call('reveal', { fieldId: field.id })).value).catch(
        (err: unknown) => toast(messageOf(err), 'error'),
      )
    },
    [toggleReveal, toast],
  )
  const copyField = useCallback((f: FieldView) => void copy(f.id, f.envVar), [copy])
  const measureRow = virtualizer.measureElement
  const [largeType, setLargeType] = useState<FieldView | null>(null)
  const closeLargeType = useCallback(() => setLargeType(null), [])
  const openLargeType = useCallback(
    (field: FieldView) => {
      if (field.kind !== 'secret' || store.value(field.id) !== undefined) return setLargeType(field)
      toggleReveal(field.id, async () => (await call('reveal', { fieldId: field.id })).value).then(
        () => setLargeType(field),
        (err: unknown) => toast(messageOf(err), 'error'),
      )
    },
    [store, toggleReveal, toast],
  )
  const actionRef = useRef(onAction)
  useLayoutEffect(() => {
    actionRef.current = onAction
  })
  const handlers = useMemo<RowHandlers>(
    () => ({
      select,
      reveal,
      copy: copyField,
      action: (a, c) => actionRef.current(a, c),
      register: (id, el) => {
        if (el) {
          rowEls.current.set(id, el)
          // Rows are as tall as their content (a wrapped env-var name adds a line): measured, not assumed.
          measureRow(el)
        } else rowEls.current.delete(id)
      },
      largeType: openLargeType,
    }),
    [select, reveal, copyField, measureRow, openLargeType],
  )

  const selectedRow = selectedIndex >= 0 ? rows[selectedIndex] : undefined

  // macOS: Cmd+C goes through the Edit menu's copy role, which fires a DOM 'copy' event instead of a keydown.
  const gridRef = useRef<HTMLDivElement>(null)
  const onCopyEvent = useEffectEvent((e: ClipboardEvent) => {
    const active = document.activeElement
    if (!active || !gridRef.current?.contains(active) || isTextTarget(active)) return
    if (window.getSelection()?.toString()) return
    if (!selectedRow) return
    e.preventDefault()
    copyField(selectedRow.field)
  })
  useEffect(() => {
    const listener = (e: ClipboardEvent) => onCopyEvent(e)
    document.addEventListener('copy', listener)
    return () => document.removeEventListener('copy', listener)
  }, [])

  const move = (to: number) => {
    if (rows.length === 0) return
    const next = Math.min(rows.length - 1, Math.max(0, to))
    const row = rows[next]
    if (!row) return
    setSelected(row.field.id)
    virtualizer.scrollToIndex(next, { align: 'auto' })
    focusRow(row.field.id)
  }

  const page = Math.max(1, Math.floor((scroller?.clientHeight ?? 400) / ROW_HEIGHT[mode]) - 1)
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (isTextTarget(e.target)) return
    const onButton = e.target instanceof HTMLButtonElement
    if (isMod(e) && e.key.toLowerCase() === 'c' && !e.shiftKey && !e.altKey) {
      if (window.getSelection()?.toString() || !selectedRow) return
      e.preventDefault()
      copyField(selectedRow.field)
      return
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return
    const c = selectedRow?.credential
    switch (e.key) {
      case 'ArrowDown':
        move(selectedIndex + 1)
        break
      case 'ArrowUp':
        move(selectedIndex - 1)
        break
      case 'PageDown':
        move(selectedIndex + page)
        break
      case 'PageUp':
        move(selectedIndex - page)
        break
      case 'Home':
        move(0)
        break
      case 'End':
        move(rows.length - 1)
        break
      case 'Enter':
        if (onButton || !selectedRow) return
        reveal(selectedRow.field)
        break
      case 'c':
      case 'C':
        if (!selectedRow) return
        copyField(selectedRow.field)
        break
      case 'r':
      case 'R':
        if (c) onAction('rotate', c)
        break
      case 'l':
      case 'L':
        if (selectedRow) openLargeType(selectedRow.field)
        break
      case 'e':
      case 'E':
        if (c) onAction('edit', c)
        break
      case 'h':
      case 'H':
        if (c) onAction('history', c)
        break
      case 'Delete':
        if (c) onAction('delete', c)
        break
      default:
        return
    }
    e.preventDefault()
  }

  const onSort = (key: SortKey) =>
    setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' }))

  const items = virtualizer.getVirtualItems()
  const selectedMounted = items.some((i) => i.index === selectedIndex)
  const fieldCount = rows.length
  const shownKeys = dueOnly ? dueCount : credentials.length
  return (
    <div className={`card keys-card mode-${mode}`} ref={cardRef} data-mode={mode}>
      <div className="keys-toolbar">
        <button
          type="button"
          className={`chip-toggle ${dueOnly ? 'on' : ''}`}
          aria-pressed={dueOnly}
          onClick={() => setDueOnly((v) => !v)}
          data-testid="due-only"
        >
          <Icon name="clock" size="sm" />
          Due only
          <span className="chip-count">{dueCount}</span>
        </button>
        <span className="muted keys-count" data-testid="keys-count">
          {plural(shownKeys, 'key')} · {plural(fieldCount, 'field')}
        </span>
      </div>
      <div
        ref={gridRef}
        role="grid"
        aria-label={`Keys in ${environmentName}`}
        aria-rowcount={rows.length + 1}
        aria-colcount={mode === 'wide' ? 6 : 4}
        className="kgrid"
        style={{ '--var-width': `${varWidth}px` } as CSSProperties}
        onKeyDown={onKeyDown}
        // One tab stop: the selected row; while it is scrolled out of view, the grid itself takes it.
        tabIndex={selectedMounted || rows.length === 0 ? -1 : 0}
        onFocus={(e) => {
          if (e.target !== e.currentTarget || selectedIndex < 0 || !selectedId) return
          virtualizer.scrollToIndex(selectedIndex, { align: 'auto' })
          focusRow(selectedId)
        }}
      >
        <div role="rowgroup" className="kgrid-head">
          <div role="row" aria-rowindex={1} className="krow krow-head">
            <SortHeader label="Key" column="name" sort={sort} onSort={onSort} className="kcell-key" />
            {mode === 'wide' ? (
              <SortHeader
                label="Variable"
                column="envVar"
                sort={sort}
                onSort={onSort}
                className="kcell-var"
              />
            ) : null}
            <div role="columnheader" className="khead kcell-value">
              Value
            </div>
            <SortHeader label="Status" column="status" sort={sort} onSort={onSort} className="kcell-status" />
            {mode === 'wide' ? (
              <SortHeader
                label="Rotated"
                column="rotated"
                sort={sort}
                onSort={onSort}
                className="kcell-date"
              />
            ) : null}
            <div role="columnheader" className="khead kcell-actions">
              <span className="sr-only">Actions</span>
            </div>
          </div>
        </div>
        <div
          role="rowgroup"
          ref={bodyRef}
          className="kgrid-body"
          style={{ height: virtualizer.getTotalSize() }}
        >
          {items.map((item) => {
            const row = rows[item.index]
            if (!row) return null
            return (
              <KeyRow
                key={row.field.id}
                row={row}
                index={item.index}
                selected={item.index === selectedIndex}
                mode={mode}
                copiedUntil={copied?.id === row.field.id ? copied.until : undefined}
                store={store}
                handlers={handlers}
                offset={item.start - scrollMargin}
              />
            )
          })}
        </div>
        {rows.length === 0 ? (
          <p className="keys-none" role="status">
            Nothing in {environmentName} is due for rotation.
          </p>
        ) : null}
      </div>
      <div className="table-footer">
        <span className="hints" aria-hidden="true">
          <span>
            <span className="kbd">↑</span>
            <span className="kbd">↓</span> move
          </span>
          <span>
            <span className="kbd">Enter</span> show
          </span>
          <span>
            <span className="kbd">C</span> copy
          </span>
          <span>
            <span className="kbd">L</span> large type
          </span>
          <span>
            <span className="kbd">R</span> rotate
          </span>
          <span>
            <span className="kbd">E</span> edit
          </span>
          <span>
            <span className="kbd">Del</span> delete
          </span>
          <span>
            <span className="kbd">{shortcutLabel('K')}</span> search
          </span>
        </span>
      </div>
      {largeType ? <LargeTypeDialog store={store} field={largeType} onClose={closeLargeType} /> : null}
    </div>
  )
}
