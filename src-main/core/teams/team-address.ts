import { InvalidInputError } from '../errors'

/** True for a loopback host: `localhost`, 127.0.0.0/8 or `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost' || h === '::1') return true
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

/**
 * Parses `--addr URL[,URL…]` into normalised node base URLs (scheme://host:port, no trailing slash, no
 * path). Only `https://` is accepted, except `http://` on loopback (a local dev server or an SSH tunnel).
 * Throws InvalidInputError with one clear sentence for anything else; never quotes credentials in a URL.
 */
export function parseTeamAddresses(input: string | readonly string[]): string[] {
  const parts = (typeof input === 'string' ? input.split(',') : input.flatMap((s) => s.split(',')))
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (parts.length === 0) {
    throw new InvalidInputError('Give at least one server address, e.g. --addr https://bao.example.com:8200.')
  }
  const out: string[] = []
  for (const raw of parts) {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw new InvalidInputError(
        `"${raw.slice(0, 80)}" is not a server address; use https://host:port, e.g. https://bao.example.com:8200.`,
      )
    }
    if (url.username !== '' || url.password !== '') {
      throw new InvalidInputError(
        'A server address must not contain a user name or password; pass credentials with --token-stdin, AppRole or userpass instead.',
      )
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      throw new InvalidInputError(
        `Team servers must use https:// (plain http:// is only allowed on this machine's loopback); ${url.protocol}//${url.host} was refused.`,
      )
    }
    if (url.pathname !== '/' && url.pathname !== '' && url.pathname !== '/v1' && url.pathname !== '/v1/') {
      throw new InvalidInputError(
        `A server address is just scheme://host:port; drop the path "${url.pathname}" from ${url.host}.`,
      )
    }
    const base = `${url.protocol}//${url.host}`
    if (!out.includes(base)) out.push(base)
  }
  return out
}

/** Checks a KV path segment (mount, prefix, app, env or key name) so it cannot climb or smuggle a query. */
export function checkPathSegment(what: string, value: string): string {
  if (
    value === '' ||
    value === '.' ||
    value === '..' ||
    value.length > 200 ||
    // eslint-disable-next-line no-control-regex
    /[\x00-\x1f\x7f?#%\\]/.test(value) ||
    value.includes('/')
  ) {
    throw new InvalidInputError(
      `The ${what} "${value.slice(0, 60)}" cannot be used in a team-space path; use letters, digits, "-", "_" or "." (no "/").`,
    )
  }
  return value
}

/** Checks a path made of "/"-separated segments (a prefix may have several). */
export function checkPath(what: string, value: string): string {
  const trimmed = value.replace(/^\/+|\/+$/g, '')
  for (const seg of trimmed.split('/')) checkPathSegment(what, seg)
  return trimmed
}
