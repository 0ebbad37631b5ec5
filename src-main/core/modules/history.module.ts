import { randomUUID } from 'node:crypto'
import type { ParsedInput } from '../../../src-shared/contract'
import type { VersionReason, VersionView } from '../../../src-shared/model'
import { NotFoundError } from '../errors'
import type { Session, VaultKernel } from '../vault/vault-kernel'
import type { CredentialRecord } from '../vault/vault.repository'
import { getCred } from './overview-lookups'

/**
 * A credential's history in the local vault: earlier values are kept as versions (with reason and overlap
 * end) whenever a rotation, import or edit replaces them. Lists versions masked; reveals one value, audited.
 */
export class HistoryModule {
  constructor(private readonly kernel: VaultKernel) {}

  /** The credential's versions, newest first, masked. */
  history(input: ParsedInput<'history'>): VersionView[] {
    const s = this.kernel.session()
    const c = getCred(s, input.credentialId)
    return s.repo.listVersions(c.id).map((v) => ({
      id: v.id,
      credentialId: v.credentialId,
      createdAt: v.createdAt,
      reason: v.reason,
      validUntil: v.validUntil,
      fields: v.fields.map((f) => ({
        fieldId: f.id,
        label: f.label,
        envVar: f.envVar,
        kind: f.kind,
        masked: { ...f.masked },
      })),
    }))
  }

  /** One field's value in an earlier version; audited as a reveal. */
  revealVersion(input: ParsedInput<'revealVersion'>): { value: string } {
    const s = this.kernel.session()
    const found = s.repo.readVersionValue(input.versionId, input.fieldId)
    if (!found) throw new NotFoundError('That version')
    this.kernel.write(s, () =>
      this.kernel.audit(s, 'reveal', found.credentialId, { version: input.versionId, field: input.fieldId }),
    )
    return { value: found.value }
  }
}

/** The current value of each of a credential's fields, by field id (inside a write, for a snapshot). */
export function readCurrentValues(s: Session, c: CredentialRecord): Record<string, string> {
  const values: Record<string, string> = {}
  for (const f of c.overview.fields) values[f.id] = s.repo.readFieldValue(f.id, c.id)
  return values
}

/** Stores `values` with the credential's current field metadata as a version (inside the caller's write). */
export function snapshotVersion(
  kernel: VaultKernel,
  s: Session,
  c: CredentialRecord,
  values: Record<string, string>,
  reason: VersionReason,
  validUntil: number | null,
): void {
  s.repo.insertVersion(
    {
      id: randomUUID(),
      credentialId: c.id,
      createdAt: kernel.clock(),
      reason,
      validUntil,
      fields: c.overview.fields,
    },
    values,
  )
}
