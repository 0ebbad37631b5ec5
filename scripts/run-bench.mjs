// `npm run bench [-- name...]`: builds bench/*.bench.ts into out/bench/*.bench.js (vite.bench.config.ts),
// then runs each in turn on this Node (22, from the devDependency). Benchmarks print numbers; a bench that
// exits non-zero makes the whole run exit 1. Names given on the command line pick benches by substring.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const filters = process.argv.slice(2)
const picked = (/** @type {string} */ f) => filters.length === 0 || filters.some((x) => f.includes(x))
const sources = existsSync(join(root, 'bench'))
  ? readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.bench.ts') && picked(f))
  : []
if (sources.length === 0) {
  console.log('no benchmarks')
  process.exit(0)
}

const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js')
const build = spawnSync(
  process.execPath,
  [vite, 'build', '--config', join(root, 'vite.bench.config.ts'), '--logLevel', 'warn'],
  { cwd: root, stdio: 'inherit' },
)
if (build.status !== 0) process.exit(build.status ?? 1)

const outDir = join(root, 'out', 'bench')
const built = readdirSync(outDir)
  .filter((f) => f.endsWith('.bench.js') && picked(f))
  .sort()
let failed = 0
for (const f of built) {
  console.log(`\n== ${f}`)
  const r = spawnSync(process.execPath, [join(outDir, f)], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) {
    failed++
    console.log(`== ${f} failed (${r.signal ?? `exit ${r.status}`})`)
  }
}
process.exit(failed ? 1 : 0)
