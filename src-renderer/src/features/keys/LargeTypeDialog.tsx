import './large-type.css'
import { useEffect } from 'react'
import type { FieldView } from '../../../../src-shared/model'
import { Dialog } from '../../components/Dialog'
import type { RevealStore } from './reveal-store'
import { useRevealed, useSecondsLeft } from './use-reveal.hook'

/** The class of one character, for its colour: digits, letters, and everything else (symbols, spaces). */
export function charClass(ch: string): 'digit' | 'letter' | 'symbol' {
  if (/^[0-9]$/.test(ch)) return 'digit'
  if (/^\p{L}$/u.test(ch)) return 'letter'
  return 'symbol'
}

/** How a character that would be invisible or ambiguous in a cell is drawn, and what a screen reader says. */
function cellText(ch: string): { shown: string; spoken: string | null } {
  if (ch === ' ') return { shown: '␣', spoken: 'space' }
  if (ch === '\t') return { shown: '⇥', spoken: 'tab' }
  if (ch === '\n') return { shown: '⏎', spoken: 'line break' }
  if (ch === '\r') return { shown: '␍', spoken: 'carriage return' }
  return { shown: ch, spoken: null }
}

/** The value, one character per cell with its 1-based position under it, coloured by class. */
function Cells({ value }: { value: string }) {
  const chars = Array.from(value)
  return (
    <ol className="large-type" aria-label={`${chars.length} characters`} data-testid="large-type">
      {chars.map((ch, i) => {
        const { shown, spoken } = cellText(ch)
        return (
          <li key={i} className={`lt-cell lt-${charClass(ch)}`}>
            <span className="lt-char" aria-hidden={spoken !== null ? true : undefined}>
              {shown}
            </span>
            {spoken !== null ? <span className="sr-only">{spoken}</span> : null}
            <span className="lt-index" aria-hidden="true">
              {i + 1}
            </span>
          </li>
        )
      })}
    </ol>
  )
}

/**
 * "Large type" for one value, as 1Password and KeePassXC have it: each character big in its own cell with its
 * position, digits, letters and symbols in distinct colours, for reading a key aloud or typing it on another
 * device. A secret is read from the table's reveal store, so it closes by itself when the value re-masks
 * (and never holds the value in its own state); Esc, the close button and the overlay close it.
 */
export function LargeTypeDialog({
  store,
  field,
  onClose,
}: {
  store: RevealStore
  field: FieldView
  onClose: () => void
}) {
  const secret = field.kind === 'secret'
  const { shown, expiresAt } = useRevealed(store, field.id)
  const left = useSecondsLeft(secret ? expiresAt : undefined)
  const gone = secret && !shown
  useEffect(() => {
    if (gone) onClose()
  }, [gone, onClose])
  const value = secret ? store.value(field.id) : (field.masked.clear ?? '')
  if (value === undefined) return null
  return (
    <Dialog
      wide
      className="large-type-dialog"
      title={`${field.envVar} in large type`}
      description={
        <>
          <span className="lt-legend">
            <span className="lt-digit">digits</span> · <span className="lt-letter">letters</span> ·{' '}
            <span className="lt-symbol">symbols</span>
          </span>
          {secret ? <span> · hides again in {left} s</span> : null}
        </>
      }
      onClose={onClose}
    >
      <div className="dialog-body">
        <Cells key={secret ? String(expiresAt) : 'public'} value={value} />
      </div>
      <div className="dialog-footer">
        <button type="button" className="btn" data-autofocus onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  )
}
