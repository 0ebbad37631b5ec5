import type { ComponentType } from 'react'
import type { Preferences } from '../../../../src-shared/model'

/** What every Settings section receives from the dialog. */
export interface SettingsSectionProps {
  prefs: Preferences
  /** Report saved preferences to the shell (theme, lock timers…). */
  onSaved: (p: Preferences) => void
  /** Close the whole Settings dialog. */
  onClose: () => void
}

/**
 * One page of the Settings dialog. A section owns its own form, buttons and errors; the dialog only
 * provides the navigation. Register a new section with one line in `settings-sections.ts`.
 */
export interface SettingsSection {
  /** Stable id, used to open Settings on this page (`{ kind: 'preferences', section: id }`). */
  id: string
  label: string
  /** One line under the section's title. */
  description: string
  Component: ComponentType<SettingsSectionProps>
}
