/**
 * Makes Node resolve `electron` to the harness (module.registerHooks, in-thread, Node >= 22.15), so the
 * BUILT out/main/index.js and electron-store run unchanged. Each app start imports the main bundle with
 * `?keyshelf-instance=N`; that tag is carried to every module under out/ and to electron-store, so a
 * restart evaluates the app (and electron-store's module state) afresh, and `electron` resolves to that
 * start's FakeElectron. Dependencies such as better-sqlite3 are shared, as one Node process would.
 */
import { createRequire, registerHooks } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const REGISTRY = Symbol.for('keyshelf.desktop-harness.electron')
const HOOKED = Symbol.for('keyshelf.desktop-harness.hooked')

type Registry = Map<string, Record<string, unknown>>

/** The per-start module objects the shim hands out. */
export function electronRegistry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>
  return (g[REGISTRY] ??= new Map())
}

const instanceOf = (url: string | undefined): string | null =>
  url ? (/[?&]keyshelf-instance=(\d+)/.exec(url)?.[1] ?? null) : null

/** Installs the resolve hook once per process. `root` is the project root (its out/ is tagged). */
export function installElectronResolver(root: string): void {
  const g = globalThis as unknown as Record<symbol, boolean | undefined>
  if (g[HOOKED]) return
  g[HOOKED] = true
  const shim = pathToFileURL(join(import.meta.dirname, 'electron-shim.mjs')).href
  const out = pathToFileURL(join(root, 'out')).href + '/'
  registerHooks({
    resolve(specifier, context, next) {
      const instance = instanceOf(context.parentURL)
      if (specifier === 'electron' && instance !== null) {
        return { url: `${shim}?keyshelf-instance=${instance}`, format: 'module', shortCircuit: true }
      }
      const resolved = next(specifier, context)
      if (
        instance !== null &&
        instanceOf(resolved.url) === null &&
        (resolved.url.startsWith(out) || resolved.url.includes('/node_modules/electron-store/'))
      ) {
        const sep = resolved.url.includes('?') ? '&' : '?'
        return { ...resolved, url: `${resolved.url}${sep}keyshelf-instance=${instance}` }
      }
      return resolved
    },
  })
}

/** Node's own dynamic import (vitest rewrites `import()` in test files; the bundle must load untransformed). */
export const nativeImport = (
  createRequire(import.meta.url)(join(import.meta.dirname, 'native-import.mjs')) as {
    nativeImport: (url: string) => Promise<unknown>
  }
).nativeImport
