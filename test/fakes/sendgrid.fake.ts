/**
 * A loopback SendGrid v3 API-keys fake, written from SendGrid's docs and OpenAPI spec (shared/providers.md §4;
 * twilio/sendgrid-oai `tsg_api_keys_v3.json`): `Authorization: Bearer SG.<id>.<secret>` keys (69 characters),
 * `GET /v3/scopes`, `GET/POST /v3/api_keys`, `GET/PATCH/PUT/DELETE /v3/api_keys/{id}`, the `{errors:[{field,
 * message}]}` error body, 201 with the key shown once on create, 204 on delete, the 100-key cap (403), and
 * `X-RateLimit-*` headers with no `Retry-After` on 429. Where docs and spec disagree, both are handled by
 * the adapter and the fake follows the spec: `GET /v3/api_keys/{id}` wraps the key in `result: [ … ]`.
 * Not modelled from code (SendGrid's server is closed source): the exact 401 text and which scope a key
 * needs to manage other keys (here `api_keys.*`, as the docs describe "scopes to manage additional API keys").
 */
import { randomBytes } from 'node:crypto'
import {
  startFakeServer,
  type FakeMode,
  type FakeReply,
  type FakeRequest,
  type FakeServer,
} from './http-fake'

/** One API key as the fake stores it. */
export interface SgFakeKey {
  id: string
  name: string
  scopes: string[]
  secret: string
}

/** Options for {@link startSendgridFake}. */
export interface SendgridFakeOptions {
  /** Seeded keys; default one full-access "keyshelf" key and one "mail" key with `mail.send`. */
  keys?: { name: string; scopes?: string[] }[]
  /** Deleted keys keep authenticating this long ("after some small propagation delay"). Default 0. */
  revokeLagMs?: number
  clock?: () => number
}

/** A running SendGrid fake. */
export interface SendgridFake {
  /** `http://127.0.0.1:<port>` (routes live under `/v3`). */
  url: string
  close(): Promise<void>
  keys: Map<string, SgFakeKey>
  /** The value of a seeded key by name. */
  secretOf(name: string): string
  setMode(mode: FakeMode): void
  count(route: string): number
  server: FakeServer
}

/** Route names, for counting requests. */
export const SG_ROUTES = {
  scopes: 'GET /v3/scopes',
  list: 'GET /v3/api_keys',
  get: 'GET /v3/api_keys/:id',
  create: 'POST /v3/api_keys',
  delete: 'DELETE /v3/api_keys/:id',
} as const

/** Every scope a full-access key has (a subset: what the fake needs). */
export const FULL_ACCESS = [
  'api_keys.create',
  'api_keys.delete',
  'api_keys.read',
  'api_keys.update',
  'mail.send',
  'scopes.read',
]

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const rand = (n: number): string => Array.from(randomBytes(n), (b) => B64[b % 64]).join('')

/** Starts the SendGrid fake on 127.0.0.1:0. */
export async function startSendgridFake(opts: SendgridFakeOptions = {}): Promise<SendgridFake> {
  const clock = opts.clock ?? Date.now
  const keys = new Map<string, SgFakeKey>()
  const lagging = new Map<string, { key: SgFakeKey; until: number }>()
  const add = (name: string, scopes: string[]): SgFakeKey => {
    const id = rand(22)
    const key: SgFakeKey = { id, name, scopes, secret: `SG.${id}.${rand(43)}` }
    keys.set(id, key)
    return key
  }
  for (const k of opts.keys ?? [{ name: 'keyshelf' }, { name: 'mail', scopes: ['mail.send'] }]) {
    add(k.name, k.scopes ?? FULL_ACCESS)
  }

  const err = (status: number, message: string, field: string | null = null): FakeReply => ({
    status,
    body: { errors: [{ field, message }] },
  })
  const limits = {
    'X-RateLimit-Limit': 600,
    'X-RateLimit-Remaining': 599,
    'X-RateLimit-Reset': Math.ceil(clock() / 1000) + 60,
  }

  const authenticate = (req: FakeRequest): SgFakeKey | FakeReply => {
    const h = req.headers.authorization
    if (!h?.startsWith('Bearer ')) return err(401, 'authorization required')
    const secret = h.slice(7)
    const found = [...keys.values()].find((k) => k.secret === secret)
    if (found) return found
    const lag = [...lagging.values()].find((l) => l.key.secret === secret && l.until > clock())
    if (lag) return lag.key
    return err(401, 'The provided authorization grant is invalid, expired, or revoked')
  }
  const can = (k: SgFakeKey, scope: string): boolean => k.scopes.includes(scope)
  const forbidden = (): FakeReply => err(403, 'access forbidden')

  const handle = (req: FakeRequest): FakeReply => {
    if (req.route === 'unmatched') return err(404, 'resource not found')
    const caller = authenticate(req)
    if ('status' in caller) return caller
    const reply = (r: FakeReply): FakeReply => ({ ...r, headers: { ...limits, ...r.headers } })
    switch (req.route) {
      case SG_ROUTES.scopes:
        return reply({ status: 200, body: { scopes: caller.scopes } })
      case SG_ROUTES.list: {
        if (!can(caller, 'api_keys.read')) return forbidden()
        const limit = Number(req.query.get('limit') ?? '50') || 50
        return reply({
          status: 200,
          body: {
            result: [...keys.values()].slice(0, limit).map((k) => ({ api_key_id: k.id, name: k.name })),
          },
        })
      }
      case SG_ROUTES.get: {
        if (!can(caller, 'api_keys.read')) return forbidden()
        const k = keys.get(req.params.id ?? '')
        if (!k) return err(404, 'unable to find API Key')
        return reply({
          status: 200,
          body: { result: [{ api_key_id: k.id, name: k.name, scopes: k.scopes }] },
        })
      }
      case SG_ROUTES.create: {
        if (!can(caller, 'api_keys.create')) return forbidden()
        const body = (req.body ?? {}) as { name?: unknown; scopes?: unknown }
        if (typeof body.name !== 'string' || body.name === '')
          return err(400, 'missing required argument', 'name')
        if (keys.size >= 100) return err(403, 'Cannot create more than 100 API keys')
        const scopes = Array.isArray(body.scopes)
          ? body.scopes.filter((s): s is string => typeof s === 'string')
          : FULL_ACCESS
        if (scopes.some((s) => !can(caller, s))) return err(403, 'access forbidden', 'scopes')
        const k = add(body.name, scopes)
        return reply({
          status: 201,
          body: { api_key: k.secret, api_key_id: k.id, name: k.name, scopes: k.scopes },
        })
      }
      case SG_ROUTES.delete: {
        if (!can(caller, 'api_keys.delete')) return forbidden()
        const k = keys.get(req.params.id ?? '')
        if (!k) return err(404, 'unable to find API Key')
        keys.delete(k.id)
        if ((opts.revokeLagMs ?? 0) > 0)
          lagging.set(k.id, { key: k, until: clock() + (opts.revokeLagMs ?? 0) })
        return reply({ status: 204 })
      }
      default:
        return err(404, 'resource not found')
    }
  }

  const server = await startFakeServer({
    prefix: '',
    routes: [
      { method: 'GET', pattern: '/v3/scopes' },
      { method: 'GET', pattern: '/v3/api_keys' },
      { method: 'GET', pattern: '/v3/api_keys/:id' },
      { method: 'POST', pattern: '/v3/api_keys' },
      { method: 'DELETE', pattern: '/v3/api_keys/:id' },
    ],
    handle,
    rateLimited: () => ({
      ...err(429, 'too many requests'),
      headers: {
        'X-RateLimit-Limit': 600,
        'X-RateLimit-Remaining': 0,
        'X-RateLimit-Reset': Math.ceil(clock() / 1000) + 2,
      },
    }),
    failed: (_req, status) => err(status, 'internal server error'),
  })
  return {
    url: server.origin,
    close: () => server.close(),
    keys,
    secretOf: (name) => {
      const k = [...keys.values()].find((x) => x.name === name)
      if (!k) throw new Error(`no key ${name}`)
      return k.secret
    },
    setMode: (m) => server.setMode(m),
    count: (r) => server.count(r),
    server,
  }
}
