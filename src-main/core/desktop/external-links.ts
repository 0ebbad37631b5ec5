/**
 * Which links Keyshelf may hand to the system browser (shell.openExternal): https only, and only to the
 * provider dashboards and documentation Keyshelf links to. Anything else (another host, http:, file:,
 * custom schemes that could launch programs, credentials in the URL) is refused.
 */

import { PROVIDER_CATALOGUE } from '../guided/provider-catalogue'

/** Hosts Keyshelf links to, by purpose. A host matches exactly; no subdomain wildcards. */
export const EXTERNAL_LINK_HOSTS: Readonly<Record<string, readonly string[]>> = {
  novu: ['dashboard.novu.co', 'eu.dashboard.novu.co', 'docs.novu.co'],
  cloudflare: ['dash.cloudflare.com', 'developers.cloudflare.com'],
  gitlab: ['gitlab.com', 'docs.gitlab.com'],
  electron: ['www.electronjs.org'],
}

/**
 * The hosts of the guided-rotation catalogue's dashboards (stripe, openai, …), taken only from entries whose
 * dashboard is a plain https URL on the default port without credentials; anything else is left out.
 */
export function catalogueDashboardHosts(entries: readonly { dashboardUrl: string }[]): string[] {
  const out: string[] = []
  for (const e of entries) {
    let u: URL
    try {
      u = new URL(e.dashboardUrl)
    } catch {
      continue
    }
    if (u.protocol !== 'https:' || u.port !== '' || u.username !== '' || u.password !== '') continue
    if (!/^[a-z0-9.-]+\.[a-z]{2,}$/.test(u.hostname)) continue
    out.push(u.hostname)
  }
  return out
}

const ALLOWED = new Set([
  ...Object.values(EXTERNAL_LINK_HOSTS).flat(),
  ...catalogueDashboardHosts(PROVIDER_CATALOGUE),
])

/** Whether `url` may be opened in the system browser. */
export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return false
  if (parsed.port !== '') return false
  return ALLOWED.has(parsed.hostname.toLowerCase())
}
