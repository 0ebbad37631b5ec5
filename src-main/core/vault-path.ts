import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * The desktop app's vault path: Electron's userData for the app name "Keyshelf" plus `vault.db`.
 * Linux `$XDG_CONFIG_HOME/Keyshelf` (default ~/.config/Keyshelf), macOS ~/Library/Application Support/Keyshelf,
 * Windows %APPDATA%\Keyshelf. The CLI uses the same file unless told otherwise.
 */
export function defaultVaultPath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Keyshelf', 'vault.db')
  if (platform === 'win32')
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Keyshelf', 'vault.db')
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'Keyshelf', 'vault.db')
}
