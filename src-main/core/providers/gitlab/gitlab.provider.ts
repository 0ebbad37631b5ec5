import {
  HttpClient,
  isRecord,
  joinUrl,
  parseTime,
  str,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
} from '../http.client'
import {
  ProviderError,
  ProviderOutcomeUnknownError,
  badResponse,
  isProviderError,
  quoteProvider,
  scrubText,
  statusError,
  couldNotAsk,
} from '../provider.errors'
import type {
  CallOptions,
  ListOptions,
  PendingRotation,
  ProviderAdapter,
  ProviderConnection,
  ProviderDeps,
  RemoteKey,
  RemoteKeyStatus,
  RevokeResult,
  RotateOptions,
  RotateResult,
  RotationCheck,
  VerifyResult,
} from '../provider.types'

/** gitlab.com's base URL. */
export const GITLAB_COM_URL = 'https://gitlab.com'

/** Page size for token lists (GitLab's maximum). */
export const GITLAB_PAGE_SIZE = 100

const MAX_PAGES = 1000

type GlOp = 'self' | 'list' | 'get' | 'rotate' | 'revoke' | 'resource-list'

const OPERATION: Record<GlOp, string> = {
  self: 'read the access token',
  list: 'list personal access tokens',
  get: 'read a personal access token',
  rotate: 'rotate the access token',
  revoke: 'revoke the access token',
  'resource-list': 'list project or group access tokens',
}

const DAY_MS = 86_400_000

/** GitLab's default maximum token lifetime (days) when the instance's own setting is not known. */
export const GITLAB_DEFAULT_MAX_LIFETIME_DAYS = 365

/** A token's address: a personal access token, or a project/group access token. */
type GlTarget = { kind: 'pat'; id: string } | { kind: 'project' | 'group'; resource: string; id: string }

const RESOURCE_ID = /^(project|group):(.+):(\d+)$/

/** Parses a remote id: `123` (personal) or `project:<id or path>:<token id>` / `group:…:…`. */
function parseTarget(remoteId: string): GlTarget | null {
  if (/^\d+$/.test(remoteId)) return { kind: 'pat', id: remoteId }
  const m = RESOURCE_ID.exec(remoteId)
  if (!m?.[1] || !m[2] || !m[3]) return null
  return { kind: m[1] as 'project' | 'group', resource: m[2], id: m[3] }
}

/** The REST path of a token. */
function targetPath(t: GlTarget): string {
  if (t.kind === 'pat') return `/personal_access_tokens/${t.id}`
  return `/${t.kind}s/${encodeURIComponent(t.resource)}/access_tokens/${t.id}`
}

function targetId(t: GlTarget, id: string): string {
  return t.kind === 'pat' ? id : `${t.kind}:${t.resource}:${id}`
}

function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

const SETTINGS = 'GitLab (User settings → Access tokens)'

const FAMILY_RULE =
  'GitLab treats the use of an already-rotated token to rotate as a stolen token and revokes every token of ' +
  'that token family'

/** Adds `/api/v4` to a GitLab base URL when missing and removes trailing slashes. */
export function normaliseGitlabUrl(url: string): string {
  const base = url.trim().replace(/\/+$/, '')
  return base.endsWith('/api/v4') ? base : `${base}/api/v4`
}

interface GlToken {
  id: string
  userId: string | null
  name: string
  revoked: boolean
  active: boolean
  expiresAt: number | null
  createdAt: number | null
  lastUsedAt: number | null
  scopes: string[]
}

/** Which 401 GitLab gave: its API guard names revoked and expired tokens; anything else is "unknown token". */
function authFailure(body: unknown): 'revoked' | 'expired' | 'other' {
  const d = str(body, 'error_description') ?? ''
  if (/revoked/i.test(d)) return 'revoked'
  if (/expired/i.test(d)) return 'expired'
  return 'other'
}

function gitlabMessage(body: unknown): string | null {
  if (!isRecord(body)) return null
  const d = str(body, 'error_description')
  if (d) return d
  const m = body.message
  if (typeof m === 'string') return m
  if (isRecord(m)) {
    const parts = Object.entries(m).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    return parts.join('; ') || null
  }
  return str(body, 'error')
}

/**
 * GitLab personal access tokens on gitlab.com or a self-managed instance: list the connection user's
 * tokens, verify (`/personal_access_tokens/self`), rotate (`…/{id|self}/rotate`: a new id comes back, the
 * old token is revoked at once) and revoke. Rotation respects reuse detection: the adapter checks the
 * connection token with a read call first and never sends a rotate with a token GitLab reports revoked.
 */
export class GitlabProvider implements ProviderAdapter {
  readonly id = 'gitlab' as const
  readonly displayName = 'GitLab'
  readonly capabilities = {
    list: true,
    verify: true,
    rotateSingle: true,
    rotateDual: false,
    revoke: true,
    environments: false,
  }
  private readonly http: HttpClient
  private readonly clock: () => number

  constructor(deps: ProviderDeps) {
    this.http = new HttpClient('gitlab', deps)
    this.clock = deps.clock ?? Date.now
  }

  async list(conn: ProviderConnection, opts: ListOptions = {}): Promise<RemoteKey[]> {
    const self = await this.self(conn, opts)
    const all: RemoteKey[] = []
    const userFilter = self.userId !== null ? `&user_id=${encodeURIComponent(self.userId)}` : ''
    for (let page = 1; page <= MAX_PAGES; page++) {
      const path = `/personal_access_tokens?per_page=${GITLAB_PAGE_SIZE}&page=${page}${userFilter}`
      const res = await this.call(conn, 'GET', path, 'list', opts)
      if (!Array.isArray(res.body)) throw badResponse('gitlab', OPERATION.list, res.status)
      for (const raw of res.body)
        all.push(this.toRemoteKey(this.parseToken(raw, 'list', res.status), self.id))
      const total = Number(res.headers.get('x-total') ?? '')
      opts.onProgress?.(all.length, Number.isFinite(total) && total > 0 ? total : undefined)
      const next = res.headers.get('x-next-page')
      if (res.body.length === 0) break
      if (next !== null ? next.trim() === '' : res.body.length < GITLAB_PAGE_SIZE) break
    }
    for (const r of conn.resources ?? []) all.push(...(await this.listResource(conn, r, self.id, opts)))
    return all
  }

  /** The access tokens of one project or group (`project:<id>` / `group:<id>`). */
  private async listResource(
    conn: ProviderConnection,
    resource: string,
    selfId: string,
    opts: ListOptions,
  ): Promise<RemoteKey[]> {
    const m = /^(project|group):(.+)$/.exec(resource)
    if (!m?.[1] || !m[2]) {
      throw new ProviderError(
        { kind: 'NOT_FOUND', provider: 'gitlab', operation: OPERATION['resource-list'] },
        `"${resource.slice(0, 80)}" is not a project or group: write project:<id or path> or group:<id or path>.`,
      )
    }
    const kind = m[1] as 'project' | 'group'
    const out: RemoteKey[] = []
    for (let page = 1; page <= MAX_PAGES; page++) {
      const path = `/${kind}s/${encodeURIComponent(m[2])}/access_tokens?per_page=${GITLAB_PAGE_SIZE}&page=${page}`
      const res = await this.call(conn, 'GET', path, 'resource-list', opts)
      if (!Array.isArray(res.body)) throw badResponse('gitlab', OPERATION['resource-list'], res.status)
      for (const raw of res.body) {
        const t = this.parseToken(raw, 'resource-list', res.status)
        const key = this.toRemoteKey(t, selfId)
        out.push({ ...key, remoteId: `${kind}:${m[2]}:${t.id}`, name: `${t.name} (${kind} ${m[2]})` })
      }
      const next = res.headers.get('x-next-page')
      if (res.body.length === 0 || (next !== null ? next.trim() === '' : res.body.length < GITLAB_PAGE_SIZE))
        break
    }
    return out
  }

  async verify(conn: ProviderConnection, secret?: string, opts: CallOptions = {}): Promise<VerifyResult> {
    const probe = secret === undefined ? conn : { ...conn, token: secret }
    try {
      const t = await this.self(probe, opts)
      const status = this.status(t)
      return { valid: status === 'active', remoteId: t.id, status, expiresAt: t.expiresAt, reason: null }
    } catch (err) {
      if (isProviderError(err, 'AUTH')) {
        const status: RemoteKeyStatus = err.providerCode === 'expired' ? 'expired' : 'revoked'
        return { valid: false, remoteId: null, status, expiresAt: null, reason: err.message }
      }
      throw err
    }
  }

  async rotate(conn: ProviderConnection, remoteId: string, opts: RotateOptions = {}): Promise<RotateResult> {
    if (opts.strategy === 'dual') {
      throw new ProviderError(
        { kind: 'UNSUPPORTED', provider: 'gitlab', operation: OPERATION.rotate },
        'GitLab has no two-key rotation: rotating a token revokes the old one at once. Nothing was changed. ' +
          'Choose single-step rotation.',
      )
    }
    const target = this.checkId(remoteId)
    // Reuse detection: never send a rotate authenticated by a token GitLab already revoked. A read call
    // with such a token is harmless (GitLab revokes the family only on rotate requests).
    let self: GlToken
    try {
      self = await this.self(conn, opts)
    } catch (err) {
      if (isProviderError(err, 'AUTH')) {
        throw new ProviderError(
          {
            kind: 'AUTH',
            provider: 'gitlab',
            operation: OPERATION.rotate,
            status: err.status,
            providerCode: err.providerCode,
          },
          `${err.message} Keyshelf did not send the rotate request: ${FAMILY_RULE}, so it never rotates with an old token.`,
        )
      }
      throw err
    }
    const isSelf = target.id === self.id
    let current: GlToken = self
    if (!isSelf) {
      const got = await this.call(conn, 'GET', targetPath(target), 'get', opts)
      current = this.parseToken(got.body, 'get', got.status)
      if (current.revoked) {
        throw new ProviderError(
          { kind: 'CONFLICT', provider: 'gitlab', operation: OPERATION.rotate },
          'GitLab reports this token as already revoked (it may have been rotated already). Keyshelf did not send ' +
            `the rotate request: ${FAMILY_RULE}. Sync with GitLab to pick up the current token, or create a new one ` +
            `in ${SETTINGS}.`,
        )
      }
    }
    const expiry =
      opts.expiresAt !== undefined
        ? { at: opts.expiresAt, note: null }
        : this.keepLifetime(current, conn.maxTokenLifetimeDays ?? GITLAB_DEFAULT_MAX_LIFETIME_DAYS)
    const body: Record<string, string> = { expires_at: isoDay(expiry.at) }
    const path = isSelf ? '/personal_access_tokens/self/rotate' : `${targetPath(target)}/rotate`
    const res = await this.call(conn, 'POST', path, 'rotate', opts, body)
    const value = str(res.body, 'token')
    let fresh: GlToken | null
    try {
      fresh = this.parseToken(res.body, 'rotate', res.status)
    } catch {
      fresh = null
    }
    if (!value || !fresh || fresh.id === target.id) {
      throw new ProviderOutcomeUnknownError(
        { provider: 'gitlab', operation: OPERATION.rotate, status: res.status },
        'GitLab accepted the rotation but its answer did not contain a new token Keyshelf could read. The old token ' +
          'is probably revoked now. The key is marked "rotation state unknown: verify"; verify it before doing ' +
          'anything else, and never rotate the old token again.',
      )
    }
    return {
      strategy: 'single',
      newSecret: value,
      newRemoteId: targetId(target, fresh.id),
      oldRemoteId: remoteId,
      oldKeyState: 'dead',
      oldValidUntil: null,
      alsoInvalidated: [],
      connectionKeyReplaced: isSelf,
      newExpiresAt: fresh.expiresAt,
      fallbackReason:
        opts.strategy === 'prefer-dual'
          ? 'GitLab has no two-key rotation, so the token was rotated: the old token stopped working at once.'
          : null,
      note: expiry.note,
    }
  }

  /**
   * The expiry that keeps a token's lifetime (expires_at − created_at, counted from today), capped by the
   * instance maximum. Without it GitLab gives a rotated token one week on instances that require expiry.
   */
  private keepLifetime(t: GlToken, maxDays: number): { at: number; note: string } {
    const today = utcDay(this.clock())
    const max = today + maxDays * DAY_MS
    if (t.expiresAt === null) {
      return {
        at: max,
        note:
          `The old token never expired. GitLab gives a rotated token an expiry (one week when none is asked for), so ` +
          `Keyshelf asked for the longest one the instance allows: ${maxDays} days, until ${isoDay(max)}.`,
      }
    }
    const lifetime = Math.max(DAY_MS, t.expiresAt - utcDay(t.createdAt ?? t.expiresAt - 365 * DAY_MS))
    const days = Math.round(lifetime / DAY_MS)
    if (today + lifetime > max) {
      return {
        at: max,
        note:
          `The old token lived ${days} days; the instance allows at most ${maxDays}, so the new token expires on ` +
          `${isoDay(max)} (capped by the instance maximum).`,
      }
    }
    return {
      at: today + lifetime,
      note: `The new token keeps the old one's lifetime of ${days} days: it expires on ${isoDay(today + lifetime)}.`,
    }
  }

  async revoke(conn: ProviderConnection, remoteId: string, opts: CallOptions = {}): Promise<RevokeResult> {
    const target = this.checkId(remoteId)
    try {
      await this.call(conn, 'DELETE', targetPath(target), 'revoke', opts)
      return { alreadyGone: false }
    } catch (err) {
      if (isProviderError(err, 'NOT_FOUND')) return { alreadyGone: true }
      throw err
    }
  }

  async settleRotation(
    conn: ProviderConnection,
    pending: PendingRotation,
    opts: CallOptions = {},
  ): Promise<RotationCheck> {
    // Reading `self` with the old token is safe: GitLab revokes a token family only on rotate requests.
    let old: VerifyResult
    try {
      old = await this.verify(conn, pending.oldSecret, opts)
    } catch (err) {
      return this.unknown(err)
    }
    if (old.valid) {
      return {
        state: 'not-rotated',
        newRemoteId: null,
        recoveredSecret: null,
        detail: 'The old token still works, so it was not rotated. You can rotate it again.',
      }
    }
    if (old.status === 'expired') {
      return {
        state: 'unknown',
        newRemoteId: null,
        recoveredSecret: null,
        detail: `The old token has expired, so Keyshelf cannot tell whether it was rotated. Create a new token in ${SETTINGS}.`,
      }
    }
    const lost =
      'GitLab revoked the old token, so the rotation happened, but the new token never reached Keyshelf and ' +
      'GitLab never shows it again. Never rotate the old token again'
    if (conn.token === pending.oldSecret) {
      return {
        state: 'rotated',
        newRemoteId: null,
        recoveredSecret: null,
        detail: `${lost}. Create a new token in ${SETTINGS} (or revoke the lost one there) and paste it.`,
      }
    }
    let successor: RemoteKey | undefined
    try {
      const tokens = await this.list(conn, opts)
      successor = tokens
        .filter(
          (t) =>
            t.status === 'active' &&
            (pending.name === undefined || t.name === pending.name) &&
            (t.createdAt === null || t.createdAt >= pending.startedAt - 86_400_000),
        )
        .sort((a, b) => Number(b.remoteId) - Number(a.remoteId))[0]
    } catch {
      successor = undefined
    }
    return {
      state: 'rotated',
      newRemoteId: successor?.remoteId ?? null,
      recoveredSecret: null,
      detail: successor
        ? `${lost}. The new token exists; rotating the NEW token (not the old one) gives Keyshelf a fresh value safely.`
        : `${lost}. Create a new token in ${SETTINGS} and paste it.`,
    }
  }

  private unknown(err: unknown): RotationCheck {
    return couldNotAsk('GitLab', err)
  }

  private async self(conn: ProviderConnection, opts: CallOptions): Promise<GlToken> {
    const res = await this.call(conn, 'GET', '/personal_access_tokens/self', 'self', opts)
    return this.parseToken(res.body, 'self', res.status)
  }

  private parseToken(raw: unknown, op: GlOp, status: number): GlToken {
    const id = str(raw, 'id')
    if (!isRecord(raw) || !id || !/^\d+$/.test(id)) throw badResponse('gitlab', OPERATION[op], status)
    const scopes = Array.isArray(raw.scopes)
      ? raw.scopes.filter((s): s is string => typeof s === 'string')
      : []
    return {
      id,
      userId: str(raw, 'user_id'),
      name: str(raw, 'name') ?? `token ${id}`,
      revoked: raw.revoked === true,
      active: raw.active !== false,
      expiresAt: parseTime(str(raw, 'expires_at')),
      createdAt: parseTime(str(raw, 'created_at')),
      lastUsedAt: parseTime(str(raw, 'last_used_at')),
      scopes,
    }
  }

  /** `expires_at` is a date: the token stops working at 00:00 UTC that day. */
  private status(t: GlToken): RemoteKeyStatus {
    if (t.revoked) return 'revoked'
    if (t.expiresAt !== null && t.expiresAt <= this.clock()) return 'expired'
    if (!t.active) return 'expired'
    return 'active'
  }

  private toRemoteKey(t: GlToken, selfId: string): RemoteKey {
    return {
      provider: 'gitlab',
      remoteId: t.id,
      name: t.name,
      status: this.status(t),
      expiresAt: t.expiresAt,
      createdAt: t.createdAt,
      lastUsedAt: t.lastUsedAt,
      maskedHint: null,
      scopes: t.scopes,
      isConnectionKey: t.id === selfId,
    }
  }

  private checkId(id: string): GlTarget {
    const t = parseTarget(id)
    if (!t) {
      throw new ProviderError(
        { kind: 'NOT_FOUND', provider: 'gitlab', operation: 'find the access token' },
        'This is not a GitLab token id. Sync with GitLab first, then try again.',
      )
    }
    return t
  }

  private async call(
    conn: ProviderConnection,
    method: HttpMethod,
    path: string,
    op: GlOp,
    opts: CallOptions,
    body?: unknown,
  ): Promise<HttpResponse> {
    const token = conn.token.trim().replace(/^Bearer\s+/i, '')
    const headers: Record<string, string> =
      conn.authScheme === 'bearer' ? { authorization: `Bearer ${token}` } : { 'private-token': token }
    const req: HttpRequest = {
      method,
      url: joinUrl(normaliseGitlabUrl(conn.baseUrl), path),
      headers,
      idempotent: method === 'GET' || method === 'DELETE',
      operation: OPERATION[op],
      secrets: [conn.token, token],
    }
    if (body !== undefined) req.body = body
    if (opts.signal) req.signal = opts.signal
    if (opts.timeoutMs !== undefined) req.timeoutMs = opts.timeoutMs
    return this.http.send(req, (r) => this.mapError(r, req, op))
  }

  private mapError(res: HttpResponse, req: HttpRequest, op: GlOp): ProviderError {
    const raw = gitlabMessage(res.body)
    const clean = raw === null ? null : scrubText(raw, req.secrets)
    const code = str(res.body, 'error')
    const q = quoteProvider(
      'gitlab',
      code && !(clean ?? '').includes(code)
        ? `${clean ? `${clean}, ` : ''}code ${scrubText(code, req.secrets, 60)}`
        : clean,
    )
    const base = {
      provider: 'gitlab' as const,
      operation: req.operation,
      status: res.status,
      providerCode: code,
    }
    if (res.status === 401) {
      const why = authFailure(res.body)
      if (why === 'revoked' && op === 'rotate') {
        return new ProviderError(
          { ...base, kind: 'AUTH', providerCode: 'revoked' },
          `GitLab says this token was already revoked, so it had probably been rotated before${q}. ${FAMILY_RULE}, ` +
            'so the newest token of this family may now be revoked as well. Create a new personal access token in ' +
            `${SETTINGS} and paste it.`,
        )
      }
      if (why === 'revoked') {
        return new ProviderError(
          { ...base, kind: 'AUTH', providerCode: 'revoked' },
          `GitLab says this token was revoked (it may have been rotated already)${q}. Nothing was changed. ` +
            `Paste the current token from ${SETTINGS}; do not rotate the old one.`,
        )
      }
      if (why === 'expired') {
        return new ProviderError(
          { ...base, kind: 'AUTH', providerCode: 'expired' },
          `The GitLab token has expired${q}. Nothing was changed. Create a new token in ${SETTINGS} and paste it.`,
        )
      }
      if (op === 'get' || (op === 'rotate' && !/\/self\/rotate$/.test(req.url))) {
        // The connection token was just accepted (self); GitLab answers 401 to a non-admin for a token id
        // that does not exist or belongs to someone else.
        return new ProviderError(
          { ...base, kind: 'NOT_FOUND', providerCode: 'not-found-or-not-yours' },
          `GitLab did not find this token, or it is not yours (GitLab answers 401 for both)${q}. Nothing was ` +
            'changed. Sync with GitLab to refresh the token list; only tokens of the connected user can be rotated.',
        )
      }
      return new ProviderError(
        { ...base, kind: 'AUTH' },
        `GitLab rejected the token: it is unknown, revoked, or from another GitLab instance${q}. Nothing was ` +
          `changed. Check the server URL and paste the current token from ${SETTINGS}.`,
      )
    }
    if (res.status === 403) {
      const need =
        op === 'rotate'
          ? '`api` (or `self_rotate` to rotate itself)'
          : op === 'revoke'
            ? '`api`'
            : '`api` or `read_api`'
      return new ProviderError(
        { ...base, kind: 'FORBIDDEN', providerCode: str(res.body, 'error') },
        `GitLab accepted the token but refused to ${req.operation}: the token needs the ${need} scope${q}. ` +
          `Nothing was changed. Create a token with that scope in ${SETTINGS}.`,
      )
    }
    if (res.status === 400 && /already revoked/i.test(raw ?? '')) {
      return new ProviderError(
        { ...base, kind: 'CONFLICT', providerCode: 'revoked' },
        `GitLab says this token was already revoked${q}. ${FAMILY_RULE}. Sync with GitLab to pick up the current ` +
          `token, or create a new one in ${SETTINGS}.`,
      )
    }
    if (res.status === 400 && op === 'rotate' && /expir/i.test(raw ?? '')) {
      return new ProviderError(
        { ...base, kind: 'CONFLICT', providerCode: 'expires_at' },
        `GitLab refused the new token's expiry date${q}: this instance allows shorter token lifetimes than ` +
          'Keyshelf asked for. Nothing was changed. Set the instance maximum (days) on the connection and rotate again.',
      )
    }
    if (res.status === 400 && op === 'revoke') {
      return new ProviderError(
        { ...base, kind: 'FORBIDDEN' },
        `GitLab refused to revoke this token: it belongs to another user${q}. Nothing was changed.`,
      )
    }
    if (res.status === 404 && /(Project|Group) Not Found/i.test(raw ?? '')) {
      return new ProviderError(
        { ...base, kind: 'NOT_FOUND', providerCode: 'resource' },
        `GitLab did not find the project or group, or the token may not manage its access tokens (Maintainer ` +
          `role and the api scope are needed)${q}. Nothing was changed.`,
      )
    }
    if (res.status === 404) {
      return new ProviderError(
        { ...base, kind: 'NOT_FOUND' },
        `GitLab could not find this personal access token: it was deleted, or it belongs to another user${q}. ` +
          'Nothing was changed.',
      )
    }
    if (res.status === 405) {
      return new ProviderError(
        { ...base, kind: 'UNSUPPORTED' },
        `GitLab cannot ${req.operation}: this is not a personal access token${q}. Nothing was changed.`,
      )
    }
    return statusError('gitlab', res.status, req.operation, clean, str(res.body, 'error'))
  }
}
