/** Which vault and command a `keyshelf` argv names (no heavy imports: the client's fast path uses it). */
import { defaultVaultPath } from '../vault-path'

/** The global --vault (or KEYSHELF_VAULT, or the desktop's vault) and the first command word. */
export function addressOf(argv: string[], env: NodeJS.ProcessEnv): { vault: string; words: string[] } {
  const end = argv.indexOf('--')
  const head = end >= 0 ? argv.slice(0, end) : argv
  let vault = env.KEYSHELF_VAULT || defaultVaultPath(env)
  const words: string[] = []
  for (let i = 0; i < head.length; i++) {
    const a = head[i] ?? ''
    if (a === '--vault') vault = head[++i] ?? vault
    else if (a.startsWith('--vault=')) vault = a.slice('--vault='.length)
    else if (!a.startsWith('-')) words.push(a)
  }
  return { vault, words }
}
