import type { SettingsSection } from './settings-section'
import { GeneralSection } from './sections/GeneralSection'
import { SecuritySection } from './sections/SecuritySection'

/** The pages of Settings, in the order shown. Add a section with one line here. */
export const SETTINGS_SECTIONS: readonly SettingsSection[] = [
  {
    id: 'general',
    label: 'General',
    description: 'Appearance, locking and the clipboard. Stored on this computer; never a secret.',
    Component: GeneralSection,
  },
  {
    id: 'security',
    label: 'Security',
    description: 'Quick unlock, the master password and the vault key.',
    Component: SecuritySection,
  },
]
