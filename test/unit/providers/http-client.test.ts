import { describe, expect, it } from 'vitest'
import {
  HttpClient,
  ProviderError,
  retryAfterFromHeaders,
  statusError,
  type HttpRequest,
} from '../../../src-main/core/providers'
import { caught, memoryLogger, recordingSleep } from './provider-test.helpers'

type Step = Response | Error | 'hang'

/** A fetch that plays a script, one step per call, and records what it was asked. */
function scriptedFetch(
  steps: Step[],
): typeof fetch & { calls: { url: string; init: RequestInit | undefined }[] } {
  const calls: { url: string; init: RequestInit | undefined }[] = []
  const f = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    calls.push({
      url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      init,
    })
    const step = steps.shift()
    if (step === undefined) throw new Error('script exhausted')
    if (step === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
      })
    }
    if (step instanceof Error) throw step
    return step
  }) as typeof fetch & { calls: { url: string; init: RequestInit | undefined }[] }
  f.calls = calls
  return f
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

const netError = (code: string): Error =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) })

const NOW = Date.UTC(2026, 0, 15, 12)

function client(steps: Step[], retry: Partial<HttpClient['policy']> = {}) {
  const fetch = scriptedFetch(steps)
  const sleep = recordingSleep()
  const logger = memoryLogger()
  const http = new HttpClient('cloudflare', {
    fetch,
    sleep,
    logger,
    clock: () => NOW,
    random: () => 0,
    retry,
  })
  return { http, fetch, sleep, logger }
}

const get: HttpRequest = {
  method: 'GET',
  url: 'http://127.0.0.1:9/x',
  headers: { authorization: 'Bearer tok-123456' },
  idempotent: true,
  operation: 'list API tokens',
  secrets: ['tok-123456'],
}
const rotate: HttpRequest = { ...get, method: 'PUT', idempotent: false, operation: 'roll the API token' }
const mapper = (res: { status: number }, req: HttpRequest): ProviderError =>
  statusError('cloudflare', res.status, req.operation, null)

describe('HttpClient retries on idempotent calls', () => {
  it('retries 5xx with exponential backoff and jitter, then succeeds', async () => {
    const { http, fetch, sleep } = client([json(503, {}), json(502, {}), json(200, { ok: 1 })])
    const res = await http.send(get, mapper)
    expect(res.body).toEqual({ ok: 1 })
    expect(fetch.calls).toHaveLength(3)
    // random() = 0 → half of base·2^attempt (base 300 ms).
    expect(sleep.waits).toEqual([150, 300])
  })

  it('caps the backoff at maxDelayMs', async () => {
    const { http, sleep } = client([json(500, {}), json(500, {}), json(500, {}), json(200, {})], {
      baseDelayMs: 1000,
      maxDelayMs: 1500,
    })
    await http.send(get, mapper)
    expect(sleep.waits).toEqual([500, 750, 750])
  })

  it('honours Retry-After in seconds on 429', async () => {
    const { http, sleep, fetch } = client([json(429, {}, { 'retry-after': '2' }), json(200, {})])
    await http.send(get, mapper)
    expect(sleep.waits).toEqual([2000])
    expect(fetch.calls).toHaveLength(2)
  })

  it('honours Retry-After as an HTTP date', async () => {
    const at = new Date(NOW + 7000).toUTCString()
    const { http, sleep } = client([json(429, {}, { 'retry-after': at }), json(200, {})])
    await http.send(get, mapper)
    expect(sleep.waits).toEqual([7000])
  })

  it('honours RateLimit-Reset (delta seconds) and X-RateLimit-Reset (epoch seconds)', async () => {
    const epoch = String(Math.floor(NOW / 1000) + 4)
    const { http, sleep } = client([
      json(429, {}, { 'ratelimit-reset': '3' }),
      json(429, {}, { 'x-ratelimit-reset': epoch }),
      json(200, {}),
    ])
    await http.send(get, mapper)
    expect(sleep.waits).toEqual([3000, 4000])
  })

  it('gives up at once with RATE_LIMITED when the server asks for a wait longer than the cap', async () => {
    const { http, sleep, fetch } = client([json(429, {}, { 'retry-after': '300' })])
    const err = await caught(http.send(get, mapper))
    expect(err).toBeInstanceOf(ProviderError)
    expect((err as ProviderError).kind).toBe('RATE_LIMITED')
    expect((err as ProviderError).retryAfterMs).toBe(300_000)
    expect((err as ProviderError).message).toContain('Try again in 5 min')
    expect(sleep.waits).toEqual([])
    expect(fetch.calls).toHaveLength(1)
  })

  it('stops after maxRetries and maps the last 5xx to SERVER', async () => {
    const { http, fetch, sleep } = client([json(500, {}), json(500, {}), json(500, {}), json(500, {})])
    const err = (await caught(http.send(get, mapper))) as ProviderError
    expect(err.kind).toBe('SERVER')
    expect(err.status).toBe(500)
    expect(fetch.calls).toHaveLength(4)
    expect(sleep.waits).toHaveLength(3)
  })

  it('retries network errors, then reports NETWORK', async () => {
    const { http, fetch } = client([netError('ECONNRESET'), netError('UND_ERR_SOCKET'), json(200, {})])
    await http.send(get, mapper)
    expect(fetch.calls).toHaveLength(3)
    const again = client([netError('ECONNRESET'), netError('ECONNRESET')], { maxRetries: 1 })
    const err = (await caught(again.http.send(get, mapper))) as ProviderError
    expect(err.kind).toBe('NETWORK')
  })

  it('does not retry a 4xx', async () => {
    const { http, fetch } = client([json(404, {})])
    const err = (await caught(http.send(get, mapper))) as ProviderError
    expect(err.kind).toBe('NOT_FOUND')
    expect(fetch.calls).toHaveLength(1)
  })

  it('logs each retry without secrets or URLs', async () => {
    const { http, logger } = client([json(503, {}), json(200, {})])
    await http.send(get, mapper)
    expect(logger.lines).toHaveLength(1)
    expect(logger.lines[0]).toContain('"waitMs":150')
    expect(logger.lines[0]).not.toContain('tok-123456')
    expect(logger.lines[0]).not.toContain('127.0.0.1')
  })
})

describe('HttpClient never retries a non-idempotent call', () => {
  it('turns a 5xx into OUTCOME_UNKNOWN after exactly one request', async () => {
    const { http, fetch, sleep } = client([json(503, {}), json(200, {})])
    const err = (await caught(http.send(rotate, mapper))) as ProviderError
    expect(err.kind).toBe('OUTCOME_UNKNOWN')
    expect(err.message).toContain('rotation state unknown: verify')
    expect(fetch.calls).toHaveLength(1)
    expect(sleep.waits).toEqual([])
  })

  it('turns a dropped connection into OUTCOME_UNKNOWN', async () => {
    const { http, fetch } = client([netError('UND_ERR_SOCKET')])
    expect(((await caught(http.send(rotate, mapper))) as ProviderError).kind).toBe('OUTCOME_UNKNOWN')
    expect(fetch.calls).toHaveLength(1)
  })

  it('reports NETWORK (not unknown) when the connection was refused before sending', async () => {
    const { http, fetch } = client([netError('ECONNREFUSED')])
    const err = (await caught(http.send(rotate, mapper))) as ProviderError
    expect(err.kind).toBe('NETWORK')
    expect(err.message).toContain('the request was not sent')
    expect(fetch.calls).toHaveLength(1)
  })

  it('reports RATE_LIMITED on 429 without waiting or resending', async () => {
    const { http, fetch, sleep } = client([json(429, {}, { 'retry-after': '1' })])
    const err = (await caught(http.send(rotate, mapper))) as ProviderError
    expect(err.kind).toBe('RATE_LIMITED')
    expect(err.message).toContain('no key was changed')
    expect(fetch.calls).toHaveLength(1)
    expect(sleep.waits).toEqual([])
  })

  it('treats an unreadable 2xx answer as OUTCOME_UNKNOWN (and as BAD_RESPONSE on a read)', async () => {
    const bad = (): Response => new Response('<html>', { status: 200 })
    expect(((await caught(client([bad()]).http.send(rotate, mapper))) as ProviderError).kind).toBe(
      'OUTCOME_UNKNOWN',
    )
    expect(((await caught(client([bad()]).http.send(get, mapper))) as ProviderError).kind).toBe(
      'BAD_RESPONSE',
    )
  })
})

describe('HttpClient timeouts, cancellation and request hygiene', () => {
  it('times out every attempt: TIMEOUT for reads after the retries', async () => {
    const { http, fetch } = client(['hang', 'hang'], { timeoutMs: 20, maxRetries: 1 })
    const err = (await caught(http.send(get, mapper))) as ProviderError
    expect(err.kind).toBe('TIMEOUT')
    expect(fetch.calls).toHaveLength(2)
  })

  it('times out a rotate as OUTCOME_UNKNOWN, sent once', async () => {
    const { http, fetch } = client(['hang'], { timeoutMs: 20 })
    const err = (await caught(http.send(rotate, mapper))) as ProviderError
    expect(err.kind).toBe('OUTCOME_UNKNOWN')
    expect(fetch.calls).toHaveLength(1)
  })

  it('honours a per-call timeout', async () => {
    const { http } = client(['hang'], { timeoutMs: 60_000, maxRetries: 0 })
    const started = Date.now()
    const err = (await caught(http.send({ ...get, timeoutMs: 15 }, mapper))) as ProviderError
    expect(err.kind).toBe('TIMEOUT')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('reports CANCELLED when the caller aborts', async () => {
    const { http } = client(['hang'])
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 10)
    expect(((await caught(http.send({ ...get, signal: ac.signal }, mapper))) as ProviderError).kind).toBe(
      'CANCELLED',
    )
  })

  it('a rotate cancelled before sending is CANCELLED; cancelled while waiting for the answer it is OUTCOME_UNKNOWN', async () => {
    const before = client([json(200, {})])
    const ac = new AbortController()
    ac.abort()
    const err = (await caught(before.http.send({ ...rotate, signal: ac.signal }, mapper))) as ProviderError
    expect(err.kind).toBe('CANCELLED')
    expect(before.fetch.calls).toHaveLength(0)
    const during = client(['hang'])
    const ac2 = new AbortController()
    setTimeout(() => ac2.abort(), 10)
    const err2 = (await caught(during.http.send({ ...rotate, signal: ac2.signal }, mapper))) as ProviderError
    expect(err2.kind).toBe('OUTCOME_UNKNOWN')
    expect(during.fetch.calls).toHaveLength(1)
  })

  it('refuses header values with line breaks before calling fetch', async () => {
    const { http, fetch } = client([json(200, {})])
    const err = (await caught(
      http.send({ ...get, headers: { authorization: 'Bearer abc\r\nx-evil: 1' } }, mapper),
    )) as ProviderError
    expect(err.kind).toBe('AUTH')
    expect(fetch.calls).toHaveLength(0)
  })

  it('never follows redirects with credentials', async () => {
    const { http, fetch } = client([new Response(null, { status: 301, headers: { location: 'https://x/' } })])
    const err = (await caught(http.send(get, mapper))) as ProviderError
    expect(err.kind).toBe('BAD_RESPONSE')
    expect(fetch.calls[0]?.init?.redirect).toBe('manual')
  })

  it('sends JSON bodies with a content type', async () => {
    const { http, fetch } = client([json(200, {})])
    await http.send({ ...get, method: 'POST', idempotent: false, body: { a: 1 } }, mapper)
    const init = fetch.calls[0]?.init
    expect(init?.body).toBe('{"a":1}')
    expect((init?.headers as Record<string, string>)['content-type']).toBe('application/json')
  })
})

describe('retryAfterFromHeaders', () => {
  const h = (o: Record<string, string>): Headers => new Headers(o)
  it('reads every supported form', () => {
    expect(retryAfterFromHeaders(h({ 'retry-after': '1.5' }), NOW)).toBe(1500)
    expect(retryAfterFromHeaders(h({ 'retry-after': new Date(NOW - 5000).toUTCString() }), NOW)).toBe(0)
    expect(retryAfterFromHeaders(h({ ratelimit: '"default";r=0;t=30' }), NOW)).toBe(30_000)
    expect(retryAfterFromHeaders(h({ 'retry-after': 'soon' }), NOW)).toBeNull()
    expect(retryAfterFromHeaders(h({}), NOW)).toBeNull()
    expect(retryAfterFromHeaders(h({ 'ratelimit-reset': '9' }), NOW, false)).toBeNull()
  })
})
