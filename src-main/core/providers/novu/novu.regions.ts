/** Novu cloud regions. */
export type NovuRegion = 'us' | 'eu'

/** Where a Novu deployment lives: a cloud region, or a self-hosted API (with its WebSocket URL, if known). */
export type NovuTarget = { region: NovuRegion } | { selfHostedApiUrl: string; selfHostedWsUrl?: string }

/** The endpoints clients of a Novu environment use. */
export interface NovuEndpoints {
  region: NovuRegion | 'self-hosted'
  /** API base URL (without `/v1`). */
  apiUrl: string
  /** WebSocket URL for the Inbox/socket client, or null when unknown (self-hosted without one configured). */
  wsUrl: string | null
}

/**
 * Novu's cloud endpoints per region: API `https://api.novu.co` / `https://eu.api.novu.co` (providers.md §1.1)
 * and socket `https://ws.novu.co` / `https://eu.ws.novu.co` (Novu Inbox docs, `socketUrl`).
 */
export const NOVU_REGIONS: Record<NovuRegion, { apiUrl: string; wsUrl: string }> = {
  us: { apiUrl: 'https://api.novu.co', wsUrl: 'https://ws.novu.co' },
  eu: { apiUrl: 'https://eu.api.novu.co', wsUrl: 'https://eu.ws.novu.co' },
}

/** Removes trailing slashes and a trailing `/v1` (or `/v2`) from a Novu API URL. */
export function normaliseNovuApiUrl(url: string): string {
  return url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/v[12]$/, '')
}

/** The API and WebSocket URLs for a region or a self-hosted deployment. */
export function novuEndpoints(target: NovuTarget): NovuEndpoints {
  if ('region' in target) return { region: target.region, ...NOVU_REGIONS[target.region] }
  return {
    region: 'self-hosted',
    apiUrl: normaliseNovuApiUrl(target.selfHostedApiUrl),
    wsUrl: target.selfHostedWsUrl ? target.selfHostedWsUrl.trim().replace(/\/+$/, '') : null,
  }
}

/** Recognises a cloud region from an API URL (so a stored connection knows its socket URL); else self-hosted. */
export function novuEndpointsForBaseUrl(baseUrl: string, wsUrl?: string): NovuEndpoints {
  const api = normaliseNovuApiUrl(baseUrl)
  for (const region of ['us', 'eu'] as const) {
    if (api === NOVU_REGIONS[region].apiUrl) return { region, ...NOVU_REGIONS[region] }
  }
  return novuEndpoints(wsUrl ? { selfHostedApiUrl: api, selfHostedWsUrl: wsUrl } : { selfHostedApiUrl: api })
}

/**
 * Novu's dashboards per cloud region (the v2 dashboard; its API-keys page lives under `/env/<slug>/api-keys`,
 * where the slug is the environment's `slug` field, or its id on builds without one: that path is read from
 * the dashboard's routes, not from an API contract, so a wrong guess still lands on the dashboard).
 */
export const NOVU_DASHBOARDS: Record<NovuRegion, string> = {
  us: 'https://dashboard.novu.co',
  eu: 'https://eu.dashboard.novu.co',
}

/**
 * The page where a user manages the secret keys of one environment, or null for a self-hosted server
 * (Keyshelf cannot know where its dashboard is served).
 */
export function novuDashboardUrl(baseUrl: string, env: { id: string; slug?: string | null }): string | null {
  const endpoints = novuEndpointsForBaseUrl(baseUrl)
  if (endpoints.region === 'self-hosted') return null
  return `${NOVU_DASHBOARDS[endpoints.region]}/env/${encodeURIComponent(env.slug || env.id)}/api-keys`
}
