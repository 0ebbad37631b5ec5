import { basename } from 'node:path'
import type {
  EnvFormat,
  ExportPreview,
  ExportProblem,
  ImportPreview,
  ImportResult,
} from '../../../src-shared/model'
import { InvalidInputError } from '../errors'
import type { KeyshelfCore } from '../core'
import { findUnrepresentable, renderEnv, type EnvEntry } from './export'
import { parseDotenv } from './parse'
import { addToGitignore, gitIgnoreStatus, writeEnvFileAtomic, type GitIgnoreStatus } from './write-file'

/** What to export. */
export interface ExportRequest {
  environmentId: string
  format: EnvFormat
  only?: readonly string[] | undefined
  example?: boolean | undefined
  includePublic?: boolean | undefined
}

const MASK = '••••••••'

/** Default file name for a format. */
export function exportFileName(format: EnvFormat, example: boolean): string {
  if (example) return format === 'json' ? 'env.example.json' : '.env.example'
  if (format === 'json') return 'env.json'
  if (format === 'shell') return '.env.sh'
  return '.env'
}

/** What the env workflows use of the core. */
export type EnvHost = Pick<
  KeyshelfCore,
  | 'readEnvironmentValues'
  | 'environmentNow'
  | 'recordAudit'
  | 'credentialsInEnvironment'
  | 'readValue'
  | 'transaction'
  | 'createCredentialNow'
  | 'rotateWith'
>

/**
 * `.env` export and import over the vault. Values are read only here and only on an explicit request;
 * every export and import is audited with what and where, never with values.
 */
export class EnvWorkflows {
  constructor(private readonly svc: EnvHost) {}

  private entries(req: ExportRequest): EnvEntry[] {
    return this.svc
      .readEnvironmentValues(req.environmentId, req.only)
      .map((e) => ({ envVar: e.envVar, value: e.value, kind: e.kind }))
  }

  private where(environmentId: string): { environment: string; app: string } {
    const env = this.svc.environmentNow(environmentId)
    return { environment: env.name, app: env.appId }
  }

  /** The export text, exactly as written. Throws UNREPRESENTABLE naming every key a profile cannot carry. */
  render(req: ExportRequest, target: string): string {
    const text = renderEnv(this.entries(req), req.format, {
      example: req.example ?? false,
      includePublicInExample: req.includePublic ?? false,
    })
    this.svc.recordAudit('export', null, {
      ...this.where(req.environmentId),
      format: req.format,
      example: req.example ?? false,
      keys: req.only ? [...req.only] : 'all',
      target,
    })
    return text
  }

  /** A masked preview (no secret values) plus the keys the profile cannot carry. Not audited: no values. */
  preview(req: ExportRequest): ExportPreview {
    const entries = this.entries(req)
    const opts = { example: req.example ?? false, includePublicInExample: req.includePublic ?? false }
    const problems: ExportProblem[] = findUnrepresentable(entries, req.format, opts).map((p) => ({
      envVar: p.envVar,
      reason: p.reason,
      worksIn: p.worksIn,
    }))
    const masked = entries.map((e) => ({ ...e, value: e.kind === 'public' ? e.value : MASK }))
    let text: string
    try {
      text = renderEnv(masked, req.format, opts)
    } catch {
      // A public value the profile cannot carry: show names only.
      text = renderEnv(
        masked.map((e) => ({ ...e, value: MASK })),
        req.format,
        opts,
      )
    }
    return {
      format: req.format,
      text,
      count: entries.length,
      problems,
      fileName: exportFileName(req.format, req.example ?? false),
    }
  }

  /** Writes the export to `path` (0600, atomic, no overwrite without `force`) and reports git's view of it. */
  async save(req: ExportRequest, path: string, force: boolean): Promise<GitIgnoreStatus> {
    const text = this.render(req, basename(path))
    await writeEnvFileAtomic(path, text, { force })
    return gitIgnoreStatus(path)
  }

  /** Adds `path` to its repository's .gitignore. */
  async ignore(path: string): Promise<string> {
    const st = await gitIgnoreStatus(path)
    if (!st.inRepo || !st.repoRoot || !st.relPath)
      throw new InvalidInputError('The file is not in a git work tree.')
    return addToGitignore(st.repoRoot, st.relPath)
  }

  private plan(environmentId: string, text: string) {
    const parsed = parseDotenv(text)
    const current = new Map<string, { credentialId: string; fieldId: string; value: string }>()
    for (const c of this.svc.credentialsInEnvironment(environmentId)) {
      for (const f of c.fields) current.set(f.envVar, { credentialId: c.id, fieldId: f.id, value: '' })
    }
    const added: { key: string; value: string }[] = []
    const changed: { key: string; value: string; credentialId: string; fieldId: string }[] = []
    const unchanged: string[] = []
    for (const e of parsed.entries) {
      const cur = current.get(e.key)
      if (!cur) {
        added.push({ key: e.key, value: e.value })
        continue
      }
      const now = this.svc.readValue(cur.credentialId, cur.fieldId)
      if (now === e.value) unchanged.push(e.key)
      else changed.push({ key: e.key, value: e.value, credentialId: cur.credentialId, fieldId: cur.fieldId })
    }
    return { parsed, added, changed, unchanged }
  }

  /** What an import would add, change and leave alone, and which lines cannot be parsed. Writes nothing. */
  importPreview(environmentId: string, text: string): ImportPreview {
    const p = this.plan(environmentId, text)
    return {
      added: p.added.map((a) => a.key),
      changed: p.changed.map((c) => c.key),
      unchanged: p.unchanged,
      errors: p.parsed.errors,
      warnings: p.parsed.warnings,
    }
  }

  /**
   * Imports a `.env` text in ONE transaction: new keys become credentials, changed values become rotations
   * with history (reason `import`), unchanged ones are left alone. A file with any unparseable line is
   * refused as a whole, naming the lines; any error leaves the vault exactly as it was.
   */
  importApply(
    environmentId: string,
    text: string,
    opts: { publicVars?: readonly string[]; onProgress?: (done: number, total: number) => void } = {},
  ): ImportResult {
    const p = this.plan(environmentId, text)
    if (p.parsed.errors.length > 0) {
      const lines = p.parsed.errors.map((e) => `line ${e.line}: ${e.message}`).join('; ')
      throw new InvalidInputError(
        `Nothing was imported: ${p.parsed.errors.length} line(s) cannot be read (${lines}).`,
        {
          errors: p.parsed.errors,
        },
      )
    }
    const publicVars = new Set(opts.publicVars ?? [])
    const total = p.added.length + p.changed.length
    let done = 0
    this.svc.transaction(() => {
      for (const a of p.added) {
        this.svc.createCredentialNow({
          environmentId,
          name: a.key,
          provider: 'manual',
          providerCredentialId: '',
          status: 'active',
          role: '',
          allowedHosts: [],
          owner: '',
          tags: [],
          notes: '',
          expiresAt: null,
          rotationIntervalDays: publicVars.has(a.key) ? null : 90,
          lastRotatedAt: null,
          fields: [
            { label: '', envVar: a.key, kind: publicVars.has(a.key) ? 'public' : 'secret', value: a.value },
          ],
        })
        if (++done % 500 === 0) opts.onProgress?.(done, total)
      }
      for (const c of p.changed) {
        this.svc.rotateWith(c.credentialId, [{ fieldId: c.fieldId, value: c.value }], { reason: 'import' })
        if (++done % 500 === 0) opts.onProgress?.(done, total)
      }
      this.svc.recordAudit('import', null, {
        ...this.where(environmentId),
        added: p.added.length,
        changed: p.changed.length,
        unchanged: p.unchanged.length,
      })
    })
    opts.onProgress?.(total, total)
    return { added: p.added.length, changed: p.changed.length, unchanged: p.unchanged.length }
  }
}
