import { randomUUID } from 'node:crypto'
import type { ParsedInput } from '../../../src-shared/contract'
import type { Environment } from '../../../src-shared/model'
import { ConflictError } from '../errors'
import type { VaultKernel } from '../vault/vault-kernel'
import { checkPathName, envsOf, findEnvByName, getApp, getEnv, stripUndefined } from './overview-lookups'

/**
 * Environments of an app: list in order, create (appended last), edit. Deleting moves one to the Trash
 * (trash.module.ts).
 * Names are unique per app case-insensitively and cannot contain "/". Every write is audited.
 */
export class EnvironmentsModule {
  constructor(private readonly kernel: VaultKernel) {}

  /** An app's environments in display order; NOT_FOUND for an unknown app. */
  listEnvironments(input: ParsedInput<'listEnvironments'>): Environment[] {
    const s = this.kernel.session()
    getApp(s, input.appId)
    return envsOf(s, input.appId)
  }

  /** Every environment of every app, each app's in display order (for the window's search index). */
  allEnvironments(): Environment[] {
    const s = this.kernel.session()
    return [...s.envs.values()]
      .sort((a, b) => a.appId.localeCompare(b.appId) || a.position - b.position || a.createdAt - b.createdAt)
      .map((e) => ({ ...e }))
  }

  /** Every app's and environment's name by id (outside the Trash), for printing addresses: no counts. */
  addressNames(): { apps: Map<string, string>; envs: Map<string, string> } {
    const s = this.kernel.session()
    return {
      apps: new Map([...s.apps.values()].map((a) => [a.id, a.name])),
      envs: new Map([...s.envs.values()].map((e) => [e.id, e.name])),
    }
  }

  /** One environment (a copy); NOT_FOUND otherwise. */
  environment(id: string): Environment {
    return { ...getEnv(this.kernel.session(), id) }
  }

  /** Creates an environment at the end of its app's list; CONFLICT if the name is taken. Synchronous. */
  createEnvironment(input: ParsedInput<'createEnvironment'>): Environment {
    const s = this.kernel.session()
    const app = getApp(s, input.appId)
    checkPathName('Environment', input.name)
    if (findEnvByName(s, app.id, input.name)) {
      throw new ConflictError(`${app.name} already has an environment named "${input.name}".`)
    }
    const now = this.kernel.clock()
    const existing = envsOf(s, app.id)
    const env: Environment = {
      id: randomUUID(),
      ...input,
      position: (existing[existing.length - 1]?.position ?? -1) + 1,
      createdAt: now,
      updatedAt: now,
    }
    this.kernel.write(s, () => {
      s.repo.putEnvironment(env)
      this.kernel.audit(s, 'edit', null, {
        action: 'create-environment',
        app: app.name,
        environment: env.name,
      })
    })
    s.envs.set(env.id, env)
    this.kernel.touch(s)
    return env
  }

  /** Applies a patch to an environment; CONFLICT if the new name is taken. Synchronous. */
  updateEnvironment(input: ParsedInput<'updateEnvironment'>): Environment {
    const s = this.kernel.session()
    const env = getEnv(s, input.id)
    const patch = stripUndefined(input.patch)
    if (patch.name !== undefined) {
      checkPathName('Environment', patch.name)
      const other = findEnvByName(s, env.appId, patch.name)
      if (other && other.id !== env.id)
        throw new ConflictError(`An environment named "${patch.name}" already exists.`)
    }
    const next: Environment = { ...env, ...patch, updatedAt: this.kernel.clock() }
    this.kernel.write(s, () => {
      s.repo.putEnvironment(next)
      this.kernel.audit(s, 'edit', null, { action: 'update-environment', environment: next.name })
    })
    s.envs.set(next.id, next)
    this.kernel.touch(s)
    return next
  }
}
