import { readdirSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { resolve } from 'node:path'
import { defineConfig } from 'vite'

const root = import.meta.dirname
const benches = readdirSync(resolve(root, 'bench')).filter((f) => f.endsWith('.bench.ts'))
const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), /^[^./]/]

/** Builds bench/*.bench.ts for Node 22 (ESM), with every package left external. */
export default defineConfig({
  build: {
    ssr: true,
    target: 'node22',
    outDir: resolve(root, 'out/bench'),
    emptyOutDir: true,
    minify: false,
    rollupOptions: {
      input: Object.fromEntries(benches.map((f) => [f.replace(/\.ts$/, ''), resolve(root, 'bench', f)])),
      external,
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
})
