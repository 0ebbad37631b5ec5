import { randomUUID } from 'node:crypto'
import type { ParsedInput, SearchCredential } from '../../../src-shared/contract'
import type { CredentialView } from '../../../src-shared/model'
import { ConflictError, InvalidInputError, NotFoundError } from '../errors'
import { rotationInfo } from '../rotation/rotation-status'
import type { Session, VaultKernel } from '../vault/vault-kernel'
import type { CredentialRecord, FieldMeta } from '../vault/vault.repository'
import { readCurrentValues, snapshotVersion } from './history.module'
import { credentialView, getCred, getEnv, stripUndefined, viewContext } from './overview-lookups'

/** The default locale's collation, built once: `localeCompare` builds one per call (10,000 keys). */
const byName = new Intl.Collator()

/**
 * Credentials (keys) and their fields: list and filter, view, create, edit (metadata, fields, values),
 * delete, add a field. Env vars are unique per environment, key names unique case-insensitively. An edit
 * that changes or drops a value keeps the old values as a version (reason `edit`). Every write is audited.
 * Views carry masked values only; values are read through the credential's home (see home/).
 */
export class CredentialsModule {
  constructor(private readonly kernel: VaultKernel) {}

  /** Credentials filtered by environment, app and rotation status, sorted by name. */
  listCredentials(input: ParsedInput<'listCredentials'>): CredentialView[] {
    const s = this.kernel.session()
    const out: CredentialView[] = []
    const ctx = viewContext(this.kernel, s)
    // Decrypt in bulk (one statement), not one query per row: listing 10,000 keys is the CLI's hot path.
    // Only what is asked for: an app's keys decrypt that app's environments, not the whole vault (the
    // window's first key row after unlock waited for all 10,000 overviews).
    if (input.environmentId) s.creds.inEnvironment(input.environmentId)
    else if (input.appId)
      for (const env of s.envs.values()) {
        if (env.appId === input.appId) s.creds.inEnvironment(env.id)
      }
    else s.creds.values()
    for (const row of s.creds.plainRows()) {
      if (input.environmentId && row.environmentId !== input.environmentId) continue
      if (input.appId && s.envs.get(row.environmentId)?.appId !== input.appId) continue
      if (input.status && rotationInfo(row, ctx.now, ctx.warnDays).status !== input.status) continue
      const c = s.creds.get(row.id)
      if (c) out.push(credentialView(this.kernel, s, c, ctx))
    }
    return out.sort((a, b) => byName.compare(a.name, b.name) || a.createdAt - b.createdAt)
  }

  /**
   * What the window's search needs of every credential (names, provider, tags, field labels and env vars):
   * no masked forms, dates or rotation state, so the index for 10,000 keys is a fraction of the full views.
   */
  searchCredentials(): SearchCredential[] {
    const s = this.kernel.session()
    return s.creds.values().map((c) => ({
      id: c.id,
      environmentId: c.environmentId,
      appId: s.envs.get(c.environmentId)?.appId ?? '',
      name: c.overview.name,
      provider: c.overview.provider,
      tags: [...c.overview.tags],
      fields: c.overview.fields.map((f) => ({ id: f.id, label: f.label, envVar: f.envVar })),
    }))
  }

  /** One credential's view; NOT_FOUND otherwise. */
  credential(id: string): CredentialView {
    const s = this.kernel.session()
    return credentialView(this.kernel, s, getCred(s, id))
  }

  /** Views of an environment's credentials; NOT_FOUND for an unknown environment. */
  credentialsInEnvironment(environmentId: string): CredentialView[] {
    const s = this.kernel.session()
    getEnv(s, environmentId)
    const ctx = viewContext(this.kernel, s)
    return s.creds.inEnvironment(environmentId).map((c) => credentialView(this.kernel, s, c, ctx))
  }

  /** Creates a credential with its fields and values. Synchronous, so usable inside a transaction. */
  createCredential(input: ParsedInput<'createCredential'>): CredentialView {
    const s = this.kernel.session()
    const env = getEnv(s, input.environmentId)
    checkCredName(s, env.id, input.name)
    checkFieldsUnique(
      s,
      env.id,
      input.fields.map((f) => f.envVar),
    )
    const now = this.kernel.clock()
    const id = randomUUID()
    const fields = input.fields.map((f) => ({ ...f, id: randomUUID() }))
    const rec: CredentialRecord = {
      id,
      environmentId: env.id,
      status: input.status,
      createdAt: now,
      updatedAt: now,
      lastRotatedAt: input.lastRotatedAt,
      expiresAt: input.expiresAt,
      rotationIntervalDays: input.rotationIntervalDays,
      rotationState: 'settled',
      overview: {
        name: input.name,
        provider: input.provider,
        providerCredentialId: input.providerCredentialId,
        role: input.role,
        allowedHosts: input.allowedHosts,
        owner: input.owner,
        tags: input.tags,
        notes: input.notes,
        fields: fields.map((f) => ({
          id: f.id,
          label: f.label,
          envVar: f.envVar,
          kind: f.kind,
          masked: s.repo.mask(f.kind, f.value),
        })),
      },
    }
    this.kernel.write(s, () => {
      s.repo.putCredential(rec)
      fields.forEach((f, i) => s.repo.putFieldValue(f.id, id, i, f.kind, f.value))
      this.kernel.audit(s, 'edit', id, {
        action: 'create-key',
        key: input.name,
        envVars: fields.map((f) => f.envVar),
      })
    })
    s.creds.set(rec)
    this.kernel.touch(s)
    return credentialView(this.kernel, s, rec)
  }

  /**
   * Applies a metadata patch and, with `fields`, the full new field list (kept ids keep or replace their
   * value, new ones need a value, missing ones are dropped). Synchronous.
   */
  updateCredential(input: ParsedInput<'updateCredential'>): CredentialView {
    const s = this.kernel.session()
    let written: CredentialRecord | null = null
    // Built from the row as it is INSIDE the write lock (kernel.write re-reads what another process
    // committed), so a concurrent change is never overwritten with a stale copy.
    this.kernel.write(s, () => {
      written = this.updateInside(s, input)
    })
    const next = written as CredentialRecord | null
    if (!next) throw new NotFoundError('The key')
    s.creds.set(next)
    this.kernel.touch(s)
    return credentialView(this.kernel, s, next)
  }

  private updateInside(s: Session, input: ParsedInput<'updateCredential'>): CredentialRecord {
    const c = getCred(s, input.id)
    const patch = stripUndefined(input.patch)
    if (patch.name !== undefined) checkCredName(s, c.environmentId, patch.name, c.id)
    const now = this.kernel.clock()
    const next: CredentialRecord = {
      ...c,
      status: patch.status ?? c.status,
      lastRotatedAt: patch.lastRotatedAt !== undefined ? patch.lastRotatedAt : c.lastRotatedAt,
      expiresAt: patch.expiresAt !== undefined ? patch.expiresAt : c.expiresAt,
      rotationIntervalDays:
        patch.rotationIntervalDays !== undefined ? patch.rotationIntervalDays : c.rotationIntervalDays,
      updatedAt: now,
      overview: {
        ...c.overview,
        name: patch.name ?? c.overview.name,
        provider: patch.provider ?? c.overview.provider,
        providerCredentialId: patch.providerCredentialId ?? c.overview.providerCredentialId,
        role: patch.role ?? c.overview.role,
        allowedHosts: patch.allowedHosts ?? c.overview.allowedHosts,
        owner: patch.owner ?? c.overview.owner,
        tags: patch.tags ?? c.overview.tags,
        notes: patch.notes ?? c.overview.notes,
      },
    }
    const writes: { id: string; kind: FieldMeta['kind']; value: string | undefined }[] = []
    let removed: string[] = []
    if (input.fields) {
      const byId = new Map(c.overview.fields.map((f) => [f.id, f]))
      checkFieldsUnique(
        s,
        c.environmentId,
        input.fields.map((f) => f.envVar),
        c.id,
      )
      const metas: FieldMeta[] = []
      for (const f of input.fields) {
        if (f.id !== undefined) {
          const old = byId.get(f.id)
          if (!old) throw new NotFoundError('A field of this key')
          const kindChanged = old.kind !== f.kind
          let masked = old.masked
          if (f.value !== undefined || kindChanged) {
            const value = f.value ?? s.repo.readFieldValue(old.id, c.id)
            masked = s.repo.mask(f.kind, value)
            writes.push({ id: old.id, kind: f.kind, value })
          }
          metas.push({ id: old.id, label: f.label, envVar: f.envVar, kind: f.kind, masked })
        } else {
          if (f.value === undefined)
            throw new InvalidInputError(`A value is required for the new field ${f.envVar}.`)
          const id = randomUUID()
          metas.push({
            id,
            label: f.label,
            envVar: f.envVar,
            kind: f.kind,
            masked: s.repo.mask(f.kind, f.value),
          })
          writes.push({ id, kind: f.kind, value: f.value })
        }
      }
      const kept = new Set(input.fields.map((f) => f.id).filter((x): x is string => x !== undefined))
      removed = c.overview.fields.filter((f) => !kept.has(f.id)).map((f) => f.id)
      next.overview = { ...next.overview, fields: metas }
    }
    {
      const oldValues = readCurrentValues(s, c)
      const valueChanged =
        removed.length > 0 || writes.some((w) => oldValues[w.id] !== undefined && oldValues[w.id] !== w.value)
      if (valueChanged) snapshotVersion(this.kernel, s, c, oldValues, 'edit', null)
      s.repo.putCredential(next)
      for (const id of removed) s.repo.deleteField(id)
      next.overview.fields.forEach((f, i) => {
        const w = writes.find((x) => x.id === f.id)
        const value = w?.value ?? oldValues[f.id]
        if (value !== undefined) s.repo.putFieldValue(f.id, c.id, i, f.kind, value)
      })
      this.kernel.audit(s, 'edit', c.id, {
        action: 'update-key',
        key: next.overview.name,
        valuesChanged: valueChanged,
      })
    }
    return next
  }

  /** Deletes a credential with its history. */
  deleteCredential(input: ParsedInput<'deleteCredential'>): null {
    const s = this.kernel.session()
    const c = getCred(s, input.id)
    this.kernel.write(s, () => {
      s.repo.deleteCredential(c.id)
      this.kernel.audit(s, 'delete', c.id, {
        key: c.overview.name,
        envVars: c.overview.fields.map((f) => f.envVar),
      })
    })
    s.creds.delete(c.id)
    this.kernel.touch(s)
    return null
  }

  /** Appends one field (with its value) to a credential. */
  addField(input: ParsedInput<'addField'>): CredentialView {
    const c = getCred(this.kernel.session(), input.credentialId)
    return this.updateCredential({
      id: c.id,
      patch: {},
      fields: [
        ...c.overview.fields.map((f) => ({ id: f.id, label: f.label, envVar: f.envVar, kind: f.kind })),
        { label: input.label, envVar: input.envVar, kind: input.kind, value: input.value },
      ],
    })
  }
}

/** CONFLICT when an env var is listed twice or used by another key of the environment. */
function checkFieldsUnique(
  s: Session,
  environmentId: string,
  envVars: string[],
  exceptCredential?: string,
): void {
  const used = new Set<string>()
  for (const c of s.creds.inEnvironment(environmentId)) {
    if (c.id === exceptCredential) continue
    for (const f of c.overview.fields) used.add(f.envVar)
  }
  const seen = new Set<string>()
  for (const v of envVars) {
    if (seen.has(v))
      throw new ConflictError(`${v} is listed twice; each env var must be unique in its environment.`)
    if (used.has(v)) throw new ConflictError(`${v} is already used by another key in this environment.`)
    seen.add(v)
  }
}

/** CONFLICT when another key of the environment has this name (case-insensitive). */
function checkCredName(s: Session, environmentId: string, name: string, exceptCredential?: string): void {
  const n = name.toLowerCase()
  for (const c of s.creds.inEnvironment(environmentId)) {
    if (
      c.environmentId === environmentId &&
      c.id !== exceptCredential &&
      c.overview.name.toLowerCase() === n
    ) {
      throw new ConflictError(`This environment already has a key named "${name}".`)
    }
  }
}
