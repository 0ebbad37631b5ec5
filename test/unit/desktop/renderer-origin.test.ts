import { describe, expect, it } from 'vitest'
import { isTrustedRendererUrl } from '../../../src-main/core/desktop/renderer-origin'

describe('isTrustedRendererUrl', () => {
  const file = {
    kind: 'file' as const,
    indexPath: '/opt/Keyshelf/resources/app.asar/out/renderer/index.html',
  }

  it('accepts the renderer index file, with any query or hash', () => {
    expect(
      isTrustedRendererUrl('file:///opt/Keyshelf/resources/app.asar/out/renderer/index.html', file),
    ).toBe(true)
    expect(
      isTrustedRendererUrl('file:///opt/Keyshelf/resources/app.asar/out/renderer/index.html#/due', file),
    ).toBe(true)
  })

  it('refuses other files, remote pages and odd schemes', () => {
    for (const url of [
      'file:///opt/Keyshelf/resources/app.asar/out/renderer/other.html',
      'file:///tmp/index.html',
      'file://evil.example/opt/Keyshelf/resources/app.asar/out/renderer/index.html',
      'https://evil.example/index.html',
      'about:blank',
      'data:text/html,hi',
      '',
      'not a url',
    ]) {
      expect(isTrustedRendererUrl(url, file), url).toBe(false)
    }
  })

  it('handles Windows paths and spaces', () => {
    const win = { kind: 'file' as const, indexPath: 'C:\\Program Files\\Keyshelf\\out\\renderer\\index.html' }
    expect(
      isTrustedRendererUrl('file:///C:/Program%20Files/Keyshelf/out/renderer/index.html', win, 'win32'),
    ).toBe(true)
    expect(
      isTrustedRendererUrl('file:///c:/program%20files/keyshelf/out/renderer/index.html', win, 'win32'),
    ).toBe(true)
    expect(isTrustedRendererUrl('file:///C:/Program%20Files/Other/index.html', win, 'win32')).toBe(false)
  })

  it('accepts only the dev server origin in development', () => {
    const dev = { kind: 'url' as const, url: 'http://localhost:5173/' }
    expect(isTrustedRendererUrl('http://localhost:5173/index.html', dev)).toBe(true)
    expect(isTrustedRendererUrl('http://localhost:5174/', dev)).toBe(false)
    expect(isTrustedRendererUrl('http://127.0.0.1:5173/', dev)).toBe(false)
  })
})
