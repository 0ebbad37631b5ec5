import * as RD from '@radix-ui/react-dialog'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { Icon } from '../../components/Icon'
import { messageOf } from '../../lib/api.client'
import { plural } from '../../lib/format'
import { filterIndex, type SearchEntry } from '../../lib/search-index'

const ROW_HEIGHT = 40
const MAX_LIST_HEIGHT = 420

/**
 * Ctrl/Cmd+K: searches apps, environments, key names and env vars. The index (names only, never values) is
 * built once per data version and filtered synchronously on each keystroke; the list is virtualised, so
 * 10,000 keys stay instant.
 */
export function CommandPalette({
  loadIndex,
  onPick,
  onClose,
}: {
  loadIndex: () => Promise<SearchEntry[]>
  onPick: (entry: SearchEntry) => void
  onClose: () => void
}) {
  const [index, setIndex] = useState<SearchEntry[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const listRef = useRef<HTMLDivElement>(null)
  const inputRef = useRef<HTMLInputElement>(null)
  const returnTo = useRef<Element | null>(document.activeElement)
  // After a pick, the destination takes focus (the picked row); otherwise focus goes back where it was.
  const picked = useRef(false)
  const pick = (entry: SearchEntry) => {
    picked.current = true
    onPick(entry)
  }

  useEffect(() => {
    let live = true
    loadIndex().then(
      (i) => live && setIndex(i),
      (err: unknown) => live && setError(messageOf(err)),
    )
    return () => {
      live = false
    }
  }, [loadIndex])

  const results = useMemo(() => (index ? filterIndex(index, query) : []), [index, query])
  const activeIndex = Math.min(active, Math.max(0, results.length - 1))

  // TanStack Virtual returns fresh functions each render, so the React Compiler skips this component; it is
  // small and re-renders only on keystrokes and scrolling, which is what the virtualiser is for.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: results.length,
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    paddingStart: 6,
    paddingEnd: 6,
  })

  const go = (i: number) => {
    const clamped = Math.max(0, Math.min(results.length - 1, i))
    setActive(clamped)
    virtualizer.scrollToIndex(clamped, { align: 'auto' })
  }

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') go(activeIndex + 1)
    else if (e.key === 'ArrowUp') go(activeIndex - 1)
    else if (e.key === 'PageDown') go(activeIndex + 8)
    else if (e.key === 'PageUp') go(activeIndex - 8)
    else if (e.key === 'Enter') {
      const hit = results[activeIndex]
      if (hit) pick(hit)
    } else return
    e.preventDefault()
  }

  const activeId = results[activeIndex] ? `palette-opt-${activeIndex}` : undefined
  return (
    <RD.Root open onOpenChange={(o) => !o && onClose()}>
      <RD.Portal>
        <RD.Overlay className="dialog-overlay" />
        <RD.Content
          className="dialog palette"
          aria-describedby={undefined}
          onOpenAutoFocus={(e) => {
            e.preventDefault()
            inputRef.current?.focus()
          }}
          onCloseAutoFocus={(e) => {
            e.preventDefault()
            const el = returnTo.current
            if (!picked.current && el instanceof HTMLElement && el.isConnected) el.focus()
          }}
        >
          <RD.Title className="sr-only">Search</RD.Title>
          <div className="palette-input-row">
            <Icon name="search" />
            <input
              ref={inputRef}
              className="palette-input"
              role="combobox"
              aria-label="Search apps, environments, keys and env vars"
              aria-expanded="true"
              aria-controls="palette-list"
              aria-autocomplete="list"
              aria-activedescendant={activeId}
              placeholder="Search apps, environments, keys, env vars…"
              value={query}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => {
                setQuery(e.target.value)
                setActive(0)
                listRef.current?.scrollTo({ top: 0 })
              }}
              onKeyDown={onKeyDown}
              data-testid="palette-input"
            />
            <span className="kbd" aria-hidden="true">
              Esc
            </span>
          </div>
          <div
            className="palette-list"
            ref={listRef}
            // Scrollable, so reachable by keyboard (axe scrollable-region-focusable); the input's arrows drive it.
            tabIndex={0}
            style={{
              height: results.length > 0 ? Math.min(virtualizer.getTotalSize(), MAX_LIST_HEIGHT) : undefined,
            }}
          >
            {error ? <p className="palette-empty">{error}</p> : null}
            {!index && !error ? (
              <p className="palette-empty">
                <span className="spinner" aria-hidden /> Indexing…
              </p>
            ) : null}
            {index && results.length === 0 ? (
              <p className="palette-empty">
                Nothing matches “{query}”. Try an app name, an environment or an env var like{' '}
                <code>API_KEY</code>.
              </p>
            ) : null}
            <div
              id="palette-list"
              role="listbox"
              aria-label="Results"
              style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
            >
              {virtualizer.getVirtualItems().map((item) => {
                const r = results[item.index]
                if (!r) return null
                const selected = item.index === activeIndex
                return (
                  <div
                    key={r.key}
                    id={`palette-opt-${item.index}`}
                    role="option"
                    aria-selected={selected}
                    aria-setsize={results.length}
                    aria-posinset={item.index + 1}
                    className="palette-item"
                    style={{ transform: `translateY(${item.start}px)` }}
                    onMouseMove={() => !selected && setActive(item.index)}
                    onClick={() => pick(r)}
                    data-testid="palette-option"
                  >
                    <span className="kind-icon" aria-hidden="true">
                      <Icon
                        name={r.kind === 'app' ? 'app' : r.kind === 'environment' ? 'env' : 'key'}
                        size="sm"
                      />
                    </span>
                    <span className="text">
                      <span className="title">{r.title}</span>
                      <span className="context">{r.context}</span>
                    </span>
                    {r.envVar ? <code>{r.envVar}</code> : null}
                  </div>
                )
              })}
            </div>
          </div>
          <div className="palette-footer">
            <span aria-live="polite" data-testid="palette-count">
              {index ? (query ? plural(results.length, 'result') : 'Apps and environments') : ''}
            </span>
            <span className="hints" aria-hidden="true">
              <span>
                <span className="kbd">↑</span>
                <span className="kbd">↓</span> move
              </span>
              <span>
                <span className="kbd">↵</span> open
              </span>
            </span>
          </div>
        </RD.Content>
      </RD.Portal>
    </RD.Root>
  )
}
