import type { DueItem, KeyCheckView, RevokeDue } from '../../../src-shared/model'
import { iso, type CliContext } from '../cli-context'

/** `due`'s STATUS cell for a key whose old key must be revoked (the rotation status otherwise). */
export function revokeWords(r: RevokeDue | null | undefined, status: string, now = Date.now()): string {
  if (!r) return status
  return r.dueAt <= now ? 'revoke old key' : `revoke old key ${iso(r.dueAt)?.slice(0, 10) ?? ''}`.trim()
}

/** `due --json`'s view of an old key to revoke. */
export function revokeJson(r: RevokeDue): Record<string, unknown> {
  return { provider: r.providerName, at: iso(r.dueAt), dashboardUrl: r.dashboardUrl, source: r.source }
}

/** One sentence saying how to revoke the old key of a due item. */
export function revokeHint(i: DueItem): string {
  const r = i.revoke
  if (!r) return ''
  const path = `${i.appName}/${i.environmentName}/${i.envVars[0] ?? i.name}`
  return r.source === 'provider'
    ? `${path}: the old key is still alive at ${r.providerName}; delete it with keyshelf key finish-rotation ${path}.`
    : `${path}: revoke the old key at ${r.dashboardUrl || r.providerName}, then run keyshelf reminders done ${path}.`
}

/** `verify --last`: the stored last check of each key, newest first; no provider is asked. */
export async function printLastChecks(ctx: CliContext, json: boolean): Promise<number> {
  const core = await ctx.unlocked()
  const checks = await core.lastKeyChecks()
  const rows: { name: string; id: string; check: KeyCheckView }[] = []
  for (const [id, check] of Object.entries(checks)) {
    const c = await core.getCredential({ id }).catch(() => null)
    if (c) rows.push({ name: c.name, id, check })
  }
  rows.sort((a, b) => b.check.checkedAt - a.check.checkedAt || a.name.localeCompare(b.name))
  if (json) {
    ctx.out(
      JSON.stringify(
        rows.map((r) => ({
          credentialId: r.id,
          name: r.name,
          check: { ...r.check, checkedAt: iso(r.check.checkedAt) },
        })),
        null,
        2,
      ),
    )
  } else if (rows.length === 0) ctx.err('No key was checked yet: run keyshelf verify --all.')
  else
    for (const r of rows)
      ctx.out(
        `${r.check.state.padEnd(7)} ${r.name} (${r.check.provider}, ${iso(r.check.checkedAt)}): ${r.check.detail}`,
      )
  return rows.some((r) => r.check.state === 'invalid') ? 2 : 0
}
