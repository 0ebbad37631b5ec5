import type { ParsedInput } from '../../../src-shared/contract'
import type { AuditEntry } from '../../../src-shared/model'
import type { VaultKernel } from '../vault/vault-kernel'
import { getCred } from './overview-lookups'

/** How many entries the window asks for when it does not say. */
export const DEFAULT_ACTIVITY_LIMIT = 200

/**
 * A key's activity for its history dialog: the audit entries recorded against that credential (reveals,
 * copies, per-key exports such as `inject`, rotations, syncs, edits), newest first. Read from the encrypted
 * audit log; the log never holds a value. Environment-wide exports and runs are logged per environment, not
 * per key, and so are not listed here.
 */
export class KeyActivityModule {
  constructor(private readonly kernel: VaultKernel) {}

  /** The newest `limit` entries of one existing key (NOT_FOUND for an unknown key). */
  keyActivity(input: ParsedInput<'keyActivity'>): AuditEntry[] {
    const s = this.kernel.session()
    getCred(s, input.credentialId)
    return s.repo.listAudit(input.limit ?? DEFAULT_ACTIVITY_LIMIT, input.credentialId)
  }
}
