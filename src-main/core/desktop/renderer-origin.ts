/** Where the main window's renderer is loaded from: the built file, or the dev server in `electron-vite dev`. */
export type RendererSource = { kind: 'file'; indexPath: string } | { kind: 'url'; url: string }

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s)
  } catch {
    return null
  }
}

/**
 * Whether an IPC sender frame's URL is our renderer: the exact index.html file (any query or hash), or the
 * dev server's origin. Anything else (another file, a remote page, about:blank, a data: URL) is refused.
 */
export function isTrustedRendererUrl(
  url: string,
  source: RendererSource,
  platform = process.platform,
): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (source.kind === 'url') {
    let dev: URL
    try {
      dev = new URL(source.url)
    } catch {
      return false
    }
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === dev.origin
  }
  if (parsed.protocol !== 'file:' || (parsed.host !== '' && parsed.host !== 'localhost')) return false
  const actual = safeDecode(parsed.pathname)
  const normal = source.indexPath.replace(/\\/g, '/')
  const expected = normal.startsWith('/') ? normal : `/${normal}`
  if (actual === null) return false
  return platform === 'win32' ? actual.toLowerCase() === expected.toLowerCase() : actual === expected
}
