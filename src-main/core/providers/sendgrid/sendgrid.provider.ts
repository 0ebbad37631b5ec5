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
  RevokeResult,
  RotateOptions,
  RotateResult,
  RotationCheck,
  VerifyResult,
} from '../provider.types'

/** SendGrid's API root (EU regional subusers use `https://api.eu.sendgrid.com`). */
export const SENDGRID_API_URL = 'https://api.sendgrid.com'

/** The list limit Keyshelf asks for (SendGrid caps an account at 100 keys). */
const LIST_LIMIT = 100

const DASHBOARD = 'the SendGrid dashboard (Settings → API Keys)'

type SgOp = 'verify' | 'list' | 'get' | 'create' | 'delete'

const OPERATION: Record<SgOp, string> = {
  verify: 'check the API key',
  list: 'list API keys',
  get: 'read the API key’s permissions',
  create: 'create the new API key',
  delete: 'delete the old API key',
}

/** The id inside a SendGrid key: keys are `SG.<api_key_id>.<secret>`. Null for other shapes. */
export function sendgridKeyId(key: string): string | null {
  const m = /^SG\.([A-Za-z0-9_-]{16,32})\.[A-Za-z0-9_-]{20,}$/.exec(key.trim())
  return m?.[1] ?? null
}

function sgMessage(body: unknown): string | null {
  if (!isRecord(body) || !Array.isArray(body.errors)) return null
  const parts = body.errors.map((e) => str(e, 'message')).filter((m): m is string => !!m)
  return parts.length ? parts.join('; ') : null
}

/**
 * SendGrid API keys (`/v3/api_keys`): list, verify (`GET /v3/scopes`), and rotation as create-then-delete
 * keeping the old key's name and scopes (SendGrid has no rotate call). Dual-phase keeps the old key until
 * `revoke`; SendGrid says revoked keys fail "after some small propagation delay".
 */
export class SendgridProvider implements ProviderAdapter {
  readonly id = 'sendgrid' as const
  readonly displayName = 'SendGrid'
  readonly capabilities = {
    list: true,
    verify: true,
    rotateSingle: true,
    rotateDual: true,
    revoke: true,
    environments: false,
  }
  private readonly http: HttpClient
  private readonly clock: () => number

  constructor(deps: ProviderDeps) {
    this.http = new HttpClient('sendgrid', deps)
    this.clock = deps.clock ?? Date.now
  }

  async verify(conn: ProviderConnection, secret?: string, opts: CallOptions = {}): Promise<VerifyResult> {
    const probe = secret === undefined ? conn : { ...conn, token: secret }
    try {
      const res = await this.call(probe, 'GET', '/v3/scopes', 'verify', opts)
      if (!isRecord(res.body) || !Array.isArray(res.body.scopes)) {
        throw badResponse('sendgrid', OPERATION.verify, res.status)
      }
      return {
        valid: true,
        remoteId: sendgridKeyId(probe.token),
        status: 'active',
        expiresAt: null,
        reason: null,
      }
    } catch (err) {
      if (isProviderError(err, 'AUTH')) {
        return { valid: false, remoteId: null, status: 'revoked', expiresAt: null, reason: err.message }
      }
      throw err
    }
  }

  async list(conn: ProviderConnection, opts: ListOptions = {}): Promise<RemoteKey[]> {
    const res = await this.call(conn, 'GET', `/v3/api_keys?limit=${LIST_LIMIT}`, 'list', opts)
    const items = isRecord(res.body) && Array.isArray(res.body.result) ? res.body.result : null
    if (!items) throw badResponse('sendgrid', OPERATION.list, res.status)
    const own = sendgridKeyId(conn.token)
    const keys = items.map((raw): RemoteKey => {
      const id = str(raw, 'api_key_id')
      if (!id) throw badResponse('sendgrid', OPERATION.list, res.status)
      return {
        provider: 'sendgrid',
        remoteId: id,
        name: str(raw, 'name') ?? id,
        status: 'active',
        expiresAt: null,
        createdAt: null,
        lastUsedAt: null,
        maskedHint: null,
        scopes: [],
        isConnectionKey: id === own,
      }
    })
    opts.onProgress?.(keys.length, keys.length)
    return keys
  }

  async rotate(conn: ProviderConnection, remoteId: string, opts: RotateOptions = {}): Promise<RotateResult> {
    this.checkId(remoteId)
    const old = await this.getKey(conn, remoteId, opts)
    const body: Record<string, unknown> = { name: old.name }
    // No scopes means "full access" to SendGrid: send them only when the old key has a list.
    if (old.scopes.length > 0) body.scopes = old.scopes
    const res = await this.call(conn, 'POST', '/v3/api_keys', 'create', opts, body)
    const value = str(res.body, 'api_key')
    const newId = str(res.body, 'api_key_id')
    if (!value || !newId || newId === remoteId) {
      throw new ProviderOutcomeUnknownError(
        { provider: 'sendgrid', operation: OPERATION.create, status: res.status },
        'SendGrid accepted the request to create the new API key but its answer had no key Keyshelf could read. A ' +
          'new key may exist. The key is marked "rotation state unknown: verify"; verify it before doing anything else.',
      )
    }
    const isSelf = sendgridKeyId(conn.token) === remoteId
    const base = {
      newSecret: value,
      newRemoteId: newId,
      oldRemoteId: remoteId,
      alsoInvalidated: [],
      connectionKeyReplaced: isSelf,
      newExpiresAt: null,
      fallbackReason: null,
    }
    if (opts.strategy === 'single') {
      await this.revoke(isSelf ? { ...conn, token: value } : conn, remoteId, opts)
      return {
        ...base,
        strategy: 'single',
        oldKeyState: 'dead',
        oldValidUntil: null,
        note: 'SendGrid stops accepting a deleted key after a short propagation delay.',
      }
    }
    return {
      ...base,
      strategy: 'dual',
      oldKeyState: 'valid-until',
      oldValidUntil: opts.overlapMs !== undefined ? this.clock() + opts.overlapMs : null,
      note: `The new key has the old key's name ("${old.name}") and permissions. Both keys work until the old one is deleted.`,
    }
  }

  async revoke(conn: ProviderConnection, remoteId: string, opts: CallOptions = {}): Promise<RevokeResult> {
    this.checkId(remoteId)
    try {
      await this.call(conn, 'DELETE', `/v3/api_keys/${remoteId}`, 'delete', opts)
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
    let keys: RemoteKey[]
    try {
      keys = await this.list(conn, opts)
    } catch (err) {
      return couldNotAsk('SendGrid', err)
    }
    const twins = keys.filter((k) => k.remoteId !== pending.oldRemoteId && k.name === pending.name)
    if (twins.length === 0) {
      return {
        state: 'not-rotated',
        newRemoteId: null,
        recoveredSecret: null,
        detail: 'No new key with this name exists: the rotation did not happen. You can rotate again.',
      }
    }
    const stray = twins[0]?.remoteId ?? ''
    if (keys.some((k) => k.remoteId === pending.oldRemoteId)) {
      // Create-then-delete stopped after the create: the stored key is untouched; only the new one is unusable.
      return {
        state: 'not-rotated',
        newRemoteId: null,
        recoveredSecret: null,
        strayRemoteId: stray,
        detail:
          `SendGrid created the key ${stray}, but its value never reached Keyshelf and SendGrid never shows it ` +
          `again. Your stored key is unchanged and still works. Delete ${stray} (nobody can use it) with ` +
          `"Delete unusable key" or keyshelf key finish-rotation, or in ${DASHBOARD}; then rotate again.`,
      }
    }
    return {
      state: 'rotated',
      newRemoteId: stray || null,
      recoveredSecret: null,
      detail:
        'SendGrid created the new key, but its value never reached Keyshelf and SendGrid never shows it again. ' +
        `Delete that key in ${DASHBOARD} (nobody holds its value), then rotate again.`,
    }
  }

  private async getKey(
    conn: ProviderConnection,
    id: string,
    opts: CallOptions,
  ): Promise<{ name: string; scopes: string[] }> {
    const res = await this.call(conn, 'GET', `/v3/api_keys/${id}`, 'get', opts)
    // The spec wraps the key in `result: [ … ]`; SendGrid's docs show the bare object. Accept both.
    const raw =
      isRecord(res.body) && Array.isArray(res.body.result) ? (res.body.result[0] as unknown) : res.body
    const name = str(raw, 'name')
    if (!isRecord(raw) || name === null) throw badResponse('sendgrid', OPERATION.get, res.status)
    const scopes = Array.isArray(raw.scopes)
      ? raw.scopes.filter((s): s is string => typeof s === 'string')
      : []
    return { name, scopes }
  }

  private checkId(id: string): void {
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
      throw new ProviderError(
        { kind: 'NOT_FOUND', provider: 'sendgrid', operation: 'find the API key' },
        'This is not a SendGrid API key id. Sync with SendGrid first, then try again.',
      )
    }
  }

  private async call(
    conn: ProviderConnection,
    method: HttpMethod,
    path: string,
    op: SgOp,
    opts: CallOptions,
    body?: unknown,
  ): Promise<HttpResponse> {
    const token = conn.token.trim().replace(/^Bearer\s+/i, '')
    const req: HttpRequest = {
      method,
      url: joinUrl((conn.baseUrl || SENDGRID_API_URL).replace(/\/v3\/?$/, ''), path),
      headers: { authorization: `Bearer ${token}` },
      idempotent: method === 'GET' || method === 'DELETE',
      operation: OPERATION[op],
      secrets: [conn.token, token],
    }
    if (body !== undefined) req.body = body
    if (opts.signal) req.signal = opts.signal
    if (opts.timeoutMs !== undefined) req.timeoutMs = opts.timeoutMs
    return this.http.send(req, (r) => this.mapError(r, req, op))
  }

  private mapError(res: HttpResponse, req: HttpRequest, op: SgOp): ProviderError {
    const raw = sgMessage(res.body)
    const clean = raw === null ? null : scrubText(raw, req.secrets)
    const q = quoteProvider('sendgrid', clean)
    const base = { provider: 'sendgrid' as const, operation: req.operation, status: res.status }
    if (res.status === 401) {
      return new ProviderError(
        { ...base, kind: 'AUTH' },
        `SendGrid rejected the API key: it was deleted or mistyped${q}. Nothing was changed. Paste the current key ` +
          `from ${DASHBOARD}.`,
      )
    }
    if (res.status === 403) {
      const need =
        op === 'create'
          ? 'the “API Keys” permission (full access), and every permission the old key has'
          : op === 'delete'
            ? 'the “API Keys” permission (full access)'
            : 'the “API Keys” read permission'
      return new ProviderError(
        { ...base, kind: 'FORBIDDEN' },
        `SendGrid accepted the API key but refused to ${req.operation}: the key needs ${need}, or the account reached ` +
          `its 100-key limit${q}. Nothing was changed. Check the key in ${DASHBOARD}.`,
      )
    }
    if (res.status === 404) {
      return new ProviderError(
        { ...base, kind: 'NOT_FOUND' },
        `SendGrid could not find this API key: it may have been deleted${q}. Nothing was changed.`,
      )
    }
    return statusError('sendgrid', res.status, req.operation, clean)
  }
}
