/**
 * The e2e harness: the BUILT renderer (out/renderer, from `npm run build`) in real Chromium, served over
 * loopback HTTP, wired to a real KeyshelfCore on a temp vault. window.keyshelf is injected with the same
 * shape as the preload, and every call goes through the core `dispatch` that ipc/register.ts uses, so zod
 * validation and error wrapping are exercised exactly as in the app.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { COMMAND_NAMES, type MenuCommand } from '../../src-shared/bridge'
import type { ParsedInput } from '../../src-shared/contract'
import type { Preferences } from '../../src-shared/model'
import { createCore, type KeyshelfCore } from '../../src-main/core/core'
import { QuickUnlock, type SecretProtector } from '../../src-main/core/desktop/quick-unlock'
import { dispatch } from '../../src-main/core/ipc-dispatch'
import { MemoryClipboard, MemorySettings } from '../../src-main/core/platform-ports'

/** The repository root: the nearest folder up with a package.json (this file also runs bundled, from out/bench). */
function findRoot(from: string): string {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'node_modules'))) return d
    if (dirname(d) === d) return resolve(from, '../..')
  }
}
export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)))
export const RENDERER_DIR = process.env['KEYSHELF_RENDERER_DIR'] ?? join(ROOT, 'out/renderer')
/**
 * Screenshots go to out/screenshots (ignored by git) so a test run leaves the tree clean; the README's
 * copies are refreshed with KEYSHELF_SCREENSHOT_DIR=docs/screenshots npx vitest run test/e2e.
 */
export const SCREENSHOT_DIR = resolve(ROOT, process.env['KEYSHELF_SCREENSHOT_DIR'] ?? 'out/screenshots')
export const CHROMIUM_PATH = process.env['KEYSHELF_CHROMIUM'] ?? '/usr/bin/chromium'

/** The cheapest KDF the vault accepts (OWASP floor); lowered only here, never by default. */
export const TEST_KDF = { memoryKiB: 19 * 1024, iterations: 2 }
export const PASSWORD = 'correct horse battery staple'
export const DAY_MS = 86_400_000

/** Why the e2e suite cannot run here, or null when it can. */
export function e2eUnavailable(): string | null {
  if (!existsSync(join(RENDERER_DIR, 'index.html')))
    return `no built renderer at ${RENDERER_DIR}: run npm run build`
  if (!existsSync(CHROMIUM_PATH)) return `no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium`
  return null
}

// ------------------------------------------------------------------ static server

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

/** Serves `dir` on 127.0.0.1 with a random port. Only files under `dir`; no directory listings. */
export async function serveStatic(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const root = resolve(dir)
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const file = normalize(join(root, path === '/' ? 'index.html' : path))
    if (!file.startsWith(root + sep) || !existsSync(file)) {
      res.writeHead(404).end()
      return
    }
    readFile(file).then(
      (body) =>
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(500).end(),
    )
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const addr = server.address()
  if (!addr || typeof addr === 'string') throw new Error('no address')
  return {
    url: `http://127.0.0.1:${addr.port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  }
}

// ------------------------------------------------------------------ browser

/** One Chromium per test file (2 cores here): launch ~0.3 s. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--font-render-hinting=none',
    ],
  })
}

// ------------------------------------------------------------------ vault

/** A clock tests can move: real time plus an offset, so timers and dates stay consistent. */
export class TestClock {
  offset = 0
  readonly now = (): number => Date.now() + this.offset
  advance(ms: number): void {
    this.offset += ms
  }
}

/** A stand-in for the OS keychain (reversible XOR): exercises the quick-unlock UI, protects nothing. */
const testKeychain: SecretProtector = {
  unavailableReason: () => null,
  encrypt: (plain) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
  decrypt: (data) => Buffer.from(data.map((b) => b ^ 0x5a)).toString('utf8'),
}

export interface Vault {
  core: KeyshelfCore
  clipboard: MemoryClipboard
  settings: MemorySettings
  clock: TestClock
  path: string
  cleanup: () => Promise<void>
}

/**
 * A real core on a temp vault file. `state`: 'none' (first run), 'locked' or 'unlocked' (created with the
 * cheap test KDF and PASSWORD). Short clipboard and re-mask times by default so tests can watch them expire.
 */
export async function createVault(
  opts: {
    state?: 'none' | 'locked' | 'unlocked'
    prefs?: Partial<Preferences>
    quickUnlock?: boolean
    /** The native save dialog's answer: files are saved in this folder under the suggested name. */
    saveDir?: string
    /** Catalogue provider id → loopback origin standing in for its host (read-only key checks). */
    verifyOrigins?: Readonly<Record<string, string>>
  } = {},
): Promise<Vault> {
  const dir = mkdtempSync(join(tmpdir(), 'keyshelf-e2e-'))
  const path = join(dir, 'vault.db')
  const clock = new TestClock()
  const clipboard = new MemoryClipboard(clock.now)
  const settings = new MemorySettings({ clipboardClearSeconds: 5, remaskSeconds: 3, ...opts.prefs })
  let blob: Buffer | null = null
  const quickUnlock = opts.quickUnlock
    ? new QuickUnlock(testKeychain, {
        read: () => blob,
        write: (b) => (blob = b),
        remove: () => (blob = null),
      })
    : undefined
  const core = createCore({
    vaultPath: path,
    origin: 'app', // as src-main/index.ts: the window's actions are audited as the app's
    clock: clock.now,
    clipboard,
    settings,
    ...(quickUnlock ? { quickUnlock } : {}),
    ...(opts.verifyOrigins ? { verifyOrigins: opts.verifyOrigins } : {}),
    ...(opts.saveDir
      ? { dialogs: { chooseSavePath: async (name: string) => join(opts.saveDir ?? '', name) } }
      : {}),
  })
  const state = opts.state ?? 'unlocked'
  if (state !== 'none') await core.create({ password: PASSWORD, kdf: TEST_KDF })
  if (state === 'locked') await core.lock()
  return {
    core,
    clipboard,
    settings,
    clock,
    path,
    cleanup: async () => {
      await core.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Defaults for a credential; override what matters. */
export function credential(
  environmentId: string,
  over: Partial<ParsedInput<'createCredential'>> = {},
): ParsedInput<'createCredential'> {
  return {
    environmentId,
    name: 'API key',
    provider: 'manual',
    providerCredentialId: '',
    status: 'active',
    role: '',
    allowedHosts: [],
    owner: '',
    tags: [],
    notes: '',
    expiresAt: null,
    rotationIntervalDays: 90,
    lastRotatedAt: null,
    fields: [{ label: '', envVar: 'API_KEY', kind: 'secret', value: 'sk_test_0123456789abcdef' }],
    ...over,
  }
}

export async function addApp(
  core: KeyshelfCore,
  name: string,
  extra: Partial<ParsedInput<'createApp'>> = {},
) {
  return core.createApp({ name, description: '', appId: '', tags: [], notes: '', ...extra })
}

export async function addEnv(
  core: KeyshelfCore,
  appId: string,
  name: string,
  extra: Partial<ParsedInput<'createEnvironment'>> = {},
) {
  return core.createEnvironment({ appId, name, apiUrl: '', wsUrl: '', region: '', notes: '', ...extra })
}

// ------------------------------------------------------------------ page

/** Issue 10 §18: the window sizes a screen or dialog is checked at (the smallest is the minimum window). */
export const WINDOW_SIZES = [
  { width: 900, height: 600 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const

/** Opens an app from the sidebar, then its Providers dialog; returns the dialog. */
export async function openProvidersDialog(page: Page, appId: string, appName: string): Promise<Locator> {
  await page.locator(`[data-app-id="${appId}"]`).click()
  await page.getByRole('heading', { name: appName, level: 1 }).waitFor()
  await page.getByRole('button', { name: /^Providers/ }).click()
  const dialog = page.getByRole('dialog', { name: `Providers for ${appName}` })
  await dialog.waitFor()
  return dialog
}

export interface AppPage {
  context: BrowserContext
  page: Page
  /** Console errors and page errors (CSP violations show up here). */
  errors: string[]
  /** Every command the page called, in order (names only). */
  calls: string[]
  /** Milliseconds to hold a command before it runs (e.g. `unlock`), to look at busy states. */
  delays: Record<string, number>
  /** Simulates main's menu / notification click (the preload's onMenuCommand). */
  menu: (command: MenuCommand) => Promise<void>
  /** Simulates main locking on idle / suspend (the preload's onLockedByMain). */
  lockedByMain: () => Promise<void>
  close: () => Promise<void>
}

/**
 * Opens the built renderer with window.keyshelf routed through `dispatch` into `vault.core`.
 * One context per vault; pages are cheap, the browser is shared.
 */
export async function openApp(
  browser: Browser,
  baseUrl: string,
  vault: Vault,
  opts: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {},
): Promise<AppPage> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    colorScheme: opts.colorScheme ?? 'light',
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
  })
  const calls: string[] = []
  const errors: string[] = []
  const delays: Record<string, number> = {}
  await context.exposeBinding('__keyshelfInvoke', async (_source, command: unknown, input: unknown) => {
    calls.push(String(command))
    const hold = delays[String(command)]
    if (hold) await new Promise((ok) => setTimeout(ok, hold))
    // Exactly what ipc/register.ts does after its sender check. The result crosses as one JSON string, like
    // Electron's structured clone; Playwright's per-value serialisation takes seconds for 10,000 keys.
    return JSON.stringify(await dispatch(vault.core, String(command), input))
  })
  await context.addInitScript(
    ({ commands }) => {
      type Listener = (arg?: unknown) => void
      const w = globalThis as unknown as Record<string, unknown>
      const binding = w['__keyshelfInvoke'] as (command: string, input: unknown) => Promise<string>
      const invoke = async (command: string, input: unknown): Promise<unknown> =>
        JSON.parse(await binding(command, JSON.parse(JSON.stringify(input ?? {})))) as unknown
      const menuListeners = new Set<Listener>()
      const lockedListeners = new Set<Listener>()
      const api: Record<string, unknown> = {}
      for (const c of commands) api[c] = (input?: unknown) => invoke(c, input ?? {})
      api['onMenuCommand'] = (l: Listener) => {
        menuListeners.add(l)
        return () => menuListeners.delete(l)
      }
      api['onLockedByMain'] = (l: Listener) => {
        lockedListeners.add(l)
        return () => lockedListeners.delete(l)
      }
      api['onProgress'] = () => () => {}
      w['keyshelf'] = Object.freeze(api)
      w['__keyshelfTest'] = {
        menu: (c: string) => menuListeners.forEach((l) => l(c)),
        locked: () => lockedListeners.forEach((l) => l()),
      }
    },
    { commands: [...COMMAND_NAMES] },
  )
  const page = await context.newPage()
  // Shorter than the tests' own timeouts, so a stuck locator reports what it was waiting for.
  page.setDefaultTimeout(10_000)
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(`${baseUrl}/index.html`)
  return {
    context,
    page,
    errors,
    calls,
    delays,
    menu: (command) =>
      page.evaluate(
        (c) =>
          (globalThis as unknown as { __keyshelfTest: { menu(c: string): void } }).__keyshelfTest.menu(c),
        command,
      ),
    lockedByMain: () =>
      page.evaluate(() =>
        (globalThis as unknown as { __keyshelfTest: { locked(): void } }).__keyshelfTest.locked(),
      ),
    close: () => context.close(),
  }
}

// ------------------------------------------------------------------ axe, screenshots

const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: string[]
}

/**
 * Runs axe-core (WCAG 2.x A/AA + best practices) in the page. Injected with page.evaluate, which CDP runs
 * outside the page's CSP, so the app's strict CSP stays on.
 */
export async function axe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE)
  return page.evaluate(async () => {
    const g = globalThis as unknown as {
      axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: unknown[] }> }
      document: unknown
    }
    const r = await g.axe.run(g.document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
      resultTypes: ['violations'],
    })
    type Node = { target: unknown[]; failureSummary?: string; html: string }
    return (r.violations as { id: string; impact: string | null; help: string; nodes: Node[] }[]).map(
      (v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map(
          (n) =>
            `${JSON.stringify(n.target)} ${n.html.slice(0, 160)} :: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`,
        ),
      }),
    )
  })
}

/** Human-readable axe result for assertion messages. */
export const describeViolations = (v: AxeViolation[]): string =>
  v.map((x) => `${x.id} (${x.impact}): ${x.help}\n    ${x.nodes.slice(0, 5).join('\n    ')}`).join('\n')

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  const file = join(SCREENSHOT_DIR, `${name}.png`)
  // Let transitions and the countdowns settle on a whole second.
  await page.waitForTimeout(150)
  await writeFile(file, await page.screenshot({ animations: 'disabled', caret: 'hide' }))
  return file
}

/**
 * The whole document as HTML, followed by its text: what "in the DOM" means for the secret checks. The text
 * part matters because a shown value is split into spans (digits and symbols are set apart), so the markup
 * alone would never contain it in one piece.
 */
export const outerHTML = (page: Page): Promise<string> =>
  inPage<string>(page, "document.documentElement.outerHTML + '\\n' + document.documentElement.textContent")

/**
 * Whether any React fiber (current or alternate) still holds `needle` in its props or hook state: what
 * "not in renderer state" means for a re-masked secret. Walks the tree from #root.
 */
export function reactStateContains(page: Page, needle: string): Promise<boolean> {
  return page.evaluate((n) => {
    const g = globalThis as unknown as {
      document: { getElementById(id: string): Record<string, unknown> | null }
    }
    const root = g.document.getElementById('root')
    if (!root) return false
    const key = Object.keys(root).find((k) => k.startsWith('__reactContainer$'))
    if (!key) return false
    const seen = new Set<unknown>()
    const holds = (v: unknown, depth: number): boolean => {
      if (typeof v === 'string') return v.includes(n)
      if (v === null || typeof v !== 'object' || depth > 6 || seen.has(v)) return false
      seen.add(v)
      if ('nodeType' in (v as object)) return false // DOM nodes are checked through outerHTML
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (k === '_owner' || k === 'return' || k === 'child' || k === 'sibling' || k === 'alternate')
          continue
        if (holds(x, depth + 1)) return true
      }
      return false
    }
    type Fiber = {
      child: Fiber | null
      sibling: Fiber | null
      alternate: Fiber | null
      memoizedProps: unknown
      memoizedState: unknown
    }
    const stack: Fiber[] = [root[key] as Fiber]
    const visited = new Set<Fiber>()
    while (stack.length > 0) {
      const f = stack.pop()
      if (!f || visited.has(f)) continue
      visited.add(f)
      if (holds(f.memoizedProps, 0) || holds(f.memoizedState, 0)) return true
      if (f.child) stack.push(f.child)
      if (f.sibling) stack.push(f.sibling)
      if (f.alternate) stack.push(f.alternate)
    }
    return false
  }, needle)
}

/** Evaluates a DOM expression in the page (the node tsconfig has no DOM types, so it is a string). */
export const inPage = <T>(page: Page, expression: string): Promise<T> =>
  page.evaluate(expression) as Promise<T>

/**
 * The WCAG contrast ratio of an element's text against its own background (opacity folded in over the page
 * background), for buttons and badges. Colours come from getComputedStyle.
 */
export function textContrast(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const g = globalThis as unknown as {
      document: { querySelector(s: string): unknown; body: unknown }
      getComputedStyle(e: unknown): { color: string; backgroundColor: string; opacity: string }
    }
    const el = g.document.querySelector(sel)
    if (!el) throw new Error(`no element for ${sel}`)
    const parse = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).map(Number)
    let opacity = 1
    for (let e: unknown = el; e; e = (e as { parentElement: unknown }).parentElement)
      opacity *= Number(g.getComputedStyle(e).opacity)
    const st = g.getComputedStyle(el)
    const pageBg = parse(g.getComputedStyle(g.document.body).backgroundColor)
    const mix = (fg: number[], bg: number[], a: number) =>
      fg.slice(0, 3).map((v, i) => v * a + (bg[i] ?? 0) * (1 - a))
    const bgRaw = parse(st.backgroundColor)
    const bg = mix(bgRaw, pageBg, (bgRaw[3] ?? 1) * opacity)
    const fgRaw = parse(st.color)
    const fg = mix(fgRaw, bg, (fgRaw[3] ?? 1) * opacity)
    const lum = (c: number[]) => {
      const [r, gr, b] = c.map((v) => {
        const x = v / 255
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4
      })
      return 0.2126 * (r ?? 0) + 0.7152 * (gr ?? 0) + 0.0722 * (b ?? 0)
    }
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a)
    return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05)
  }, selector)
}

/** Password inputs (and secret inputs) whose value shows up as an HTML attribute: should be none. */
export const secretAttributes = (page: Page): Promise<string[]> =>
  inPage<string[]>(
    page,
    `[...document.querySelectorAll('input')].filter((i) => i.type === 'password' || i.dataset.secret !== undefined).map((i) => i.getAttribute('value')).filter((v) => v)`,
  )
