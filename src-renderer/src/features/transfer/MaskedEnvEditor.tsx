import { useLayoutEffect, useRef, type TextareaHTMLAttributes } from 'react'
import { maskEnvLine } from './env-mask'

/**
 * The paste area for .env text. While `shown` is false the values are masked: the real textarea's text is
 * transparent (caret and selection still work) over a drawn copy in which each value is dots
 * ({@link maskEnvLine}), so a pasted secret is not on screen and not in the page's text or attributes (the
 * textarea's value is a DOM property only). Every line is numbered; lines in `errors` are marked red with a
 * warning sign in the gutter. With `shown` the textarea draws its own text and the masked copy only keeps the
 * line numbers and marks.
 */
export function MaskedEnvEditor({
  value,
  onChange,
  shown,
  errors,
  ...rest
}: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'> & {
  value: string
  onChange: (text: string) => void
  shown: boolean
  /** 1-based line numbers that cannot be read. */
  errors: ReadonlySet<number>
}) {
  const area = useRef<HTMLTextAreaElement>(null)
  const drawn = useRef<HTMLDivElement>(null)
  const sync = () => {
    const a = area.current
    const d = drawn.current
    if (a && d) d.style.transform = `translate(${-a.scrollLeft}px, ${-a.scrollTop}px)`
  }
  // Uncontrolled as far as the DOM goes: a controlled textarea mirrors its value into defaultValue, i.e. its
  // text content, which would put a pasted secret into the page's HTML. Code changes (clearing) are pushed.
  useLayoutEffect(() => {
    const a = area.current
    if (a && a.value !== value) a.value = value
    sync()
  })
  // A trailing newline still starts a (last, empty) line.
  const lines = value.split(/\r\n|\r|\n/)
  return (
    <div className={`env-editor ${shown ? 'shown' : 'masked'}`} data-testid="env-editor">
      <div className="env-drawn-clip" aria-hidden="true">
        <div className="env-drawn" ref={drawn} data-testid="env-drawn">
          {lines.map((line, i) => (
            <div key={i} className={`env-line ${errors.has(i + 1) ? 'bad' : ''}`} data-line={i + 1}>
              <span className="env-ln">
                {errors.has(i + 1) ? '!' : ''}
                {i + 1}
              </span>
              <span className="env-text">{maskEnvLine(line) || ' '}</span>
            </div>
          ))}
        </div>
      </div>
      <textarea
        {...rest}
        ref={area}
        className="env-input"
        wrap="off"
        spellCheck={false}
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="off"
        onChange={(e) => onChange(e.target.value)}
        onScroll={sync}
      />
    </div>
  )
}
