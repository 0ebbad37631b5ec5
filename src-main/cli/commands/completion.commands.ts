import type { CliCommand } from '../cli-context'
import { UsageError } from '../cli-io'
import { addressOf, tryAgent } from '../agent/agent-client'

/** The shells' glue: each asks `keyshelf __complete WORDS…` (the last word is the one being completed). */
const SCRIPTS: Record<string, string> = {
  bash: `# keyshelf completion for bash: eval "$(keyshelf completion bash)" in ~/.bashrc
_keyshelf() {
  local IFS=$'\\n'
  COMPREPLY=( $(keyshelf __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
}
complete -o default -F _keyshelf keyshelf
`,
  zsh: `#compdef keyshelf
# keyshelf completion for zsh: eval "$(keyshelf completion zsh)" in ~/.zshrc (after compinit)
_keyshelf() {
  local -a c
  c=("\${(@f)$(keyshelf __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -Q -S '' -- \${c:#}
}
compdef _keyshelf keyshelf
`,
  fish: `# keyshelf completion for fish: keyshelf completion fish > ~/.config/fish/completions/keyshelf.fish
complete -c keyshelf -f -a '(keyshelf __complete -- (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
`,
}

const GLOBAL_OPTIONS = ['--vault', '--password-stdin', '--help']

/** Completion: commands and options always; APP/ENV/KEY paths only from a running unlock agent. */
export function completionCommands(all: () => CliCommand[]): CliCommand[] {
  return [
    {
      words: ['completion'],
      usage: 'completion bash|zsh|fish',
      summary: 'print the shell completion script',
      help: 'Completes commands, options and, while `keyshelf unlock` runs, APP/ENV/KEY addresses (asked from the agent; nothing is read from disk).\nNo --json: what it prints is the shell script itself.',
      positionals: [1, 1],
      async run(ctx, _opts, [shell]) {
        const script = SCRIPTS[shell ?? '']
        if (!script) throw new UsageError(`completion takes bash, zsh or fish, not "${shell}".`)
        ctx.io.stdout.write(script)
        return 0
      },
    },
    {
      words: ['__complete'],
      usage: '__complete WORDS…',
      summary: 'candidates for the word being completed',
      hidden: true,
      positionals: [0, Infinity],
      async run(ctx, _opts, words) {
        const current = words[words.length - 1] ?? ''
        const before = words.slice(0, -1)
        const typedVault = before.some((a) => a === '--vault' || a.startsWith('--vault='))
        const { words: typed, vault: fromWords } = addressOf(before, ctx.io.env)
        const vault = typedVault ? fromWords : ctx.global.vault
        const visible = all().filter((c) => !c.hidden)
        const cmd = [...visible]
          .sort((a, b) => b.words.length - a.words.length)
          .find((c) => c.words.every((w, i) => typed[i] === w))
        let out: string[] = []
        if (current.startsWith('-')) {
          out = [...Object.keys(cmd?.options ?? {}).map((o) => `--${o}`), ...GLOBAL_OPTIONS]
        } else if (!cmd) {
          const group = visible.filter((c) => c.words.length > 1 && c.words[0] === typed[0])
          out =
            typed.length === 0
              ? [...new Set(visible.map((c) => c.words[0] ?? ''))]
              : group.map((c) => c.words[1] ?? '')
        } else if (/APP\/ENV\//.test(cmd.usage) && typed.length === cmd.words.length) {
          out = await agentPaths(ctx.io.env, vault)
        }
        const hits = out.filter((c) => c.toLowerCase().startsWith(current.toLowerCase()))
        if (hits.length) ctx.out(hits.join('\n'))
        return 0
      },
    },
    {
      words: ['__paths'],
      usage: '__paths',
      summary: 'every APP/ENV/ENV_VAR (only through the unlock agent)',
      hidden: true,
      positionals: [0, 0],
      async run(ctx) {
        if (!ctx.viaAgent) return 0 // never unlock (or read the vault) just to complete a word
        const core = await ctx.unlocked()
        const apps = await core.listApps()
        const lines: string[] = []
        for (const a of apps)
          for (const e of await core.listEnvironments({ appId: a.id }))
            for (const c of await core.listCredentials({ environmentId: e.id }))
              for (const f of c.fields) lines.push(`${a.name}/${e.name}/${f.envVar}`)
        if (lines.length) ctx.out(lines.sort().join('\n'))
        return 0
      },
    },
  ]
}

/** Asks the agent for every address; [] when none runs. */
async function agentPaths(env: NodeJS.ProcessEnv, vault: string): Promise<string[]> {
  const { PassThrough, Writable } = await import('node:stream')
  const chunks: Buffer[] = []
  const sink = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c)
      cb()
    },
  })
  const stdin = new PassThrough()
  stdin.end()
  const code = await tryAgent(['--vault', vault, '__paths'], {
    stdin,
    stdout: sink,
    stderr: new Writable({ write: (_c, _e, cb) => cb() }),
    env,
    cwd: process.cwd(),
  })
  if (code !== 0) return []
  return Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean)
}
