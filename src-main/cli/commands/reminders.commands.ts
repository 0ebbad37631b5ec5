import type { CredentialView, RevokeDue } from '../../../src-shared/model'
import { resolveCredential } from '../cli-address'
import type { CliCommand } from '../cli-context'
import { iso } from '../cli-context'
import { UsageError } from '../cli-io'

/** `keyshelf reminders`: old keys to revoke at their provider after a rotation's overlap. */
export const remindersCommands: CliCommand[] = [
  {
    words: ['reminders'],
    usage: 'reminders [done APP/ENV/ENV_VAR] [--json]',
    summary: 'old keys still alive at their provider after a rotation; "done" once you revoked one',
    help:
      'Lists every old key kept for an overlap (guided rotations and two-key provider rotations) with the time the overlap ends.\n' +
      '`reminders done PATH` drops the reminder of a guided rotation once you revoked the old key in the dashboard; ' +
      'for a two-key provider rotation use `keyshelf key finish-rotation PATH`, which deletes the old key at the provider.',
    options: { json: { type: 'boolean' } },
    positionals: [0, 2],
    async run(ctx, opts, [verb, path]) {
      if (verb !== undefined && verb !== 'done')
        throw new UsageError('Use: keyshelf reminders [done APP/ENV/ENV_VAR]')
      const core = await ctx.unlocked()
      if (verb === 'done') {
        const { credential } = await resolveCredential(core, path ?? '')
        const r = (await core.openRevokes())[credential.id]
        if (!r) throw new UsageError(`${path} has no old key waiting to be revoked.`)
        if (r.source === 'provider' || r.reminderId === null)
          throw new UsageError(
            `Keyshelf deletes this old key at ${r.providerName} itself: keyshelf key finish-rotation ${path}`,
          )
        await core.dismissGuidedReminder({ id: r.reminderId })
        ctx.done(`Done: the reminder for ${path} is gone.`, { path, key: credential.name, dismissed: true })
        return 0
      }
      const all = await core.openRevokes()
      const now = Date.now()
      const rows: { c: CredentialView; r: RevokeDue }[] = []
      for (const [id, r] of Object.entries(all)) {
        const c = await core.getCredential({ id }).catch(() => null)
        if (c) rows.push({ c, r })
      }
      rows.sort((a, b) => a.r.dueAt - b.r.dueAt)
      if (opts.json) {
        ctx.out(
          JSON.stringify(
            rows.map(({ c, r }) => ({
              key: c.name,
              credentialId: c.id,
              provider: r.providerName,
              source: r.source,
              overlapEndsAt: iso(r.dueAt),
              due: r.dueAt <= now,
              dashboardUrl: r.dashboardUrl,
            })),
            null,
            2,
          ),
        )
        return 0
      }
      if (rows.length === 0) ctx.err('No old key is waiting to be revoked. ✓')
      for (const { c, r } of rows)
        ctx.out(
          `${r.dueAt <= now ? 'due    ' : 'waiting'} ${c.name} (${r.providerName}): overlap ${r.dueAt <= now ? 'ended' : 'ends'} ${iso(r.dueAt)}; ${
            r.source === 'provider'
              ? 'keyshelf key finish-rotation deletes it'
              : `revoke it at ${r.dashboardUrl || r.providerName}, then keyshelf reminders done`
          }`,
        )
      return 0
    },
  },
]
