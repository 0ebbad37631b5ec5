import type { ReactNode } from 'react'
import type { FieldView } from '../../../../src-shared/model'
import { maskedDisplay, maskedText } from '../../lib/format'
import type { RevealStore } from './reveal-store'
import { useRevealed } from './use-reveal.hook'

/**
 * A value with digits and symbols set apart from letters (0/O, 1/l/I), as password managers do. Runs of the
 * same class share one span, so a 40-character key is a handful of elements.
 */
export function DistinguishedText({ text }: { text: string }) {
  const parts: ReactNode[] = []
  let run = ''
  let cls = ''
  const flush = () => {
    if (!run) return
    parts.push(
      cls ? (
        <span key={parts.length} className={cls}>
          {run}
        </span>
      ) : (
        run
      ),
    )
    run = ''
  }
  for (const ch of text) {
    const next = /[0-9]/.test(ch) ? 'ch-digit' : /[A-Za-z]/.test(ch) ? '' : 'ch-symbol'
    if (next !== cls) {
      flush()
      cls = next
    }
    run += ch
  }
  flush()
  return <>{parts}</>
}

/**
 * A field's value cell: public values in clear (one line, ellipsis, the full value in the tooltip); secrets
 * masked, or shown on one line that scrolls sideways, with digits and symbols distinguished.
 */
export function SecretValue({ store, field }: { store: RevealStore; field: FieldView }) {
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
      <span key="revealed" className="value revealed" data-testid="revealed-value" tabIndex={0}>
        <DistinguishedText text={value} />
      </span>
    )
  }
  if (field.masked.empty === true) {
    return (
      <span key="empty" className="value empty">
        (empty)
      </span>
    )
  }
  const nl = field.masked.endsWithNewline === true ? '⏎' : ''
  return (
    <span key="masked" className="value">
      <span className="masked" aria-hidden="true">
        <span className="dots">{maskedText(null).slice(0, field.masked.last4 ? 8 : 12)}</span>
        {field.masked.last4 ? <span className="last4">{field.masked.last4.replace(/\n$/, '⏎')}</span> : nl}
      </span>
      <span className="sr-only">
        Hidden{field.masked.last4 ? `, ends in ${field.masked.last4.split('').join(' ')}` : ''}
      </span>
    </span>
  )
}
