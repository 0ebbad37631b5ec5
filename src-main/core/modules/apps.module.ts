import { randomUUID } from 'node:crypto'
import type { AppSummary, ParsedInput } from '../../../src-shared/contract'
import type { App } from '../../../src-shared/model'
import { ConflictError } from '../errors'
import { rotationInfo } from '../rotation/rotation-status'
import type { Session, VaultKernel } from '../vault/vault-kernel'
import { checkPathName, findAppByName, getApp, stripUndefined } from './overview-lookups'

/**
 * Apps: list (with environment, key and due counts), create, rename/edit, delete (with everything in it).
 * Names are unique case-insensitively and cannot contain "/". Every write is audited.
 */
export class AppsModule {
  constructor(private readonly kernel: VaultKernel) {}

  /** Every app by name, with its counts. */
  listApps(): AppSummary[] {
    const s = this.kernel.session()
    return [...s.apps.values()]
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }))
      .map((a) => this.summary(s, a))
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

  /** Deletes an app with its environments, keys and history. */
  deleteApp(input: ParsedInput<'deleteApp'>): null {
    const s = this.kernel.session()
    const app = getApp(s, input.id)
    this.kernel.write(s, () => {
      s.repo.deleteApp(app.id)
      this.kernel.audit(s, 'delete', null, { app: app.name })
    })
    this.kernel.reloadOverview(s)
    return null
  }

  private summary(s: Session, app: App): AppSummary {
    let environmentCount = 0
    for (const e of s.envs.values()) if (e.appId === app.id) environmentCount++
    const summary: AppSummary = {
      ...app,
      environmentCount,
      credentialCount: 0,
      overdue: 0,
      dueSoon: 0,
      expired: 0,
    }
    const now = this.kernel.clock()
    const warn = this.kernel.settings.get().warnDays
    for (const c of s.creds.plainRows()) {
      const env = s.envs.get(c.environmentId)
      if (env?.appId !== app.id) continue
      summary.credentialCount++
      const st = rotationInfo(c, now, warn).status
      if (st === 'overdue') summary.overdue++
      else if (st === 'due-soon') summary.dueSoon++
      else if (st === 'expired') summary.expired++
    }
    return summary
  }
}
