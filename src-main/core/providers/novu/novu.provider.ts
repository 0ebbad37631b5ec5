import { createHash } from 'node:crypto'
import {
  HttpClient,
  isRecord,
  joinUrl,
  str,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
} from '../http.client'
import {
  ProviderError,
  ProviderNeedsDashboardError,
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
  RevokeResult,
  RotateOptions,
  RotateResult,
  RotationCheck,
  VerifyResult,
} from '../provider.types'
import { normaliseNovuApiUrl, novuDashboardUrl, novuEndpointsForBaseUrl } from './novu.regions'

/** Novu's id for a secret key: the lowercase sha256 hex of the key (what `DELETE /api-keys/{hash}` takes). */
export function novuKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

/** The Novu operations, each with its own error wording. */
type NovuOp = 'me' | 'environments' | 'keys' | 'regenerate' | 'create-key' | 'delete-key'

const OPERATION: Record<NovuOp, string> = {
  me: 'read the key’s environment',
  environments: 'list environments',
  keys: 'list secret keys',
  regenerate: 'regenerate the secret key',
  'create-key': 'add a second secret key',
  'delete-key': 'delete a secret key',
}

const DASHBOARD = 'the Novu dashboard (Settings → API Keys)'
const HASH_RE = /^[0-9a-f]{64}$/
const CACHE_NOTE =
  'Novu servers may keep accepting the old key for up to a minute after a rotation (their key cache); ' +
  'after that it is rejected.'

interface NovuApiKey {
  key: string
  hash: string
}

interface NovuEnvironment {
  id: string
  name: string
  parentId: string | null
  identifier: string
  slug: string | null
}

/**
 * The guard's answers to an `ApiKey` caller on an endpoint that is not `@ExternalApiAccessible` (current and
 * older builds). They mean "needs a dashboard session", never "the key was revoked".
 */
const NOT_EXTERNAL = new Set(['API endpoint not available', 'API endpoint not accessible'])
const NOT_EXTERNAL_CODE = 'endpoint-not-external'

function novuMessage(body: unknown): string | null {
  if (!isRecord(body)) return null
  const m = body.message
  if (typeof m === 'string') return m
  if (Array.isArray(m)) return m.filter((x): x is string => typeof x === 'string').join('; ') || null
  return null
}

/**
 * Novu: environments (name, public application identifier, region URLs) and the secret keys of the
 * connecting key's environment. Rotation is single-phase `regenerate` or, where the server allows it,
 * rolling two-key rotation (create a second key, later delete the old one by its sha256).
 */
export class NovuProvider implements ProviderAdapter {
  readonly id = 'novu' as const
  readonly displayName = 'Novu'
  readonly capabilities = {
    list: true,
    verify: true,
    rotateSingle: true,
    rotateDual: true,
    revoke: true,
    environments: true,
  }
  private readonly http: HttpClient
  private readonly clock: () => number

  constructor(deps: ProviderDeps) {
    this.http = new HttpClient('novu', deps)
    this.clock = deps.clock ?? Date.now
  }

  async listEnvironments(conn: ProviderConnection, opts: ListOptions = {}): Promise<RemoteEnvironment[]> {
    const me = await this.me(conn, opts)
    const res = await this.call(conn, 'GET', '/v1/environments', 'environments', opts)
    const data = this.data(res, 'environments')
    if (!Array.isArray(data)) throw badResponse('novu', OPERATION.environments, res.status)
    const endpoints = novuEndpointsForBaseUrl(conn.baseUrl, conn.wsUrl)
    const envs = data.map((raw) => this.parseEnvironment(raw, 'environments', res.status))
    opts.onProgress?.(envs.length, envs.length)
    return envs.map((e) => ({
      provider: 'novu',
      remoteId: e.id,
      name: e.name,
      parentId: e.parentId,
      applicationIdentifier: e.identifier,
      apiUrl: endpoints.apiUrl,
      wsUrl: endpoints.wsUrl,
      region: endpoints.region,
      isConnectionEnvironment: e.id === me.id,
    }))
  }

  async list(conn: ProviderConnection, opts: ListOptions = {}): Promise<RemoteKey[]> {
    const me = await this.me(conn, opts)
    const keys = await this.keys(conn, opts)
    const own = novuKeyHash(this.secret(conn.token))
    opts.onProgress?.(keys.length, keys.length)
    return keys.map((k, i) => ({
      provider: 'novu',
      remoteId: k.hash,
      name: keys.length > 1 ? `${me.name} secret key ${i + 1}` : `${me.name} secret key`,
      status: 'active',
      expiresAt: null,
      createdAt: null,
      lastUsedAt: null,
      maskedHint: k.key.length >= 12 ? `…${k.key.slice(-4)}` : null,
      scopes: [],
      isConnectionKey: k.hash === own,
      secret: k.key,
      environmentId: me.id,
      environmentName: me.name,
    }))
  }

  async verify(conn: ProviderConnection, secret?: string, opts: CallOptions = {}): Promise<VerifyResult> {
    const probe = secret === undefined ? conn : { ...conn, token: secret }
    try {
      const me = await this.me(probe, opts)
      return {
        valid: true,
        remoteId: novuKeyHash(this.secret(probe.token)),
        status: 'active',
        expiresAt: null,
        reason: null,
        environmentId: me.id,
        environmentName: me.name,
      }
    } catch (err) {
      if (isProviderError(err, 'AUTH')) {
        return { valid: false, remoteId: null, status: 'revoked', expiresAt: null, reason: err.message }
      }
      throw err
    }
  }

  async rotate(conn: ProviderConnection, remoteId: string, opts: RotateOptions = {}): Promise<RotateResult> {
    const strategy = opts.strategy ?? 'prefer-dual'
    this.checkHash(remoteId, 'rotate')
    const before = await this.keys(conn, opts)
    if (!before.some((k) => k.hash === remoteId)) {
      throw new ProviderError(
        { kind: 'NOT_FOUND', provider: 'novu', operation: 'rotate the secret key' },
        'This secret key is not one of the keys of the environment Keyshelf is connected to. Novu only rotates the ' +
          'secret key of the environment the connecting key belongs to: connect with a key of that environment.',
      )
    }
    const ownHash = novuKeyHash(this.secret(conn.token))
    let fallbackReason: string | null = null
    if (strategy !== 'single') {
      if (before.length >= 2) throw this.twoKeyLimit('create-key')
      try {
        return await this.addSecondKey(conn, remoteId, before, opts)
      } catch (err) {
        // Tried once through the API; Novu's code does not open key management to API keys.
        if (isProviderError(err) && err.providerCode === NOT_EXTERNAL_CODE) {
          throw await this.needsDashboard(conn, opts, 'rotate', err)
        }
        if (
          strategy === 'prefer-dual' &&
          isProviderError(err) &&
          (err.kind === 'FORBIDDEN' || err.kind === 'UNSUPPORTED')
        ) {
          fallbackReason =
            'This Novu server does not allow a second secret key (rolling rotation), so Keyshelf regenerated the ' +
            'key instead: the old key stopped working at once.'
        } else {
          throw err
        }
      }
    }
    let res: HttpResponse
    try {
      res = await this.call(conn, 'POST', '/v1/environments/api-keys/regenerate', 'regenerate', opts, {})
    } catch (err) {
      if (isProviderError(err) && err.providerCode === NOT_EXTERNAL_CODE) {
        throw await this.needsDashboard(conn, opts, 'rotate', err)
      }
      throw err
    }
    const keys = this.parseKeys(res, 'regenerate', true)
    const fresh = keys.length === 1 ? keys[0] : undefined
    if (!fresh || before.some((k) => k.hash === fresh.hash))
      throw this.unreadableRotation('regenerate', res.status)
    return {
      strategy: 'single',
      newSecret: fresh.key,
      newRemoteId: fresh.hash,
      oldRemoteId: remoteId,
      oldKeyState: 'dead',
      oldValidUntil: null,
      alsoInvalidated: before.map((k) => k.hash).filter((h) => h !== remoteId),
      connectionKeyReplaced: before.some((k) => k.hash === ownHash),
      newExpiresAt: null,
      fallbackReason,
      note: CACHE_NOTE,
    }
  }

  /**
   * Turns Novu's "API endpoint not available" into the guided path: the dashboard page of the connection's
   * environment (read with a harmless read call) and what to do there. Nothing was changed at Novu.
   */
  private async needsDashboard(
    conn: ProviderConnection,
    opts: CallOptions,
    step: 'rotate' | 'revoke',
    cause: ProviderError,
  ): Promise<ProviderNeedsDashboardError> {
    const env: NovuEnvironment | null = await this.me(conn, opts).catch(() => null)
    const url = (env && novuDashboardUrl(conn.baseUrl, env)) ?? null
    const where = url
      ? `${url} (${env?.name ?? 'the environment'} → API Keys)`
      : env
        ? `your Novu dashboard (${env.name} → Settings → API Keys)`
        : DASHBOARD
    const said =
      cause.message.match(/"(API endpoint not (?:available|accessible))"/)?.[1] ??
      'API endpoint not available'
    const what =
      step === 'rotate'
        ? `Create the new secret key in ${where}, then paste it into Keyshelf (guided rotation); the old key keeps ` +
          'working until you delete it there.'
        : `Delete the old secret key in ${where} once nothing uses it any more.`
    return new ProviderNeedsDashboardError(
      {
        provider: 'novu',
        operation: cause.operation,
        status: cause.status,
        providerCode: NOT_EXTERNAL_CODE,
        dashboardUrl: url ?? 'https://dashboard.novu.co',
        step,
      },
      `Novu does not let an API key ${cause.operation} (Novu answered "${said}"), so nothing was changed and the key ` +
        `was not revoked. ${what}`,
    )
  }

  async revoke(conn: ProviderConnection, remoteId: string, opts: CallOptions = {}): Promise<RevokeResult> {
    this.checkHash(remoteId, 'delete')
    try {
      const res = await this.call(conn, 'DELETE', `/v1/environments/api-keys/${remoteId}`, 'delete-key', opts)
      if (res.status !== 204 && res.body !== null) this.data(res, 'delete-key')
      return { alreadyGone: false }
    } catch (err) {
      if (isProviderError(err, 'NOT_FOUND')) return { alreadyGone: true }
      if (isProviderError(err) && err.providerCode === NOT_EXTERNAL_CODE) {
        throw await this.needsDashboard(conn, opts, 'revoke', err)
      }
      throw err
    }
  }

  async settleRotation(
    conn: ProviderConnection,
    pending: PendingRotation,
    opts: CallOptions = {},
  ): Promise<RotationCheck> {
    const probe = { ...conn, token: pending.oldSecret }
    let keys: NovuApiKey[]
    try {
      keys = await this.keys(probe, opts)
    } catch (err) {
      if (isProviderError(err, 'AUTH')) {
        return {
          state: 'rotated',
          newRemoteId: null,
          recoveredSecret: null,
          detail:
            'Novu no longer accepts the old key, so the key was regenerated, but the new key never reached Keyshelf. ' +
            `Copy the current secret key from ${DASHBOARD} and paste it into Keyshelf.`,
        }
      }
      return couldNotAsk('Novu', err)
    }
    const oldHash = pending.oldRemoteId
    const others = keys.filter((k) => k.hash !== oldHash)
    const fresh = others.length === 1 ? others[0] : undefined
    if (keys.some((k) => k.hash === oldHash) && others.length === 0) {
      return {
        state: 'not-rotated',
        newRemoteId: null,
        recoveredSecret: null,
        detail:
          'The old key still works and no new key exists: the rotation did not happen. You can rotate again.',
      }
    }
    if (fresh) {
      return {
        state: 'rotated',
        newRemoteId: fresh.hash,
        recoveredSecret: fresh.key,
        detail: keys.some((k) => k.hash === oldHash)
          ? 'The second key was created; Keyshelf recovered it from Novu. The old key still works until you delete it.'
          : 'The key was regenerated; Keyshelf recovered the new key from Novu.',
      }
    }
    return {
      state: 'unknown',
      newRemoteId: null,
      recoveredSecret: null,
      detail: `Novu shows ${keys.length} keys for this environment and Keyshelf cannot tell which one is new. Check ${DASHBOARD}.`,
    }
  }

  private async addSecondKey(
    conn: ProviderConnection,
    remoteId: string,
    before: NovuApiKey[],
    opts: RotateOptions,
  ): Promise<RotateResult> {
    const res = await this.call(conn, 'POST', '/v1/environments/api-keys', 'create-key', opts, {})
    const keys = this.parseKeys(res, 'create-key', true)
    const added = keys.filter((k) => !before.some((b) => b.hash === k.hash))
    const fresh = added.length === 1 ? added[0] : undefined
    if (!fresh) throw this.unreadableRotation('create-key', res.status)
    return {
      strategy: 'dual',
      newSecret: fresh.key,
      newRemoteId: fresh.hash,
      oldRemoteId: remoteId,
      oldKeyState: 'valid-until',
      oldValidUntil: opts.overlapMs !== undefined ? this.clock() + opts.overlapMs : null,
      alsoInvalidated: [],
      connectionKeyReplaced: false,
      newExpiresAt: null,
      fallbackReason: null,
      note:
        'Both keys work until the old one is deleted. While two keys exist, Novu signs bridge and webhook requests ' +
        'with the older key only.',
    }
  }

  private async me(conn: ProviderConnection, opts: CallOptions): Promise<NovuEnvironment> {
    const res = await this.call(conn, 'GET', '/v1/environments/me', 'me', opts)
    return this.parseEnvironment(this.data(res, 'me'), 'me', res.status)
  }

  private async keys(conn: ProviderConnection, opts: CallOptions): Promise<NovuApiKey[]> {
    const res = await this.call(conn, 'GET', '/v1/environments/api-keys', 'keys', opts)
    return this.parseKeys(res, 'keys', false)
  }

  private parseEnvironment(raw: unknown, op: NovuOp, status: number): NovuEnvironment {
    const id = str(raw, '_id') ?? str(raw, 'id')
    const name = str(raw, 'name')
    const identifier = str(raw, 'identifier')
    if (!id || name === null || !identifier) throw badResponse('novu', OPERATION[op], status)
    return { id, name, identifier, parentId: str(raw, '_parentId'), slug: str(raw, 'slug') }
  }

  /** Reads `data: ApiKey[]`; the key's id is its `hash` when given, else computed (older servers omit it). */
  private parseKeys(res: HttpResponse, op: NovuOp, changing: boolean): NovuApiKey[] {
    const fail = (): ProviderError =>
      changing ? this.unreadableRotation(op, res.status) : badResponse('novu', OPERATION[op], res.status)
    if (!isRecord(res.body) || !('data' in res.body)) throw fail()
    const data = res.body.data
    if (!Array.isArray(data)) throw fail()
    return data.map((raw) => {
      const key = str(raw, 'key')
      if (!key) throw fail()
      const hash = str(raw, 'hash')
      return { key, hash: hash && HASH_RE.test(hash) ? hash : novuKeyHash(key) }
    })
  }

  private data(res: HttpResponse, op: NovuOp): unknown {
    if (!isRecord(res.body) || !('data' in res.body)) throw badResponse('novu', OPERATION[op], res.status)
    return res.body.data
  }

  private secret(token: string): string {
    return token.trim().replace(/^ApiKey\s+/i, '')
  }

  private checkHash(remoteId: string, what: string): void {
    if (!HASH_RE.test(remoteId)) {
      throw new ProviderError(
        { kind: 'NOT_FOUND', provider: 'novu', operation: `${what} a secret key` },
        'This is not a Novu key id (Keyshelf identifies Novu keys by their sha256 fingerprint). Sync the app with ' +
          'Novu first, then try again.',
      )
    }
  }

  private twoKeyLimit(op: NovuOp): ProviderError {
    return new ProviderError(
      { kind: 'CONFLICT', provider: 'novu', operation: OPERATION[op], status: 400 },
      'This Novu environment already has two secret keys, the most Novu allows. Nothing was changed. ' +
        'Finish the pending rotation by deleting the key you no longer use, then rotate again.',
    )
  }

  private unreadableRotation(op: NovuOp, status: number): ProviderError {
    return new ProviderOutcomeUnknownError(
      { provider: 'novu', operation: OPERATION[op], status },
      `Novu accepted the request to ${OPERATION[op]} (status ${status}) but its answer did not contain exactly one ` +
        'new key Keyshelf could read. The key may have changed. The key is marked "rotation state unknown: verify"; ' +
        'verify it before doing anything else.',
    )
  }

  private async call(
    conn: ProviderConnection,
    method: HttpMethod,
    path: string,
    op: NovuOp,
    opts: CallOptions,
    body?: unknown,
  ): Promise<HttpResponse> {
    const token = this.secret(conn.token)
    const req: HttpRequest = {
      method,
      url: joinUrl(normaliseNovuApiUrl(conn.baseUrl), path),
      headers: { authorization: `ApiKey ${token}` },
      idempotent: method === 'GET' || method === 'DELETE',
      operation: OPERATION[op],
      secrets: [conn.token, token],
    }
    if (body !== undefined) req.body = body
    if (opts.signal) req.signal = opts.signal
    if (opts.timeoutMs !== undefined) req.timeoutMs = opts.timeoutMs
    return this.http.send(req, (res) => this.mapError(res, req, op))
  }

  private mapError(res: HttpResponse, req: HttpRequest, op: NovuOp): ProviderError {
    const said = novuMessage(res.body)
    const clean = said === null ? null : scrubText(said, req.secrets)
    const q = quoteProvider('novu', clean)
    const base = { provider: 'novu' as const, operation: req.operation, status: res.status }
    if (res.status === 401) {
      if (said !== null && NOT_EXTERNAL.has(said)) {
        return new ProviderError(
          { ...base, kind: 'UNSUPPORTED', providerCode: NOT_EXTERNAL_CODE },
          `Novu does not let an API key ${req.operation} (Novu answered "${said}"), so nothing was changed and the ` +
            `key was not revoked. Do it in ${DASHBOARD} instead.`,
        )
      }
      return new ProviderError(
        { ...base, kind: 'AUTH' },
        'Novu rejected the key: it was revoked, regenerated, or belongs to another environment. ' +
          `Paste the current secret key from ${DASHBOARD}.${clean ? ` (Novu said: "${clean}")` : ''}`,
      )
    }
    if (res.status === 403 && (op === 'create-key' || op === 'delete-key')) {
      return new ProviderError(
        { ...base, kind: 'FORBIDDEN' },
        'Rolling rotation with two secret keys is not enabled for this Novu organization' +
          `${q}. Nothing was changed. Use single-step rotation (regenerate) instead.`,
      )
    }
    if (res.status === 400 && op === 'create-key') return this.twoKeyLimit(op)
    if (res.status === 400 && op === 'delete-key' && /last/i.test(said ?? '')) {
      return new ProviderError(
        { ...base, kind: 'CONFLICT' },
        'Novu will not delete the last remaining secret key of an environment. Nothing was changed. ' +
          'Create a new key first, then delete this one.',
      )
    }
    if (res.status === 404 && op === 'create-key' && /^Cannot /.test(said ?? '')) {
      return new ProviderError(
        { ...base, kind: 'UNSUPPORTED' },
        'This Novu server does not offer rolling rotation with two secret keys. Nothing was changed. ' +
          'Use single-step rotation (regenerate) instead.',
      )
    }
    if (res.status === 402) {
      return new ProviderError(
        { ...base, kind: 'FORBIDDEN' },
        `Novu refused to ${req.operation} on this plan (payment required)${q}. Nothing was changed.`,
      )
    }
    return statusError('novu', res.status, req.operation, clean, str(res.body, 'errorId'))
  }
}
