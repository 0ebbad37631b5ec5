import type { CatalogueEntry } from './provider-catalogue'

/** What a check says about one key. */
export type KeyCheckState = 'valid' | 'invalid' | 'unknown'

/** The answer for one key; `detail` is a sentence without the key's value. */
export interface KeyCheck {
  state: KeyCheckState
  /** Epoch ms when the check finished. */
  checkedAt: number
  /** Catalogue id of the provider asked. */
  provider: string
  /** The host that was asked (always the provider's own). */
  host: string
  /** HTTP status, when the provider answered. */
  status: number | null
  detail: string
}

/** What the verifier needs from outside; injected so tests and benches use loopback fakes. */
export interface VerifierDeps {
  fetch: typeof fetch
  clock?: () => number
  /** Per-call timeout (ms). Default 10 000. */
  timeoutMs?: number
  /**
   * Test and bench hook: provider id → origin (e.g. `http://127.0.0.1:5123`) that stands in for that
   * provider's own host. A key is still only ever sent to the origin of its own provider.
   */
  origins?: Readonly<Record<string, string>>
}

const SAFE_HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/

function recipeUrl(
  entry: CatalogueEntry,
  companions: Readonly<Record<string, string>>,
  origins: Readonly<Record<string, string>> | undefined,
): { url: URL; missing: string | null } {
  const recipe = entry.verify
  if (!recipe) throw new Error('no recipe')
  let missing: string | null = null
  const filled = recipe.url.replace(/\{([A-Z0-9_]+)\}/g, (_m, name: string) => {
    const v = companions[name]
    if (v === undefined || v === '') {
      missing = name
      return 'x'
    }
    return encodeURIComponent(v)
  })
  const url = new URL(filled)
  const override = origins?.[entry.id]
  if (override) {
    const o = new URL(override)
    url.protocol = o.protocol
    url.host = o.host
  }
  return { url, missing }
}

/**
 * Checks one key with its provider's read-only call, against that provider's host only. Rejection is an
 * answer (`invalid`); anything that does not prove valid or invalid (no recipe, throttling, 5xx, network,
 * timeout) is `unknown` with the reason. Never throws for provider behaviour; never puts the value in text.
 */
export async function checkKey(
  entry: CatalogueEntry,
  value: string,
  companions: Readonly<Record<string, string>>,
  deps: VerifierDeps,
): Promise<KeyCheck> {
  const clock = deps.clock ?? Date.now
  const done = (state: KeyCheckState, host: string, status: number | null, detail: string): KeyCheck => ({
    state,
    checkedAt: clock(),
    provider: entry.id,
    host,
    status,
    detail,
  })
  const recipe = entry.verify
  if (!recipe) return done('unknown', '', null, `${entry.name} has no read-only check Keyshelf can run.`)
  const { url, missing } = recipeUrl(entry, companions, deps.origins)
  const expectedHost = deps.origins?.[entry.id]
    ? new URL(deps.origins[entry.id] ?? '').host
    : new URL(recipe.url.replace(/\{[A-Z0-9_]+\}/g, 'x')).host
  if (url.host !== expectedHost) {
    return done('unknown', url.host, null, `Keyshelf refused to send a ${entry.name} key to another host.`)
  }
  if (missing) {
    return done(
      'unknown',
      url.host,
      null,
      `Checking a ${entry.name} key needs ${missing} in the same environment.`,
    )
  }
  const headers: Record<string, string> = { accept: 'application/json', ...recipe.headers }
  const auth = recipe.auth
  if (auth.kind === 'bearer') headers.authorization = `Bearer ${value}`
  else if (auth.kind === 'scheme') headers.authorization = `${auth.scheme} ${value}`
  else if (auth.kind === 'header') headers[auth.name] = value
  else {
    const user = companions[auth.userFrom] ?? ''
    headers.authorization = `Basic ${Buffer.from(`${user}:${value}`, 'utf8').toString('base64')}`
  }
  if (!Object.values(headers).every((h) => SAFE_HEADER_VALUE.test(h))) {
    return done(
      'unknown',
      url.host,
      null,
      'The stored value contains spaces, line breaks or other characters that cannot be sent; it was not checked.',
    )
  }
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), deps.timeoutMs ?? 10_000)
  try {
    const res = await deps.fetch(url, {
      method: 'GET',
      headers,
      redirect: 'manual',
      signal: controller.signal,
    })
    const text = await res.text()
    const invalid = recipe.invalidStatuses ?? [401]
    if (invalid.includes(res.status)) {
      return done('invalid', url.host, res.status, `${entry.name} rejects this key (status ${res.status}).`)
    }
    if (res.status >= 200 && res.status < 300) {
      if (recipe.okField) {
        let ok: unknown
        try {
          ok = (JSON.parse(text) as Record<string, unknown>)[recipe.okField]
        } catch {
          return done('unknown', url.host, res.status, `${entry.name} sent an answer Keyshelf cannot read.`)
        }
        return ok === true
          ? done('valid', url.host, res.status, `${entry.name} accepts this key.`)
          : done('invalid', url.host, res.status, `${entry.name} rejects this key.`)
      }
      return done('valid', url.host, res.status, `${entry.name} accepts this key.`)
    }
    if (res.status === 403) {
      return done(
        'valid',
        url.host,
        res.status,
        `${entry.name} accepts this key but it may not make the check call (status 403).`,
      )
    }
    if (res.status === 429) {
      return done(
        'unknown',
        url.host,
        res.status,
        `${entry.name} is limiting requests; check again in a few minutes.`,
      )
    }
    return done(
      'unknown',
      url.host,
      res.status,
      `${entry.name} answered status ${res.status}; check again later.`,
    )
  } catch {
    return done(
      'unknown',
      url.host,
      null,
      controller.signal.aborted
        ? `${entry.name} did not answer in time; check again later.`
        : `Keyshelf could not reach ${entry.name}; check your connection.`,
    )
  } finally {
    clearTimeout(timer)
  }
}

/** One key to check in {@link checkMany}. */
export interface CheckItem {
  id: string
  entry: CatalogueEntry
  value: string
  companions: Readonly<Record<string, string>>
}

/**
 * Checks many keys concurrently, at most `concurrency` at a time (default 8), each against its own
 * provider's host. Reports progress after each key. Returns the checks by item id and the highest number
 * of checks that were in flight at once.
 */
export async function checkMany(
  items: readonly CheckItem[],
  deps: VerifierDeps,
  opts: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ checks: Map<string, KeyCheck>; peakConcurrency: number }> {
  const limit = Math.max(1, Math.min(64, opts.concurrency ?? 8))
  const checks = new Map<string, KeyCheck>()
  let next = 0
  let inFlight = 0
  let peak = 0
  let done = 0
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++
      const item = items[i]
      if (!item) return
      inFlight++
      peak = Math.max(peak, inFlight)
      try {
        checks.set(item.id, await checkKey(item.entry, item.value, item.companions, deps))
      } finally {
        inFlight--
        done++
        opts.onProgress?.(done, items.length)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()))
  return { checks, peakConcurrency: peak }
}
