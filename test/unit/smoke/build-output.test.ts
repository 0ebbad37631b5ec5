/**
 * Checks what `npm run build` produced (npm test builds first; skipped when out/ is absent): the CLI bundle
 * never reaches electron, the preload is one CommonJS file a sandbox can load, the renderer page keeps its CSP.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Script } from 'node:vm'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..', '..')
const out = (...p: string[]) => join(root, 'out', ...p)
const built = existsSync(out('main', 'cli.js')) && existsSync(out('preload', 'index.cjs'))

/** Every module specifier an ESM file imports, statically or dynamically. */
function importsOf(code: string): string[] {
  const found = new Set<string>()
  const patterns = [
    /^\s*(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]
  for (const re of patterns) for (const m of code.matchAll(re)) if (m[1]) found.add(m[1])
  return [...found]
}

/** The bare specifiers reachable from an entry through its relative imports (shared chunks included). */
function externalGraph(entry: string): Set<string> {
  const seen = new Set<string>()
  const externals = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) visit(join(dirname(file), spec))
      else externals.add(spec)
    }
  }
  visit(entry)
  return externals
}

describe.skipIf(!built)('build output', () => {
  it('the CLI (out/main/cli.js and its chunks) imports no electron', () => {
    const externals = [...externalGraph(out('main', 'cli.js'))]
    expect(externals).toContain('better-sqlite3')
    expect(externals.filter((s) => /^electron(-store)?(\/|$)/.test(s))).toEqual([])
  })

  it('the desktop entry does import electron (the graph walk sees it)', () => {
    expect([...externalGraph(out('main', 'index.js'))]).toContain('electron')
  })

  it('the preload is one CommonJS script that only requires what a sandboxed preload may', () => {
    const code = readFileSync(out('preload', 'index.cjs'), 'utf8')
    expect(() => new Script(code, { filename: 'index.cjs' })).not.toThrow()
    const sandboxed = ['electron', 'events', 'timers', 'url', 'node:events', 'node:timers', 'node:url']
    expect(importsOf(code).filter((s) => !sandboxed.includes(s))).toEqual([])
  })

  it('the renderer page has a strict CSP, relative asset paths and no inline script', () => {
    const html = readFileSync(out('renderer', 'index.html'), 'utf8')
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/)
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\ssrc="\.\/assets\//)
  })
})
