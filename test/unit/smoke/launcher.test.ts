/**
 * bin/keyshelf.cjs: under the machine's Node 20 it re-runs itself on the project's Node 22; under Node 22 it
 * loads out/main/cli.js. Output and exit codes come through unchanged either way. Needs the build (npm test).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..', '..')
const launcher = join(root, 'bin', 'keyshelf.cjs')
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
const built = existsSync(join(root, 'out', 'main', 'cli.js'))

const nodes: [string, string][] = [['project Node', process.execPath]]
if (existsSync('/usr/bin/node') && process.execPath !== '/usr/bin/node')
  nodes.push(['system Node', '/usr/bin/node'])

describe.skipIf(!built).each(nodes)('keyshelf launcher on %s', (_name, node) => {
  const run = (...args: string[]) =>
    spawnSync(node, [launcher, ...args], { encoding: 'utf8', timeout: 20_000 })

  it('prints the version and exits 0', () => {
    const r = run('--version')
    expect(r.stdout).toBe(`keyshelf ${version}\n`)
    expect(r.status).toBe(0)
  })

  it('passes a usage error through as exit 1 with one line on stderr', () => {
    const r = run('no-such-command')
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^keyshelf: unknown command/)
  })
})
