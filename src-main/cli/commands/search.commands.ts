import { type CliCommand, nameMaps, table } from '../cli-context'
import { UsageError } from '../cli-io'

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

/** `keyshelf search`: the window's search box on the command line (names, env vars, tags; never values). */
export const searchCommands: CliCommand[] = [
  {
    words: ['search'],
    usage: 'search QUERY… [--limit N] [--json]',
    summary: 'find keys by app, environment, key name, env var, provider or tag (never by value)',
    help: 'Every word must match (case-insensitive substrings). Prints APP/ENV/ENV_VAR addresses for get, copy and key commands.',
    options: { limit: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [1, Infinity],
    async run(ctx, opts, words) {
      const limitText = str(opts.limit)
      const limit = limitText === undefined ? 10_000 : Number(limitText)
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
        throw new UsageError('--limit takes a whole number from 1 to 10000.')
      const core = await ctx.unlocked({ readAhead: true })
      const hits = (await core.search({ query: words.join(' '), limit })).filter((h) => h.kind === 'field')
      const names = await nameMaps(core)
      const rows = hits.map((h) => {
        const c = core.credentialNow(h.credentialId ?? '')
        const envVar = c.fields.find((f) => f.id === h.fieldId)?.envVar ?? ''
        const app = names.apps.get(h.appId) ?? ''
        const env = names.envs.get(h.environmentId ?? '') ?? ''
        return { path: `${app}/${env}/${envVar}`, app, env, key: c.name, envVar }
      })
      if (opts.json) ctx.out(JSON.stringify(rows, null, 2))
      else if (rows.length === 0) ctx.err(`Nothing matches "${words.join(' ')}".`)
      else ctx.out(table([['ADDRESS', 'KEY'], ...rows.map((r) => [r.path, r.key])]))
      return 0
    },
  },
]
