import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { CredentialView, FieldView } from '../../../../src-shared/model'
import { Icon } from '../../components/Icon'
import { StatusBadge } from '../../components/StatusBadge'
import { call, messageOf } from '../../lib/api.client'
import { formatDate, maskedDisplay, plural, relativeDays } from '../../lib/format'
import { isMod, isTextTarget, shortcutLabel } from '../../lib/shortcuts'
import { useToast } from '../../components/Toasts'
import type { RevealStore } from './reveal-store'
import { useSecretCopy } from './use-copy.hook'
import { useRevealStore, useRevealToggle, useRevealed, useSecondsLeft } from './use-reveal.hook'

export type KeyAction = 'rotate' | 'edit' | 'history' | 'delete' | 'verify'

interface Row {
  credential: CredentialView
  field: FieldView
  first: boolean
  last: boolean
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

function SecretValue({ store, field }: { store: RevealStore; field: FieldView }) {
  const { shown } = useRevealed(store, field.id)
  const value = shown ? store.value(field.id) : undefined
  if (field.kind === 'public') {
    return (
      <span className="value public" title={field.masked.clear ?? ''}>
        {maskedDisplay(field.masked)}
      </span>
    )
  }
  if (value !== undefined) {
    return (
      <span key="revealed" className="value revealed" data-testid="revealed-value">
        {value}
      </span>
    )
  }
  return (
    <span key="masked" className="value">
      <span className="masked" aria-hidden="true">
        {maskedDisplay(field.masked)}
      </span>
      <span className="sr-only">
        {field.masked.empty === true ? 'Empty' : 'Hidden'}
        {field.masked.last4 ? `, ends in ${field.masked.last4.split('').join(' ')}` : ''}
      </span>
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
      aria-pressed={shown}
      aria-label={`${shown ? 'Hide' : 'Show'} ${field.envVar}`}
      title={shown ? 'Hide' : 'Show'}
      onClick={(e) => {
        e.stopPropagation()
        onToggle()
      }}
    >
      <Icon name={shown ? 'eye-off' : 'eye'} size="sm" />
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
      aria-label={active ? `Copied ${field.envVar}, clipboard clears in ${left}s` : `Copy ${field.envVar}`}
      title={active ? 'Copied: the clipboard clears automatically' : 'Copy'}
      onClick={(e) => {
        e.stopPropagation()
        onCopy()
      }}
      data-testid="copy-button"
    >
      <Icon name={active ? 'check' : 'copy'} size="sm" />
      {active ? <span aria-hidden="true">{left}s</span> : null}
    </button>
  )
}

/**
 * The keys of one environment, one row per field. Secrets are masked until Show (fetched on demand, kept in a
 * per-table store and deleted on re-mask); Copy goes through main. Arrow keys move, Ctrl/Cmd+C copies.
 */
export function KeysTable({
  credentials,
  remaskSeconds,
  clipboardSeconds,
  focusFieldId,
  onAction,
}: {
  credentials: CredentialView[]
  remaskSeconds: number
  clipboardSeconds: number
  focusFieldId?: string | undefined
  onAction: (action: KeyAction, credential: CredentialView) => void
}) {
  const toast = useToast()
  const store = useRevealStore()
  const toggleReveal = useRevealToggle(store, remaskSeconds)
  const { copy, copied } = useSecretCopy(clipboardSeconds)
  const rows = useMemo<Row[]>(
    () =>
      credentials.flatMap((c) =>
        c.fields.map((field, i) => ({
          credential: c,
          field,
          first: i === 0,
          last: i === c.fields.length - 1,
        })),
      ),
    [credentials],
  )
  const [selected, setSelected] = useState<string | null>(focusFieldId ?? null)
  // A new focus target (a search pick) selects its row: adjusted during render, not in an effect.
  const [lastFocus, setLastFocus] = useState(focusFieldId)
  if (focusFieldId !== lastFocus) {
    setLastFocus(focusFieldId)
    if (focusFieldId) setSelected(focusFieldId)
  }
  const rowRefs = useRef(new Map<string, HTMLTableRowElement>())
  const selectedId =
    selected && rows.some((r) => r.field.id === selected) ? selected : (rows[0]?.field.id ?? null)

  useEffect(() => {
    if (!focusFieldId) return
    const el = rowRefs.current.get(focusFieldId)
    el?.scrollIntoView({ block: 'nearest' })
    el?.focus()
  }, [focusFieldId])

  // macOS: Cmd+C goes through the Edit menu's copy role, which fires a DOM 'copy' event instead of a keydown.
  const tbodyRef = useRef<HTMLTableSectionElement>(null)
  const onCopyEvent = useEffectEvent((e: ClipboardEvent) => {
    const active = document.activeElement
    if (!active || !tbodyRef.current?.contains(active) || isTextTarget(active)) return
    if (window.getSelection()?.toString()) return
    const row = rows.find((r) => r.field.id === selectedId)
    if (!row) return
    e.preventDefault()
    void copy(row.field.id, row.field.envVar)
  })
  useEffect(() => {
    const listener = (e: ClipboardEvent) => onCopyEvent(e)
    document.addEventListener('copy', listener)
    return () => document.removeEventListener('copy', listener)
  }, [])

  const reveal = useCallback(
    (field: FieldView) =>
      toggleReveal(field.id, async () => (await call('reveal', { fieldId: field.id })).value).catch(
        (err: unknown) => toast(messageOf(err), 'error'),
      ),
    [toggleReveal, toast],
  )

  const move = (delta: number | 'first' | 'last') => {
    if (rows.length === 0) return
    const idx = rows.findIndex((r) => r.field.id === selectedId)
    const next =
      delta === 'first'
        ? 0
        : delta === 'last'
          ? rows.length - 1
          : Math.min(rows.length - 1, Math.max(0, idx + delta))
    const row = rows[next]
    if (!row) return
    setSelected(row.field.id)
    rowRefs.current.get(row.field.id)?.focus()
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    if (isTextTarget(e.target)) return
    if (isMod(e) && e.key.toLowerCase() === 'c' && !e.shiftKey && !e.altKey) {
      if (window.getSelection()?.toString()) return
      const row = rows.find((r) => r.field.id === selectedId)
      if (!row) return
      e.preventDefault()
      void copy(row.field.id, row.field.envVar)
      return
    }
    if (e.key === 'ArrowDown') move(1)
    else if (e.key === 'ArrowUp') move(-1)
    else if (e.key === 'Home') move('first')
    else if (e.key === 'End') move('last')
    else return
    e.preventDefault()
  }

  const fieldCount = rows.length
  return (
    <div className="card">
      <table className="table" role="grid" aria-label="Keys" aria-rowcount={rows.length + 1}>
        <colgroup>
          <col style={{ width: '19%' }} />
          <col style={{ width: '19%' }} />
          <col />
          <col style={{ width: '136px' }} />
          <col style={{ width: '94px' }} />
          <col style={{ width: '122px' }} />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Variable</th>
            <th scope="col">Value</th>
            <th scope="col">Status</th>
            <th scope="col">Rotated</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody ref={tbodyRef} onKeyDown={onKeyDown}>
          {rows.map(({ credential: c, field: f, first, last }) => {
            const isSelected = f.id === selectedId
            const multi = c.fields.length > 1
            return (
              <tr
                key={f.id}
                ref={(el) => {
                  if (el) rowRefs.current.set(f.id, el)
                  else rowRefs.current.delete(f.id)
                }}
                className={multi && !last ? 'group-mid' : ''}
                aria-selected={isSelected}
                tabIndex={isSelected ? 0 : -1}
                onClick={() => setSelected(f.id)}
                onFocus={(e) => {
                  if (e.target === e.currentTarget) setSelected(f.id)
                }}
                data-field-id={f.id}
                data-credential-id={c.id}
                data-testid="key-row"
              >
                <td>
                  <div className="cell-key">
                    {first ? (
                      <span className="name" title={c.name}>
                        {c.name}
                      </span>
                    ) : null}
                    <span className={first ? 'sub' : 'sub cont'}>
                      {f.label ? <span className="label-text">{f.label}</span> : null}
                      <span className={`kind ${f.kind === 'secret' ? 'kind-secret' : ''}`}>
                        {f.kind === 'secret' ? 'Secret' : 'Public'}
                      </span>
                    </span>
                  </div>
                </td>
                <td>
                  <div className="envvar">
                    <code title={f.envVar}>{f.envVar}</code>
                  </div>
                </td>
                <td>
                  <div className="value-cell">
                    <SecretValue store={store} field={f} />
                    <div className="value-actions">
                      {f.kind === 'secret' ? (
                        <>
                          <RemaskIn store={store} field={f} />
                          <ShowButton store={store} field={f} onToggle={() => void reveal(f)} />
                        </>
                      ) : null}
                      <CopyButton
                        field={f}
                        until={copied?.id === f.id ? copied.until : undefined}
                        onCopy={() => void copy(f.id, f.envVar)}
                      />
                    </div>
                  </div>
                </td>
                <td>
                  {first ? <StatusBadge rotation={c.rotation} expiresAt={c.expiresAt} /> : null}
                  {first && c.rotationState === 'unknown' ? (
                    <span className="unknown-state">
                      <span className="badge badge-unknown" data-status="rotation-unknown">
                        rotation unknown
                      </span>
                      <button
                        type="button"
                        className="btn btn-sm"
                        onClick={(e) => {
                          e.stopPropagation()
                          onAction('verify', c)
                        }}
                      >
                        Verify
                      </button>
                    </span>
                  ) : null}
                </td>
                <td className="date-cell">
                  {first ? (
                    <span
                      title={
                        c.lastRotatedAt ? formatDate(c.lastRotatedAt) : `Added ${formatDate(c.createdAt)}`
                      }
                    >
                      {c.lastRotatedAt ? relativeDays(c.lastRotatedAt) : 'never'}
                    </span>
                  ) : null}
                </td>
                <td>
                  {first ? (
                    <div className="row-actions">
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label={`Rotate ${c.name}`}
                        title="Rotate"
                        onClick={(e) => {
                          e.stopPropagation()
                          onAction('rotate', c)
                        }}
                      >
                        <Icon name="rotate" size="sm" />
                      </button>
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label={`Edit ${c.name}`}
                        title="Edit"
                        onClick={(e) => {
                          e.stopPropagation()
                          onAction('edit', c)
                        }}
                      >
                        <Icon name="pencil" size="sm" />
                      </button>
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label={`History of ${c.name}`}
                        title="History"
                        onClick={(e) => {
                          e.stopPropagation()
                          onAction('history', c)
                        }}
                      >
                        <Icon name="history" size="sm" />
                      </button>
                      <button
                        type="button"
                        className="icon-btn danger"
                        aria-label={`Delete ${c.name}`}
                        title="Delete"
                        onClick={(e) => {
                          e.stopPropagation()
                          onAction('delete', c)
                        }}
                      >
                        <Icon name="trash" size="sm" />
                      </button>
                    </div>
                  ) : null}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <div className="table-footer">
        <span>
          {plural(credentials.length, 'key')} · {plural(fieldCount, 'field')}
        </span>
        <span className="hints" aria-hidden="true">
          <span>
            <span className="kbd">↑</span>
            <span className="kbd">↓</span> move
          </span>
          <span>
            <span className="kbd">{shortcutLabel('C')}</span> copy
          </span>
          <span>
            <span className="kbd">{shortcutLabel('K')}</span> search
          </span>
        </span>
      </div>
    </div>
  )
}
