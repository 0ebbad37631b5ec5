import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { resolveField } from '../cli-address'
import type { CliCommand } from '../cli-context'
import { UsageError, stdinParts } from '../cli-io'
import { clearClipboard, findClipboardTool, readClipboard, writeClipboard } from '../os-clipboard'

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined)
const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest('hex')

/** `keyshelf copy` and its detached clearer. */
export const copyCommands: CliCommand[] = [
  {
    words: ['copy'],
    usage: 'copy APP/ENV/KEY [--clear-after SECONDS] [--json]',
    summary: 'copy a value to the clipboard; cleared after 30 s if it is still there',
    help: [
      'Uses wl-copy (Wayland), xclip or xsel (X11), pbcopy (macOS) or clip.exe (Windows/WSL).',
      'wl-copy 2.2+ marks the value sensitive so clipboard managers keep it out of their history; the others',
      'cannot. A small background process clears the clipboard after --clear-after seconds (0: never), only',
      'if it still holds this value; it knows only a SHA-256 digest of it. Audited as a copy.',
    ].join('\n'),
    options: { 'clear-after': { type: 'string' }, json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, opts, [path]) {
      const after = str(opts['clear-after']) ?? '30'
      if (!/^\d+$/.test(after) || Number(after) > 3600)
        throw new UsageError('--clear-after takes whole seconds from 0 (never) to 3600.')
      const tool = findClipboardTool(ctx.io.env)
      if (!tool)
        throw new UsageError(
          'No clipboard tool found: install wl-clipboard (Wayland), xclip or xsel (X11), or use `keyshelf get`.',
        )
      const core = await ctx.unlocked()
      const { app, environment, credential, field } = await resolveField(core, path ?? '')
      const [entry] = core.readEnvironmentValues(environment.id, [field.envVar])
      if (!entry) throw new UsageError(`${field.envVar} has no value to copy.`)
      if (!writeClipboard(tool, entry.value, ctx.io.env))
        throw new UsageError(`${tool.name} could not write the clipboard; nothing was copied.`)
      core.recordAudit('copy', credential.id, {
        key: credential.name,
        envVar: field.envVar,
        target: tool.name,
      })
      const seconds = Number(after)
      let clears = false
      if (seconds > 0 && tool.read) {
        const child = spawn(
          process.execPath,
          [process.argv[1] ?? '', '__clipboard-clear', '--after', after],
          {
            detached: true,
            stdio: ['pipe', 'ignore', 'ignore'],
            env: { ...ctx.io.env, KEYSHELF_PASSWORD: '', KEYSHELF_NEW_PASSWORD: '' },
          },
        )
        child.stdin.on('error', () => undefined)
        child.stdin.end(digest(entry.value) + '\n')
        child.unref()
        clears = true
      }
      const where = `${app.name}/${environment.name}/${field.envVar}`
      if (opts.json)
        ctx.out(
          JSON.stringify({
            copied: where,
            tool: tool.name,
            historyHint: tool.hint,
            clearsAfterSeconds: clears ? seconds : null,
          }),
        )
      else
        ctx.err(
          `Copied ${where} with ${tool.name}${tool.hint ? ' (marked sensitive for clipboard history)' : ''}. ${
            clears
              ? `It is cleared in ${seconds} s if still there.`
              : seconds > 0
                ? `${tool.name} cannot read the clipboard back, so it is not cleared automatically.`
                : 'It is not cleared automatically.'
          }`,
        )
      return 0
    },
  },
  {
    words: ['__clipboard-clear'],
    usage: '__clipboard-clear --after SECONDS',
    summary: 'clears the clipboard later if it still holds the value whose digest is on stdin',
    hidden: true,
    options: { after: { type: 'string' } },
    positionals: [0, 0],
    async run(ctx, opts) {
      const { password: want } = await stdinParts(ctx.io, true)
      const tool = findClipboardTool(ctx.io.env)
      if (!tool || !want) return 1
      await new Promise((r) => setTimeout(r, Number(str(opts.after) ?? '30') * 1000))
      const now = readClipboard(tool, ctx.io.env)
      if (now !== null && digest(now) === want) clearClipboard(tool, ctx.io.env)
      return 0
    },
  },
]
