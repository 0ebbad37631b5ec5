import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Where the real test peers live: the venv made by scripts/install-peers.sh ($KEYSHELF_PEERS_DIR, else
 * .peers/ in the project root). `.ci/run` installs them on a fresh machine.
 */
export const PEERS_DIR = process.env['KEYSHELF_PEERS_DIR'] ?? join(import.meta.dirname, '..', '..', '.peers')

/**
 * The path of a peer's command (`bao`, `moto_server`). Throws with the install command when it is missing,
 * so a test that needs a real peer fails loudly instead of being skipped.
 */
export function peerBin(name: 'bao' | 'moto_server'): string {
  const p = join(PEERS_DIR, 'bin', name)
  if (!existsSync(p))
    throw new Error(`${name} is not installed in ${PEERS_DIR}: run \`bash scripts/install-peers.sh\` first`)
  return p
}
