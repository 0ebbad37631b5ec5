/**
 * `npm start` / `npm run dev` / `npm run dist` go through scripts/start.mjs, which runs Electron's own installer
 * (node_modules/electron/install.js -> @electron/get) when the binary is missing. These tests run the real
 * script and the real installer against a copy of the electron package (so the shared node_modules never
 * changes) and a loopback "mirror" (ELECTRON_MIRROR), which either fails or serves a fake Electron zip.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fakeElectronZip } from './fake-electron-zip'

const ROOT = join(import.meta.dirname, '../..')
const ELECTRON_PKG = join(ROOT, 'node_modules/electron')
const VERSION = JSON.parse(readFileSync(join(ELECTRON_PKG, 'package.json'), 'utf8')).version as string
const ARTIFACT = `electron-v${VERSION}-${process.platform}-${process.arch}.zip`

const cleanups: (() => void | Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A temp copy of the electron npm package (its published files only; no binary). */
function electronPackageCopy(): { dir: string; work: string } {
  const work = mkdtempSync(join(tmpdir(), 'keyshelf-start-'))
  const dir = join(work, 'electron')
  mkdirSync(dir)
  for (const f of ['package.json', 'index.js', 'install.js', 'cli.js', 'checksums.json', 'abi_version']) {
    copyFileSync(join(ELECTRON_PKG, f), join(dir, f))
  }
  cleanups.push(() => rmSync(work, { recursive: true, force: true }))
  return { dir, work }
}

/** A loopback server standing in for the Electron download mirror. */
async function mirror(
  handler: Parameters<typeof createServer>[1],
): Promise<{ base: string; requests: string[] }> {
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '')
    handler!(req, res)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())))
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests }
}

interface Run {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

function runStart(
  mode: string,
  electronDir: string,
  env: NodeJS.ProcessEnv,
  extra: string[] = [],
): Promise<Run> {
  const started = Date.now()
  const cleanEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(ELECTRON_|npm_config_electron|electron_)/i.test(k)),
  )
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'scripts/start.mjs'), mode, '--electron-package', electronDir, ...extra],
      {
        cwd: ROOT,
        // NODE_PATH lets the copied install.js find @electron/get (and its zip extractor) in our node_modules.
        env: { ...cleanEnv, NODE_PATH: join(ROOT, 'node_modules'), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }))
  })
}

/** Asserts the one-paragraph failure: what, from where, what to do; no stack trace, no "uninstall". */
function expectClearParagraph(run: Run, command: string, url: string): void {
  expect(run.code).toBe(1)
  const paragraph = run.stderr
    .split('\n\n')
    .map((p) => p.trim())
    .find((p) => p.startsWith(command))
  expect(paragraph, run.stderr).toBeDefined()
  expect(paragraph).toContain(`Electron ${VERSION} binary`)
  expect(paragraph).toContain(url)
  for (const fix of ['ELECTRON_MIRROR', 'HTTPS_PROXY', 'ELECTRON_OVERRIDE_DIST_PATH'])
    expect(paragraph).toContain(fix)
  expect(paragraph!.split('\n')).toHaveLength(1)
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/) // no stack frames
  expect(run.stderr).not.toMatch(/uninstall/i)
  expect(run.ms).toBeLessThan(60_000)
}

describe('npm start: Electron download fails', () => {
  it('stops with one clear paragraph when the mirror refuses the connection', async () => {
    const { dir } = electronPackageCopy()
    // A port that was free a moment ago and now has no listener: connection refused.
    const probe = await mirror((_q, s) => s.end())
    cleanups.pop()!()
    const run = await runStart('preview', dir, { ELECTRON_MIRROR: probe.base })
    expectClearParagraph(run, 'npm start', `${probe.base}v${VERSION}/${ARTIFACT}`)
    expect(run.stderr).toContain('fetch failed')
    expect(existsSync(join(dir, 'path.txt'))).toBe(false)
  })

  it('says what the server answered (404) for npm run dev and npm run dist alike', async () => {
    const { dir } = electronPackageCopy()
    const m = await mirror((_q, s) => {
      s.statusCode = 404
      s.end('not here')
    })
    for (const [mode, command] of [
      ['dev', 'npm run dev'],
      ['dist', 'npm run dist'],
    ] as const) {
      const run = await runStart(mode, dir, {
        ELECTRON_MIRROR: m.base,
        electron_config_cache: join(dir, '..', 'c'),
      })
      expectClearParagraph(run, command, `${m.base}v${VERSION}/${ARTIFACT}`)
      expect(run.stderr).toContain('404')
    }
    expect(m.requests).toContain(`/v${VERSION}/${ARTIFACT}`)
  })

  it('rejects an ELECTRON_OVERRIDE_DIST_PATH without an executable, naming the folder', async () => {
    const { dir, work } = electronPackageCopy()
    const run = await runStart('preview', dir, { ELECTRON_OVERRIDE_DIST_PATH: work })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`ELECTRON_OVERRIDE_DIST_PATH to use the Electron in ${work}`)
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })
})

describe('npm start: the download path a laptop with internet takes', () => {
  it('downloads through Electron installer, extracts, writes path.txt, then electron-vite starts that binary', async () => {
    const { dir, work } = electronPackageCopy()
    const zip = fakeElectronZip(VERSION)
    const sum = createHash('sha256').update(zip).digest('hex')
    const m = await mirror((req, res) => {
      if (req.url === `/v${VERSION}/${ARTIFACT}`) return void res.end(zip)
      if (req.url === `/v${VERSION}/SHASUMS256.txt`) return void res.end(`${sum} *${ARTIFACT}\n`)
      res.statusCode = 404
      res.end()
    })
    const log = join(work, 'electron-run.log')
    const run = await runStart(
      'preview',
      dir,
      {
        ELECTRON_MIRROR: m.base,
        // The fake zip is not the release, so its checksum comes from the mirror's SHASUMS256.txt (a documented @electron/get option).
        electron_use_remote_checksums: '1',
        electron_config_cache: join(work, 'cache'),
        FAKE_ELECTRON_LOG: log,
      },
      ['--', '--skipBuild'],
    )
    expect(run.code, run.stderr).toBe(0)
    expect(m.requests).toEqual(
      expect.arrayContaining([`/v${VERSION}/${ARTIFACT}`, `/v${VERSION}/SHASUMS256.txt`]),
    )
    expect(run.stderr).toContain(`Electron ${VERSION} installed.`)
    // What Electron's install.js leaves behind, exactly as on a laptop.
    expect(readFileSync(join(dir, 'path.txt'), 'utf8')).toBe('electron')
    expect(readFileSync(join(dir, 'dist/version'), 'utf8')).toBe(`v${VERSION}`)
    // electron-vite preview launched the downloaded binary on the project (cwd = root, entry '.').
    const launched = readFileSync(log, 'utf8')
    expect(launched).toContain(`cwd=${ROOT}`)
    expect(launched).toContain('arg=.')

    // A second start finds the binary and downloads nothing.
    const before = m.requests.length
    const again = await runStart('preview', dir, { ELECTRON_MIRROR: m.base, FAKE_ELECTRON_LOG: log }, [
      '--',
      '--skipBuild',
    ])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).not.toContain('downloading')
    expect(m.requests.length).toBe(before)
  })
})
