import type { ParsedInput } from '../../../src-shared/contract'
import { TRASH_DAYS, type App, type Environment, type TrashItem } from '../../../src-shared/model'
import { ConflictError, NotFoundError } from '../errors'
import type { Session, VaultKernel } from '../vault/vault-kernel'
import type { Stored } from '../vault/vault.repository'
import { checkPathName, findAppByName, findEnvByName, getApp, getEnv } from './overview-lookups'

const DAY_MS = 86_400_000
/** How long an item stays in the Trash, in milliseconds. */
export const TRASH_MS = TRASH_DAYS * DAY_MS

/**
 * The Trash for apps and environments (issue 10 §20), as 1Password and Bitwarden keep deleted items:
 * - deleting an app or environment sets its `deleted_at` (bound into the row's AAD, see row-binding.ts);
 *   its environments, keys, fields, history, provider connections and team links stay untouched, and
 *   every reader leaves it out (the overview, search, due report and locked counts, export, run, sync);
 * - restore clears `deleted_at` and brings everything back as it was; a name taken meanwhile is CONFLICT
 *   unless a new name is given; an environment whose app is in the Trash is refused (restore the app);
 * - delete forever / empty the Trash remove the rows (cascading to everything they hold);
 * - items deleted more than {@link TRASH_DAYS} days ago are deleted forever on unlock.
 * Every change is audited (`trash`, `restore`, `purge`; names only).
 */
export class TrashModule {
  constructor(private readonly kernel: VaultKernel) {
    kernel.onUnlock(() => this.purgeExpired())
  }

  /** Moves an app (with everything in it) to the Trash. NOT_FOUND for an unknown or trashed app. */
  trashApp(id: string): null {
    const s = this.kernel.session()
    const app = getApp(s, id)
    this.kernel.write(s, () => {
      s.repo.setDeletedAt('apps', app.id, this.kernel.clock())
      this.kernel.audit(s, 'trash', null, { app: app.name })
    })
    this.kernel.reloadOverview(s)
    return null
  }

  /** Moves an environment (with its keys) to the Trash. */
  trashEnvironment(id: string): null {
    const s = this.kernel.session()
    const env = getEnv(s, id)
    this.kernel.write(s, () => {
      s.repo.setDeletedAt('environments', env.id, this.kernel.clock())
      this.kernel.audit(s, 'trash', null, { app: s.apps.get(env.appId)?.name, environment: env.name })
    })
    this.kernel.reloadOverview(s)
    return null
  }

  /** Everything in the Trash, most recently deleted first. */
  listTrash(): TrashItem[] {
    return this.items(this.kernel.session()).list
  }

  /**
   * Restores an item with everything it held, under its own name or `input.name`. CONFLICT (saying what to
   * do) when the name is taken or when an environment's app is in the Trash; NOT_FOUND when not in the Trash.
   */
  restoreFromTrash(input: ParsedInput<'restoreFromTrash'>): TrashItem {
    const s = this.kernel.session()
    const item = this.find(s, input.id)
    const name = input.name ?? item.name
    if (item.kind === 'app') {
      checkPathName('App', name)
      if (findAppByName(s, name)) {
        throw new ConflictError(
          `An app named "${name}" already exists, so "${item.name}" cannot come back under that name. Restore it under another name, or rename the other app first.`,
        )
      }
    } else {
      if (item.appInTrash) {
        throw new ConflictError(
          `The environment "${item.name}" belongs to the app "${item.appName}", which is in the Trash too. Restore the app first, then the environment.`,
        )
      }
      checkPathName('Environment', name)
      if (findEnvByName(s, item.appId, name)) {
        throw new ConflictError(
          `${item.appName} already has an environment named "${name}", so this one cannot come back under that name. Restore it under another name, or rename the other environment first.`,
        )
      }
    }
    const rename = name === item.name ? undefined : name
    this.kernel.write(s, () => {
      s.repo.setDeletedAt(item.kind === 'app' ? 'apps' : 'environments', item.id, null, rename)
      this.kernel.audit(s, 'restore', null, {
        ...(item.kind === 'app' ? { app: name } : { app: item.appName, environment: name }),
        ...(rename ? { from: item.name } : {}),
      })
    })
    this.kernel.reloadOverview(s)
    return { ...item, name, ...(item.kind === 'app' ? { appName: name } : {}) }
  }

  /** Deletes one item in the Trash forever. NOT_FOUND when it is not in the Trash. */
  deleteFromTrash(input: ParsedInput<'deleteFromTrash'>): null {
    const s = this.kernel.session()
    const item = this.find(s, input.id)
    this.kernel.write(s, () => this.purge(s, [item], 'delete-forever'))
    this.kernel.reloadOverview(s)
    return null
  }

  /** Deletes everything in the Trash forever; returns how many items went. */
  emptyTrash(): { purged: number } {
    const s = this.kernel.session()
    const { list } = this.items(s)
    if (list.length === 0) return { purged: 0 }
    this.kernel.write(s, () => this.purge(s, list, 'empty-trash'))
    this.kernel.reloadOverview(s)
    return { purged: list.length }
  }

  /**
   * Deletes forever what has been in the Trash longer than {@link TRASH_DAYS} days (runs on unlock; a busy
   * vault or an unreadable row leaves it for the next unlock, and unlock itself never fails here).
   * Returns how many items went.
   */
  purgeExpired(): number {
    const s = this.kernel.peekSession()
    if (!s) return 0
    const now = this.kernel.clock()
    try {
      const due = this.items(s).list.filter((i) => i.purgeAt <= now)
      if (due.length === 0) return 0
      this.kernel.write(s, () => this.purge(s, due, 'expired'))
      this.kernel.reloadOverview(s)
      return due.length
    } catch (err) {
      this.kernel.logger.warn('trash: could not purge expired items', {
        error: err instanceof Error ? err.name : 'unknown',
      })
      return 0
    }
  }

  // ------------------------------------------------------------------ internals

  private find(s: Session, id: string): TrashItem {
    const item = this.items(s).list.find((i) => i.id === id)
    if (!item) throw new NotFoundError('That item in the Trash')
    return item
  }

  /** Removes the rows (inside the caller's write); an app in the list takes its environments with it. */
  private purge(s: Session, items: TrashItem[], reason: string): void {
    const apps = new Set(items.filter((i) => i.kind === 'app').map((i) => i.id))
    for (const i of items) {
      if (i.kind === 'app') s.repo.deleteApp(i.id)
      else if (!apps.has(i.appId)) s.repo.deleteEnvironment(i.id)
      this.kernel.audit(s, 'purge', null, {
        ...(i.kind === 'app' ? { app: i.name } : { app: i.appName, environment: i.name }),
        reason,
      })
    }
  }

  /** Every trashed app and environment (every row opened: a forged deleted_at is VAULT_CORRUPT). */
  private items(s: Session): { list: TrashItem[] } {
    const apps = s.repo.loadApps()
    const envs = s.repo.loadEnvironments()
    const keys = s.repo.countCredentialsByEnvironment()
    const appById = new Map<string, Stored<App>>(apps.map((a) => [a.id, a]))
    const list: TrashItem[] = []
    const envItem = (e: Stored<Environment>, app: Stored<App> | undefined): TrashItem => ({
      kind: 'environment',
      id: e.id,
      name: e.name,
      appId: e.appId,
      appName: app?.name ?? '',
      appInTrash: app?.deletedAt !== null,
      environmentCount: 0,
      credentialCount: keys.get(e.id) ?? 0,
      deletedAt: e.deletedAt ?? 0,
      purgeAt: (e.deletedAt ?? 0) + TRASH_MS,
    })
    for (const a of apps) {
      if (a.deletedAt === null) continue
      // Environments trashed on their own before the app stay separate items.
      const inside = envs.filter((e) => e.appId === a.id && e.deletedAt === null)
      list.push({
        kind: 'app',
        id: a.id,
        name: a.name,
        appId: a.id,
        appName: a.name,
        appInTrash: true,
        environmentCount: inside.length,
        credentialCount: inside.reduce((n, e) => n + (keys.get(e.id) ?? 0), 0),
        deletedAt: a.deletedAt,
        purgeAt: a.deletedAt + TRASH_MS,
      })
    }
    for (const e of envs) if (e.deletedAt !== null) list.push(envItem(e, appById.get(e.appId)))
    list.sort((x, y) => y.deletedAt - x.deletedAt || x.name.localeCompare(y.name))
    return { list }
  }
}
