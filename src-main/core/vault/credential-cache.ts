import { VaultCorruptError } from '../errors'
import type { CredentialRecord, CredentialRow, VaultRepository } from './vault.repository'

/** A row the plaintext scan listed but the lookup cannot find: the file's index and table disagree. */
function missing(id: string): never {
  throw new VaultCorruptError(`credentials row ${id} is listed but cannot be read`)
}

/**
 * The unlocked overview of credentials. Plaintext rows (status, dates, environment) are loaded at unlock;
 * each credential's encrypted overview (names, env vars, masked forms) is decrypted on first use, per
 * environment, or all at once for search. `warm` decrypts the rest in small steps after unlock, so unlock
 * stays fast with 10,000 keys and the first search is already warm. Secret values are never cached here.
 */
export class CredentialCache {
  private rows = new Map<string, CredentialRow>()
  private full = new Map<string, CredentialRecord>()

  constructor(private readonly repo: VaultRepository) {}

  /** Reloads the plaintext rows and forgets every decrypted overview. */
  load(): void {
    this.rows = new Map(this.repo.loadCredentialRows().map((r) => [r.id, r]))
    this.full.clear()
  }

  get size(): number {
    return this.rows.size
  }

  /** Plaintext rows only: no decryption. */
  plainRows(): IterableIterator<CredentialRow> {
    return this.rows.values()
  }

  has(id: string): boolean {
    return this.rows.has(id)
  }

  /** One credential, decrypted on first use. */
  get(id: string): CredentialRecord | undefined {
    const hit = this.full.get(id)
    if (hit || !this.rows.has(id)) return hit
    const rec = this.repo.loadCredential(id) ?? missing(id)
    this.full.set(id, rec)
    return rec
  }

  /** Every credential of an environment, decrypting only that environment's rows. */
  inEnvironment(environmentId: string): CredentialRecord[] {
    const ids = [...this.rows.values()].filter((r) => r.environmentId === environmentId).map((r) => r.id)
    if (ids.some((id) => !this.full.has(id))) {
      for (const rec of this.repo.loadCredentialsIn(environmentId))
        if (!this.full.has(rec.id)) this.full.set(rec.id, rec)
    }
    return ids.map((id) => this.full.get(id) ?? missing(id))
  }

  /** Every credential, decrypting whatever is still missing. */
  values(): CredentialRecord[] {
    if (this.full.size < this.rows.size) {
      for (const rec of this.repo.loadCredentials()) if (!this.full.has(rec.id)) this.full.set(rec.id, rec)
    }
    return [...this.rows.keys()].map((id) => this.full.get(id) ?? missing(id))
  }

  set(rec: CredentialRecord): void {
    const { overview: _overview, ...row } = rec
    this.rows.set(rec.id, row)
    this.full.set(rec.id, rec)
  }

  delete(id: string): void {
    this.rows.delete(id)
    this.full.delete(id)
  }

  clear(): void {
    this.rows.clear()
    this.full.clear()
  }

  /** Decrypts up to `budget` missing overviews; true when everything is decrypted. */
  warm(budget: number): boolean {
    let n = 0
    for (const id of this.rows.keys()) {
      if (this.full.has(id)) continue
      if (n++ >= budget) return false
      this.full.set(id, this.repo.loadCredential(id) ?? missing(id))
    }
    return true
  }

  /** True when every overview is decrypted. */
  get warmed(): boolean {
    return this.full.size >= this.rows.size
  }
}
