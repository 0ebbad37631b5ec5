import type { ParsedInput } from '../../../src-shared/contract'
import type { CredentialView } from '../../../src-shared/model'
import type { CredentialHomes, RotationWrite } from '../home/credential-home'
import { InvalidInputError, NotFoundError } from '../errors'
import type { VaultKernel } from '../vault/vault-kernel'
import type { CredentialRecord } from '../vault/vault.repository'
import { getCred } from './overview-lookups'

const HOUR_MS = 3_600_000

/** Options of {@link RotationModule.rotateWith}. */
export interface RotateOptions {
  reason: RotationWrite['reason']
  /** Overlap: the previous values stay valid this many hours (ignored when `validUntil` is given). */
  overlapHours?: number | undefined
  /** Explicit end of the previous values' validity (null: none). */
  validUntil?: number | null
  patch?: RotationWrite['patch']
  extra?: () => void
}

/**
 * Rotation: replace a credential's values (manual, import, provider), with the previous values kept as a
 * version and an optional overlap; and the rotation state ('unknown' after a lost provider answer). The
 * write itself goes to the credential's home.
 */
export class RotationModule {
  constructor(
    private readonly kernel: VaultKernel,
    private readonly homes: CredentialHomes,
  ) {}

  /** The contract's manual rotation. */
  rotate(input: ParsedInput<'rotate'>): CredentialView {
    return this.rotateWith(input.credentialId, input.values, {
      reason: 'manual',
      overlapHours: input.overlapHours,
    })
  }

  /**
   * Replaces field values in one transaction: the previous values become a version (with reason and
   * overlap), lastRotatedAt moves to now and the rotation state settles. `extra` runs inside the same
   * transaction (the provider journal uses it). Synchronous, so usable inside a transaction.
   */
  rotateWith(
    credentialId: string,
    values: { fieldId: string; value: string }[],
    opts: RotateOptions,
  ): CredentialView {
    const s = this.kernel.session()
    const c = getCred(s, credentialId)
    const now = this.kernel.clock()
    const byId = new Map(c.overview.fields.map((f) => [f.id, f]))
    const seen = new Set<string>()
    for (const v of values) {
      const f = byId.get(v.fieldId)
      if (!f) throw new NotFoundError('A field of this key')
      if (seen.has(v.fieldId)) throw new InvalidInputError(`${f.envVar} is given twice.`)
      seen.add(v.fieldId)
    }
    const validUntil =
      opts.validUntil !== undefined
        ? opts.validUntil
        : opts.overlapHours
          ? now + Math.round(opts.overlapHours * HOUR_MS)
          : null
    return this.homes.forCredential(c.id).writeRotation(c.id, {
      values,
      at: now,
      reason: opts.reason,
      validUntil,
      ...(opts.patch ? { patch: opts.patch } : {}),
      ...(opts.extra ? { extra: opts.extra } : {}),
    })
  }

  /** Sets the rotation state (e.g. 'unknown' after a lost provider answer) and optionally the status. */
  setRotationState(
    credentialId: string,
    state: CredentialRecord['rotationState'],
    status?: CredentialRecord['status'],
  ): void {
    const s = this.kernel.session()
    const c = getCred(s, credentialId)
    const next: CredentialRecord = {
      ...c,
      rotationState: state,
      status: status ?? c.status,
      updatedAt: this.kernel.clock(),
    }
    this.kernel.write(s, () => s.repo.putCredential(next))
    s.creds.set(next)
  }
}
