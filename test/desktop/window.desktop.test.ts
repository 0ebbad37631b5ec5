/**
 * From app start: the built main bundle opens one hardened window with the built preload, and every
 * response carries the CSP header. The renderer sees window.keyshelf and nothing else of Electron.
 */
import { existsSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMAND_NAMES } from '../../src-shared/bridge'
import { DesktopHarness, PRELOAD_BUNDLE, RENDERER_INDEX } from './harness/desktop-harness'

let h: DesktopHarness
beforeAll(async () => {
  h = await DesktopHarness.launch()
})
afterAll(async () => {
  await h?.close()
})

/** The CSP of the meta tag in the built index.html: the header must say the same. */
function metaCsp(): string {
  const html = readFileSync(RENDERER_INDEX, 'utf8')
  const m = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)
  if (!m?.[1]) throw new Error('index.html has no CSP meta tag')
  return m[1]
}

describe('the main window', () => {
  it('is sandboxed, isolated, without Node, with the preload from out/, and CSP on every response', async () => {
    const run = await h.start()
    const { win, page } = await run.mainWindow()
    console.log(`[desktop] chromium launch ${h.launchMs} ms, app start to loaded window ${run.startMs} ms`)
    const prefs = win.options['webPreferences'] as Record<string, unknown>
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
    })
    expect(prefs['preload']).toBe(PRELOAD_BUNDLE)
    expect(existsSync(prefs['preload'] as string)).toBe(true)
    expect(run.fx.app.sandboxEnabled).toBe(true)
    expect(run.fx.callsOf('app', 'requestSingleInstanceLock')).toHaveLength(1)
    expect(run.fx.callsOf('BrowserWindow', 'loadFile')[0]?.args[0]).toBe(RENDERER_INDEX)

    await page.getByRole('heading', { name: 'Create your vault' }).waitFor()
    expect(await page.title()).toBe('Keyshelf')
    const surface = await page.evaluate(`(() => ({
      keys: Object.keys(window.keyshelf).sort(),
      require: typeof require, process: typeof process, ipcRenderer: typeof ipcRenderer,
      frozen: Object.isFrozen(window.keyshelf),
    }))()`)
    expect(surface).toEqual({
      keys: [...COMMAND_NAMES, 'onLockedByMain', 'onMenuCommand', 'onProgress'].sort(),
      require: 'undefined',
      process: 'undefined',
      ipcRenderer: 'undefined',
      frozen: true,
    })
    await expect(page.evaluate('window.keyshelf.status({})')).resolves.toMatchObject({
      ok: true,
      value: { state: 'no-vault' },
    })
    await expect(page.evaluate('window.keyshelf.unlock({ password: 42 })')).resolves.toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })

    const csp = metaCsp()
    expect(run.responses.length).toBeGreaterThanOrEqual(3) // document, script, stylesheet
    for (const r of run.responses) {
      expect(
        r.headers['Content-Security-Policy'] ?? r.headers['content-security-policy'],
        r.url,
      ).toBeDefined()
    }
    const header = run.responses[0]!.headers['Content-Security-Policy']!.join('; ')
    for (const directive of csp.split(';').map((d) => d.trim())) expect(header).toContain(directive)
    expect(await run.quit()).toBe(0)
  }, 60_000)
})
