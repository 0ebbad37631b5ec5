// Runs vitest and ends with the plain closing line CI reads: "N passed, N failed[, N skipped]".
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'

const report = '.vitest-report.json'
rmSync(report, { force: true })
const args = [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]
const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', ...args], { stdio: 'inherit' })
let code = r.status ?? 1
if (!existsSync(report)) {
  console.log('0 passed, 1 failed')
  console.error('vitest wrote no report')
  process.exit(code || 1)
}
const j = JSON.parse(readFileSync(report, 'utf8'))
const skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0)
// Suites that failed to load count as failures too.
const failed =
  j.numFailedTests + (j.numFailedTestSuites > 0 && j.numFailedTests === 0 ? j.numFailedTestSuites : 0)
console.log(`${j.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
if (failed > 0 && code === 0) code = 1
process.exit(code)
