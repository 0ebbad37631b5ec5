import { defaultVaultPath } from '../core/vault-path'

/** The global options, pulled out of argv (they may come anywhere before `--`). */
export interface GlobalArgs {
  vault: string
  passwordStdin: boolean
  /** argv without the global options. */
  args: string[]
  /** argv before `--` (where `--json` counts). */
  head: string[]
  /** A usage problem with the global options themselves, or null. */
  error: string | null
}

/** Splits the global options (`--vault PATH`, `--vault=PATH`, `--password-stdin`) from the command's. */
export function parseGlobalArgs(argv: string[], env: NodeJS.ProcessEnv): GlobalArgs {
  const dashdash = argv.indexOf('--')
  const head = dashdash >= 0 ? argv.slice(0, dashdash) : argv
  const tail = dashdash >= 0 ? argv.slice(dashdash) : []
  let vault = env.KEYSHELF_VAULT || defaultVaultPath(env)
  let passwordStdin = false
  let error: string | null = null
  const rest: string[] = []
  for (let i = 0; i < head.length; i++) {
    const a = head[i] ?? ''
    if (a === '--vault') {
      const v = head[++i]
      if (!v) error ??= '--vault needs a path.'
      else vault = v
    } else if (a.startsWith('--vault=')) vault = a.slice('--vault='.length)
    else if (a === '--password-stdin') passwordStdin = true
    else rest.push(a)
  }
  return { vault, passwordStdin, args: [...rest, ...tail], head, error }
}
