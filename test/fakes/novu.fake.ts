/**
 * A loopback Novu API fake, written from shared/providers.md §1 and §6.1: routes under `/v1`, `{data: …}`
 * bodies, Nest error bodies, ApiKey/Bearer auth by the first word of the header, keys looked up by
 * sha256, the two-key and last-key rules of rolling rotation, regenerate replacing every key, and
 * `401 "API endpoint not available"` for regenerate over ApiKey on current servers.
 *
 * Code, not docs: Novu's docs show `ApiKey` curl examples for `POST /v1/environments/api-keys` and
 * `DELETE /v1/environments/api-keys/{hash}`, but the upstream controllers (apps/api/src/app/environments-v1)
 * do not mark them `@ExternalApiAccessible`, so the guard (community.user.auth.guard.ts) answers an ApiKey
 * caller with 401 "API endpoint not available" ("API endpoint not accessible" on an older build). This fake
 * follows the code by default (`keyManagementViaApiKey: false`); `true` models what the docs claim.
 */
import { createHash, randomBytes } from 'node:crypto'
import {
  startFakeServer,
  type FakeMode,
  type FakeReply,
  type FakeRequest,
  type FakeServer,
} from './http-fake'

/** One Novu secret key as the fake stores it. */
export interface NovuFakeKey {
  key: string
  _userId: string
  hash: string
}

/** One environment as the fake stores it (the Mongo document, minus what the fake does not need). */
export interface NovuFakeEnvironment {
  _id: string
  name: string
  _organizationId: string
  identifier: string
  _parentId?: string
  apiKeys: NovuFakeKey[]
  createdAt: string
  updatedAt: string
}

/** Options for {@link startNovuFake}. */
export interface NovuFakeOptions {
  /** Environments to seed; default Development (root) and Production (child of Development), one key each. */
  environments?: { name: string; parent?: string; keys?: string[] }[]
  /**
   * true = an older server (or legacy SDK era) where regenerate is `@ExternalApiAccessible`; false (default)
   * = current servers: ApiKey on regenerate → 401 "API endpoint not available" (Bearer still works).
   */
  regenerateViaApiKey?: boolean
  /**
   * Whether an ApiKey caller may create/delete keys (`POST /api-keys`, `DELETE /api-keys/{hash}`). Default
   * false, as in Novu's code (401 "API endpoint not available"); true models Novu's docs. Bearer always may.
   */
  keyManagementViaApiKey?: boolean
  /** The guard's wording for a non-external endpoint. Default the current one. */
  notExternalMessage?: 'API endpoint not available' | 'API endpoint not accessible'
  /** Flag IS_MULTIPLE_SECRET_KEYS_ALLOWED; false → 403 on create/delete. Default true. */
  multipleKeys?: boolean
  /** Whether POST/DELETE /api-keys exist at all (2026 servers); false → Nest 404 "Cannot POST …". Default true. */
  rollingRoutes?: boolean
  /** DELETE /api-keys/{hash} answers 200 with the remaining keys (e2e) or 204 (docs). Default 200. */
  deleteStatus?: 200 | 204
  /** Return `hash` on key lists (2026 builds); false models older servers. Default true. */
  returnHash?: boolean
  /** Old keys keep authenticating this long after regenerate/delete (the server's key cache). Default 0. */
  cacheLagMs?: number
  clock?: () => number
}

/** Inspectable, seedable state. */
export interface NovuFakeState {
  organizationId: string
  userId: string
  environments: NovuFakeEnvironment[]
  /** The environment with this name (throws when missing). */
  env(name: string): NovuFakeEnvironment
  /** The first key of an environment. */
  keyOf(name: string): string
  /** A Bearer (dashboard JWT stand-in) bound to an environment. */
  bearerFor(name: string): string
  options: Required<Omit<NovuFakeOptions, 'environments' | 'clock'>>
}

/** A running Novu fake. */
export interface NovuFake {
  /** Base URL to use as the Novu API URL (routes live under `/v1`). */
  url: string
  close(): Promise<void>
  state: NovuFakeState
  setMode(mode: FakeMode): void
  count(route: string): number
  server: FakeServer
}

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex')
const objectId = (): string => randomBytes(12).toString('hex')
const newKey = (): string => randomBytes(16).toString('hex')
const identifier = (): string => randomBytes(8).toString('base64url').slice(0, 10)

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

/** Route names, for counting requests. */
export const NOVU_ROUTES = {
  me: 'GET /v1/environments/me',
  environments: 'GET /v1/environments',
  keys: 'GET /v1/environments/api-keys',
  regenerate: 'POST /v1/environments/api-keys/regenerate',
  createKey: 'POST /v1/environments/api-keys',
  deleteKey: 'DELETE /v1/environments/api-keys/:hash',
} as const

/** Starts the Novu fake on 127.0.0.1:0. */
export async function startNovuFake(opts: NovuFakeOptions = {}): Promise<NovuFake> {
  const clock = opts.clock ?? Date.now
  const organizationId = objectId()
  const userId = objectId()
  const iso = (): string => new Date(clock()).toISOString()
  const environments: NovuFakeEnvironment[] = []
  const seeds = opts.environments ?? [{ name: 'Development' }, { name: 'Production', parent: 'Development' }]
  for (const s of seeds) {
    const parent = s.parent ? environments.find((e) => e.name === s.parent) : undefined
    const keys = s.keys ?? [newKey()]
    const env: NovuFakeEnvironment = {
      _id: objectId(),
      name: s.name,
      _organizationId: organizationId,
      identifier: identifier(),
      apiKeys: keys.map((key) => ({ key, _userId: userId, hash: sha256(key) })),
      createdAt: iso(),
      updatedAt: iso(),
    }
    if (parent) env._parentId = parent._id
    environments.push(env)
  }
  const bearers = new Map<string, string>()
  const lagging = new Map<string, { envId: string; until: number }>()
  const options = {
    regenerateViaApiKey: opts.regenerateViaApiKey ?? false,
    keyManagementViaApiKey: opts.keyManagementViaApiKey ?? false,
    notExternalMessage: opts.notExternalMessage ?? 'API endpoint not available',
    multipleKeys: opts.multipleKeys ?? true,
    rollingRoutes: opts.rollingRoutes ?? true,
    deleteStatus: opts.deleteStatus ?? 200,
    returnHash: opts.returnHash ?? true,
    cacheLagMs: opts.cacheLagMs ?? 0,
  }

  const env = (name: string): NovuFakeEnvironment => {
    const e = environments.find((x) => x.name === name)
    if (!e) throw new Error(`no environment ${name}`)
    return e
  }
  const state: NovuFakeState = {
    organizationId,
    userId,
    environments,
    env,
    keyOf: (name) => {
      const k = env(name).apiKeys[0]
      if (!k) throw new Error(`environment ${name} has no key`)
      return k.key
    },
    bearerFor: (name) => {
      const token = `eyJ.fake.${randomBytes(12).toString('hex')}`
      bearers.set(token, env(name)._id)
      return token
    },
    options,
  }

  const error = (req: FakeRequest, status: number, message: string): FakeReply => ({
    status,
    body: {
      statusCode: status,
      timestamp: iso(),
      path: req.path,
      message,
      error: REASONS[status] ?? 'Error',
    },
  })
  const showKey = (k: NovuFakeKey): Record<string, string> =>
    options.returnHash ? { key: k.key, _userId: k._userId, hash: k.hash } : { key: k.key, _userId: k._userId }
  const forget = (keys: NovuFakeKey[], envId: string): void => {
    if (options.cacheLagMs <= 0) return
    for (const k of keys) lagging.set(k.hash, { envId, until: clock() + options.cacheLagMs })
  }

  type Auth = { scheme: 'ApiKey' | 'Bearer'; env: NovuFakeEnvironment }
  const authenticate = (req: FakeRequest): Auth | FakeReply => {
    const header = req.headers.authorization
    if (!header) return error(req, 401, 'Missing authorization header')
    const space = header.indexOf(' ')
    const scheme = space === -1 ? header : header.slice(0, space)
    const cred = space === -1 ? '' : header.slice(space + 1).trim()
    if (scheme === 'Bearer') {
      const envId = bearers.get(cred)
      const e = environments.find((x) => x._id === envId)
      if (!e) return error(req, 401, 'Unauthorized')
      return { scheme, env: e }
    }
    if (scheme !== 'ApiKey') return error(req, 401, `Invalid authentication scheme: "${scheme}"`)
    const hash = sha256(cred)
    const e = environments.find((x) => x.apiKeys.some((k) => k.hash === hash))
    if (e) return { scheme, env: e }
    const lag = lagging.get(hash)
    const le = lag && lag.until > clock() ? environments.find((x) => x._id === lag.envId) : undefined
    if (le) return { scheme, env: le }
    return error(req, 401, 'API Key not found')
  }

  const handle = (req: FakeRequest): FakeReply => {
    if (req.route === 'unmatched') return error(req, 404, `Cannot ${req.method} ${req.path}`)
    const auth = authenticate(req)
    if ('status' in auth) return auth
    const own = auth.env
    switch (req.route) {
      case NOVU_ROUTES.me: {
        const { apiKeys: _omit, ...rest } = own
        void _omit
        return { status: 200, body: { data: rest } }
      }
      case NOVU_ROUTES.environments:
        return {
          status: 200,
          body: {
            data: environments.map((e) => ({
              ...e,
              apiKeys: auth.scheme === 'Bearer' || e._id === own._id ? e.apiKeys.map(showKey) : [],
            })),
          },
        }
      case NOVU_ROUTES.keys:
        return { status: 200, body: { data: own.apiKeys.map(showKey) } }
      case NOVU_ROUTES.regenerate: {
        if (auth.scheme === 'ApiKey' && !options.regenerateViaApiKey) {
          return error(req, 401, options.notExternalMessage)
        }
        forget(own.apiKeys, own._id)
        const key = newKey()
        own.apiKeys = [{ key, _userId: userId, hash: sha256(key) }]
        own.updatedAt = iso()
        return { status: 201, body: { data: own.apiKeys.map(showKey) } }
      }
      case NOVU_ROUTES.createKey: {
        if (!options.rollingRoutes) return error(req, 404, `Cannot POST ${req.path}`)
        if (auth.scheme === 'ApiKey' && !options.keyManagementViaApiKey) {
          return error(req, 401, options.notExternalMessage)
        }
        if (!options.multipleKeys) {
          return error(req, 403, 'Creating additional API keys is not enabled for your organization')
        }
        if (own.apiKeys.length >= 2) {
          return error(
            req,
            400,
            'Environment can have a maximum of 2 API keys. Delete an existing key before creating a new one.',
          )
        }
        const key = newKey()
        own.apiKeys.push({ key, _userId: userId, hash: sha256(key) })
        own.updatedAt = iso()
        return { status: 201, body: { data: own.apiKeys.map(showKey) } }
      }
      case NOVU_ROUTES.deleteKey: {
        if (!options.rollingRoutes) return error(req, 404, `Cannot DELETE ${req.path}`)
        if (auth.scheme === 'ApiKey' && !options.keyManagementViaApiKey) {
          return error(req, 401, options.notExternalMessage)
        }
        if (!options.multipleKeys) {
          return error(req, 403, 'Creating additional API keys is not enabled for your organization')
        }
        const target = own.apiKeys.find((k) => k.hash === req.params.hash)
        if (!target) return error(req, 404, 'API key not found')
        if (own.apiKeys.length <= 1) {
          return error(req, 400, 'Cannot delete the last remaining API key. Create a new key first.')
        }
        forget([target], own._id)
        own.apiKeys = own.apiKeys.filter((k) => k !== target)
        own.updatedAt = iso()
        if (options.deleteStatus === 204) return { status: 204 }
        return { status: 200, body: { data: own.apiKeys.map(showKey) } }
      }
      default:
        return error(req, 404, `Cannot ${req.method} ${req.path}`)
    }
  }

  const server = await startFakeServer({
    prefix: '',
    routes: [
      { method: 'GET', pattern: '/v1/environments/me' },
      { method: 'GET', pattern: '/v1/environments/api-keys' },
      { method: 'GET', pattern: '/v1/environments' },
      { method: 'POST', pattern: '/v1/environments/api-keys/regenerate' },
      { method: 'POST', pattern: '/v1/environments/api-keys' },
      { method: 'DELETE', pattern: '/v1/environments/api-keys/:hash' },
    ],
    handle,
    rateLimitApplies: (req) => (req.headers.authorization ?? '').startsWith('ApiKey '),
    rateLimited: (req, retryAfterSec) => ({
      ...error(req, 429, 'API rate limit exceeded'),
      headers: {
        'RateLimit-Limit': 100,
        'RateLimit-Remaining': 0,
        'RateLimit-Reset': retryAfterSec,
        'RateLimit-Policy': '100;w=1;burst=110;comment="token bucket";category="global";cost="single"',
        'Retry-After': retryAfterSec,
      },
    }),
    failed: (req, status) => {
      const reply = error(req, status, 'Internal server error')
      return { ...reply, body: { ...(reply.body as object), errorId: randomBytes(8).toString('hex') } }
    },
  })
  return {
    url: server.url,
    close: () => server.close(),
    state,
    setMode: (m) => server.setMode(m),
    count: (r) => server.count(r),
    server,
  }
}
