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
  RemoteEnvironment,
  RemoteKey,
  RemoteKeyStatus,
  RevokeResult,
  RotateOptions,
  RotateResult,
  RotationCheck,
  VerifyResult,
} from '../provider.types'

/** Cloudflare's API root. */
export const CLOUDFLARE_API_URL = 'https://api.cloudflare.com/client/v4'

/** Page size for token and account lists (Cloudflare's maximum for these lists). */
export const CLOUDFLARE_PAGE_SIZE = 50

const MAX_PAGES = 1000

type CfOp = 'verify' | 'list' | 'get' | 'roll' | 'delete' | 'accounts'

const OPERATION: Record<CfOp, string> = {
  verify: 'verify the API token',
  list: 'list API tokens',
  get: 'read an API token',
  roll: 'roll the API token',
  delete: 'delete the API token',
  accounts: 'list accounts',
}

const DASHBOARD = 'the Cloudflare dashboard (My Profile → API Tokens, or Manage Account → API Tokens)'

/** Adds `/client/v4` to a bare Cloudflare base URL and removes trailing slashes. */
export function normaliseCloudflareUrl(url: string): string {
  const base = url.trim().replace(/\/+$/, '')
  return base.endsWith('/client/v4') ? base : `${base}/client/v4`
}

interface CfError {
  code: string | null
  message: string | null
}

function firstError(body: unknown): CfError & { chain: string[] } {
  if (!isRecord(body) || !Array.isArray(body.errors) || body.errors.length === 0)
    return { code: null, message: null, chain: [] }
  const e: unknown = body.errors[0]
  const chain =
    isRecord(e) && Array.isArray(e.error_chain)
      ? e.error_chain.map((c) => str(c, 'code')).filter((c): c is string => c !== null)
      : []
  return { code: str(e, 'code'), message: str(e, 'message'), chain }
}

/** Cloudflare's "the Authorization header is malformed" codes (the token is not even shaped like one). */
const MALFORMED_CODES = new Set(['6003', '6111'])
/** "No route for the URI": a wrong base URL or account id, never "the token is gone". */
const NO_ROUTE = '7003'

/**
 * Cloudflare user or account API tokens (`conn.accountId` selects account tokens): list all pages, verify,
 * roll (`PUT …/tokens/{id}/value`: same id, new value, old value dead at once) and delete.
 */
export class CloudflareProvider implements ProviderAdapter {
  readonly id = 'cloudflare' as const
  readonly displayName = 'Cloudflare'
  readonly capabilities = {
    list: true,
    verify: true,
    rotateSingle: true,
    rotateDual: false,
    revoke: true,
    environments: true,
  }
  private readonly http: HttpClient
  private readonly clock: () => number

  constructor(deps: ProviderDeps) {
    this.http = new HttpClient('cloudflare', deps)
    this.clock = deps.clock ?? Date.now
  }

  async listEnvironments(conn: ProviderConnection, opts: ListOptions = {}): Promise<RemoteEnvironment[]> {
    let accounts: unknown[]
    try {
      accounts = await this.paged(conn, '/accounts', 'accounts', opts)
    } catch (err) {
      // An account-owned token may not list accounts (400, code 1001): its account is the one it was given.
      if (conn.accountId === undefined || !isProviderError(err) || err.providerCode !== '1001') throw err
      accounts = [{ id: conn.accountId, name: conn.accountId }]
    }
    return accounts.map((a) => {
      const id = str(a, 'id')
      if (!id) throw badResponse('cloudflare', OPERATION.accounts, 200)
      return {
        provider: 'cloudflare',
        remoteId: id,
        name: str(a, 'name') ?? id,
        parentId: null,
        applicationIdentifier: null,
        apiUrl: normaliseCloudflareUrl(conn.baseUrl),
        wsUrl: null,
        region: 'global',
        isConnectionEnvironment: conn.accountId !== undefined && id === conn.accountId,
      }
    })
  }

  async list(conn: ProviderConnection, opts: ListOptions = {}): Promise<RemoteKey[]> {
    const self = await this.verifySelf(conn, opts)
    const tokens = await this.paged(conn, this.tokensPath(conn), 'list', opts)
    return tokens.map((t) => this.toRemoteKey(t, self.id))
  }

  async verify(conn: ProviderConnection, secret?: string, opts: CallOptions = {}): Promise<VerifyResult> {
    const probe = secret === undefined ? conn : { ...conn, token: secret }
    try {
      const r = await this.verifySelf(probe, opts)
      return {
        valid: r.status === 'active',
        remoteId: r.id,
        status: r.status,
        expiresAt: r.expiresAt,
        reason: null,
      }
    } catch (err) {
      if (isProviderError(err, 'AUTH')) {
        if (
          probe.accountId === undefined &&
          err.providerCode === '1000' &&
          (await this.accountOwned(probe, opts))
        ) {
          return {
            valid: false,
            remoteId: null,
            status: 'active',
            expiresAt: null,
            needsAccountId: true,
            reason:
              'This looks like an account-owned API token: Cloudflare does not let it read user tokens or list ' +
              'accounts (it answered code 1001). Give the account id (32 hexadecimal characters, on the account’s ' +
              'Overview page) and connect again',
          }
        }
        return { valid: false, remoteId: null, status: 'revoked', expiresAt: null, reason: err.message }
      }
      throw err
    }
  }

  /** True when `GET /accounts` answers 400 code 1001: the token exists but is owned by an account. */
  private async accountOwned(conn: ProviderConnection, opts: CallOptions): Promise<boolean> {
    try {
      await this.call(conn, 'GET', '/accounts?page=1&per_page=5', 'accounts', opts)
      return false
    } catch (err) {
      return isProviderError(err) && err.status === 400 && err.providerCode === '1001'
    }
  }

  async rotate(conn: ProviderConnection, remoteId: string, opts: RotateOptions = {}): Promise<RotateResult> {
    if (opts.strategy === 'dual') {
      throw new ProviderError(
        { kind: 'UNSUPPORTED', provider: 'cloudflare', operation: OPERATION.roll },
        'Cloudflare has no two-key rotation: rolling a token replaces its value and the old value stops working at ' +
          'once. Nothing was changed. Choose single-step rotation.',
      )
    }
    this.checkId(remoteId, 'roll')
    const self = await this.verifySelf(conn, opts)
    const res = await this.call(conn, 'PUT', `${this.tokensPath(conn)}/${remoteId}/value`, 'roll', opts, {})
    const value = isRecord(res.body) && res.body.success === true ? res.body.result : undefined
    if (typeof value !== 'string' || value.length < 20) {
      throw new ProviderOutcomeUnknownError(
        { provider: 'cloudflare', operation: OPERATION.roll, status: res.status },
        'Cloudflare accepted the roll but its answer did not contain a new token value Keyshelf could read. The ' +
          'token may have changed. The key is marked "rotation state unknown: verify"; verify it before doing ' +
          'anything else.',
      )
    }
    return {
      strategy: 'single',
      newSecret: value,
      newRemoteId: remoteId,
      oldRemoteId: remoteId,
      oldKeyState: 'dead',
      oldValidUntil: null,
      alsoInvalidated: [],
      connectionKeyReplaced: self.id === remoteId,
      newExpiresAt: null,
      fallbackReason:
        opts.strategy === 'prefer-dual'
          ? 'Cloudflare has no two-key rotation, so the token was rolled: the old value stopped working at once.'
          : null,
      note: null,
    }
  }

  async revoke(conn: ProviderConnection, remoteId: string, opts: CallOptions = {}): Promise<RevokeResult> {
    this.checkId(remoteId, 'delete')
    try {
      await this.call(conn, 'DELETE', `${this.tokensPath(conn)}/${remoteId}`, 'delete', opts)
      return { alreadyGone: false }
    } catch (err) {
      // Only "token not found" means already gone; "no route" (7003) is a wrong URL or account.
      if (isProviderError(err, 'NOT_FOUND') && err.providerCode !== NO_ROUTE) return { alreadyGone: true }
      throw err
    }
  }

  async settleRotation(
    conn: ProviderConnection,
    pending: PendingRotation,
    opts: CallOptions = {},
  ): Promise<RotationCheck> {
    let oldWorks: boolean
    try {
      oldWorks = (await this.verify(conn, pending.oldSecret, opts)).valid
    } catch (err) {
      return this.unknown(err)
    }
    if (oldWorks) {
      return {
        state: 'not-rotated',
        newRemoteId: null,
        recoveredSecret: null,
        detail: 'The old token still works, so it was not rolled. You can roll it again.',
      }
    }
    const lost =
      'Cloudflare no longer accepts the old value, so the token was rolled, but the new value never reached ' +
      'Keyshelf and Cloudflare never shows it again.'
    if (conn.token === pending.oldSecret) {
      return {
        state: 'rotated',
        newRemoteId: pending.oldRemoteId,
        recoveredSecret: null,
        detail: `${lost} Roll the token again in ${DASHBOARD} and paste the new value.`,
      }
    }
    try {
      await this.call(conn, 'GET', `${this.tokensPath(conn)}/${pending.oldRemoteId}`, 'get', opts)
    } catch (err) {
      if (isProviderError(err, 'NOT_FOUND')) {
        return {
          state: 'rotated',
          newRemoteId: null,
          recoveredSecret: null,
          detail:
            'The token no longer exists at Cloudflare (it was deleted). Create a new token and paste it.',
        }
      }
      return this.unknown(err)
    }
    return {
      state: 'rotated',
      newRemoteId: pending.oldRemoteId,
      recoveredSecret: null,
      detail: `${lost} Roll it again (safe: Cloudflare has no reuse detection) and Keyshelf stores the new value.`,
    }
  }

  private unknown(err: unknown): RotationCheck {
    return couldNotAsk('Cloudflare', err)
  }

  private async verifySelf(
    conn: ProviderConnection,
    opts: CallOptions,
  ): Promise<{ id: string; status: RemoteKeyStatus; expiresAt: number | null }> {
    const res = await this.call(conn, 'GET', `${this.tokensPath(conn)}/verify`, 'verify', opts)
    const r = this.result(res, 'verify')
    const id = str(r, 'id')
    if (!id) throw badResponse('cloudflare', OPERATION.verify, res.status)
    const expiresAt = parseTime(str(r, 'expires_on'))
    return { id, status: this.status(str(r, 'status'), expiresAt), expiresAt }
  }

  /** Reads every page (`page`/`per_page`, `result_info.total_pages`), reporting progress after each. */
  private async paged(
    conn: ProviderConnection,
    path: string,
    op: CfOp,
    opts: ListOptions,
  ): Promise<unknown[]> {
    const all: unknown[] = []
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = `?page=${page}&per_page=${CLOUDFLARE_PAGE_SIZE}&direction=asc`
      const res = await this.call(conn, 'GET', `${path}${query}`, op, opts)
      const items = this.result(res, op)
      if (!Array.isArray(items)) throw badResponse('cloudflare', OPERATION[op], res.status)
      all.push(...(items as unknown[]))
      const info = isRecord(res.body) && isRecord(res.body.result_info) ? res.body.result_info : null
      const totalPages = info && typeof info.total_pages === 'number' ? info.total_pages : null
      const totalCount = info && typeof info.total_count === 'number' ? info.total_count : undefined
      opts.onProgress?.(all.length, totalCount)
      if (items.length === 0) break
      if (totalPages !== null ? page >= totalPages : items.length < CLOUDFLARE_PAGE_SIZE) break
    }
    return all
  }

  private toRemoteKey(t: unknown, selfId: string): RemoteKey {
    const id = str(t, 'id')
    if (!id) throw badResponse('cloudflare', OPERATION.list, 200)
    const expiresAt = parseTime(str(t, 'expires_on'))
    const scopes = new Set<string>()
    const policies = isRecord(t) && Array.isArray(t.policies) ? t.policies : []
    for (const p of policies) {
      const groups = isRecord(p) && Array.isArray(p.permission_groups) ? p.permission_groups : []
      for (const g of groups) {
        const name = str(g, 'name')
        if (name) scopes.add(name)
      }
    }
    return {
      provider: 'cloudflare',
      remoteId: id,
      name: str(t, 'name') ?? id,
      status: this.status(str(t, 'status'), expiresAt),
      expiresAt,
      createdAt: parseTime(str(t, 'issued_on')),
      lastUsedAt: parseTime(str(t, 'last_used_on')),
      maskedHint: null,
      scopes: [...scopes],
      isConnectionKey: id === selfId,
    }
  }

  /** `disabled` and `expired` map as they are; an `active` token past `expires_on` is `expired`. */
  private status(raw: string | null, expiresAt: number | null): RemoteKeyStatus {
    if (raw === 'disabled') return 'disabled'
    if (raw === 'expired') return 'expired'
    if (expiresAt !== null && expiresAt <= this.clock()) return 'expired'
    return 'active'
  }

  private tokensPath(conn: ProviderConnection): string {
    if (conn.accountId === undefined) return '/user/tokens'
    if (!/^[0-9a-f]{32}$/i.test(conn.accountId)) {
      throw new ProviderError(
        { kind: 'NOT_FOUND', provider: 'cloudflare', operation: 'use the account' },
        'The Cloudflare account id is not valid (it is 32 hexadecimal characters, shown on the account’s Overview ' +
          'page). Fix it in the connection settings.',
      )
    }
    return `/accounts/${conn.accountId}/tokens`
  }

  private checkId(id: string, what: string): void {
    if (!/^[0-9a-f]{32}$/i.test(id)) {
      throw new ProviderError(
        { kind: 'NOT_FOUND', provider: 'cloudflare', operation: `${what} the API token` },
        'This is not a Cloudflare token id. Sync the app with Cloudflare first, then try again.',
      )
    }
  }

  private result(res: HttpResponse, op: CfOp): unknown {
    if (!isRecord(res.body) || res.body.success !== true || !('result' in res.body)) {
      throw badResponse('cloudflare', OPERATION[op], res.status)
    }
    return res.body.result
  }

  private async call(
    conn: ProviderConnection,
    method: HttpMethod,
    path: string,
    op: CfOp,
    opts: CallOptions,
    body?: unknown,
  ): Promise<HttpResponse> {
    const token = conn.token.trim().replace(/^Bearer\s+/i, '')
    const req: HttpRequest = {
      method,
      url: joinUrl(normaliseCloudflareUrl(conn.baseUrl), path),
      headers: { authorization: `Bearer ${token}` },
      // A roll replaces the value each time it runs: it is not idempotent even though it is a PUT.
      idempotent: method === 'GET' || method === 'DELETE',
      operation: OPERATION[op],
      secrets: [conn.token, token],
    }
    if (body !== undefined) req.body = body
    if (opts.signal) req.signal = opts.signal
    if (opts.timeoutMs !== undefined) req.timeoutMs = opts.timeoutMs
    const res = await this.http.send(req, (r) => this.mapError(r, req, op))
    if (isRecord(res.body) && res.body.success === false) throw this.mapError(res, req, op)
    return res
  }

  private mapError(res: HttpResponse, req: HttpRequest, op: CfOp): ProviderError {
    const e = firstError(res.body)
    const clean = e.message === null ? null : scrubText(e.message, req.secrets)
    const said = clean === null ? null : e.code ? `${clean} (code ${e.code})` : clean
    const q = quoteProvider('cloudflare', said)
    const base = {
      provider: 'cloudflare' as const,
      operation: req.operation,
      status: res.status,
      providerCode: e.code,
    }
    if (
      res.status === 400 &&
      (MALFORMED_CODES.has(e.code ?? '') || e.chain.some((c) => MALFORMED_CODES.has(c)))
    ) {
      return new ProviderError(
        { ...base, kind: 'AUTH' },
        'Cloudflare says the API token is malformed: it is not shaped like a token (a part is missing, or extra ' +
          `characters were pasted)${q}. Nothing was changed. Copy the token again from ${DASHBOARD} and paste it whole.`,
      )
    }
    if (res.status === 401 || e.code === '1000') {
      return new ProviderError(
        { ...base, kind: 'AUTH' },
        'Cloudflare rejected the API token: it was rolled, deleted, expired or mistyped' +
          `${q}. Nothing was changed. Paste the current token from ${DASHBOARD}.`,
      )
    }
    if (res.status === 403) {
      const perm =
        op === 'accounts'
          ? 'permission to read accounts'
          : req.method === 'GET'
            ? '“API Tokens Read” or “API Tokens Write” permission'
            : '“API Tokens Write” permission'
      return new ProviderError(
        { ...base, kind: 'FORBIDDEN' },
        `Cloudflare accepted the API token but refused to ${req.operation}: the token needs the ${perm}${q}. ` +
          `Nothing was changed. Edit the token’s permissions in ${DASHBOARD}.`,
      )
    }
    if (res.status === 404 && e.code === NO_ROUTE) {
      return new ProviderError(
        { ...base, kind: 'NOT_FOUND' },
        `Cloudflare has no such API route${q}. Check the server URL and the account id. Nothing was changed.`,
      )
    }
    if (res.status === 404) {
      return new ProviderError(
        { ...base, kind: 'NOT_FOUND' },
        `Cloudflare could not find this API token: it may have been deleted${q}. Nothing was changed.`,
      )
    }
    return statusError('cloudflare', res.status, req.operation, said, e.code)
  }
}
