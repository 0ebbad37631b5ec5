import type { SettingsSection } from './settings-section'
import { GeneralSection } from './sections/GeneralSection'
import { SecuritySection } from './sections/SecuritySection'
import { CliAccessSection } from './sections/CliAccessSection'
import { BackupSection } from './sections/BackupSection'
import { TeamsSection } from './sections/TeamsSection'

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
  {
    id: 'backup',
    label: 'Backup',
    description: 'An encrypted copy of the whole vault, verified after it is written.',
    Component: BackupSection,
  },
  {
    id: 'cli-access',
    label: 'CLI access',
    description: 'Let the keyshelf command use this window’s unlocked vault (off by default).',
    Component: CliAccessSection,
  },
  {
    id: 'teams',
    label: 'Teams',
    description: 'Team spaces on OpenBao or HashiCorp Vault: shared keys and rotation deadlines.',
    Component: TeamsSection,
  },
]
