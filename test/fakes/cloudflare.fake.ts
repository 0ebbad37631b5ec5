/**
 * A loopback Cloudflare API fake, written from shared/providers.md §2 and §6.2: routes under `/client/v4`,
 * the `{success, errors, messages, result, result_info}` envelope, page/per_page/direction pagination,
 * Bearer auth (401 code 1000 for unknown, rolled or deleted values), roll keeping the id and killing the
 * old value at once, `value` only on create, and a 429 mode with `Retry-After`, `Ratelimit` and
 * `Ratelimit-Policy` (optionally the "blocked for five minutes" rule).
 *
 * From what Cloudflare's API does (shared/providers.md, "Checked against the providers' own code"), not its docs:
 * - a malformed token (not 40+ characters of `[A-Za-z0-9_-]`) is refused before any lookup with 400, code 6003
 *   "Invalid request headers" and an `error_chain` entry 6111 "Invalid format for Authorization header";
 * - `GET /accounts` with an account-owned token answers 400, code 1001 (the message is not documented; the
 *   fake's wording is a stand-in);
 * - a wrong account id or path is 404 code 7003 ("No route"), distinct from an unknown token id (404 code
 *   1003 here; the exact code for that is unverified).
 */
import { randomBytes } from 'node:crypto'
import {
  startFakeServer,
  type FakeMode,
  type FakeReply,
  type FakeRequest,
  type FakeServer,
} from './http-fake'

/** Who may manage tokens: modelled from the token's permission group names. */
export type CfTokenAccess = 'write' | 'read' | 'none'

/** One API token as the fake stores it. */
export interface CfFakeToken {
  id: string
  name: string
  status: 'active' | 'disabled' | 'expired'
  issued_on: string
  modified_on: string
  last_used_on: string | null
  not_before: string | null
  expires_on: string | null
  policies: unknown[]
  condition?: unknown
  /** 'user' or the owning account id. */
  owner: string
  secret: string
}

/** A token to seed. */
export interface CfTokenSeed {
  name: string
  /** Default 'write' (the permission "API Tokens Write"). */
  access?: CfTokenAccess
  status?: 'active' | 'disabled'
  expiresOn?: string | null
  owner?: string
  /** A fixed secret (else generated in the `cfut_`/`cfat_` format). */
  secret?: string
  /** When the token was created (ISO); default now. */
  issuedOn?: string
}

/** Options for {@link startCloudflareFake}. */
export interface CloudflareFakeOptions {
  /** Seed: a number of generated user tokens (all read-only except the first), or explicit seeds. */
  tokens?: number | CfTokenSeed[]
  accounts?: { id: string; name: string }[]
  /** Largest per_page honoured (larger values are clamped). Default 50. */
  maxPerPage?: number
  /**
   * Model the account-wide limit: after `limit` requests, every call gets 429 for `blockSeconds`
   * (Cloudflare: 1200 per 5 minutes, then blocked for five minutes). Off by default.
   */
  rateLimit?: { limit: number; blockSeconds: number }
  clock?: () => number
}

/** Inspectable, seedable state. */
export interface CloudflareFakeState {
  tokens: Map<string, CfFakeToken>
  /** Adds a token; returns its id and secret. */
  addToken(seed: CfTokenSeed): { id: string; secret: string }
  /** The current secret of a token. */
  secretOf(id: string): string
  /** The id of the first seeded token (by default the one with "API Tokens Write"). */
  adminId: string
}

/** A running Cloudflare fake. */
export interface CloudflareFake {
  /** `http://127.0.0.1:<port>/client/v4` */
  url: string
  close(): Promise<void>
  state: CloudflareFakeState
  setMode(mode: FakeMode): void
  count(route: string): number
  server: FakeServer
}

/** Route names, for counting requests. */
export const CF_ROUTES = {
  verify: 'GET /user/tokens/verify',
  list: 'GET /user/tokens',
  get: 'GET /user/tokens/:id',
  create: 'POST /user/tokens',
  update: 'PUT /user/tokens/:id',
  roll: 'PUT /user/tokens/:id/value',
  delete: 'DELETE /user/tokens/:id',
  accounts: 'GET /accounts',
  accountVerify: 'GET /accounts/:account/tokens/verify',
  accountList: 'GET /accounts/:account/tokens',
  accountRoll: 'PUT /accounts/:account/tokens/:id/value',
  accountDelete: 'DELETE /accounts/:account/tokens/:id',
} as const

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function tokenValue(owner: string): string {
  const bytes = randomBytes(40)
  let body = ''
  for (const b of bytes) body += BASE62[b % 62] ?? 'A'
  const checksum = randomBytes(4).toString('hex')
  return `${owner === 'user' ? 'cfut_' : 'cfat_'}${body}${checksum}`
}

const PERMISSION_GROUPS: Record<CfTokenAccess, { id: string; name: string }[]> = {
  write: [{ id: '686d18d5ac6c441c867cbf6771e58a0a', name: 'API Tokens Write' }],
  read: [{ id: '0cc3a61731504c89b99ec1be78b77aa0', name: 'API Tokens Read' }],
  none: [{ id: 'c8fed203ed3043cba015a93ad1616f1f', name: 'Zone Read' }],
}

function accessOf(t: CfFakeToken): CfTokenAccess {
  const names = JSON.stringify(t.policies)
  if (names.includes('API Tokens Write')) return 'write'
  if (names.includes('API Tokens Read')) return 'read'
  return 'none'
}

/** Starts the Cloudflare fake on 127.0.0.1:0. */
export async function startCloudflareFake(opts: CloudflareFakeOptions = {}): Promise<CloudflareFake> {
  const clock = opts.clock ?? Date.now
  const iso = (): string => new Date(clock()).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const maxPerPage = opts.maxPerPage ?? 50
  const tokens = new Map<string, CfFakeToken>()
  const bySecret = new Map<string, string>()
  const accounts = opts.accounts ?? [{ id: randomBytes(16).toString('hex'), name: 'Example account' }]
  let requestsSeen = 0
  let blockedUntil = 0

  const addToken = (seed: CfTokenSeed): { id: string; secret: string } => {
    const id = randomBytes(16).toString('hex')
    const owner = seed.owner ?? 'user'
    const secret = seed.secret ?? tokenValue(owner)
    const now = iso()
    tokens.set(id, {
      id,
      name: seed.name,
      status: seed.status ?? 'active',
      issued_on: seed.issuedOn ?? now,
      modified_on: seed.issuedOn ?? now,
      last_used_on: null,
      not_before: null,
      expires_on: seed.expiresOn ?? null,
      policies: [
        {
          id: randomBytes(16).toString('hex'),
          effect: 'allow',
          permission_groups: PERMISSION_GROUPS[seed.access ?? 'write'],
          resources:
            owner === 'user'
              ? { 'com.cloudflare.api.user.*': '*' }
              : { [`com.cloudflare.api.account.${owner}`]: '*' },
        },
      ],
      owner,
      secret,
    })
    bySecret.set(secret, id)
    return { id, secret }
  }
  const seeds: CfTokenSeed[] =
    typeof opts.tokens === 'number'
      ? Array.from({ length: opts.tokens }, (_, i) => ({
          name: `token-${String(i + 1).padStart(4, '0')}`,
          access: i === 0 ? ('write' as const) : ('none' as const),
        }))
      : (opts.tokens ?? [{ name: 'keyshelf-admin' }, { name: 'ci-dns', access: 'none' }])
  const created = seeds.map(addToken)
  const first = created[0]
  if (!first) throw new Error('seed at least one token')

  const liveStatus = (t: CfFakeToken): CfFakeToken['status'] => {
    if (t.status === 'active' && t.expires_on && Date.parse(t.expires_on) <= clock()) return 'expired'
    return t.status
  }
  const show = (t: CfFakeToken): Record<string, unknown> => {
    const { secret: _s, owner: _o, ...rest } = t
    void _s
    void _o
    return { ...rest, status: liveStatus(t) }
  }
  const ok = (result: unknown, extra: Record<string, unknown> = {}, messages: unknown[] = []): FakeReply => ({
    status: 200,
    body: { success: true, errors: [], messages, result, ...extra },
  })
  const fail = (status: number, code: number, message: string): FakeReply => ({
    status,
    body: { success: false, errors: [{ code, message }], messages: [], result: null },
  })

  type Auth = { token: CfFakeToken }
  const authenticate = (req: FakeRequest, allowInactive: boolean): Auth | FakeReply => {
    const header = req.headers.authorization
    // Unverified: the usual answer to a request without credentials.
    if (!header) return fail(400, 9106, 'Missing X-Auth-Key, X-Auth-Email or Authorization headers')
    const m = /^Bearer (.+)$/.exec(header)
    if (!m?.[1] || !/^[A-Za-z0-9_-]{40,}$/.test(m[1])) {
      return {
        status: 400,
        body: {
          success: false,
          errors: [
            {
              code: 6003,
              message: 'Invalid request headers',
              error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }],
            },
          ],
          messages: [],
          result: null,
        },
      }
    }
    const id = m?.[1] ? bySecret.get(m[1]) : undefined
    const token = id ? tokens.get(id) : undefined
    if (!token) return fail(401, 1000, 'Invalid API Token')
    if (!allowInactive && liveStatus(token) !== 'active') return fail(401, 1000, 'Invalid API Token')
    token.last_used_on = iso()
    return { token }
  }
  // Unverified: Cloudflare's exact code for a missing permission; 10000 is the commonly seen one.
  const forbidden = (): FakeReply => fail(403, 10000, 'Authentication error')
  const ownerOf = (req: FakeRequest): string | FakeReply => {
    const acc = req.params.account
    if (acc === undefined) return 'user'
    if (!accounts.some((a) => a.id === acc))
      return fail(404, 7003, 'Could not route to /accounts/…, perhaps your object identifier is invalid?')
    return acc
  }

  const paginate = (items: unknown[], req: FakeRequest): FakeReply => {
    const page = Math.max(1, Number(req.query.get('page') ?? '1') || 1)
    const perPage = Math.min(maxPerPage, Math.max(5, Number(req.query.get('per_page') ?? '20') || 20))
    const ordered = req.query.get('direction') === 'desc' ? [...items].reverse() : items
    const slice = ordered.slice((page - 1) * perPage, page * perPage)
    return ok(slice, {
      result_info: {
        page,
        per_page: perPage,
        count: slice.length,
        total_count: items.length,
        total_pages: Math.max(1, Math.ceil(items.length / perPage)),
      },
    })
  }

  const handle = (req: FakeRequest): FakeReply => {
    if (req.route === 'unmatched') return fail(404, 7003, 'No route for the URI')
    const verifying = req.route === CF_ROUTES.verify || req.route === CF_ROUTES.accountVerify
    const auth = authenticate(req, verifying)
    if ('status' in auth) return auth
    if (opts.rateLimit) {
      requestsSeen += 1
      if (requestsSeen > opts.rateLimit.limit && blockedUntil === 0)
        blockedUntil = clock() + opts.rateLimit.blockSeconds * 1000
      if (blockedUntil > clock()) return rateLimited(Math.ceil((blockedUntil - clock()) / 1000))
    }
    const owner = ownerOf(req)
    if (typeof owner !== 'string') return owner
    const caller = auth.token
    const access = accessOf(caller)
    const found = tokens.get(req.params.id ?? '')
    const target = found && found.owner === owner ? found : null
    // Unverified: the exact code for an unknown token id.
    const notFound = (): FakeReply => fail(404, 1003, 'Token not found')
    switch (req.route) {
      case CF_ROUTES.verify:
      case CF_ROUTES.accountVerify: {
        if (caller.owner !== owner) return fail(401, 1000, 'Invalid API Token')
        const result: Record<string, unknown> = { id: caller.id, status: liveStatus(caller) }
        if (caller.expires_on) result.expires_on = caller.expires_on
        if (caller.not_before) result.not_before = caller.not_before
        return ok(result, {}, [{ code: 10000, message: 'This API Token is valid and active', type: null }])
      }
      case CF_ROUTES.accounts:
        if (caller.owner !== 'user') return fail(400, 1001, 'Unable to list accounts with this token')
        return paginate(
          accounts.map((a) => ({
            id: a.id,
            name: a.name,
            type: 'standard',
            settings: {},
            created_on: iso(),
          })),
          req,
        )
      case CF_ROUTES.list:
      case CF_ROUTES.accountList: {
        if (access === 'none') return forbidden()
        return paginate([...tokens.values()].filter((t) => t.owner === owner).map(show), req)
      }
      case CF_ROUTES.get:
      case 'GET /accounts/:account/tokens/:id': {
        if (access === 'none') return forbidden()
        return target ? ok(show(target)) : notFound()
      }
      case CF_ROUTES.create:
      case 'POST /accounts/:account/tokens': {
        if (access !== 'write') return forbidden()
        const body = (req.body ?? {}) as { name?: string; expires_on?: string }
        if (!body.name) return fail(400, 1001, 'name is required')
        const { id, secret } = addToken({
          name: body.name,
          owner,
          access: 'none',
          expiresOn: body.expires_on ?? null,
        })
        const t = tokens.get(id) as CfFakeToken
        return ok({ ...show(t), value: secret })
      }
      case CF_ROUTES.update:
      case 'PUT /accounts/:account/tokens/:id': {
        if (access !== 'write') return forbidden()
        if (!target) return notFound()
        const tok = target
        const body = (req.body ?? {}) as { name?: string; status?: string; expires_on?: string | null }
        if (body.name) tok.name = body.name
        if (body.status === 'active' || body.status === 'disabled') tok.status = body.status
        if (body.expires_on !== undefined) tok.expires_on = body.expires_on
        tok.modified_on = iso()
        return ok(show(tok))
      }
      case CF_ROUTES.roll:
      case CF_ROUTES.accountRoll: {
        if (access !== 'write') return forbidden()
        if (!target) return notFound()
        const tok = target
        bySecret.delete(tok.secret)
        tok.secret = tokenValue(tok.owner)
        bySecret.set(tok.secret, tok.id)
        tok.modified_on = iso()
        return ok(tok.secret)
      }
      case CF_ROUTES.delete:
      case CF_ROUTES.accountDelete: {
        if (access !== 'write') return forbidden()
        if (!target) return notFound()
        const tok = target
        tokens.delete(tok.id)
        bySecret.delete(tok.secret)
        return ok({ id: tok.id })
      }
      default:
        return fail(404, 7003, 'No route for the URI')
    }
  }

  function rateLimited(retryAfterSec: number): FakeReply {
    return {
      ...fail(429, 971, 'Please wait and consider throttling your request speed'),
      headers: {
        'Retry-After': retryAfterSec,
        Ratelimit: `"default";r=0;t=${retryAfterSec}`,
        'Ratelimit-Policy': '"burst";q=1200;w=300',
      },
    }
  }

  const server = await startFakeServer({
    prefix: '/client/v4',
    routes: [
      { method: 'GET', pattern: '/user/tokens/verify' },
      { method: 'GET', pattern: '/user/tokens' },
      { method: 'GET', pattern: '/user/tokens/:id' },
      { method: 'POST', pattern: '/user/tokens' },
      { method: 'PUT', pattern: '/user/tokens/:id/value' },
      { method: 'PUT', pattern: '/user/tokens/:id' },
      { method: 'DELETE', pattern: '/user/tokens/:id' },
      { method: 'GET', pattern: '/accounts' },
      { method: 'GET', pattern: '/accounts/:account/tokens/verify' },
      { method: 'GET', pattern: '/accounts/:account/tokens' },
      { method: 'GET', pattern: '/accounts/:account/tokens/:id' },
      { method: 'POST', pattern: '/accounts/:account/tokens' },
      { method: 'PUT', pattern: '/accounts/:account/tokens/:id/value' },
      { method: 'PUT', pattern: '/accounts/:account/tokens/:id' },
      { method: 'DELETE', pattern: '/accounts/:account/tokens/:id' },
    ],
    handle,
    rateLimited: (_req, s) => rateLimited(s),
    failed: (_req, status) => fail(status, 10001, 'An internal error occurred'),
  })
  return {
    url: server.url,
    close: () => server.close(),
    state: {
      tokens,
      addToken,
      secretOf: (id) => {
        const t = tokens.get(id)
        if (!t) throw new Error(`no token ${id}`)
        return t.secret
      },
      adminId: first.id,
    },
    setMode: (m) => server.setMode(m),
    count: (r) => server.count(r),
    server,
  }
}
