import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { writeEnvFileAtomic } from '../../core/envfile/write-file'
import type { KeyshelfCore } from '../../core/core'
import { findRefs, malformedRefs, renderRefs } from '../../core/inject/template-refs'
import { resolveField } from '../cli-address'
import type { CliCommand, CliContext } from '../cli-context'
import { UsageError } from '../cli-io'

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

/** Reads a template file (or stdin for "-"). */
export async function readTemplate(ctx: CliContext, file: string): Promise<string> {
  try {
    return file === '-' ? await ctx.stdinValue() : readFileSync(file, 'utf8')
  } catch {
    throw new UsageError(`Cannot read ${file}.`)
  }
}

/**
 * Resolves every `{{ keyshelf://APP/ENV/KEY }}` in `text` (each address once; the same forgiving addresses
 * as `get`), audits the read, and returns the rendered text. Any bad reference stops everything first.
 */
export async function resolveTemplate(
  ctx: CliContext,
  core: KeyshelfCore,
  file: string,
  text: string,
  target: string,
): Promise<{ text: string; count: number }> {
  const bad = malformedRefs(text)
  if (bad.length)
    throw new UsageError(
      `${file}:${bad[0]}: a keyshelf:// reference must look like {{ keyshelf://APP/ENV/KEY }}.`,
    )
  const refs = findRefs(text)
  const values = new Map<string, string>()
  for (const r of refs) {
    if (values.has(r.address)) continue
    let found
    try {
      found = await resolveField(core, r.address)
    } catch (err) {
      const msg = err instanceof Error ? err.message : ''
      throw new UsageError(`${file}:${r.line}: ${msg} Nothing was written.`)
    }
    const [entry] = core.readEnvironmentValues(found.environment.id, [found.field.envVar])
    if (!entry) throw new UsageError(`${file}:${r.line}: ${r.address} has no value.`)
    values.set(r.address, entry.value)
    core.recordAudit('export', found.credential.id, {
      key: found.credential.name,
      envVar: found.field.envVar,
      target,
    })
  }
  return { text: renderRefs(text, values), count: values.size }
}

/** `keyshelf inject`. */
export const injectCommands: CliCommand[] = [
  {
    words: ['inject'],
    usage: 'inject -i TEMPLATE [-o FILE [--json]] [--force]',
    summary: 'fill {{ keyshelf://APP/ENV/KEY }} references in a template',
    help: 'Prints to stdout without -o; FILE is written 0600 and atomically, never over an existing file without --force.\nTEMPLATE "-" reads stdin. A reference that does not resolve stops everything; nothing is written.\n--json (with -o) prints {"ok","message","path","values"}.',
    options: {
      'in-file': { type: 'string', short: 'i' },
      'out-file': { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    positionals: [0, 0],
    async run(ctx, opts) {
      const file = str(opts['in-file'])
      if (!file) throw new UsageError('Give the template with -i TEMPLATE (or -i - for stdin).')
      ctx.jsonNeedsFile(str(opts['out-file']), 'the filled template')
      const text = await readTemplate(ctx, file)
      const core = await ctx.unlocked()
      const out = str(opts['out-file'])
      const r = await resolveTemplate(ctx, core, file, text, out ? 'inject-file' : 'inject-stdout')
      if (!out) {
        ctx.io.stdout.write(r.text)
        return 0
      }
      const path = resolve(out)
      await writeEnvFileAtomic(path, r.text, { force: opts.force === true })
      ctx.done(`Wrote ${path} (mode 0600) with ${r.count} value(s).`, { path, values: r.count })
      return 0
    },
  },
]
