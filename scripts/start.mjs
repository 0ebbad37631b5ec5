// `npm start` (electron-vite preview: build, then run the app), `npm run dev` (electron-vite dev) and
// `npm run dist` (build, then electron-builder for this platform). Each first makes sure Electron's binary
// is installed, with Electron's own installer; when that fails it prints one paragraph and exits 1.
//
// Usage: node scripts/start.mjs preview|dev|dist [--electron-package <dir>] [-- extra args]
//   --electron-package  use the electron package in <dir> instead of node_modules/electron
//                       (the start-script test installs a fake download into a copy)
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { ensureElectron } from './electron-install.mjs'

const root = join(import.meta.dirname, '..')
const commands = /** @type {const} */ ({ preview: 'npm start', dev: 'npm run dev', dist: 'npm run dist' })

const args = process.argv.slice(2)
const mode = args.shift()
if (mode !== 'preview' && mode !== 'dev' && mode !== 'dist') {
  console.error('Usage: node scripts/start.mjs preview|dev|dist [--electron-package <dir>] [-- args]')
  process.exit(2)
}
let electronDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'))
const at = args.indexOf('--electron-package')
if (at >= 0) {
  const dir = args[at + 1]
  if (!dir) {
    console.error('--electron-package needs a folder')
    process.exit(2)
  }
  electronDir = dir
  args.splice(at, 2)
}
if (args[0] === '--') args.shift()

const electron = await ensureElectron({ electronDir, command: commands[mode] })
if (!electron.ok) {
  console.error(`\n${electron.message}\n`)
  process.exit(1)
}

/**
 * Runs a node_modules/.bin tool with this Node; resolves to its exit code.
 * @param {string} script path below node_modules
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<number>}
 */
function run(script, argv, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'node_modules', script), ...argv], {
      cwd: root,
      env,
      stdio: 'inherit',
    })
    for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
      process.on(signal, () => child.kill(signal))
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

// electron-vite reads ELECTRON_EXEC_PATH before it looks for node_modules/electron/path.txt.
const env = { ...process.env, ELECTRON_EXEC_PATH: electron.executable }
const electronVite = 'electron-vite/bin/electron-vite.js'
if (mode === 'dist') {
  const built = await run(electronVite, ['build'], env)
  if (built !== 0) process.exit(built)
  // electronDist: package the Electron the installer just put here, so electron-builder downloads nothing itself.
  process.exit(
    await run(
      'electron-builder/cli.js',
      [
        '--config',
        'electron-builder.config.mjs',
        '--publish',
        'never',
        `-c.electronDist=${electron.distDir}`,
        ...args,
      ],
      env,
    ),
  )
}
process.exit(await run(electronVite, [mode, ...args], env))
