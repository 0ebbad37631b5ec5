import type { AuditEvent } from '../../../src-shared/model'
import { resolveCredential } from '../cli-address'
import { type CliCommand, iso, parseDay, table } from '../cli-context'
import { UsageError } from '../cli-io'

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

/** Details worth a column: the key, env var and target; never a value (the log holds none). */
function describe(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')
}

/** Every event the log records (the compiler checks the list is complete). */
const EVENTS = [
  'create',
  'unlock',
  'reveal',
  'copy',
  'export',
  'import',
  'edit',
  'delete',
  'rotate',
  'sync',
  'password-change',
  'rekey',
  'trash',
  'restore',
  'purge',
] as const satisfies readonly AuditEvent[]
const _complete: Exclude<AuditEvent, (typeof EVENTS)[number]> extends never ? true : never = true

/** `--event reveal,copy`: the events asked for, or null for all; an unknown one is a usage error. */
function eventsOption(text: string | undefined): Set<string> | null {
  if (text === undefined) return null
  const asked = text
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)
  const unknown = asked.filter((e) => !(EVENTS as readonly string[]).includes(e))
  if (asked.length === 0 || unknown.length > 0)
    throw new UsageError(
      `--event takes one or more of ${EVENTS.join(', ')} (comma-separated)${unknown.length ? `; not ${unknown.join(', ')}` : ''}.`,
    )
  return new Set(asked)
}

/** `keyshelf audit`: the vault's encrypted activity log. */
export const auditCommands: CliCommand[] = [
  {
    words: ['audit'],
    usage: 'audit [--since YYYY-MM-DD] [--key APP/ENV/KEY] [--event E[,E…]] [--limit N] [--json]',
    summary: 'the encrypted log of unlocks, reveals, copies, exports, runs, rotations, syncs and edits',
    help: "Newest first, the last 1,000 entries unless --limit says otherwise (up to 10,000). The log holds what and where, never a value.\n--event reveal,copy,export keeps only those events (every command's unlock is logged too; leave `unlock` out to hide them). `run` is logged as export (target=run).",
    options: {
      since: { type: 'string' },
      key: { type: 'string' },
      event: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [0, 0],
    async run(ctx, opts) {
      const since = str(opts.since) !== undefined ? parseDay('--since', str(opts.since) ?? '') : null
      const events = eventsOption(str(opts.event))
      const limitText = str(opts.limit) ?? '1000'
      const limit = Number(limitText)
      if (!/^\d+$/.test(limitText) || limit < 1 || limit > 10_000)
        throw new UsageError('--limit takes a whole number from 1 to 10000.')
      const core = await ctx.unlocked()
      const keyPath = str(opts.key)
      const credentialId = keyPath ? (await resolveCredential(core, keyPath)).credential.id : null
      const entries = (await core.auditLog({ limit: 10_000 }))
        .filter(
          (e) =>
            (since === null || e.at >= since) &&
            (credentialId === null || e.credentialId === credentialId) &&
            (events === null || events.has(e.event)),
        )
        .slice(0, limit)
      if (opts.json) {
        ctx.out(
          JSON.stringify(
            entries.map((e) => ({
              at: iso(e.at),
              event: e.event,
              credentialId: e.credentialId,
              details: e.details,
            })),
            null,
            2,
          ),
        )
      } else if (entries.length === 0) ctx.err('No activity matches.')
      else
        ctx.out(
          table([
            ['AT', 'EVENT', 'DETAILS'],
            ...entries.map((e) => [iso(e.at) ?? '', e.event, describe(e.details)]),
          ]),
        )
      return 0
    },
  },
]
