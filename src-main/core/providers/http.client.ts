import { silentLogger, type Logger } from '../logger'
import { PROVIDER_NAMES, ProviderError, ProviderOutcomeUnknownError } from './provider.errors'
import type { ProviderDeps, ProviderKind, RetryPolicy, Sleep } from './provider.types'

/** HTTP methods the adapters use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** One provider call. */
export interface HttpRequest {
  method: HttpMethod
  url: string
  headers: Record<string, string>
  /** Sent as JSON when present. */
  body?: unknown
  /**
   * True when sending the call twice has the same effect as once (reads, deletes). Only idempotent calls
   * are retried; a non-idempotent call (rotate, create) is sent once and a lost answer is OUTCOME_UNKNOWN.
   */
  idempotent: boolean
  /** What this call does, in words, for messages and logs ("list tokens"). */
  operation: string
  /** Every secret this call carries; scrubbed from any provider text quoted in an error. */
  secrets: readonly string[]
  timeoutMs?: number
  signal?: AbortSignal
}

/** A provider's answer, read in full. `body` is parsed JSON, null for an empty body, undefined when unreadable. */
export interface HttpResponse {
  status: number
  headers: Headers
  body: unknown
  /** The raw text; may contain secrets (a rotate answer does). Never log or quote it unscrubbed. */
  text: string
}

/** Turns a non-2xx answer into the provider's explained error. */
export type ErrorMapper = (res: HttpResponse, req: HttpRequest) => ProviderError

/** Default retry and timeout tuning. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  timeoutMs: 15_000,
  maxRetries: 3,
  baseDelayMs: 300,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
}

/** A sleep on a real timer that stops early when `signal` aborts. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('aborted'))
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new Error('aborted'))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })

/** Connection errors that prove the request never reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
])

/** TLS failures: the server's certificate was not trusted, so nothing was sent. */
const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_SSL/

function errorCode(err: unknown): string | null {
  let cur: unknown = err
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const o = cur as { code?: unknown; cause?: unknown; errors?: unknown }
    if (typeof o.code === 'string') return o.code
    if (Array.isArray(o.errors) && o.errors.length > 0) cur = o.errors[0]
    else cur = o.cause
  }
  return null
}

/** A header value that fetch accepts and that cannot smuggle a second header. */
const SAFE_HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/

/**
 * How long the server asked us to wait, in ms: `Retry-After` (seconds or an HTTP date), then
 * `RateLimit-Reset` / `X-RateLimit-Reset` (delta seconds, or epoch seconds when larger than 10^9), then the
 * IETF `RateLimit: …;t=<seconds>` field. Null when none is present or readable.
 */
export function retryAfterFromHeaders(
  headers: Headers,
  now: number,
  includeRateLimitHeaders = true,
): number | null {
  const ra = headers.get('retry-after')?.trim()
  if (ra) {
    if (/^\d+(\.\d+)?$/.test(ra)) return Math.ceil(Number(ra) * 1000)
    const at = Date.parse(ra)
    if (!Number.isNaN(at)) return Math.max(0, at - now)
  }
  if (!includeRateLimitHeaders) return null
  const reset = (headers.get('ratelimit-reset') ?? headers.get('x-ratelimit-reset'))?.trim()
  if (reset && /^\d+(\.\d+)?$/.test(reset)) {
    const v = Number(reset)
    return v > 1e9 ? Math.max(0, Math.ceil(v * 1000 - now)) : Math.ceil(v * 1000)
  }
  const ietf = headers.get('ratelimit')
  const t = ietf ? /(?:^|[;,\s])t=(\d+)/.exec(ietf) : null
  if (t?.[1]) return Number(t[1]) * 1000
  return null
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000))
  if (s < 120) return `${s} s`
  return `${Math.ceil(s / 60)} min`
}

/**
 * A small HTTP client over an injected fetch: a timeout on every attempt, bounded retries with
 * exponential backoff and jitter for 5xx, 429 and network failures on idempotent calls, honouring
 * Retry-After and RateLimit-Reset (up to a cap), and no automatic retry at all for calls that change a
 * key. It never puts a secret in an error or a log line: fetch's own errors are dropped (they can quote
 * header values), and header values are checked before sending.
 */
export class HttpClient {
  private readonly fetchImpl: typeof fetch
  private readonly clock: () => number
  private readonly sleep: Sleep
  private readonly random: () => number
  private readonly logger: Logger
  /** The effective tuning. */
  readonly policy: RetryPolicy
  private readonly name: string

  constructor(
    readonly provider: ProviderKind,
    deps: ProviderDeps,
  ) {
    this.fetchImpl = deps.fetch
    this.clock = deps.clock ?? Date.now
    this.sleep = deps.sleep ?? realSleep
    this.random = deps.random ?? Math.random
    this.logger = deps.logger ?? silentLogger
    this.policy = { ...DEFAULT_RETRY_POLICY, ...deps.retry }
    this.name = PROVIDER_NAMES[provider]
  }

  /** Sends `req`, retrying when allowed; resolves with a 2xx answer or throws a ProviderError. */
  async send(req: HttpRequest, mapError: ErrorMapper): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers }
    for (const value of Object.values(headers)) {
      if (!SAFE_HEADER_VALUE.test(value)) {
        throw new ProviderError(
          { kind: 'AUTH', provider: this.provider, operation: req.operation },
          `The saved ${this.name} key contains spaces, line breaks or other characters that cannot be sent. ` +
            `Nothing was sent. Paste the key again without extra characters.`,
        )
      }
    }
    let bodyText: string | undefined
    if (req.body !== undefined) {
      bodyText = JSON.stringify(req.body)
      headers['content-type'] = 'application/json'
    }
    const maxAttempts = req.idempotent ? this.policy.maxRetries + 1 : 1
    for (let attempt = 0; ; attempt++) {
      const last = attempt + 1 >= maxAttempts
      const outcome = await this.attempt(req, headers, bodyText)

      if (outcome.kind === 'failed') {
        if (outcome.reason === 'cancelled-before-sending') throw this.cancelled(req, false)
        if (outcome.reason === 'cancelled') throw this.cancelled(req, true)
        if (outcome.reason === 'tls') throw this.tlsError(req, outcome.code ?? null)
        if (!req.idempotent) {
          if (outcome.reason === 'not-sent') throw this.networkError(req, true)
          throw this.outcomeUnknown(
            req,
            outcome.reason === 'timeout' ? 'no answer in time' : 'the connection dropped',
          )
        }
        if (last) throw outcome.reason === 'timeout' ? this.timeoutError(req) : this.networkError(req, false)
        await this.wait(req, attempt, this.backoff(attempt), outcome.reason)
        continue
      }

      const res = outcome.res
      if (res.status >= 200 && res.status < 300) {
        if (res.body === undefined) {
          if (!req.idempotent) throw this.outcomeUnknown(req, 'the answer could not be read')
          throw new ProviderError(
            { kind: 'BAD_RESPONSE', provider: this.provider, operation: req.operation, status: res.status },
            `${this.name} sent an answer Keyshelf cannot read while trying to ${req.operation}. Nothing was changed ` +
              `locally. Check the server URL, then try again.`,
          )
        }
        return res
      }

      if (res.status === 429) {
        const hint = retryAfterFromHeaders(res.headers, this.clock())
        if (!req.idempotent || last || (hint !== null && hint > this.policy.maxRetryAfterMs)) {
          throw this.rateLimited(req, res.status, hint)
        }
        await this.wait(req, attempt, hint ?? this.backoff(attempt), 'status 429')
        continue
      }

      if (res.status >= 500 && res.status !== 501) {
        if (!req.idempotent) throw this.outcomeUnknown(req, `it failed with status ${res.status}`, res.status)
        if (!last) {
          const hint = retryAfterFromHeaders(res.headers, this.clock(), false)
          if (hint === null || hint <= this.policy.maxRetryAfterMs) {
            await this.wait(req, attempt, hint ?? this.backoff(attempt), `status ${res.status}`)
            continue
          }
        }
      }
      throw mapError(res, req)
    }
  }

  private async attempt(
    req: HttpRequest,
    headers: Record<string, string>,
    bodyText: string | undefined,
  ): Promise<
    | { kind: 'ok'; res: HttpResponse }
    | {
        kind: 'failed'
        reason: 'timeout' | 'network' | 'not-sent' | 'cancelled' | 'cancelled-before-sending' | 'tls'
        code?: string
      }
  > {
    if (req.signal?.aborted) return { kind: 'failed', reason: 'cancelled-before-sending' }
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, req.timeoutMs ?? this.policy.timeoutMs)
    const onAbort = (): void => controller.abort()
    req.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const init: RequestInit = { method: req.method, headers, signal: controller.signal, redirect: 'manual' }
      if (bodyText !== undefined) init.body = bodyText
      const raw = await this.fetchImpl(req.url, init)
      const text = await raw.text()
      let body: unknown = null
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text) as unknown
        } catch {
          body = undefined
        }
      }
      return { kind: 'ok', res: { status: raw.status, headers: raw.headers, body, text } }
    } catch (err) {
      if (timedOut) return { kind: 'failed', reason: 'timeout' }
      if (req.signal?.aborted) return { kind: 'failed', reason: 'cancelled' }
      const code = errorCode(err)
      if (code !== null && TLS_CODES.test(code)) return { kind: 'failed', reason: 'tls', code }
      return { kind: 'failed', reason: code !== null && NOT_SENT_CODES.has(code) ? 'not-sent' : 'network' }
    } finally {
      clearTimeout(timer)
      req.signal?.removeEventListener('abort', onAbort)
    }
  }

  /** Exponential backoff with jitter: base·2^attempt, capped, scaled into [50 %, 100 %]. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** attempt)
    return Math.round(ceiling * (0.5 + 0.5 * this.random()))
  }

  private async wait(req: HttpRequest, attempt: number, ms: number, cause: string): Promise<void> {
    this.logger.warn('provider call will be retried', {
      provider: this.provider,
      operation: req.operation,
      method: req.method,
      attempt: attempt + 1,
      waitMs: ms,
      cause,
    })
    try {
      await this.sleep(ms, req.signal)
    } catch {
      throw this.cancelled(req, false)
    }
  }

  private cancelled(req: HttpRequest, maybeSent: boolean): ProviderError {
    if (!req.idempotent && maybeSent) {
      return this.outcomeUnknown(req, 'it was cancelled while waiting for the answer')
    }
    return new ProviderError(
      { kind: 'CANCELLED', provider: this.provider, operation: req.operation },
      `The request to ${this.name} to ${req.operation} was cancelled. Nothing was changed.`,
    )
  }

  private tlsError(req: HttpRequest, code: string | null): ProviderError {
    return new ProviderError(
      { kind: 'NETWORK', provider: this.provider, operation: req.operation, providerCode: code },
      `The secure connection to ${this.name} failed while Keyshelf tried to ${req.operation}: the server’s ` +
        `certificate was not trusted${code ? ` (${code})` : ''}, so nothing was sent. Check the server URL, or the ` +
        'proxy or antivirus that intercepts HTTPS.',
    )
  }

  private timeoutError(req: HttpRequest): ProviderError {
    return new ProviderError(
      { kind: 'TIMEOUT', provider: this.provider, operation: req.operation },
      `${this.name} did not answer in time while Keyshelf tried to ${req.operation}. Nothing was changed. ` +
        `Check your connection or the server URL, then try again.`,
    )
  }

  private networkError(req: HttpRequest, definitelyNotSent: boolean): ProviderError {
    return new ProviderError(
      { kind: 'NETWORK', provider: this.provider, operation: req.operation },
      `Keyshelf could not reach ${this.name} to ${req.operation}${definitelyNotSent ? ' (the request was not sent)' : ''}. ` +
        `Nothing was changed. Check your connection and the server URL, then try again.`,
    )
  }

  private rateLimited(req: HttpRequest, status: number, retryAfterMs: number | null): ProviderError {
    const when = retryAfterMs !== null ? `in ${seconds(retryAfterMs)}` : 'in a few minutes'
    const changing = req.idempotent ? '' : ' The request was refused, so no key was changed.'
    return new ProviderError(
      { kind: 'RATE_LIMITED', provider: this.provider, operation: req.operation, status, retryAfterMs },
      `${this.name} is limiting how often Keyshelf may call it (too many requests) and refused to ${req.operation}.` +
        `${changing} Try again ${when}.`,
    )
  }

  private outcomeUnknown(req: HttpRequest, why: string, status: number | null = null): ProviderError {
    const err = new ProviderOutcomeUnknownError(
      { provider: this.provider, operation: req.operation, status },
      `Keyshelf asked ${this.name} to ${req.operation}, but ${why}, so it is not known whether it happened. ` +
        `Keyshelf will not send it again on its own, because repeating it could lock you out. ` +
        `The key is marked "rotation state unknown: verify"; verify it before doing anything else.`,
    )
    this.logger.error('provider call outcome unknown', {
      provider: this.provider,
      operation: req.operation,
      method: req.method,
      status,
    })
    return err
  }
}

/** Joins a base URL and a path without doubling slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
}

/** Parses an ISO date or date-time to epoch ms; null for empty or unreadable values. */
export function parseTime(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value
  const t = Date.parse(date)
  return Number.isNaN(t) ? null : t
}

/** Reads a field of a JSON object as a string; null when absent or not a string/number. */
export function str(obj: unknown, key: string): string | null {
  if (!obj || typeof obj !== 'object') return null
  const v = (obj as Record<string, unknown>)[key]
  if (typeof v === 'string') return v
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  return null
}

/** True for a plain JSON object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
