import { useRef, useState, type KeyboardEvent } from 'react'
import type { Preferences } from '../../../../src-shared/model'
import { Dialog } from '../../components/Dialog'
import { SETTINGS_SECTIONS } from './settings-sections'

/**
 * Settings: a list of sections on the left (a vertical tab list with roving focus: arrows, Home, End) and
 * the chosen section on the right. Each section owns its own form and buttons.
 */
export function SettingsDialog({
  prefs,
  section,
  onSaved,
  onClose,
}: {
  prefs: Preferences
  /** The section to open on (default: the first). */
  section?: string | undefined
  onSaved: (p: Preferences) => void
  onClose: () => void
}) {
  const first = SETTINGS_SECTIONS[0]!
  const [current, setCurrent] = useState(
    () => SETTINGS_SECTIONS.find((s) => s.id === section)?.id ?? first.id,
  )
  const active = SETTINGS_SECTIONS.find((s) => s.id === current) ?? first
  const tabs = useRef<HTMLDivElement>(null)

  const onKeyDown = (e: KeyboardEvent) => {
    const i = SETTINGS_SECTIONS.findIndex((s) => s.id === current)
    const n = SETTINGS_SECTIONS.length
    const to =
      e.key === 'ArrowDown'
        ? (i + 1) % n
        : e.key === 'ArrowUp'
          ? (i - 1 + n) % n
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? n - 1
              : -1
    if (to < 0) return
    e.preventDefault()
    const next = SETTINGS_SECTIONS[to]!
    setCurrent(next.id)
    requestAnimationFrame(() => tabs.current?.querySelector<HTMLElement>(`#settings-tab-${next.id}`)?.focus())
  }

  const { Component } = active
  return (
    <Dialog
      title="Settings"
      description={active.description}
      onClose={onClose}
      wide
      className="settings-dialog"
    >
      <div className="settings-layout">
        <div
          className="settings-nav"
          role="tablist"
          aria-label="Settings sections"
          aria-orientation="vertical"
          ref={tabs}
          onKeyDown={onKeyDown}
        >
          {SETTINGS_SECTIONS.map((s) => (
            <button
              key={s.id}
              id={`settings-tab-${s.id}`}
              type="button"
              role="tab"
              aria-selected={s.id === active.id}
              aria-controls="settings-panel"
              tabIndex={s.id === active.id ? 0 : -1}
              onClick={() => setCurrent(s.id)}
            >
              {s.label}
            </button>
          ))}
        </div>
        <div
          className="settings-panel"
          id="settings-panel"
          role="tabpanel"
          aria-labelledby={`settings-tab-${active.id}`}
        >
          <Component key={active.id} prefs={prefs} onSaved={onSaved} onClose={onClose} />
        </div>
      </div>
    </Dialog>
  )
}
