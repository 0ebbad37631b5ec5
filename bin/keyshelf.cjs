#!/usr/bin/env node
// The `keyshelf` command. better-sqlite3 13 needs Node-API 10 (Node >= 22.14): on an older Node this
// re-runs itself with the Node 22 binary the project installs (devDependency `node`).
'use strict'
const { spawnSync } = require('node:child_process')
const { existsSync } = require('node:fs')
const { join } = require('node:path')
const { pathToFileURL } = require('node:url')

const root = join(__dirname, '..')
const napi = Number(process.versions.napi || 0)
if (napi < 10) {
  const node22 = join(root, 'node_modules', 'node', 'bin', 'node')
  if (!existsSync(node22)) {
    process.stderr.write('keyshelf: needs Node >= 22.14; run `npm ci` to install the bundled Node 22\n')
    process.exit(1)
  }
  const r = spawnSync(node22, [__filename, ...process.argv.slice(2)], { stdio: 'inherit', env: process.env })
  if (r.signal) process.kill(process.pid, r.signal)
  process.exit(r.status ?? 1)
}
const cli = join(root, 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write('keyshelf: run `npm run build` first\n')
  process.exit(1)
}
import(pathToFileURL(cli).href).catch((err) => {
  process.stderr.write(`keyshelf: ${err && err.message ? err.message : 'failed to start'}\n`)
  process.exit(1)
})
