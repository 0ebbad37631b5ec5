import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Failure modes every fake supports. `route` limits a mode to one route name (e.g. `'PUT /user/tokens/:id/value'`);
 * `times` limits it to that many matching requests, after which the fake behaves normally again.
 * - slow: wait `delayMs` before handling (the action still happens, even when the client gave up).
 * - drop: perform the action, then destroy the socket without answering (a lost response).
 * - drop-before: destroy the socket without performing anything.
 * - rate-limit: answer 429 with the provider's headers and body, `Retry-After: retryAfterSec`.
 * - fail: answer `status` (5xx) with the provider's error body, without performing anything.
 */
export type FakeMode =
  | { kind: 'normal' }
  | { kind: 'slow'; delayMs: number; route?: string; times?: number }
  | { kind: 'drop'; route?: string; times?: number }
  | { kind: 'drop-before'; route?: string; times?: number }
  | { kind: 'rate-limit'; retryAfterSec: number; route?: string; times?: number }
  | { kind: 'fail'; status: number; route?: string; times?: number }

/** A parsed request as a fake's handler sees it. */
export interface FakeRequest {
  method: string
  /** Path without the fake's prefix and without the query. */
  path: string
  params: Record<string, string>
  query: URLSearchParams
  headers: IncomingHttpHeaders
  /** Parsed JSON body, or undefined. */
  body: unknown
  /** The matched route's name (`METHOD pattern`), or `'unmatched'`. */
  route: string
}

/** What a handler answers. `raw` sends text instead of JSON. */
export interface FakeReply {
  status: number
  body?: unknown
  raw?: string
  headers?: Record<string, string | number>
}

/** One route: `pattern` uses `:name` segments, e.g. `/user/tokens/:id/value`. */
export interface FakeRoute {
  method: string
  pattern: string
}

/** How a provider fake plugs into the shared server. */
export interface FakeServerSpec {
  /** Path prefix every route lives under, e.g. `/client/v4`. */
  prefix: string
  routes: FakeRoute[]
  /** Handles a matched (or unmatched, route `'unmatched'`) request. Runs the action and builds the answer. */
  handle(req: FakeRequest): FakeReply | Promise<FakeReply>
  /** The provider's 429 answer. */
  rateLimited(req: FakeRequest, retryAfterSec: number): FakeReply
  /** The provider's 5xx answer. */
  failed(req: FakeRequest, status: number): FakeReply
  /** Whether a rate-limit mode applies to this request (Novu limits only ApiKey calls). Default: all. */
  rateLimitApplies?(req: FakeRequest): boolean
}

/** A running fake. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>` + prefix. */
  url: string
  /** `http://127.0.0.1:<port>` (no prefix). */
  origin: string
  /** Stops the server (idempotent). */
  close(): Promise<void>
  setMode(mode: FakeMode): void
  /** How many requests reached each route name (counted on arrival, before any mode applies). */
  count(route: string): number
  /** Every request seen, in order (method, path, route); never headers or bodies. */
  readonly requests: { method: string; path: string; route: string }[]
  resetCounts(): void
}

function compile(route: FakeRoute): { name: string; method: string; re: RegExp; keys: string[] } {
  const keys: string[] = []
  const src = route.pattern
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        keys.push(seg.slice(1))
        return '([^/]+)'
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('/')
  return { name: `${route.method} ${route.pattern}`, method: route.method, re: new RegExp(`^${src}$`), keys }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function send(res: ServerResponse, reply: FakeReply): void {
  if (res.destroyed || res.writableEnded) return
  const headers: Record<string, string | number> = { ...reply.headers }
  let payload = ''
  if (reply.raw !== undefined) {
    payload = reply.raw
    headers['content-type'] ??= 'text/plain'
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body)
    headers['content-type'] = 'application/json; charset=utf-8'
  }
  headers['content-length'] = Buffer.byteLength(payload)
  res.writeHead(reply.status, headers)
  res.end(payload)
}

/** Starts a loopback server on 127.0.0.1:0 that routes to `spec` and applies the current failure mode. */
export async function startFakeServer(spec: FakeServerSpec): Promise<FakeServer> {
  const routes = spec.routes.map(compile)
  const counts = new Map<string, number>()
  const requests: { method: string; path: string; route: string }[] = []
  let mode: FakeMode = { kind: 'normal' }
  let remaining = Infinity

  const takeMode = (route: string): FakeMode => {
    if (mode.kind === 'normal') return mode
    if (mode.route !== undefined && mode.route !== route) return { kind: 'normal' }
    const current = mode
    remaining -= 1
    if (remaining <= 0) {
      mode = { kind: 'normal' }
      remaining = Infinity
    }
    return current
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const method = (req.method ?? 'GET').toUpperCase()
      const full = url.pathname
      const path = full.startsWith(spec.prefix) ? full.slice(spec.prefix.length) || '/' : full
      let name = 'unmatched'
      const params: Record<string, string> = {}
      if (full.startsWith(spec.prefix)) {
        for (const r of routes) {
          if (r.method !== method) continue
          const m = r.re.exec(path)
          if (!m) continue
          name = r.name
          r.keys.forEach((k, i) => {
            params[k] = decodeURIComponent(m[i + 1] ?? '')
          })
          break
        }
      }
      counts.set(name, (counts.get(name) ?? 0) + 1)
      requests.push({ method, path, route: name })
      const body = await readBody(req)
      const fr: FakeRequest = {
        method,
        path,
        params,
        query: url.searchParams,
        headers: req.headers,
        body,
        route: name,
      }

      const exempt =
        mode.kind === 'rate-limit' && spec.rateLimitApplies !== undefined && !spec.rateLimitApplies(fr)
      const m: FakeMode = exempt ? { kind: 'normal' } : takeMode(name)
      switch (m.kind) {
        case 'drop-before':
          req.socket.destroy()
          return
        case 'rate-limit':
          send(res, spec.rateLimited(fr, m.retryAfterSec))
          return
        case 'fail':
          send(res, spec.failed(fr, m.status))
          return
        case 'slow':
          await new Promise((r) => setTimeout(r, m.delayMs))
          break
        default:
          break
      }
      const reply = await spec.handle(fr)
      if (m.kind === 'drop') {
        req.socket.destroy()
        return
      }
      send(res, reply)
    })().catch(() => {
      if (!res.headersSent) send(res, { status: 500, body: { message: 'fake crashed' } })
      else res.destroy()
    })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  let closing: Promise<void> | undefined
  return {
    url: `${origin}${spec.prefix}`,
    origin,
    requests,
    setMode(next) {
      mode = next
      remaining = next.kind !== 'normal' && next.times !== undefined ? next.times : Infinity
    },
    count: (route) => counts.get(route) ?? 0,
    resetCounts() {
      counts.clear()
      requests.length = 0
    },
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      })
      return closing
    },
  }
}

/** A clock the fakes read; tests move it forward. */
export interface FakeClock {
  now: () => number
  advance: (ms: number) => void
  set: (ms: number) => void
}

/** A controllable clock starting at `start` (default 2026-01-15T12:00:00Z). */
export function fakeClock(start = Date.UTC(2026, 0, 15, 12)): FakeClock {
  let t = start
  return {
    now: () => t,
    advance: (ms) => {
      t += ms
    },
    set: (ms) => {
      t = ms
    },
  }
}
