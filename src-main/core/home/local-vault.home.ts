import type { CredentialView } from '../../../src-shared/model'
import { InvalidInputError, NotFoundError } from '../errors'
import { readCurrentValues, snapshotVersion } from '../modules/history.module'
import { credentialView, getCred, getEnv } from '../modules/overview-lookups'
import type { VaultKernel } from '../vault/vault-kernel'
import type { CredentialRecord } from '../vault/vault.repository'
import type { CredentialHome, HomeValue, RotationWrite } from './credential-home'

/** The local encrypted vault as a credential home: values in SQLite, history as local versions. */
export class LocalVaultHome implements CredentialHome {
  readonly id = 'local'

  constructor(private readonly kernel: VaultKernel) {}

  readValue(credentialId: string, fieldId: string): string {
    const s = this.kernel.session()
    const c = getCred(s, credentialId)
    if (!c.overview.fields.some((f) => f.id === fieldId)) throw new NotFoundError('The field')
    return s.repo.readFieldValue(fieldId, c.id)
  }

  listValues(environmentId: string, only?: readonly string[]): HomeValue[] {
    const s = this.kernel.session()
    getEnv(s, environmentId)
    const out: HomeValue[] = []
    const creds = s.creds
      .inEnvironment(environmentId)
      .filter((c) => c.status !== 'revoked')
      .sort((a, b) => a.createdAt - b.createdAt || a.overview.name.localeCompare(b.overview.name))
    for (const c of creds) {
      for (const f of c.overview.fields) {
        if (only && !only.includes(f.envVar)) continue
        out.push({
          envVar: f.envVar,
          kind: f.kind,
          value: s.repo.readFieldValue(f.id, c.id),
          credentialId: c.id,
        })
      }
    }
    if (only) {
      const found = new Set(out.map((o) => o.envVar))
      const missing = only.filter((v) => !found.has(v))
      if (missing.length > 0) throw new NotFoundError(`${missing.join(', ')} in this environment`)
    }
    return out
  }

  writeRotation(credentialId: string, w: RotationWrite): CredentialView {
    const s = this.kernel.session()
    const c = getCred(s, credentialId)
    const now = w.at
    const byId = new Map(c.overview.fields.map((f) => [f.id, f]))
    const next: CredentialRecord = {
      ...c,
      status: w.patch?.status ?? 'active',
      expiresAt: w.patch?.expiresAt !== undefined ? w.patch.expiresAt : c.expiresAt,
      lastRotatedAt: now,
      updatedAt: now,
      rotationState: 'settled',
      overview: {
        ...c.overview,
        providerCredentialId: w.patch?.providerCredentialId ?? c.overview.providerCredentialId,
        fields: c.overview.fields.map((f) => {
          const v = w.values.find((x) => x.fieldId === f.id)
          return v ? { ...f, masked: s.repo.mask(f.kind, v.value) } : f
        }),
      },
    }
    this.kernel.write(s, () => {
      const old = readCurrentValues(s, c)
      for (const v of w.values) {
        if (old[v.fieldId] === v.value) {
          throw new InvalidInputError(
            `The new value for ${byId.get(v.fieldId)?.envVar ?? 'the field'} is the same as the current one.`,
          )
        }
      }
      snapshotVersion(this.kernel, s, c, old, w.reason, w.validUntil)
      s.repo.putCredential(next)
      next.overview.fields.forEach((f, i) => {
        const v = w.values.find((x) => x.fieldId === f.id)
        if (v) s.repo.putFieldValue(f.id, c.id, i, f.kind, v.value)
      })
      w.extra?.()
      this.kernel.audit(s, 'rotate', c.id, {
        key: c.overview.name,
        envVars: w.values.map((v) => byId.get(v.fieldId)?.envVar),
        reason: w.reason,
        validUntil: w.validUntil,
      })
    })
    s.creds.set(next)
    return credentialView(this.kernel, s, next)
  }
}
