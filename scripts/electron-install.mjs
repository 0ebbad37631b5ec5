// Makes sure the Electron binary is on this machine before `npm start`, `npm run dev` or `npm run dist`.
// electron >= 42 has no install script: its binary arrives only when something runs Electron's own installer
// (node_modules/electron/install.js, the `install-electron` bin, which downloads with @electron/get).
// This module runs exactly that installer, shows progress, and turns a failure into one clear paragraph.
import { spawn } from 'node:child_process'
import { lookup } from 'node:dns/promises'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * The executable's path inside an unpacked Electron release, as Electron's install.js names it.
 * @param {NodeJS.Platform} platform
 */
export function platformExecutable(platform = process.platform) {
  if (platform === 'darwin' || /** @type {string} */ (platform) === 'mas')
    return 'Electron.app/Contents/MacOS/Electron'
  if (platform === 'win32') return 'electron.exe'
  return 'electron'
}

/**
 * The version of the electron package in `electronDir`.
 * @param {string} electronDir
 * @returns {string}
 */
export function electronVersion(electronDir) {
  return JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version
}

/**
 * Where the installed Electron executable is, or null: ELECTRON_OVERRIDE_DIST_PATH when set (as Electron's
 * index.js reads it), else `dist/<path.txt>` when path.txt, dist/version and the binary agree (as install.js checks).
 * @param {string} electronDir the electron package folder (node_modules/electron)
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ executable: string, distDir: string } | null}
 */
export function installedElectron(electronDir, env = process.env) {
  const override = env['ELECTRON_OVERRIDE_DIST_PATH']
  if (override) {
    const executable = join(override, platformExecutable())
    return isFile(executable) ? { executable, distDir: override } : null
  }
  const distDir = join(electronDir, 'dist')
  try {
    const relative = readFileSync(join(electronDir, 'path.txt'), 'utf8')
    const version = readFileSync(join(distDir, 'version'), 'utf8').replace(/^v/, '').trim()
    if (version !== electronVersion(electronDir)) return null
    const executable = join(distDir, relative)
    return isFile(executable) ? { executable, distDir } : null
  } catch {
    return null
  }
}

/** Whether `path` is a file (an executable), not a folder of the same name. @param {string} path */
function isFile(path) {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** Total bytes of the files under `dir` (the installer's temp download folder). @param {string} dir */
function bytesUnder(dir) {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    try {
      total += statSync(join(entry.parentPath, entry.name)).size
    } catch {
      // A file the installer just removed.
    }
  }
  return total
}

/**
 * What went wrong, in a few words, from the installer's stderr (its debug line names the URL; its error
 * stack starts with the error's message) plus a DNS check of the host.
 * @param {string} stderr
 * @param {string | null} stalledAfter
 * @returns {Promise<{ url: string | null, reason: string }>}
 */
async function diagnose(stderr, stalledAfter) {
  const lines = stderr.split(/\r?\n/)
  const urlLine = lines.find((l) => /@electron\/get:index Downloading \S+ to /.test(l))
  const url = urlLine ? (/Downloading (\S+) to /.exec(urlLine)?.[1] ?? null) : null
  const errorLine = lines.find((l) => /^\s*(\w*Error|Error)\b/.test(l) && !l.includes('@electron/get:'))
  let reason = stalledAfter ?? errorLine?.trim() ?? 'the installer stopped without saying why'
  if (!stalledAfter && url && /fetch failed|ENOTFOUND|EAI_AGAIN/i.test(reason)) {
    const host = new URL(url).hostname
    try {
      await lookup(host)
      reason = `${reason}: ${host} could not be reached`
    } catch {
      reason = `${reason}: the name ${host} could not be resolved (no network, or DNS is blocked)`
    }
  }
  return { url, reason }
}

/**
 * The one paragraph printed when Electron cannot be installed: what failed, from where, and what to do.
 * @param {{ command: string, version: string, url: string | null, reason: string }} p
 */
export function downloadFailedParagraph({ command, version, url, reason }) {
  const target = `${process.platform}-${process.arch}`
  const from = url ? `from ${url}` : 'from its download server'
  return (
    `${command} needs the Electron ${version} binary for ${target}, and Electron's installer could not download it ` +
    `${from} (${reason}). Nothing was started. To fix it, do one of these and run ${command} again: ` +
    'set ELECTRON_MIRROR to a mirror you can reach (for example ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/); ' +
    'or download through a proxy with ELECTRON_GET_USE_PROXY=1 and HTTPS_PROXY=http://your-proxy:port; ' +
    `or, if Electron ${version} is already on this machine, set ELECTRON_OVERRIDE_DIST_PATH to the folder that holds its executable.`
  )
}

/**
 * Runs Electron's own installer if the binary is missing.
 * Resolves to the executable, or to `{ ok: false, message }` with the one paragraph to print. Never throws.
 * A download that receives no data for `stallMs` is stopped (a black-holed network would otherwise hang).
 * @param {{ electronDir: string, command: string, env?: NodeJS.ProcessEnv, stallMs?: number,
 *   log?: (line: string) => void }} opts
 * @returns {Promise<{ ok: true, executable: string, distDir: string, downloaded: boolean } | { ok: false, message: string }>}
 */
export async function ensureElectron({ electronDir, command, env = process.env, stallMs = 45_000, log }) {
  const say = log ?? ((line) => process.stderr.write(`${line}\n`))
  const version = electronVersion(electronDir)
  const found = installedElectron(electronDir, env)
  if (found) return { ok: true, ...found, downloaded: false }
  const override = env['ELECTRON_OVERRIDE_DIST_PATH']
  if (override) {
    return {
      ok: false,
      message:
        `${command} was told by ELECTRON_OVERRIDE_DIST_PATH to use the Electron in ${override}, but that folder has no ` +
        `${platformExecutable()}. Point ELECTRON_OVERRIDE_DIST_PATH at the unpacked Electron ${version} folder, or unset it ` +
        `so ${command} downloads Electron with its own installer.`,
    }
  }

  say(
    `Electron ${version} is not installed yet; downloading it once with Electron's installer (install-electron)...`,
  )
  const temp = mkdtempSync(join(tmpdir(), 'keyshelf-electron-get-'))
  /** @type {NodeJS.ProcessEnv} */
  const childEnv = { ...env, TMPDIR: temp, TMP: temp, TEMP: temp, DEBUG: '@electron/get:index' }
  delete childEnv['DEBUG_COLORS']
  const child = spawn(process.execPath, [join(electronDir, 'install.js')], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk))
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stderr += chunk))

  let lastBytes = 0
  let lastChange = Date.now()
  let lastReport = 0
  /** @type {string | null} */
  let stalled = null
  const watch = setInterval(() => {
    const bytes = bytesUnder(temp)
    const now = Date.now()
    if (bytes !== lastBytes) {
      lastBytes = bytes
      lastChange = now
      if (now - lastReport >= 5_000) {
        lastReport = now
        say(`Downloading Electron ${version}: ${(bytes / 1_048_576).toFixed(1)} MB so far`)
      }
    } else if (now - lastChange >= stallMs) {
      stalled = `the download stalled: no data for ${Math.round(stallMs / 1000)} s`
      child.kill()
    }
  }, 500)
  const code = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)))
  clearInterval(watch)
  rmSync(temp, { recursive: true, force: true })

  const installed = code === 0 ? installedElectron(electronDir, env) : null
  if (installed) {
    say(`Electron ${version} installed.`)
    return { ok: true, ...installed, downloaded: true }
  }
  const { url, reason } =
    code === 0
      ? { url: null, reason: 'the installer finished but left no executable behind' }
      : await diagnose(stderr, stalled)
  return { ok: false, message: downloadFailedParagraph({ command, version, url, reason }) }
}
