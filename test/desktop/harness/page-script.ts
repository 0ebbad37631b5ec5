/**
 * The script the harness runs in every frame of a window's page before the page's own scripts, standing in
 * for what Electron's renderer process does around the page:
 * - runs the BUILT preload (top frame only, as Electron does without nodeIntegrationInSubFrames) in a closure
 *   whose `require('electron')` returns `contextBridge` and `ipcRenderer`; the page only gets what
 *   `contextBridge.exposeInMainWorld` exposed (a frozen copy, functions proxied);
 * - routes window.open / target=_blank to the app's setWindowOpenHandler, permission APIs to the session's
 *   permission handlers, and keydowns the page did not handle to the application menu's accelerators.
 * The preload source is inlined (not eval'd), so the page's CSP (no 'unsafe-eval') does not interfere.
 */

/** Name of the Playwright binding each page gets; the script removes it from `window` before the page runs. */
export const BINDING = '__keyshelfHarness'

/** Builds the init script. `preloadSource` null = no preload (path missing, or a subframe-only window). */
export function pageScript(preloadSource: string | null, receiverKey: string): string {
  const preload =
    preloadSource === null
      ? ''
      : `
  if (window === window.top) {
    const listeners = new Map()
    const ipcRenderer = {
      invoke(channel, ...args) {
        return call({ kind: 'invoke', channel, args }).then((r) => {
          if (r && r.error !== undefined) throw new Error("Error invoking remote method '" + channel + "': " + r.error)
          return r.value
        })
      },
      send(channel, ...args) { void call({ kind: 'send', channel, args }) },
      sendSync() { throw new Error('ipcRenderer.sendSync is not available under the harness') },
      on(channel, fn) { if (!listeners.has(channel)) listeners.set(channel, []); listeners.get(channel).push(fn); return ipcRenderer },
      once(channel, fn) { const w = (...a) => { ipcRenderer.removeListener(channel, w); fn(...a) }; return ipcRenderer.on(channel, w) },
      removeListener(channel, fn) { const l = listeners.get(channel) || []; const i = l.indexOf(fn); if (i >= 0) l.splice(i, 1); return ipcRenderer },
      off(channel, fn) { return ipcRenderer.removeListener(channel, fn) },
      removeAllListeners(channel) { listeners.delete(channel); return ipcRenderer },
    }
    Object.defineProperty(window, ${JSON.stringify(receiverKey)}, {
      enumerable: false,
      value(channel, args) {
        for (const fn of [...(listeners.get(channel) || [])]) fn({ sender: ipcRenderer, ports: [] }, ...args)
        return (listeners.get(channel) || []).length
      },
    })
    // contextBridge copies values into the page's world: functions become proxies, objects frozen copies.
    const copy = (v, depth) => {
      if (depth > 1000) throw new Error('contextBridge: object too deep')
      if (typeof v === 'function') return Object.freeze(function (...args) { return copy(v(...args.map((a) => copy(a, depth + 1))), depth + 1) })
      if (v instanceof Promise) return v.then((x) => copy(x, depth + 1))
      if (Array.isArray(v)) return Object.freeze(v.map((x) => copy(x, depth + 1)))
      if (v && typeof v === 'object') {
        const o = {}
        for (const k of Object.keys(v)) o[k] = copy(v[k], depth + 1)
        return Object.freeze(o)
      }
      return v
    }
    const contextBridge = {
      exposeInMainWorld(key, api) {
        if (key in window) throw new Error('Cannot bind an API on top of an existing property on the window object')
        Object.defineProperty(window, key, { value: copy(api, 0), enumerable: true, configurable: false, writable: false })
        void call({ kind: 'exposed', key })
      },
    }
    const electron = Object.freeze({ contextBridge, ipcRenderer, webFrame: {}, webUtils: {}, crashReporter: {}, nativeImage: {} })
    const require = (id) => {
      if (id === 'electron' || id === 'electron/renderer') return electron
      throw new Error("module not found: " + id)
    }
    const module = { exports: {} }
    const process = Object.freeze({ platform: ${JSON.stringify(process.platform)}, type: 'renderer', sandboxed: true, contextIsolated: true, env: {}, versions: {} })
    ;(function (require, module, exports, process) {
${preloadSource}
    })(require, module, module.exports, process)
  }`

  return `(() => {
  const binding = window[${JSON.stringify(BINDING)}]
  if (typeof binding !== 'function') return
  try { delete window[${JSON.stringify(BINDING)}] } catch {}
  const call = (msg) => binding(msg)

  // window.open and target=_blank go to the app's window-open handler; the page gets null, as when denied.
  window.open = function (url, frameName, features) {
    const href = new URL(String(url === undefined ? '' : url), location.href).href
    void call({ kind: 'open', url: href, frameName: String(frameName || ''), features: String(features || ''), disposition: 'new-window' })
    return null
  }
  document.addEventListener('click', (e) => {
    const a = e.target && e.target.closest ? e.target.closest('a[target="_blank"]') : null
    if (!a || !a.href) return
    e.preventDefault()
    void call({ kind: 'open', url: a.href, frameName: '', features: '', disposition: 'foreground-tab' })
  }, true)

  // Permission requests and checks go to the session's handlers.
  const ask = (permission) => call({ kind: 'permission', permission })
  if (navigator.permissions) {
    navigator.permissions.query = async (d) => {
      const ok = await call({ kind: 'permission-check', permission: d && d.name })
      return { name: d && d.name, state: ok ? 'granted' : 'denied', onchange: null }
    }
  }
  if (window.Notification) window.Notification.requestPermission = async () => ((await ask('notifications')) ? 'granted' : 'denied')
  if (navigator.mediaDevices) {
    navigator.mediaDevices.getUserMedia = async () => {
      if (await ask('media')) throw new DOMException('No device under the harness', 'NotFoundError')
      throw new DOMException('Permission denied', 'NotAllowedError')
    }
  }
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition = (_ok, err) => {
      void ask('geolocation').then((g) => err && err({ code: g ? 2 : 1, message: g ? 'Position unavailable' : 'User denied Geolocation' }))
    }
  }
  if (navigator.clipboard) {
    navigator.clipboard.readText = async () => {
      if (await ask('clipboard-read')) return ''
      throw new DOMException('Read permission denied.', 'NotAllowedError')
    }
  }

  // Keydowns the page did not handle (not defaultPrevented) reach the menu's accelerators (Linux/Windows order).
  window.addEventListener('keydown', (e) => {
    if (!e.ctrlKey && !e.metaKey && !e.altKey && !/^F\\d+$/.test(e.key)) return
    setTimeout(() => {
      if (!e.defaultPrevented) void call({ kind: 'key', key: e.key, ctrl: e.ctrlKey, shift: e.shiftKey, alt: e.altKey, meta: e.metaKey })
    }, 0)
  })
${preload}
})()`
}
