import type { SealedMetaKey } from '../vault/row-binding'
import type { VaultRepository } from '../vault/vault.repository'
import type { ExportRequest } from './env-workflows.service'

/** One file Keyshelf exported to: the path and what was exported (never the values). */
export interface ExportTarget {
  path: string
  request: ExportRequest
  /** Epoch ms of the last write. */
  savedAt: number
}

const KEY = 'export_targets' satisfies SealedMetaKey
const MAX_TARGETS = 200

/**
 * Remembers the files keys were exported to (paths and export requests only), so a rotation can
 * re-export them. Stored sealed (AES-GCM, bound to this row) in the vault's meta table: a forged list
 * cannot make Keyshelf write secrets to a path the user never chose.
 */
export class ExportTargetsRepository {
  constructor(private readonly repo: VaultRepository) {}

  /** Every remembered target, newest first. */
  list(): ExportTarget[] {
    return this.repo.readSealedMeta<ExportTarget[]>(KEY, [])
  }

  /** Records (or refreshes) the target for `path`. */
  remember(target: ExportTarget): void {
    const rest = this.list().filter((t) => t.path !== target.path)
    const next = [target, ...rest].slice(0, MAX_TARGETS)
    this.repo.writeSealedMeta(KEY, next)
  }

  /** Targets that exported `envVar` of `environmentId` (whole-environment exports included). */
  forKey(environmentId: string, envVar: string): ExportTarget[] {
    return this.list().filter(
      (t) =>
        t.request.environmentId === environmentId &&
        !t.request.example &&
        (t.request.only === undefined || t.request.only.length === 0 || t.request.only.includes(envVar)),
    )
  }
}
