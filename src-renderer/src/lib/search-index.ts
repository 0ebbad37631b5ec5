import type { AppSummary, SearchCredential } from '../../../src-shared/contract'
import type { Environment } from '../../../src-shared/model'

/** One searchable thing. Never carries a secret: names, env vars and labels only. */
export interface SearchEntry {
  key: string
  kind: 'app' | 'environment' | 'field'
  title: string
  context: string
  envVar: string | null
  appId: string
  environmentId: string | null
  credentialId: string | null
  fieldId: string | null
  hay: string
}

/** Builds the in-memory index the command palette filters on every keystroke. */
export function buildSearchIndex(
  apps: AppSummary[],
  envs: Environment[],
  credentials: SearchCredential[],
): SearchEntry[] {
  const appById = new Map(apps.map((a) => [a.id, a]))
  const envById = new Map(envs.map((e) => [e.id, e]))
  const out: SearchEntry[] = []
  for (const a of apps) {
    out.push({
      key: `a:${a.id}`,
      kind: 'app',
      title: a.name,
      context: a.description || 'App',
      envVar: null,
      appId: a.id,
      environmentId: null,
      credentialId: null,
      fieldId: null,
      hay: [a.name, a.appId, a.description, ...a.tags].join('\n').toLowerCase(),
    })
  }
  for (const e of envs) {
    const app = appById.get(e.appId)
    out.push({
      key: `e:${e.id}`,
      kind: 'environment',
      title: e.name,
      context: app?.name ?? '',
      envVar: null,
      appId: e.appId,
      environmentId: e.id,
      credentialId: null,
      fieldId: null,
      hay: [app?.name ?? '', e.name, e.region].join('\n').toLowerCase(),
    })
  }
  for (const c of credentials) {
    const env = envById.get(c.environmentId)
    const app = env ? appById.get(env.appId) : undefined
    const base = [app?.name ?? '', env?.name ?? '', c.name, c.provider, ...c.tags].join('\n')
    for (const f of c.fields) {
      out.push({
        key: `f:${f.id}`,
        kind: 'field',
        title: c.fields.length > 1 && f.label ? `${c.name} · ${f.label}` : c.name,
        context: `${app?.name ?? '?'} › ${env?.name ?? '?'}`,
        envVar: f.envVar,
        appId: env?.appId ?? c.appId,
        environmentId: c.environmentId,
        credentialId: c.id,
        fieldId: f.id,
        hay: `${base}\n${f.envVar}\n${f.label}`.toLowerCase(),
      })
    }
  }
  return out
}

/** Every entry matching all whitespace-separated terms (case-insensitive substring), in index order. */
export function filterIndex(index: readonly SearchEntry[], query: string): SearchEntry[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (terms.length === 0) return index.filter((e) => e.kind !== 'field').slice(0, 200)
  const out: SearchEntry[] = []
  outer: for (const e of index) {
    for (const t of terms) if (!e.hay.includes(t)) continue outer
    out.push(e)
  }
  return out
}
