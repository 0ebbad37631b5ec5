import type * as Iam from '@aws-sdk/client-iam'
import { silentLogger, type Logger } from '../../logger'
import {
  ProviderError,
  ProviderOutcomeUnknownError,
  isProviderError,
  scrubText,
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

/** The global IAM endpoint (IAM is a global service; SigV4 signs it for us-east-1). */
export const AWS_IAM_URL = 'https://iam.amazonaws.com'

/** AWS allows at most two access keys per IAM user. */
export const AWS_MAX_KEYS_PER_USER = 2

/**
 * The AWS SDK (~30 MiB and ~0.2 s to load) is loaded on the first IAM call only, so the CLI's list, search
 * and get (and the app's start) never pay for it.
 */
let iamSdk: typeof Iam | null = null
function sdk(): typeof Iam {
  if (!iamSdk) throw new Error('the AWS SDK was used before it was loaded')
  return iamSdk
}

const CONSOLE = 'the AWS console (IAM → Users → Security credentials)'
const ACCESS_KEY_ID = /^(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,124}$/

type AwsOp = 'verify' | 'list' | 'last-used' | 'create' | 'deactivate' | 'delete'

const OPERATION: Record<AwsOp, string> = {
  verify: 'check the access key',
  list: 'list the user’s access keys',
  'last-used': 'read when an access key was last used',
  create: 'create a new access key',
  deactivate: 'deactivate the old access key',
  delete: 'delete the old access key',
}

/** Calls that change a key: sent exactly once (the SDK's own retries are off for them). */
const CHANGING: ReadonlySet<AwsOp> = new Set(['create', 'deactivate', 'delete'])

interface AwsCreds {
  accessKeyId: string
  secretAccessKey: string
}

/**
 * Splits a stored AWS secret: either the secret access key alone (the id comes from the connection) or
 * `ACCESS_KEY_ID:SECRET` (how a key other than the connection's is verified).
 */
function credsOf(conn: ProviderConnection, secret?: string): AwsCreds {
  const raw = (secret ?? conn.token).trim()
  const colon = raw.indexOf(':')
  if (colon > 0 && ACCESS_KEY_ID.test(raw.slice(0, colon))) {
    return { accessKeyId: raw.slice(0, colon), secretAccessKey: raw.slice(colon + 1) }
  }
  return { accessKeyId: conn.accessKeyId ?? '', secretAccessKey: raw }
}

interface SdkError {
  name?: string
  message?: string
  code?: string
  $fault?: 'client' | 'server'
  $metadata?: { httpStatusCode?: number }
  $response?: unknown
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'])
const TLS = /CERT|SSL|TLS|self[- ]signed/i

/**
 * AWS IAM access keys of one IAM user, through `@aws-sdk/client-iam` (Query API 2010-05-08, SigV4):
 * list (CreateDate as last rotated, GetAccessKeyLastUsed shown), dual-phase rotation (CreateAccessKey now,
 * then UpdateAccessKey Inactive and DeleteAccessKey when the overlap ends) within the two-keys-per-user
 * limit. The connection's own key pair is one of the listed keys and rotates like the others.
 * `conn.token` is the secret access key, `conn.accessKeyId` its id, `conn.baseUrl` the IAM endpoint.
 */
export class AwsIamProvider implements ProviderAdapter {
  readonly id = 'aws-iam' as const
  readonly displayName = 'AWS IAM'
  readonly capabilities = {
    list: true,
    verify: true,
    rotateSingle: true,
    rotateDual: true,
    revoke: true,
    environments: false,
  }
  private readonly clock: () => number
  private readonly logger: Logger
  private readonly timeoutMs: number
  private readonly maxRetries: number

  constructor(deps: ProviderDeps) {
    this.clock = deps.clock ?? Date.now
    this.logger = deps.logger ?? silentLogger
    this.timeoutMs = deps.retry?.timeoutMs ?? 15_000
    this.maxRetries = deps.retry?.maxRetries ?? 3
  }

  async verify(conn: ProviderConnection, secret?: string, opts: CallOptions = {}): Promise<VerifyResult> {
    const creds = credsOf(conn, secret)
    if (!ACCESS_KEY_ID.test(creds.accessKeyId)) {
      return {
        valid: false,
        remoteId: null,
        status: 'revoked',
        expiresAt: null,
        reason:
          'Keyshelf does not know this key’s access key id (it starts with AKIA): add it with --access-key-id',
      }
    }
    try {
      await this.call(
        conn,
        'verify',
        opts,
        (c, signal) => c.send(new (sdk().GetUserCommand)({}), { abortSignal: signal }),
        creds,
      )
      return { valid: true, remoteId: creds.accessKeyId, status: 'active', expiresAt: null, reason: null }
    } catch (err) {
      if (isProviderError(err, 'AUTH')) {
        return { valid: false, remoteId: null, status: 'revoked', expiresAt: null, reason: err.message }
      }
      throw err
    }
  }

  async list(conn: ProviderConnection, opts: ListOptions = {}): Promise<RemoteKey[]> {
    const user = await this.userName(conn, opts)
    const res = await this.call(conn, 'list', opts, (c, signal) =>
      c.send(new (sdk().ListAccessKeysCommand)({ UserName: user }), { abortSignal: signal }),
    )
    const keys = res.AccessKeyMetadata ?? []
    const out: RemoteKey[] = []
    for (const k of keys) {
      if (!k.AccessKeyId) continue
      let lastUsedAt: number | null = null
      try {
        const used = await this.call(conn, 'last-used', opts, (c, signal) =>
          c.send(new (sdk().GetAccessKeyLastUsedCommand)({ AccessKeyId: k.AccessKeyId }), {
            abortSignal: signal,
          }),
        )
        lastUsedAt = used.AccessKeyLastUsed?.LastUsedDate?.getTime() ?? null
      } catch (err) {
        // "Last used" is informative only; a user without iam:GetAccessKeyLastUsed still gets the list.
        if (!isProviderError(err, 'FORBIDDEN')) throw err
      }
      out.push({
        provider: 'aws-iam',
        remoteId: k.AccessKeyId,
        name: `${user} ${k.AccessKeyId}`,
        status: k.Status === 'Inactive' ? 'disabled' : 'active',
        expiresAt: null,
        createdAt: k.CreateDate?.getTime() ?? null,
        lastUsedAt,
        // The access key id is public: it is the hint.
        maskedHint: k.AccessKeyId,
        scopes: [],
        isConnectionKey: k.AccessKeyId === conn.accessKeyId,
      })
      opts.onProgress?.(out.length, keys.length)
    }
    return out
  }

  async rotate(conn: ProviderConnection, remoteId: string, opts: RotateOptions = {}): Promise<RotateResult> {
    const user = await this.userName(conn, opts)
    const listed = await this.call(conn, 'list', opts, (c, signal) =>
      c.send(new (sdk().ListAccessKeysCommand)({ UserName: user }), { abortSignal: signal }),
    )
    const keys = listed.AccessKeyMetadata ?? []
    if (!keys.some((k) => k.AccessKeyId === remoteId)) {
      throw new ProviderError(
        { kind: 'NOT_FOUND', provider: 'aws-iam', operation: OPERATION.create, providerCode: 'NoSuchEntity' },
        `The access key ${remoteId.slice(0, 24)} is not one of the keys of IAM user ${user}. Nothing was changed. ` +
          'Sync first; Keyshelf rotates the keys of the user the connection key belongs to.',
      )
    }
    if (keys.length >= AWS_MAX_KEYS_PER_USER)
      throw this.twoKeyLimit(
        user,
        keys.map((k) => k.AccessKeyId ?? ''),
      )
    const created = await this.call(conn, 'create', opts, (c, signal) =>
      c.send(new (sdk().CreateAccessKeyCommand)({ UserName: user }), { abortSignal: signal }),
    )
    const fresh = created.AccessKey
    if (!fresh?.AccessKeyId || !fresh.SecretAccessKey) {
      throw new ProviderOutcomeUnknownError(
        { provider: 'aws-iam', operation: OPERATION.create },
        'AWS accepted the request to create an access key but its answer had no key Keyshelf could read. A new key ' +
          'may exist. The key is marked "rotation state unknown: verify"; verify it before doing anything else.',
      )
    }
    const single = opts.strategy === 'single'
    const base = {
      newSecret: fresh.SecretAccessKey,
      newRemoteId: fresh.AccessKeyId,
      oldRemoteId: remoteId,
      alsoInvalidated: [],
      connectionKeyReplaced: remoteId === conn.accessKeyId,
      newExpiresAt: null,
      fallbackReason: null,
    }
    if (single) {
      // Single-step: the new key is stored by the caller; the old one is retired at once, with the new key.
      const next =
        remoteId === conn.accessKeyId
          ? { ...conn, accessKeyId: fresh.AccessKeyId, token: fresh.SecretAccessKey }
          : conn
      await this.retire(next, user, remoteId, opts)
      return { ...base, strategy: 'single', oldKeyState: 'dead', oldValidUntil: null, note: null }
    }
    return {
      ...base,
      strategy: 'dual',
      oldKeyState: 'valid-until',
      oldValidUntil: opts.overlapMs !== undefined ? this.clock() + opts.overlapMs : null,
      note:
        'Both access keys work until the overlap ends; then Keyshelf deactivates the old key (UpdateAccessKey ' +
        'Inactive) and deletes it. AWS allows two keys per user, so no other rotation can start before that.',
    }
  }

  /**
   * Ends a rotation: `UpdateAccessKey Inactive`, then `DeleteAccessKey`. A key that is already gone is not
   * an error. When `remoteId` is the connection's own key, call with the new key as the connection.
   */
  async revoke(conn: ProviderConnection, remoteId: string, opts: CallOptions = {}): Promise<RevokeResult> {
    if (remoteId === conn.accessKeyId) {
      throw new ProviderError(
        { kind: 'CONFLICT', provider: 'aws-iam', operation: OPERATION.delete },
        'Keyshelf will not delete the access key it is connected with. Nothing was changed. Rotate it first; the ' +
          'old key is then deleted with the new one.',
      )
    }
    try {
      const user = await this.userName(conn, opts)
      await this.retire(conn, user, remoteId, opts)
      return { alreadyGone: false }
    } catch (err) {
      if (isProviderError(err, 'NOT_FOUND')) return { alreadyGone: true }
      throw err
    }
  }

  private async retire(conn: ProviderConnection, user: string, id: string, opts: CallOptions): Promise<void> {
    await this.call(conn, 'deactivate', opts, (c, signal) =>
      c.send(new (sdk().UpdateAccessKeyCommand)({ UserName: user, AccessKeyId: id, Status: 'Inactive' }), {
        abortSignal: signal,
      }),
    )
    await this.call(conn, 'delete', opts, (c, signal) =>
      c.send(new (sdk().DeleteAccessKeyCommand)({ UserName: user, AccessKeyId: id }), {
        abortSignal: signal,
      }),
    )
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
      return couldNotAsk('AWS', err)
    }
    const fresh = keys.filter(
      (k) =>
        k.remoteId !== pending.oldRemoteId &&
        (k.createdAt === null || k.createdAt >= pending.startedAt - 60_000),
    )
    if (fresh.length === 0) {
      return {
        state: 'not-rotated',
        newRemoteId: null,
        recoveredSecret: null,
        detail: 'No new access key exists: the rotation did not happen. You can rotate again.',
      }
    }
    // CreateAccessKey leaves the old key alone: the stored key still works. Only the new key is unusable.
    const stray = fresh[0]?.remoteId ?? ''
    return {
      state: 'not-rotated',
      newRemoteId: null,
      recoveredSecret: null,
      strayRemoteId: stray,
      detail:
        `AWS created the access key ${stray}, but its secret never reached Keyshelf and AWS never shows it again. ` +
        `Your stored key is unchanged and still works. Delete ${stray} (nobody can use it) with ` +
        `"Delete unusable key" or keyshelf key finish-rotation, or in ${CONSOLE}; then rotate again.`,
    }
  }

  private async userName(conn: ProviderConnection, opts: CallOptions): Promise<string> {
    const res = await this.call(conn, 'verify', opts, (c, signal) =>
      c.send(new (sdk().GetUserCommand)({}), { abortSignal: signal }),
    )
    const name = res.User?.UserName
    if (!name) {
      throw new ProviderError(
        { kind: 'UNSUPPORTED', provider: 'aws-iam', operation: OPERATION.verify },
        'These credentials do not belong to an IAM user (root or temporary credentials have no access keys to ' +
          'manage). Nothing was changed. Connect with an IAM user’s access key.',
      )
    }
    return name
  }

  private twoKeyLimit(user: string, ids: string[]): ProviderError {
    return new ProviderError(
      { kind: 'CONFLICT', provider: 'aws-iam', operation: OPERATION.create, providerCode: 'LimitExceeded' },
      `IAM user ${user} already has two access keys (${ids.join(', ')}), the most AWS allows. Nothing was changed. ` +
        'Finish the open rotation (keyshelf key finish-rotation) or delete the key you no longer use, then rotate again.',
    )
  }

  private client(conn: ProviderConnection, creds: AwsCreds, op: AwsOp, timeoutMs: number): Iam.IAMClient {
    return new (sdk().IAMClient)({
      region: conn.region ?? 'us-east-1',
      endpoint: (conn.baseUrl || AWS_IAM_URL).replace(/\/+$/, ''),
      credentials: creds,
      maxAttempts: CHANGING.has(op) ? 1 : this.maxRetries + 1,
      requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs },
    })
  }

  /** Runs one SDK call with a timeout and turns every failure into a ProviderError without secrets. */
  private async call<T>(
    conn: ProviderConnection,
    op: AwsOp,
    opts: CallOptions,
    fn: (client: Iam.IAMClient, signal: AbortSignal) => Promise<T>,
    creds: AwsCreds = credsOf(conn),
  ): Promise<T> {
    if (!ACCESS_KEY_ID.test(creds.accessKeyId)) {
      throw new ProviderError(
        { kind: 'AUTH', provider: 'aws-iam', operation: OPERATION[op] },
        'Keyshelf does not know the access key id that goes with this secret (it starts with AKIA). Nothing was ' +
          'sent. Add it with --access-key-id.',
      )
    }
    if (/[^\x21-\x7e]/.test(creds.secretAccessKey)) {
      throw new ProviderError(
        { kind: 'AUTH', provider: 'aws-iam', operation: OPERATION[op] },
        'The saved AWS secret access key contains spaces, line breaks or other characters that cannot be sent. ' +
          'Nothing was sent. Paste the key again without extra characters.',
      )
    }
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs
    iamSdk ??= await import('@aws-sdk/client-iam')
    const client = this.client(conn, creds, op, timeoutMs)
    const controller = new AbortController()
    const onAbort = (): void => controller.abort()
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      return await fn(client, controller.signal)
    } catch (err) {
      const mapped = this.mapError(err, op, opts, [creds.secretAccessKey, conn.token])
      this.logger.warn('provider call failed', {
        provider: 'aws-iam',
        operation: OPERATION[op],
        kind: mapped.kind,
        code: mapped.providerCode,
      })
      throw mapped
    } finally {
      opts.signal?.removeEventListener('abort', onAbort)
      client.destroy()
    }
  }

  private mapError(err: unknown, op: AwsOp, opts: CallOptions, secrets: string[]): ProviderError {
    const e = (err ?? {}) as SdkError & { cause?: { code?: string } }
    const name = e.name ?? ''
    const status = e.$metadata?.httpStatusCode ?? null
    const changing = CHANGING.has(op)
    const operation = OPERATION[op]
    const said = e.message ? scrubText(e.message, secrets) : null
    const q = said && name ? ` (AWS said: "${said}", code ${name})` : name ? ` (code ${name})` : ''
    const init = { provider: 'aws-iam' as const, operation, status, providerCode: name || null }
    const unknown = (why: string): ProviderError =>
      new ProviderOutcomeUnknownError(
        { provider: 'aws-iam', operation, status },
        `Keyshelf asked AWS to ${operation}, but ${why}, so it is not known whether it happened. Keyshelf will not ` +
          'send it again on its own. The key is marked "rotation state unknown: verify"; verify it before doing ' +
          'anything else.',
      )
    if (opts.signal?.aborted) {
      if (changing) return unknown('it was cancelled while waiting for the answer')
      return new ProviderError(
        { ...init, kind: 'CANCELLED' },
        `The request to AWS to ${operation} was cancelled. Nothing was changed.`,
      )
    }
    const code = e.code ?? e.cause?.code ?? ''
    if (NOT_SENT.has(code)) {
      return new ProviderError(
        { ...init, kind: 'NETWORK' },
        `Keyshelf could not reach AWS IAM to ${operation} (the request was not sent). Nothing was changed. Check your ` +
          'connection and the endpoint URL, then try again.',
      )
    }
    if (TLS.test(code) || (status === null && TLS.test(e.message ?? ''))) {
      return new ProviderError(
        { ...init, kind: 'NETWORK', providerCode: code || name || null },
        `The secure connection to AWS IAM failed while Keyshelf tried to ${operation}: the server’s certificate was ` +
          'not trusted. Nothing was sent. Check the endpoint URL, or the proxy that intercepts HTTPS.',
      )
    }
    if (
      [
        'InvalidClientTokenId',
        'SignatureDoesNotMatch',
        'UnrecognizedClientException',
        'ExpiredToken',
        'InvalidAccessKeyId',
        'IncompleteSignature',
        'AuthFailure',
      ].includes(name)
    ) {
      return new ProviderError(
        { ...init, kind: 'AUTH' },
        `AWS rejected the access key: it was deleted, deactivated, or the secret does not match its id${q}. Nothing ` +
          `was changed. Paste the current key pair from ${CONSOLE}.`,
      )
    }
    if (name === 'AccessDenied' || name === 'AccessDeniedException' || status === 403) {
      return new ProviderError(
        { ...init, kind: 'FORBIDDEN' },
        `AWS accepted the access key but refused to ${operation}: the IAM user needs iam:GetUser, iam:ListAccessKeys, ` +
          `iam:CreateAccessKey, iam:UpdateAccessKey and iam:DeleteAccessKey on itself${q}. Nothing was changed. ` +
          'Attach a policy that allows them.',
      )
    }
    if (name === 'NoSuchEntity' || status === 404) {
      return new ProviderError(
        { ...init, kind: 'NOT_FOUND' },
        `AWS could not find the user or access key while Keyshelf tried to ${operation}${q}. It may have been deleted. ` +
          'Nothing was changed.',
      )
    }
    if (name === 'LimitExceeded' || name === 'LimitExceededException') {
      return new ProviderError(
        { ...init, kind: 'CONFLICT' },
        `AWS refused to ${operation}: the IAM user already has two access keys, the most AWS allows${q}. Nothing was ` +
          'changed. Finish the open rotation or delete the key you no longer use, then rotate again.',
      )
    }
    if (name === 'Throttling' || name === 'ThrottlingException' || status === 429) {
      return new ProviderError(
        { ...init, kind: 'RATE_LIMITED' },
        `AWS is limiting how often Keyshelf may call IAM and refused to ${operation}${q}.` +
          `${changing ? ' The request was refused, so no key was changed.' : ''} Try again in a minute.`,
      )
    }
    if (name === 'TimeoutError' || /timed? ?out/i.test(e.message ?? '')) {
      if (changing) return unknown('no answer came in time')
      return new ProviderError(
        { ...init, kind: 'TIMEOUT' },
        `AWS IAM did not answer in time while Keyshelf tried to ${operation}. Nothing was changed. Check your ` +
          'connection or the endpoint URL, then try again.',
      )
    }
    if ((status !== null && status >= 500) || e.$fault === 'server') {
      if (changing) return unknown(`it failed with status ${status ?? 'unknown'}`)
      return new ProviderError(
        { ...init, kind: 'SERVER' },
        `AWS IAM had a server error (status ${status ?? 'unknown'}) while Keyshelf tried to ${operation}${q}. Nothing ` +
          'was changed. Try again later.',
      )
    }
    if (status !== null && status >= 200 && status < 300) {
      if (changing) return unknown('the answer could not be read')
      return new ProviderError(
        { ...init, kind: 'BAD_RESPONSE' },
        `AWS sent an answer Keyshelf cannot read while trying to ${operation}. Nothing was changed. Check that the ` +
          'endpoint URL points at the IAM API.',
      )
    }
    if (status === null && !name) {
      if (changing) return unknown('the connection dropped')
      return new ProviderError(
        { ...init, kind: 'NETWORK' },
        `Keyshelf lost the connection to AWS IAM while trying to ${operation}. Nothing was changed. Check your ` +
          'connection and the endpoint URL, then try again.',
      )
    }
    return new ProviderError(
      { ...init, kind: status === 400 ? 'CONFLICT' : 'BAD_RESPONSE' },
      `AWS refused to ${operation}${q}. Nothing was changed.`,
    )
  }
}
