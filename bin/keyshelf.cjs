#!/usr/bin/env node
// The `keyshelf` command. better-sqlite3 13 needs Node-API 10 (Node >= 22.14): on an older Node (the
// machine's Node 20) this re-runs itself with the Node 22 binary the project installs (devDependency
// `node`), passing argv, env, stdio, exit code and signals through. On Node 22 it loads the built CLI.
// CommonJS on purpose, so that even an old Node can parse it.
'use strict'
const { spawn } = require('node:child_process')
const { existsSync } = require('node:fs')
const { constants } = require('node:os')
const { join } = require('node:path')
const { pathToFileURL } = require('node:url')

const root = join(__dirname, '..')
const REEXEC = 'KEYSHELF_LAUNCHER_REEXEC'

if (Number(process.versions.napi || 0) < 10) {
  reexecOnNode22()
} else {
  delete process.env[REEXEC] // only guards against a re-exec loop; never passed on to `keyshelf run` children
  const cli = join(root, 'out', 'main', 'cli.js')
  if (!existsSync(cli)) {
    process.stderr.write('keyshelf: run `npm run build` first\n')
    process.exit(1)
  }
  import(pathToFileURL(cli).href).catch((err) => {
    process.stderr.write(`keyshelf: ${err && err.message ? err.message : 'failed to start'}\n`)
    process.exit(1)
  })
}

function reexecOnNode22() {
  const bin = join(root, 'node_modules', 'node', 'bin')
  const node22 = [join(bin, 'node'), join(bin, 'node.exe')].find((p) => existsSync(p))
  if (!node22 || process.env[REEXEC]) {
    process.stderr.write(
      `keyshelf: needs Node >= 22.14 (this is ${process.version}); run \`npm ci\` to install the project's Node 22\n`,
    )
    process.exit(1)
  }
  const child = spawn(node22, [__filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [REEXEC]: '1' },
  })
  // Forward the signals someone sends to this process (a Ctrl-C from a terminal reaches both processes
  // anyway, as it does under `npm run`). The same three signals `keyshelf run` forwards to its child.
  /** @type {NodeJS.Signals[]} */
  const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP']
  /** @param {NodeJS.Signals} signal */
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }
  for (const signal of forwarded) process.on(signal, forward)
  child.on('error', (err) => {
    process.stderr.write(`keyshelf: cannot start ${node22}: ${err.message}\n`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => {
    for (const s of forwarded) process.removeListener(s, forward)
    if (signal) {
      // Die the same way the child did; if this Node ignores that signal (e.g. SIGPIPE), use the shell's code.
      process.kill(process.pid, signal)
      setTimeout(() => process.exit(128 + (constants.signals[signal] || 0)), 100)
      return
    }
    process.exit(code === null ? 1 : code)
  })
}
