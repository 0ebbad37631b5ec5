import { existsSync, readdirSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { resolve } from 'node:path'
import { defineConfig } from 'vite'

const root = import.meta.dirname
const benchDir = resolve(root, 'bench')
const benches = existsSync(benchDir) ? readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')) : []
// Node builtins and every bare specifier (all packages) stay runtime imports; only our own TS is bundled.
const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), /^[^./]/]

/**
 * Builds bench/*.bench.ts into out/bench/*.bench.js for Node 22 (ESM), shared code in out/bench/chunks.
 * Run through scripts/run-bench.mjs (`npm run bench`), which skips the build when bench/ is empty.
 */
export default defineConfig({
  build: {
    ssr: true,
    target: 'node22',
    outDir: resolve(root, 'out/bench'),
    emptyOutDir: true,
    minify: false,
    rollupOptions: {
      input: Object.fromEntries(benches.map((f) => [f.replace(/\.ts$/, ''), resolve(benchDir, f)])),
      external,
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
})
