import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'

const root = import.meta.dirname

/**
 * Fails the main build if an entry (the CLI) reaches electron or electron-store through any static or
 * dynamic import, including a chunk it shares with the desktop entry. The CLI runs in plain Node.
 */
function withoutElectron(entryFile: string): Plugin {
  return {
    name: 'keyshelf:entry-without-electron',
    generateBundle(_options, bundle) {
      const seen = new Set<string>()
      const visit = (file: string, path: string[]): void => {
        if (seen.has(file)) return
        seen.add(file)
        const chunk = bundle[file]
        if (!chunk || chunk.type !== 'chunk') return
        for (const id of [...chunk.imports, ...chunk.dynamicImports]) {
          if (/^electron(-store)?(\/|$)/.test(id)) {
            this.error(`${[...path, file].join(' -> ')} imports '${id}': ${entryFile} must run in plain Node`)
          }
          visit(id, [...path, file])
        }
      }
      if (!bundle[entryFile]) this.error(`${entryFile} was not emitted`)
      visit(entryFile, [])
    },
  }
}

export default defineConfig({
  main: {
    // Dependencies stay external (electron-vite's default externalizeDeps): better-sqlite3, argon2, zod, ...
    plugins: [withoutElectron('cli.js')],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // ESM ("type": "module"): out/main/index.js (the desktop app) and out/main/cli.js (bin/keyshelf.cjs).
        // They share the core as a chunk; only index.ts imports electron.
        input: { index: resolve(root, 'src-main/index.ts'), cli: resolve(root, 'src-main/cli/main.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(root, 'src-preload/index.ts') },
        // A sandboxed preload must be one CommonJS file: out/preload/index.cjs, no chunks.
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
    },
  },
})
