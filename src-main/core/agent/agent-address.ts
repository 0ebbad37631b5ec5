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

/** --json before `--`: the agent's own answers (lock, unlock, refusals) are JSON then, as run-cli's are. */
export function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--')
  return (end >= 0 ? argv.slice(0, end) : argv).includes('--json')
}

/**
 * An answer the agent or its client gives itself, in run-cli's shapes: a success is the message on stderr,
 * or `{"ok":true,"message",…data}` on stdout with --json; an error is `keyshelf: message` on stderr, or
 * `{"error":{"code","message","exit"}}` there with --json.
 */
export function ownAnswer(
  json: boolean,
  result: { ok: string; data?: Record<string, unknown> } | { error: string; code: string; exit: number },
): { out: string; err: string } {
  if ('ok' in result) {
    return json
      ? { out: JSON.stringify({ ok: true, message: result.ok, ...result.data }) + '\n', err: '' }
      : { out: '', err: result.ok + '\n' }
  }
  const { error: message, code, exit } = result
  return json
    ? { out: '', err: JSON.stringify({ error: { code, message, exit } }) + '\n' }
    : { out: '', err: `keyshelf: ${message}\n` }
}
