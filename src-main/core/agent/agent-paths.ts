/**
 * Where the unlock agent lives: a private runtime folder, one socket and one cookie file per vault.
 * Kept free of heavy imports: the fast path of every `keyshelf` command loads this before anything else.
 */
import { createHash } from 'node:crypto'
import { lstatSync, mkdirSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

/** Paths of one vault's agent. */
export interface AgentPaths {
  dir: string
  socket: string
  cookie: string
}

function uid(): number {
  return typeof process.getuid === 'function' ? process.getuid() : -1
}

/**
 * The user's runtime folder for Keyshelf: `$XDG_RUNTIME_DIR/keyshelf`, else `$TMPDIR/keyshelf-UID`. Created
 * 0700; `create` refuses a folder that is a symlink, belongs to someone else or is open to others.
 */
export function runtimeDir(env: NodeJS.ProcessEnv, create: boolean): string | null {
  const base = env.XDG_RUNTIME_DIR && env.XDG_RUNTIME_DIR.startsWith('/') ? env.XDG_RUNTIME_DIR : null
  const dir = base ? join(base, 'keyshelf') : join(tmpdir(), `keyshelf-${uid()}`)
  try {
    if (create) mkdirSync(dir, { recursive: true, mode: 0o700 })
    const st = lstatSync(dir)
    if (!st.isDirectory() || st.isSymbolicLink()) return null
    if (uid() >= 0 && st.uid !== uid()) return null
    if ((st.mode & 0o077) !== 0) return null
    return dir
  } catch {
    return null
  }
}

/** The vault path as the agent is keyed by it: absolute, symlinks resolved where the file exists. */
export function canonicalVault(vault: string): string {
  const abs = resolve(vault)
  try {
    return realpathSync(abs)
  } catch {
    try {
      return join(realpathSync(dirname(abs)), abs.slice(dirname(abs).length + 1))
    } catch {
      return abs
    }
  }
}

/** The socket and cookie of the agent for `vault`, or null when there is no safe runtime folder. */
export function agentPaths(env: NodeJS.ProcessEnv, vault: string, create = false): AgentPaths | null {
  const dir = runtimeDir(env, create)
  if (!dir) return null
  const id = createHash('sha256').update(canonicalVault(vault)).digest('hex').slice(0, 16)
  return { dir, socket: join(dir, `agent-${id}.sock`), cookie: join(dir, `agent-${id}.cookie`) }
}
