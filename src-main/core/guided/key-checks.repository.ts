import type { SealedMetaKey } from '../vault/row-binding'
import type { VaultRepository } from '../vault/vault.repository'
import type { KeyCheck } from './key-verifier'

const KEY = 'key_checks' satisfies SealedMetaKey

/**
 * The last read-only check of each key (`verify --all`, "Check keys", a guided rotation's check), kept
 * across restarts. Sealed (AES-GCM, bound to its meta row) in the vault's meta table, so `rekey` re-seals it
 * and a forged file cannot mark a rejected key valid. Holds states, times, hosts and sentences; never values.
 */
export class KeyChecksRepository {
  constructor(private readonly repo: VaultRepository) {}

  /** Every stored check by credential id. */
  all(): Record<string, KeyCheck> {
    return this.repo.readSealedMeta<Record<string, KeyCheck>>(KEY, {})
  }

  /** Stores checks (call inside a write transaction); keys that no longer exist are dropped. */
  put(checks: Iterable<[string, KeyCheck]>, exists: (credentialId: string) => boolean): void {
    const next: Record<string, KeyCheck> = {}
    for (const [id, c] of Object.entries(this.all())) if (exists(id)) next[id] = c
    for (const [id, c] of checks) next[id] = c
    this.repo.writeSealedMeta(KEY, next)
  }
}
