/**
 * A loopback GitLab REST fake for personal access tokens, written from shared/providers.md §5 and GitLab's
 * API guard: routes under `/api/v4`, bare JSON, `PRIVATE-TOKEN` or `Authorization: Bearer`, offset pagination
 * with `x-total`/`x-next-page`/`Link` headers, rotate returning a NEW id and revoking the old token at once,
 * and reuse detection: a rotate request authenticated by an already-revoked token revokes every active token
 * of its family (GitLab's `revoke_token_family`, done only for `…/rotate` paths) and answers 401.
 * The 401 bodies are GitLab's: `{"message":"401 Unauthorized"}` for unknown tokens, and the OAuth-style
 * `invalid_token` bodies for revoked and expired ones.
 *
 * From GitLab's code where it differs from (or is missing in) its docs (shared/providers.md, "Checked against
 * the providers' own code"):
 * - `GET`/`POST …/rotate` on `/personal_access_tokens/:id` for a token that does not exist or is not the
 *   caller's answers **401** to a non-admin (not 404); deleting someone else's token answers 400;
 * - rotate without `expires_at` on an instance that requires expiry gives the new token one week; an
 *   `expires_at` past the instance maximum (`maxLifetimeDays`, default 365) is refused with 400 (the exact
 *   wording of that message is a stand-in);
 * - project and group access tokens have the same list/rotate/revoke shape under
 *   `/projects/:id/access_tokens` and `/groups/:id/access_tokens` (bot users own them).
 */
import { randomBytes } from 'node:crypto'
import {
  startFakeServer,
  type FakeMode,
  type FakeReply,
  type FakeRequest,
  type FakeServer,
} from './http-fake'

/** One personal access token as the fake stores it. */
export interface GlFakeToken {
  id: number
  userId: number
  name: string
  description: string | null
  scopes: string[]
  createdAt: string
  lastUsedAt: string | null
  /** YYYY-MM-DD or null. */
  expiresAt: string | null
  revoked: boolean
  /** The token this one was rotated from (GitLab's previous_personal_access_token_id). */
  previousId: number | null
  secret: string
  /** `project:<id>` / `group:<id>` for project and group access tokens; undefined for personal ones. */
  resource?: string
  /** Project/group tokens: the role (40 = Maintainer). */
  accessLevel?: number
}

/** A token to seed. */
export interface GlTokenSeed {
  name: string
  userId?: number
  scopes?: string[]
  expiresAt?: string | null
  revoked?: boolean
  secret?: string
  resource?: string
  /** ISO creation time; default now. */
  createdAt?: string
}

/** Options for {@link startGitlabFake}. */
export interface GitlabFakeOptions {
  /** Default: one `api`-scoped token named "keyshelf" for user 1, plus `tokens` (number → generated). */
  tokens?: number | GlTokenSeed[]
  /** Projects and groups (`project:12`, `group:7`) the admin user maintains. Default `project:12`, `group:7`. */
  resources?: string[]
  /** The instance's maximum token lifetime in days. Default 365. */
  maxLifetimeDays?: number
  clock?: () => number
}

/** Inspectable, seedable state. */
export interface GitlabFakeState {
  tokens: Map<number, GlFakeToken>
  addToken(seed: GlTokenSeed): { id: number; secret: string }
  secretOf(id: number): string
  /** Id of the first seeded token (`api` scope). */
  adminId: number
  /** How many times reuse detection revoked a token family. */
  familyRevocations: number
}

/** A running GitLab fake. */
export interface GitlabFake {
  /** `http://127.0.0.1:<port>` (the adapter appends `/api/v4`). */
  url: string
  close(): Promise<void>
  state: GitlabFakeState
  setMode(mode: FakeMode): void
  count(route: string): number
  server: FakeServer
}

/** Route names, for counting requests. */
export const GL_ROUTES = {
  list: 'GET /personal_access_tokens',
  self: 'GET /personal_access_tokens/self',
  get: 'GET /personal_access_tokens/:id',
  rotateSelf: 'POST /personal_access_tokens/self/rotate',
  rotate: 'POST /personal_access_tokens/:id/rotate',
  revokeSelf: 'DELETE /personal_access_tokens/self',
  revoke: 'DELETE /personal_access_tokens/:id',
  resourceList: 'GET /:kind/:rid/access_tokens',
  resourceGet: 'GET /:kind/:rid/access_tokens/:id',
  resourceRotate: 'POST /:kind/:rid/access_tokens/:id/rotate',
  resourceRevoke: 'DELETE /:kind/:rid/access_tokens/:id',
} as const

const UNAUTHORIZED = { message: '401 Unauthorized' }
const REVOKED = {
  error: 'invalid_token',
  error_description: 'Token was revoked. You have to re-authorize from the user.',
}
const EXPIRED = {
  error: 'invalid_token',
  error_description: 'Token is expired. You can either do re-authorization or token refresh.',
}
const ROTATE_PATH = /access_tokens\/(\d+|self)\/rotate$/

/** Starts the GitLab fake on 127.0.0.1:0. */
export async function startGitlabFake(opts: GitlabFakeOptions = {}): Promise<GitlabFake> {
  const clock = opts.clock ?? Date.now
  const today = (): string => new Date(clock()).toISOString().slice(0, 10)
  const tokens = new Map<number, GlFakeToken>()
  const bySecret = new Map<string, number>()
  let nextId = 1001
  let familyRevocations = 0

  const addToken = (seed: GlTokenSeed, previousId: number | null = null): { id: number; secret: string } => {
    const id = nextId++
    const secret = seed.secret ?? `glpat-${randomBytes(15).toString('base64url')}`
    tokens.set(id, {
      id,
      userId: seed.userId ?? (seed.resource ? 9000 + id : 1),
      name: seed.name,
      description: null,
      scopes: seed.scopes ?? ['api'],
      ...(seed.resource ? { resource: seed.resource, accessLevel: 40 } : {}),
      createdAt: seed.createdAt ?? new Date(clock()).toISOString(),
      lastUsedAt: null,
      expiresAt: seed.expiresAt === undefined ? null : seed.expiresAt,
      revoked: seed.revoked ?? false,
      previousId,
      secret,
    })
    bySecret.set(secret, id)
    return { id, secret }
  }
  const seeds: GlTokenSeed[] = [
    { name: 'keyshelf', scopes: ['api'] },
    ...(typeof opts.tokens === 'number'
      ? Array.from({ length: opts.tokens }, (_, i) => ({ name: `token-${i + 1}`, scopes: ['read_api'] }))
      : (opts.tokens ?? [])),
  ]
  const adminId = seeds.map((s) => addToken(s))[0]?.id ?? 0

  const expired = (t: GlFakeToken): boolean => t.expiresAt !== null && t.expiresAt <= today()
  const active = (t: GlFakeToken): boolean => !t.revoked && !expired(t)
  const show = (t: GlFakeToken, withToken = false): Record<string, unknown> => ({
    id: t.id,
    name: t.name,
    description: t.description,
    revoked: t.revoked,
    created_at: t.createdAt,
    scopes: t.scopes,
    user_id: t.userId,
    last_used_at: t.lastUsedAt,
    active: active(t),
    expires_at: t.expiresAt,
    ...(t.accessLevel !== undefined ? { access_level: t.accessLevel } : {}),
    ...(withToken ? { token: t.secret } : {}),
  })
  const maxLifetimeDays = opts.maxLifetimeDays ?? 365
  const maintained = new Set(opts.resources ?? ['project:12', 'group:7'])
  const json = (status: number, body: unknown, headers?: Record<string, string | number>): FakeReply =>
    headers ? { status, body, headers } : { status, body }
  const insufficientScope = (scope: string): FakeReply =>
    json(403, {
      error: 'insufficient_scope',
      error_description: 'The request requires higher privileges than provided by the access token.',
      scope,
    })

  /** GitLab's RevokeTokenFamilyService: revoke every active token rotated from `t`, following the chain. */
  const revokeFamily = (t: GlFakeToken): void => {
    familyRevocations += 1
    let cur: GlFakeToken | undefined = t
    while (cur) {
      const child: GlFakeToken | undefined = [...tokens.values()].find((x) => x.previousId === cur?.id)
      if (child && !child.revoked) child.revoked = true
      cur = child
    }
  }

  const authenticate = (req: FakeRequest): GlFakeToken | FakeReply => {
    const auth = req.headers.authorization
    const header = req.headers['private-token']
    const secret =
      typeof header === 'string' ? header : auth?.startsWith('Bearer ') ? auth.slice(7) : undefined
    if (!secret) return json(401, UNAUTHORIZED)
    const id = bySecret.get(secret)
    const t = id === undefined ? undefined : tokens.get(id)
    if (!t) return json(401, UNAUTHORIZED)
    if (t.revoked) {
      if (ROTATE_PATH.test(req.path)) revokeFamily(t)
      return json(401, REVOKED)
    }
    if (expired(t)) return json(401, EXPIRED)
    t.lastUsedAt = new Date(clock()).toISOString()
    return t
  }
  const has = (t: GlFakeToken, ...scopes: string[]): boolean => scopes.some((s) => t.scopes.includes(s))

  const rotate = (req: FakeRequest, target: GlFakeToken): FakeReply => {
    if (target.revoked) return json(400, { message: '400 Bad request - token already revoked' })
    const body = (req.body ?? {}) as { expires_at?: string }
    if (body.expires_at !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(body.expires_at)) {
      return json(400, { message: '400 Bad request - expires_at is invalid' })
    }
    const week = new Date(clock() + 7 * 86_400_000).toISOString().slice(0, 10)
    const max = new Date(clock() + maxLifetimeDays * 86_400_000).toISOString().slice(0, 10)
    if (body.expires_at !== undefined && body.expires_at > max) {
      return json(400, { message: `400 Bad request - Expiration date must be on or before ${max}` })
    }
    target.revoked = true
    const { id } = addToken(
      {
        name: target.name,
        userId: target.userId,
        scopes: target.scopes,
        expiresAt: body.expires_at ?? week,
        ...(target.resource ? { resource: target.resource } : {}),
      },
      target.id,
    )
    return json(200, show(tokens.get(id) as GlFakeToken, true))
  }

  const handle = (req: FakeRequest): FakeReply => {
    if (req.route === 'unmatched') return json(404, { error: '404 Not Found' })
    const caller = authenticate(req)
    if (!('secret' in caller)) return caller
    const byId = (): GlFakeToken | null => {
      const t = tokens.get(Number(req.params.id))
      return t && t.userId === caller.userId && !t.resource ? t : null
    }
    const resource = (): string | null => {
      const kind = req.params.kind === 'projects' ? 'project' : req.params.kind === 'groups' ? 'group' : null
      const key = kind ? `${kind}:${req.params.rid}` : null
      return key && maintained.has(key) ? key : null
    }
    const inResource = (res: string): GlFakeToken | null => {
      const t = tokens.get(Number(req.params.id))
      return t && t.resource === res ? t : null
    }
    const notFoundResource = (): FakeReply =>
      json(404, { message: `404 ${req.params.kind === 'groups' ? 'Group' : 'Project'} Not Found` })
    switch (req.route) {
      case GL_ROUTES.self:
        return json(200, show(caller))
      case GL_ROUTES.list: {
        if (!has(caller, 'api', 'read_api')) return insufficientScope('api read_api')
        const userId = req.query.get('user_id')
        if (userId !== null && Number(userId) !== caller.userId) return json(401, UNAUTHORIZED)
        const state = req.query.get('state')
        const revoked = req.query.get('revoked')
        let list = [...tokens.values()].filter((t) => t.userId === caller.userId)
        if (state === 'active') list = list.filter(active)
        if (state === 'inactive') list = list.filter((t) => !active(t))
        if (revoked !== null) list = list.filter((t) => t.revoked === (revoked === 'true'))
        const page = Math.max(1, Number(req.query.get('page') ?? '1') || 1)
        const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? '20') || 20))
        const totalPages = Math.max(1, Math.ceil(list.length / perPage))
        const slice = list.slice((page - 1) * perPage, page * perPage)
        const link = (p: number, rel: string): string =>
          `<${server.origin}/api/v4/personal_access_tokens?page=${p}&per_page=${perPage}>; rel="${rel}"`
        const links = [link(1, 'first'), link(totalPages, 'last')]
        if (page < totalPages) links.unshift(link(page + 1, 'next'))
        return json(
          200,
          slice.map((t) => show(t)),
          {
            'x-total': list.length,
            'x-total-pages': totalPages,
            'x-per-page': perPage,
            'x-page': page,
            'x-next-page': page < totalPages ? page + 1 : '',
            'x-prev-page': page > 1 ? page - 1 : '',
            link: links.join(', '),
          },
        )
      }
      case GL_ROUTES.get: {
        if (!has(caller, 'api', 'read_api')) return insufficientScope('api read_api')
        const t = byId()
        // GitLab's code: a non-admin asking for a missing token or someone else's gets 401, not 404.
        return t ? json(200, show(t)) : json(401, UNAUTHORIZED)
      }
      case GL_ROUTES.rotateSelf:
        if (!has(caller, 'api', 'self_rotate')) return insufficientScope('api self_rotate')
        return rotate(req, caller)
      case GL_ROUTES.rotate: {
        if (!has(caller, 'api')) return insufficientScope('api')
        const t = byId()
        return t ? rotate(req, t) : json(401, UNAUTHORIZED)
      }
      case GL_ROUTES.revokeSelf:
        caller.revoked = true
        return { status: 204 }
      case GL_ROUTES.revoke: {
        if (!has(caller, 'api')) return insufficientScope('api')
        const other = tokens.get(Number(req.params.id))
        if (other && (other.userId !== caller.userId || other.resource)) {
          return json(400, { message: '400 Bad request - Failed to revoke token' })
        }
        const t = byId()
        if (!t) return json(404, { message: '404 Not found' })
        t.revoked = true
        return { status: 204 }
      }
      case GL_ROUTES.resourceList: {
        if (!has(caller, 'api', 'read_api')) return insufficientScope('api read_api')
        const res = resource()
        if (!res) return notFoundResource()
        return json(
          200,
          [...tokens.values()].filter((t) => t.resource === res).map((t) => show(t)),
        )
      }
      case GL_ROUTES.resourceGet: {
        const res = resource()
        if (!res) return notFoundResource()
        const t = inResource(res)
        return t ? json(200, show(t)) : json(404, { message: '404 Not Found' })
      }
      case GL_ROUTES.resourceRotate: {
        if (!has(caller, 'api')) return insufficientScope('api')
        const res = resource()
        if (!res) return notFoundResource()
        const t = inResource(res)
        return t ? rotate(req, t) : json(404, { message: '404 Not Found' })
      }
      case GL_ROUTES.resourceRevoke: {
        if (!has(caller, 'api')) return insufficientScope('api')
        const res = resource()
        if (!res) return notFoundResource()
        const t = inResource(res)
        if (!t) return json(404, { message: '404 Not Found' })
        t.revoked = true
        return { status: 204 }
      }
      default:
        return json(404, { error: '404 Not Found' })
    }
  }

  const server = await startFakeServer({
    prefix: '/api/v4',
    routes: [
      { method: 'GET', pattern: '/personal_access_tokens' },
      { method: 'GET', pattern: '/personal_access_tokens/self' },
      { method: 'GET', pattern: '/personal_access_tokens/:id' },
      { method: 'POST', pattern: '/personal_access_tokens/self/rotate' },
      { method: 'POST', pattern: '/personal_access_tokens/:id/rotate' },
      { method: 'DELETE', pattern: '/personal_access_tokens/self' },
      { method: 'DELETE', pattern: '/personal_access_tokens/:id' },
      { method: 'GET', pattern: '/:kind/:rid/access_tokens' },
      { method: 'GET', pattern: '/:kind/:rid/access_tokens/:id' },
      { method: 'POST', pattern: '/:kind/:rid/access_tokens/:id/rotate' },
      { method: 'DELETE', pattern: '/:kind/:rid/access_tokens/:id' },
    ],
    handle,
    // Rack::Attack's throttle answer: plain text, RateLimit-* headers (reset as epoch seconds), Retry-After.
    rateLimited: (_req, retryAfterSec) => ({
      status: 429,
      raw: 'Retry later\n',
      headers: {
        'RateLimit-Name': 'throttle_authenticated_api',
        'RateLimit-Limit': 2000,
        'RateLimit-Observed': 2001,
        'RateLimit-Remaining': 0,
        'RateLimit-Reset': Math.ceil(clock() / 1000) + retryAfterSec,
        'Retry-After': retryAfterSec,
      },
    }),
    failed: (_req, status) => json(status, { message: `${status} Internal Server Error` }),
  })
  const state: GitlabFakeState = {
    tokens,
    addToken: (seed) => addToken(seed),
    secretOf: (id) => {
      const t = tokens.get(id)
      if (!t) throw new Error(`no token ${id}`)
      return t.secret
    },
    adminId,
    get familyRevocations() {
      return familyRevocations
    },
  }
  return {
    url: server.origin,
    close: () => server.close(),
    state,
    setMode: (m) => server.setMode(m),
    count: (r) => server.count(r),
    server,
  }
}
