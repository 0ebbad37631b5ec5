import { randomUUID } from 'node:crypto'
import type { AppSummary, ParsedInput } from '../../../src-shared/contract'
import type { App } from '../../../src-shared/model'
import { ConflictError } from '../errors'
import { rotationInfo } from '../rotation/rotation-status'
import type { VaultKernel } from '../vault/vault-kernel'
import { checkPathName, findAppByName, getApp, stripUndefined } from './overview-lookups'

/**
 * Apps: list (with environment, key and due counts), create, rename/edit. Deleting moves an app to the
 * Trash (trash.module.ts).
 * Names are unique case-insensitively and cannot contain "/". Every write is audited.
 */
export class AppsModule {
  constructor(private readonly kernel: VaultKernel) {}

  /** Every app by name, with its counts: one pass over the keys for all apps (10,000 keys × 200 apps was 2M steps). */
  listApps(): AppSummary[] {
    const s = this.kernel.session()
    const byApp = new Map<string, AppSummary>()
    for (const a of s.apps.values())
      byApp.set(a.id, { ...a, environmentCount: 0, credentialCount: 0, overdue: 0, dueSoon: 0, expired: 0 })
    for (const e of s.envs.values()) {
      const sum = byApp.get(e.appId)
      if (sum) sum.environmentCount++
    }
    const now = this.kernel.clock()
    const warn = this.kernel.settings.get().warnDays
    for (const c of s.creds.plainRows()) {
      const sum = byApp.get(s.envs.get(c.environmentId)?.appId ?? '')
      if (!sum) continue
      sum.credentialCount++
      const st = rotationInfo(c, now, warn).status
      if (st === 'overdue') sum.overdue++
      else if (st === 'due-soon') sum.dueSoon++
      else if (st === 'expired') sum.expired++
    }
    return [...byApp.values()].sort((a, b) =>
      a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }),
    )
  }

  /** Creates an app; CONFLICT if the name is taken. Synchronous, so usable inside a transaction. */
  createApp(input: ParsedInput<'createApp'>): App {
    const s = this.kernel.session()
    checkPathName('App', input.name)
    if (findAppByName(s, input.name)) throw new ConflictError(`An app named "${input.name}" already exists.`)
    const now = this.kernel.clock()
    const app: App = { id: randomUUID(), ...input, createdAt: now, updatedAt: now }
    this.kernel.write(s, () => {
      s.repo.putApp(app)
      this.kernel.audit(s, 'edit', null, { action: 'create-app', app: app.name })
    })
    s.apps.set(app.id, app)
    return app
  }

  /** Applies a patch to an app; CONFLICT if the new name is taken. Synchronous. */
  updateApp(input: ParsedInput<'updateApp'>): App {
    const s = this.kernel.session()
    const app = getApp(s, input.id)
    const patch = stripUndefined(input.patch)
    if (patch.name !== undefined) {
      checkPathName('App', patch.name)
      const other = findAppByName(s, patch.name)
      if (other && other.id !== app.id)
        throw new ConflictError(`An app named "${patch.name}" already exists.`)
    }
    const next: App = { ...app, ...patch, updatedAt: this.kernel.clock() }
    this.kernel.write(s, () => {
      s.repo.putApp(next)
      this.kernel.audit(s, 'edit', null, { action: 'update-app', app: next.name })
    })
    s.apps.set(next.id, next)
    return next
  }
}
