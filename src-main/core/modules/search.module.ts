import type { ParsedInput } from '../../../src-shared/contract'
import type { SearchHit } from '../../../src-shared/model'
import type { Session, VaultKernel } from '../vault/vault-kernel'

interface SearchEntry {
  hit: SearchHit
  hay: string
}

/**
 * Search over names only (apps, environments, keys, env vars, tags, labels; never values). Every term must
 * match, case-insensitively. The index is built on first use and rebuilt when the overview's revision moves.
 */
export class SearchModule {
  private index: { session: Session; revision: number; entries: SearchEntry[] } | null = null

  constructor(private readonly kernel: VaultKernel) {
    kernel.onLock(() => {
      this.index = null
    })
  }

  /** Hits for all terms of `query`, in index order, at most `limit` (default 50). */
  search(input: ParsedInput<'search'>): SearchHit[] {
    const s = this.kernel.session()
    const entries = this.entries(s)
    const terms = input.query.toLowerCase().split(/\s+/).filter(Boolean)
    const limit = input.limit ?? 50
    const hits: SearchHit[] = []
    if (terms.length === 0) return hits
    for (const entry of entries) {
      if (terms.every((t) => entry.hay.includes(t))) {
        hits.push(entry.hit)
        if (hits.length >= limit) break
      }
    }
    return hits
  }

  private entries(s: Session): SearchEntry[] {
    if (this.index?.session !== s || this.index.revision !== s.revision) {
      this.index = null // drop the old one before building (memory at 10,000 keys)
      const entries = buildIndex(s)
      this.index = { session: s, revision: s.revision, entries }
    }
    return this.index.entries
  }
}

function buildIndex(s: Session): SearchEntry[] {
  const entries: SearchEntry[] = []
  for (const a of s.apps.values()) {
    entries.push({
      hit: {
        kind: 'app',
        appId: a.id,
        environmentId: null,
        credentialId: null,
        fieldId: null,
        label: a.name,
      },
      hay: [a.name, a.appId, a.description, ...a.tags].join('\n').toLowerCase(),
    })
  }
  for (const e of s.envs.values()) {
    const app = s.apps.get(e.appId)
    entries.push({
      hit: {
        kind: 'environment',
        appId: e.appId,
        environmentId: e.id,
        credentialId: null,
        fieldId: null,
        label: `${app?.name ?? '?'} › ${e.name}`,
      },
      hay: [app?.name ?? '', e.name, e.region].join('\n').toLowerCase(),
    })
  }
  for (const c of s.creds.values()) {
    const e = s.envs.get(c.environmentId)
    const app = e ? s.apps.get(e.appId) : undefined
    const base = [app?.name ?? '', e?.name ?? '', c.overview.name, c.overview.provider, ...c.overview.tags]
    for (const f of c.overview.fields) {
      entries.push({
        hit: {
          kind: 'field',
          appId: e?.appId ?? '',
          environmentId: c.environmentId,
          credentialId: c.id,
          fieldId: f.id,
          label: `${app?.name ?? '?'} › ${e?.name ?? '?'} › ${c.overview.name} (${f.envVar})`,
        },
        hay: [...base, f.envVar, f.label].join('\n').toLowerCase(),
      })
    }
  }
  return entries
}
