/**
 * Loopback stand-ins for the read-only verification calls of the guided-rotation catalogue, one server
 * (own port = own host) per provider, written from each provider's API docs: the path, how the key is
 * carried, and the success and rejection bodies.
 * - Stripe `GET /v1/balance` (Bearer): 200 balance object; 401 `{error:{type:"invalid_request_error"}}`.
 * - OpenAI `GET /v1/models` (Bearer): 200 list; 401 `{error:{code:"invalid_api_key"}}`.
 * - GitHub `GET /user` (Bearer): 200 user; 401 `{"message":"Bad credentials"}`.
 * - Twilio `GET /2010-04-01/Accounts/{Sid}.json` (basic SID:token): 200 account; 401 `{code:20003}`.
 * - Slack `GET /api/auth.test` (Bearer): always 200, `{ok:false,error:"invalid_auth"}` when rejected.
 * - Datadog `GET /api/v1/validate` (`DD-API-KEY`): 200 `{valid:true}`; 403 `{errors:["Forbidden"]}`.
 * - SendGrid `GET /v3/scopes` (Bearer), Novu `GET /v1/environments/me` (`ApiKey`), Anthropic
 *   `GET /v1/models` (`x-api-key`, `anthropic-version`): 200 / 401 with their error bodies.
 * Each server counts requests and the most it had in flight at once; `delayMs` makes answers slow.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One provider's verification fake. */
export interface VerifyFake {
  origin: string
  /** Requests seen (method, path, Host header). */
  requests: { method: string; path: string; host: string }[]
  peakInFlight: number
}

/** All of them. */
export interface VerifyFakes {
  /** provider id → origin, for `VerifierDeps.origins`. */
  origins: Record<string, string>
  fakes: Record<string, VerifyFake>
  /** Keys each fake accepts (mutable). */
  valid: Record<string, Set<string>>
  /** The highest number of requests in flight across all fakes at once. */
  peakInFlightTotal(): number
  close(): Promise<void>
}

type Reply = { status: number; body: unknown }
interface Spec {
  path: RegExp
  key(req: IncomingMessage): string | null
  ok(): Reply
  reject(): Reply
}

const bearer = (req: IncomingMessage): string | null => {
  const h = req.headers.authorization ?? ''
  return h.startsWith('Bearer ') ? h.slice(7) : null
}

const SPECS: Record<string, Spec> = {
  stripe: {
    path: /^\/v1\/balance$/,
    key: bearer,
    ok: () => ({
      status: 200,
      body: { object: 'balance', available: [{ amount: 0, currency: 'usd' }], livemode: false },
    }),
    reject: () => ({
      status: 401,
      body: { error: { message: 'Invalid API Key provided: sk_test_****', type: 'invalid_request_error' } },
    }),
  },
  openai: {
    path: /^\/v1\/models$/,
    key: bearer,
    ok: () => ({ status: 200, body: { object: 'list', data: [{ id: 'gpt-4o', object: 'model' }] } }),
    reject: () => ({
      status: 401,
      body: {
        error: {
          message: 'Incorrect API key provided.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
    }),
  },
  github: {
    path: /^\/user$/,
    key: bearer,
    ok: () => ({ status: 200, body: { login: 'octocat', id: 1 } }),
    reject: () => ({
      status: 401,
      body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
    }),
  },
  twilio: {
    path: /^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\.json$/,
    key: (req) => {
      const h = req.headers.authorization ?? ''
      if (!h.startsWith('Basic ')) return null
      const [, token] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':')
      return token ?? null
    },
    ok: () => ({ status: 200, body: { sid: 'AC', status: 'active' } }),
    reject: () => ({ status: 401, body: { code: 20003, message: 'Authenticate', status: 401 } }),
  },
  slack: {
    path: /^\/api\/auth\.test$/,
    key: bearer,
    ok: () => ({ status: 200, body: { ok: true, team: 'T', user: 'U' } }),
    reject: () => ({ status: 200, body: { ok: false, error: 'invalid_auth' } }),
  },
  datadog: {
    path: /^\/api\/v1\/validate$/,
    key: (req) => (req.headers['dd-api-key'] as string | undefined) ?? null,
    ok: () => ({ status: 200, body: { valid: true } }),
    reject: () => ({ status: 403, body: { errors: ['Forbidden'] } }),
  },
  sendgrid: {
    path: /^\/v3\/scopes$/,
    key: bearer,
    ok: () => ({ status: 200, body: { scopes: ['mail.send'] } }),
    reject: () => ({ status: 401, body: { errors: [{ field: null, message: 'authorization required' }] } }),
  },
  novu: {
    path: /^\/v1\/environments\/me$/,
    key: (req) => {
      const h = req.headers.authorization ?? ''
      return h.startsWith('ApiKey ') ? h.slice(7) : null
    },
    ok: () => ({
      status: 200,
      body: { data: { _id: 'e', name: 'Development', identifier: 'x', _organizationId: 'o' } },
    }),
    reject: () => ({
      status: 401,
      body: { statusCode: 401, message: 'API Key not found', error: 'Unauthorized' },
    }),
  },
  anthropic: {
    path: /^\/v1\/models$/,
    key: (req) =>
      req.headers['anthropic-version'] ? ((req.headers['x-api-key'] as string | undefined) ?? null) : null,
    ok: () => ({ status: 200, body: { data: [{ id: 'claude', type: 'model' }], has_more: false } }),
    reject: () => ({
      status: 401,
      body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
    }),
  },
}

/** Starts one fake per provider on 127.0.0.1:0. */
export async function startVerifyFakes(opts: { delayMs?: number } = {}): Promise<VerifyFakes> {
  const servers: Server[] = []
  const fakes: Record<string, VerifyFake> = {}
  const origins: Record<string, string> = {}
  const valid: Record<string, Set<string>> = {}
  let total = 0
  let peakTotal = 0
  for (const [id, spec] of Object.entries(SPECS)) {
    valid[id] = new Set()
    const fake: VerifyFake = { origin: '', requests: [], peakInFlight: 0 }
    let inFlight = 0
    const server = createServer((req, res) => {
      inFlight++
      total++
      fake.peakInFlight = Math.max(fake.peakInFlight, inFlight)
      peakTotal = Math.max(peakTotal, total)
      const url = new URL(req.url ?? '/', 'http://x')
      fake.requests.push({ method: req.method ?? '', path: url.pathname, host: req.headers.host ?? '' })
      const finish = (): void => {
        let reply: Reply
        if (req.method !== 'GET' || !spec.path.test(url.pathname))
          reply = { status: 404, body: { message: 'Not Found' } }
        else {
          const key = spec.key(req)
          reply = key !== null && valid[id]?.has(key) ? spec.ok() : spec.reject()
        }
        const body = JSON.stringify(reply.body)
        res.writeHead(reply.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        })
        res.end(body)
        inFlight--
        total--
      }
      if (opts.delayMs) setTimeout(finish, opts.delayMs)
      else finish()
    })
    server.keepAliveTimeout = 1000
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    origins[id] = fake.origin
    fakes[id] = fake
    servers.push(server)
  }
  return {
    origins,
    fakes,
    valid,
    peakInFlightTotal: () => peakTotal,
    close: async () => {
      for (const s of servers) {
        s.closeAllConnections()
        await new Promise<void>((r) => s.close(() => r()))
      }
    },
  }
}
