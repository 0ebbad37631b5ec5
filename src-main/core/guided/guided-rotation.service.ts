import { randomUUID } from 'node:crypto'
import type {
  CredentialView,
  GuidedPlan,
  GuidedResult,
  RevokeReminder,
  VerifyAllResult,
} from '../../../src-shared/model'
import { InvalidInputError, KeyshelfError } from '../errors'
import type { EnvWorkflows } from '../envfile/env-workflows.service'
import { ExportTargetsRepository } from '../envfile/export-targets.repository'
import type { KeyshelfCore } from '../core'
import { KeyChecksRepository } from './key-checks.repository'
import { checkKey, checkMany, type CheckItem, type KeyCheck, type VerifierDeps } from './key-verifier'
import { catalogueEntry, identifyProvider, type CatalogueEntry } from './provider-catalogue'
import { guidedReminders, REMINDERS_KEY } from './revoke-reminders'

const HOUR_MS = 3_600_000

/**
 * Guided rotation for keys a provider will not rotate through its API: the dashboard to open, the new
 * value checked with the provider's read-only call (its own host only), stored with the old value kept for
 * an overlap, a reminder to revoke the old key when the overlap ends, and every `.env` file this key was
 * exported to rewritten. Also `verify --all` over the catalogue.
 */
export class GuidedRotationService {
  constructor(
    private readonly svc: KeyshelfCore,
    private readonly env: EnvWorkflows,
    private readonly deps: VerifierDeps,
  ) {}

  private now(): number {
    return (this.deps.clock ?? Date.now)()
  }

  private secretField(cred: CredentialView) {
    const f = cred.fields.find((x) => x.kind === 'secret')
    if (!f) throw new InvalidInputError('This key has no secret field to rotate.')
    return f
  }

  private entryFor(cred: CredentialView, value?: string): CatalogueEntry | undefined {
    const f = this.secretField(cred)
    return catalogueEntry(cred.provider) ?? identifyProvider(f.envVar, value)
  }

  /** The plan for a guided rotation: which dashboard, what to do, which files follow. */
  async plan(credentialId: string, dashboardUrl?: string): Promise<GuidedPlan> {
    const cred = await this.svc.getCredential({ id: credentialId })
    const f = this.secretField(cred)
    const entry = this.entryFor(cred, this.svc.readValue(cred.id, f.id))
    const targets = new ExportTargetsRepository(this.svc.repository()).forKey(cred.environmentId, f.envVar)
    return {
      credentialId: cred.id,
      provider: entry?.id ?? cred.provider,
      providerName: entry?.name ?? 'the provider',
      dashboardUrl: dashboardUrl ?? entry?.dashboardUrl ?? '',
      steps: entry?.steps ?? 'Create a new key in the provider’s dashboard, then paste it here.',
      suggestedOverlapHours: entry?.suggestedOverlapHours ?? 24,
      canVerify: entry?.verify != null,
      exportTargets: targets.map((t) => t.path),
    }
  }

  /**
   * Stores a new value made in the provider's dashboard. A value the provider rejects is not stored; a
   * check that cannot answer (network, 5xx) does not block. The old value stays in history, valid for the
   * overlap; a reminder comes due when it ends; every remembered export of this key is rewritten.
   */
  async complete(
    credentialId: string,
    newValue: string,
    overlapHours: number,
    reexport = true,
  ): Promise<GuidedResult> {
    const cred = await this.svc.getCredential({ id: credentialId })
    const f = this.secretField(cred)
    const value = newValue.trim()
    if (value === '') throw new InvalidInputError('Paste the new key; it was empty.')
    if (value === this.svc.readValue(cred.id, f.id)) {
      throw new InvalidInputError(
        'This is the value Keyshelf already has; create a new key in the dashboard first.',
      )
    }
    const entry = this.entryFor(cred, value)
    let check: KeyCheck | null = null
    if (entry?.verify) {
      check = await checkKey(entry, value, this.companions(cred), this.deps)
      if (check.state === 'invalid') {
        throw new KeyshelfError(
          'PROVIDER_ERROR',
          `${entry.name} rejects the new key (${check.detail.replace(/\.$/, '')}). Nothing was stored; copy the key again from ${entry.dashboardUrl}.`,
        )
      }
    }
    const overlap = Math.max(0, overlapHours)
    const updated = await this.svc.rotate({
      credentialId: cred.id,
      values: [{ fieldId: f.id, value }],
      ...(overlap > 0 ? { overlapHours: overlap } : {}),
    })
    const overlapEndsAt = overlap > 0 ? this.now() + overlap * HOUR_MS : null
    let reminder: RevokeReminder | null = null
    if (entry) {
      reminder = {
        id: randomUUID(),
        credentialId: cred.id,
        name: cred.name,
        providerName: entry.name,
        dashboardUrl: entry.dashboardUrl,
        dueAt: overlapEndsAt ?? this.now(),
      }
      const r = reminder
      this.svc.transaction(() =>
        this.putReminders([...this.reminders(Infinity).filter((x) => x.credentialId !== cred.id), r]),
      )
    }
    if (check) this.storeChecks([[cred.id, check]])
    const reexported: string[] = []
    const reexportFailed: { path: string; reason: string }[] = []
    const targets = reexport
      ? new ExportTargetsRepository(this.svc.repository()).forKey(cred.environmentId, f.envVar)
      : []
    for (const t of targets) {
      try {
        await this.env.save(t.request, t.path, true)
        reexported.push(t.path)
      } catch (err) {
        reexportFailed.push({
          path: t.path,
          reason: err instanceof Error ? err.message : 'it could not be written',
        })
      }
    }
    return { credential: updated, check, overlapEndsAt, reminder, reexported, reexportFailed }
  }

  /** Reminders whose overlap has ended by `at` (default now): revoke those old keys at the provider. */
  reminders(at: number = this.now()): RevokeReminder[] {
    const all = guidedReminders(this.svc.repository())
    return all.filter((r) => r.dueAt <= at).sort((a, b) => a.dueAt - b.dueAt)
  }

  /** Marks a reminder done (the old key was revoked at the provider). */
  dismissReminder(id: string): void {
    this.svc.transaction(() => this.putReminders(this.reminders(Infinity).filter((r) => r.id !== id)))
  }

  private putReminders(list: RevokeReminder[]): void {
    this.svc.repository().writeSealedMeta(REMINDERS_KEY, list)
  }

  /** Values of other keys in the same environment a check needs (e.g. TWILIO_ACCOUNT_SID). */
  private companions(cred: CredentialView): Record<string, string> {
    const out: Record<string, string> = {}
    for (const c of this.svc.credentialsInEnvironment(cred.environmentId)) {
      for (const f of c.fields) {
        if (f.kind === 'public' && f.masked.clear !== null) out[f.envVar] = f.masked.clear
        else if (/_SID$/.test(f.envVar)) out[f.envVar] = this.svc.readValue(c.id, f.id)
      }
    }
    return out
  }

  /**
   * Checks every key the catalogue knows (optionally one app's) against its own provider's host,
   * concurrently with a limit; each key ends valid, invalid or unknown with the time of the check.
   */
  async verifyAll(
    opts: { appId?: string; concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<VerifyAllResult> {
    const creds = await this.svc.listCredentials(opts.appId ? { appId: opts.appId } : {})
    const items: CheckItem[] = []
    let skipped = 0
    for (const c of creds) {
      const f = c.fields.find((x) => x.kind === 'secret')
      if (!f || c.status === 'revoked') {
        skipped++
        continue
      }
      const value = this.svc.readValue(c.id, f.id)
      const entry = catalogueEntry(c.provider) ?? identifyProvider(f.envVar, value)
      if (!entry?.verify || value === '') {
        skipped++
        continue
      }
      items.push({ id: c.id, entry, value, companions: this.companions(c) })
    }
    const r = await checkMany(items, this.deps, {
      ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    })
    const byId = new Map(creds.map((c) => [c.id, c]))
    const results = [...r.checks.entries()].map(([credentialId, check]) => ({
      credentialId,
      name: byId.get(credentialId)?.name ?? '',
      check,
    }))
    this.storeChecks(r.checks.entries())
    this.svc.recordAudit('sync', null, {
      verifyAll: true,
      checked: results.length,
      valid: results.filter((x) => x.check.state === 'valid').length,
      invalid: results.filter((x) => x.check.state === 'invalid').length,
      unknown: results.filter((x) => x.check.state === 'unknown').length,
    })
    return { results, peakConcurrency: r.peakConcurrency, skipped }
  }

  /** The last check of a key (kept sealed in the vault across restarts), if any. */
  lastCheck(credentialId: string): KeyCheck | undefined {
    return this.lastChecks()[credentialId]
  }

  /** The last check of every key that has one, by credential id. */
  lastChecks(): Record<string, KeyCheck> {
    return new KeyChecksRepository(this.svc.repository()).all()
  }

  private storeChecks(checks: Iterable<[string, KeyCheck]>): void {
    const list = [...checks]
    const creds = this.svc.kernel.session().creds
    this.svc.transaction(() =>
      new KeyChecksRepository(this.svc.repository()).put(list, (id) => creds.get(id) !== undefined),
    )
  }
}
