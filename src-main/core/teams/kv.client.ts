import { silentLogger, type Logger } from '../logger'
import { checkPath, parseTeamAddresses } from './team-address'
import { TeamCasConflictError, TeamError, type TeamErrorKind } from './team.errors'

/**
 * A client for OpenBao / HashiCorp Vault's KV version 2 secrets engine and the few auth endpoints a team
 * member needs, over an injected `fetch`.
 *
 * - **Several nodes.** Requests go to the node that last answered; on a connection error, a timeout or a
 *   5xx answer (a sealed node, a standby that cannot reach an active node, a cluster mid-election) or a
 *   307 "go to the active node" redirect from a standby, the
 *   same request is sent to the next node, round after round with a growing pause, until one answers or
 *   the bound (`maxWaitMs`, `maxAttempts`) is reached, or two whole rounds pass in which every node
 *   refused the connection (the team is offline; a slow node that times out is waited for); then UNREACHABLE. Writes are check-and-set, so
 *   repeating one on another node cannot overwrite a newer value: a repeat that finds its own write already
 *   applied surfaces as a CAS conflict whose current data the caller compares.
 * - **Security.** Only https:// addresses (http:// on loopback only), checked at construction. The token
 *   is sent in the `X-Vault-Token` header and nowhere else: never logged, never in an error (server text
 *   is scrubbed of the token and of every value the call carried before it is quoted), never passed to a
 *   child process. Redirects are not followed, so the token cannot be replayed to another host.
 */

/** Injected dependencies and tuning. */
export interface KvClientOptions {
  /** Node base URLs (`https://bao-1:8200`), or one comma-separated string as `--addr` takes it. */
  addrs: string | readonly string[]
  /** KV v2 mount path (default `secret`). */
  mount?: string
  /** Vault Enterprise / OpenBao namespace, sent as `X-Vault-Namespace`. */
  namespace?: string
  /** The client token; can be set later with `setToken` (after a login). */
  token?: string
  fetch?: typeof fetch
  logger?: Logger
  sleep?: (ms: number) => Promise<void>
  /** Per-attempt timeout (default 15 s). */
  timeoutMs?: number
  /** Stop failing over after this long in total (default 30 s). */
  maxWaitMs?: number
  /** Stop failing over after this many attempts in total (default 30 per node; the time bound usually ends first). */
  maxAttempts?: number
}

/** KV v2 metadata of one version. Times are epoch ms; `deletedAt` is set for soft-deleted versions. */
export interface KvVersionMeta {
  version: number
  createdAt: number
  deletedAt: number | null
  destroyed: boolean
}

/** One version of a secret as read: `data` is null when that version is deleted or destroyed. */
export interface KvSecret {
  data: Record<string, string> | null
  version: number
  createdAt: number
  deletedAt: number | null
  destroyed: boolean
  customMetadata: Record<string, string>
}

/** A secret's metadata: current version, custom metadata and every version still known. */
export interface KvMetadata {
  currentVersion: number
  oldestVersion: number
  createdAt: number
  updatedAt: number
  maxVersions: number
  casRequired: boolean
  customMetadata: Record<string, string>
  /** Oldest first. */
  versions: KvVersionMeta[]
}

/** What a successful write returns. */
export interface KvWriteResult {
  version: number
  createdAt: number
}

/** What a login or renewal gives: the token (a secret), its lease and whether it can be renewed. */
export interface KvAuth {
  token: string
  renewable: boolean
  /** Seconds; 0 for a token that never expires. */
  leaseDurationSeconds: number
  policies: string[]
}

/** What `lookupSelf` tells about the token, without the token itself. */
export interface KvTokenInfo {
  displayName: string
  policies: string[]
  renewable: boolean
  /** Seconds left; 0 for a token that never expires. */
  ttlSeconds: number
  /** Epoch ms, or null when it never expires. */
  expiresAt: number | null
  entityId: string
}

interface CallSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** API path below /v1/. */
  path: string
  body?: unknown
  operation: string
  /** 404 is an answer (null), not an error. */
  allow404?: boolean
  /** Values this call carries (besides the token): scrubbed from quoted server text. */
  secrets?: readonly string[]
  /** Send without a token (logins). */
  anonymous?: boolean
}

interface Answer {
  status: number
  body: unknown
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function time(v: unknown): number | null {
  if (typeof v !== 'string' || v === '') return null
  const t = Date.parse(v)
  // Vault writes "0001-01-01T00:00:00Z" or "" for "never".
  return Number.isNaN(t) || t <= 0 ? null : t
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!isRecord(v)) return out
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val
  return out
}

function sameData(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a)
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k])
}

/** Encodes each segment of a "/"-separated path for a URL. */
function encodePath(p: string): string {
  return p
    .split('/')
    .filter((s) => s !== '')
    .map(encodeURIComponent)
    .join('/')
}

/** A header value fetch accepts and that cannot smuggle a second header. */
const SAFE_HEADER = /^[\x21-\x7e]+$/

/** See the file comment. One instance per team connection. */
export class KvClient {
  /** Normalised node addresses, in the order they are tried. */
  readonly addrs: readonly string[]
  readonly mount: string
  readonly namespace: string | null
  private token: string | null
  private preferred = 0
  private readonly fetchImpl: typeof fetch
  private readonly logger: Logger
  private readonly sleep: (ms: number) => Promise<void>
  private readonly timeoutMs: number
  private readonly maxWaitMs: number
  private readonly maxAttempts: number

  constructor(opts: KvClientOptions) {
    this.addrs = parseTeamAddresses(opts.addrs)
    this.mount = checkPath('mount', opts.mount ?? 'secret')
    this.namespace = opts.namespace ? checkPath('namespace', opts.namespace) : null
    this.token = null
    if (opts.token !== undefined) this.setToken(opts.token)
    this.fetchImpl = opts.fetch ?? fetch
    this.logger = opts.logger ?? silentLogger
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)))
    this.timeoutMs = opts.timeoutMs ?? 15_000
    this.maxWaitMs = opts.maxWaitMs ?? 30_000
    this.maxAttempts = opts.maxAttempts ?? 30 * this.addrs.length
  }

  /** Replaces the token used for every later call (after a login or renewal). */
  setToken(token: string): void {
    if (!SAFE_HEADER.test(token)) {
      throw new TeamError(
        { kind: 'AUTH', status: null, operation: 'use the token' },
        'The team token contains spaces, line breaks or other characters that cannot be sent. Nothing was sent; paste it again.',
      )
    }
    this.token = token
  }

  /** The node that answered last (where the next request goes first). */
  get currentNode(): string {
    return this.addrs[this.preferred]!
  }

  // ---------------------------------------------------------------- KV v2

  /** Reads the latest (or the given) version of `path`; null when it never existed or its metadata is gone. */
  async read(path: string, version?: number): Promise<KvSecret | null> {
    const p = checkPath('path', path)
    const q = version !== undefined ? `?version=${Math.trunc(version)}` : ''
    const ans = await this.call({
      method: 'GET',
      path: `${this.mount}/data/${encodePath(p)}${q}`,
      operation: `read ${p}`,
      allow404: true,
    })
    // A deleted or destroyed version answers 404 with its metadata; a path that never existed has none.
    const data = isRecord(ans.body) ? ans.body['data'] : undefined
    if (!isRecord(data) || !isRecord(data['metadata'])) {
      if (ans.status === 404) return null
      throw this.badResponse(`read ${p}`, ans.status)
    }
    const m = data['metadata']
    return {
      data: isRecord(data['data']) ? stringMap(data['data']) : null,
      version: Number(m['version'] ?? 0),
      createdAt: time(m['created_time']) ?? 0,
      deletedAt: time(m['deletion_time']),
      destroyed: m['destroyed'] === true,
      customMetadata: stringMap(m['custom_metadata']),
    }
  }

  /**
   * Writes a new version of `path` with check-and-set: `cas` is the version the writer started from (0 =
   * "must not exist yet"). When someone wrote first, throws TeamCasConflictError with the current version.
   * Only string values are written (the layout's `{ENV_VAR: value}` map).
   */
  async write(path: string, data: Record<string, string>, cas: number): Promise<KvWriteResult> {
    const p = checkPath('path', path)
    const values = Object.values(data)
    let ans: Answer
    try {
      ans = await this.call({
        method: 'POST',
        path: `${this.mount}/data/${encodePath(p)}`,
        body: { options: { cas }, data },
        operation: `write ${p}`,
        secrets: values,
      })
    } catch (err) {
      if (err instanceof TeamError && err.status === 400 && /check-and-set/i.test(err.message)) {
        // A write repeated on another node after a lost answer finds its own first copy: same data, next
        // version. That is our write, not a conflict.
        const next = await this.read(p, cas + 1).catch(() => null)
        if (next?.data && sameData(next.data, data))
          return { version: next.version, createdAt: next.createdAt }
        const meta = await this.readMetadata(p).catch(() => null)
        throw new TeamCasConflictError(p, meta?.currentVersion ?? null)
      }
      throw err
    }
    const d = isRecord(ans.body) ? ans.body['data'] : undefined
    if (!isRecord(d) || typeof d['version'] !== 'number') throw this.badResponse(`write ${p}`, ans.status)
    return { version: d['version'], createdAt: time(d['created_time']) ?? 0 }
  }

  /** Reads the metadata of `path`; null when there is none. */
  async readMetadata(path: string): Promise<KvMetadata | null> {
    const p = checkPath('path', path)
    const ans = await this.call({
      method: 'GET',
      path: `${this.mount}/metadata/${encodePath(p)}`,
      operation: `read the metadata of ${p}`,
      allow404: true,
    })
    if (ans.status === 404) return null
    const d = isRecord(ans.body) ? ans.body['data'] : undefined
    if (!isRecord(d)) throw this.badResponse(`read the metadata of ${p}`, ans.status)
    const versions: KvVersionMeta[] = []
    if (isRecord(d['versions'])) {
      for (const [n, v] of Object.entries(d['versions'])) {
        if (!isRecord(v)) continue
        versions.push({
          version: Number(n),
          createdAt: time(v['created_time']) ?? 0,
          deletedAt: time(v['deletion_time']),
          destroyed: v['destroyed'] === true,
        })
      }
    }
    versions.sort((a, b) => a.version - b.version)
    return {
      currentVersion: Number(d['current_version'] ?? 0),
      oldestVersion: Number(d['oldest_version'] ?? 0),
      createdAt: time(d['created_time']) ?? 0,
      updatedAt: time(d['updated_time']) ?? 0,
      maxVersions: Number(d['max_versions'] ?? 0),
      casRequired: d['cas_required'] === true,
      customMetadata: stringMap(d['custom_metadata']),
      versions,
    }
  }

  /**
   * Replaces the custom metadata of `path` (KV v2 limits: 64 keys, keys ≤ 128 bytes, values ≤ 512 bytes;
   * checked here so the error is clear). Custom metadata is not secret: never put a value in it.
   */
  async writeMetadata(
    path: string,
    customMetadata: Record<string, string>,
    opts: { maxVersions?: number; casRequired?: boolean } = {},
  ): Promise<void> {
    const p = checkPath('path', path)
    const entries = Object.entries(customMetadata)
    if (entries.length > 64) throw this.invalid(`write the metadata of ${p}`, 'more than 64 metadata entries')
    for (const [k, v] of entries) {
      if (v === '')
        throw this.invalid(`write the metadata of ${p}`, `the metadata entry "${k.slice(0, 40)}" is empty`)
      if (Buffer.byteLength(k) > 128 || Buffer.byteLength(v) > 512) {
        throw this.invalid(`write the metadata of ${p}`, `the metadata entry "${k.slice(0, 40)}" is too long`)
      }
    }
    const body: Record<string, unknown> = { custom_metadata: customMetadata }
    if (opts.maxVersions !== undefined) body['max_versions'] = opts.maxVersions
    if (opts.casRequired !== undefined) body['cas_required'] = opts.casRequired
    await this.call({
      method: 'POST',
      path: `${this.mount}/metadata/${encodePath(p)}`,
      body,
      operation: `write the metadata of ${p}`,
    })
  }

  /** Lists the names directly below `path` (folders end with "/"); [] when there is nothing. */
  async list(path: string): Promise<string[]> {
    const p = path.replace(/^\/+|\/+$/g, '') === '' ? '' : checkPath('path', path)
    const ans = await this.call({
      method: 'GET',
      path: `${this.mount}/metadata/${encodePath(p)}${p === '' ? '' : '/'}?list=true`,
      operation: `list ${p || '/'}`,
      allow404: true,
    })
    if (ans.status === 404) return []
    const d = isRecord(ans.body) ? ans.body['data'] : undefined
    const keys = isRecord(d) ? d['keys'] : undefined
    if (!Array.isArray(keys)) throw this.badResponse(`list ${p}`, ans.status)
    return keys.filter((k): k is string => typeof k === 'string').sort()
  }

  /** Soft-deletes the given versions (or the latest when none are given); they stay undeletable. */
  async deleteVersions(path: string, versions?: number[]): Promise<void> {
    const p = checkPath('path', path)
    if (!versions || versions.length === 0) {
      await this.call({
        method: 'DELETE',
        path: `${this.mount}/data/${encodePath(p)}`,
        operation: `delete ${p}`,
      })
      return
    }
    await this.call({
      method: 'POST',
      path: `${this.mount}/delete/${encodePath(p)}`,
      body: { versions },
      operation: `delete versions of ${p}`,
    })
  }

  /** Permanently destroys the data of the given versions; their metadata stays and shows `destroyed`. */
  async destroyVersions(path: string, versions: number[]): Promise<void> {
    const p = checkPath('path', path)
    await this.call({
      method: 'PUT',
      path: `${this.mount}/destroy/${encodePath(p)}`,
      body: { versions },
      operation: `destroy versions of ${p}`,
    })
  }

  /** Removes the secret with every version and its metadata. */
  async deleteAll(path: string): Promise<void> {
    const p = checkPath('path', path)
    await this.call({
      method: 'DELETE',
      path: `${this.mount}/metadata/${encodePath(p)}`,
      operation: `delete ${p} with its history`,
    })
  }

  // ---------------------------------------------------------------- auth

  /** What the server says about the current token (policies, TTL, renewable), without the token. */
  async lookupSelf(): Promise<KvTokenInfo> {
    const ans = await this.call({
      method: 'GET',
      path: 'auth/token/lookup-self',
      operation: 'look up the token',
    })
    const d = isRecord(ans.body) ? ans.body['data'] : undefined
    if (!isRecord(d)) throw this.badResponse('look up the token', ans.status)
    const policies = Array.isArray(d['policies'])
      ? d['policies'].filter((x): x is string => typeof x === 'string')
      : []
    return {
      displayName: typeof d['display_name'] === 'string' ? d['display_name'] : '',
      policies,
      renewable: d['renewable'] === true,
      ttlSeconds: Number(d['ttl'] ?? 0),
      expiresAt: time(d['expire_time']),
      entityId: typeof d['entity_id'] === 'string' ? d['entity_id'] : '',
    }
  }

  /** Renews the current token (when renewable); returns the new lease. */
  async renewSelf(incrementSeconds?: number): Promise<KvAuth> {
    const ans = await this.call({
      method: 'POST',
      path: 'auth/token/renew-self',
      body: incrementSeconds !== undefined ? { increment: `${Math.trunc(incrementSeconds)}s` } : {},
      operation: 'renew the token',
    })
    return this.authFrom(ans, 'renew the token')
  }

  /** Logs in with AppRole; sets and returns the new token. */
  async loginAppRole(roleId: string, secretId: string, authMount = 'approle'): Promise<KvAuth> {
    const m = checkPath('auth mount', authMount)
    return this.login(
      `auth/${m}/login`,
      { role_id: roleId, secret_id: secretId },
      [roleId, secretId],
      'AppRole',
    )
  }

  /** Logs in with a user name and password; sets and returns the new token. */
  async loginUserpass(username: string, password: string, authMount = 'userpass'): Promise<KvAuth> {
    const m = checkPath('auth mount', authMount)
    const u = checkPath('user name', username)
    return this.login(
      `auth/${m}/login/${encodeURIComponent(u)}`,
      { password },
      [password],
      'user name and password',
    )
  }

  private async login(path: string, body: unknown, secrets: string[], how: string): Promise<KvAuth> {
    let ans: Answer
    try {
      ans = await this.call({
        method: 'POST',
        path,
        body,
        operation: `log in with ${how}`,
        secrets,
        anonymous: true,
      })
    } catch (err) {
      if (err instanceof TeamError && (err.status === 400 || err.status === 403)) {
        throw new TeamError(
          { kind: 'AUTH', status: err.status, operation: `log in with ${how}` },
          `The team server refused the ${how} login. Nothing was saved; check the credentials and the auth mount, then try again.`,
        )
      }
      throw err
    }
    const auth = this.authFrom(ans, `log in with ${how}`)
    this.setToken(auth.token)
    return auth
  }

  private authFrom(ans: Answer, operation: string): KvAuth {
    const a = isRecord(ans.body) ? ans.body['auth'] : undefined
    if (!isRecord(a) || typeof a['client_token'] !== 'string') throw this.badResponse(operation, ans.status)
    const policies = Array.isArray(a['policies'])
      ? a['policies'].filter((x): x is string => typeof x === 'string')
      : []
    return {
      token: a['client_token'],
      renewable: a['renewable'] === true,
      leaseDurationSeconds: Number(a['lease_duration'] ?? 0),
      policies,
    }
  }

  // ---------------------------------------------------------------- transport

  private async call(spec: CallSpec): Promise<Answer> {
    if (!spec.anonymous && this.token === null) {
      throw new TeamError(
        { kind: 'AUTH', status: null, operation: spec.operation },
        'Keyshelf has no token for this team yet. Connect to the team again (keyshelf team connect).',
      )
    }
    const headers: Record<string, string> = { accept: 'application/json' }
    if (!spec.anonymous && this.token !== null) headers['x-vault-token'] = this.token
    if (this.namespace !== null) headers['x-vault-namespace'] = this.namespace
    let bodyText: string | undefined
    if (spec.body !== undefined) {
      bodyText = JSON.stringify(spec.body)
      headers['content-type'] = 'application/json'
    }
    const started = Date.now()
    let attempts = 0
    let lastStatus: number | null = null
    let lastWhy: string
    // Rounds in a row in which no node answered at all: two mean the team is offline (no need to wait
    // out the whole bound); a cluster that answers 5xx/307 while it elects a leader is waited for.
    let silentRounds = 0
    for (let round = 0; ; round++) {
      let answered = false
      for (let i = 0; i < this.addrs.length; i++) {
        const idx = (this.preferred + i) % this.addrs.length
        const node = this.addrs[idx]!
        attempts++
        const outcome = await this.attempt(node, spec, headers, bodyText)
        if (outcome.kind === 'answer') {
          answered = true
          const { status } = outcome.answer
          // 5xx: sealed, or a standby that cannot reach an active node. 307/308: an OpenBao standby
          // redirecting to the active node; redirects are never followed (the token would go along), the
          // next configured node is asked instead.
          if ((status >= 500 && status !== 501) || status === 307 || status === 308) {
            lastStatus = status
            lastWhy =
              status < 500
                ? `a standby node redirected to the active node`
                : `a node answered ${status} (${this.serverText(outcome.answer.body, spec) || 'unavailable'})`
            this.logger.warn('team node unavailable, trying the next', {
              node,
              status,
              operation: spec.operation,
            })
          } else {
            this.preferred = idx
            if (status >= 200 && status < 300) return outcome.answer
            if (status === 404 && spec.allow404) return outcome.answer
            throw this.refused(spec, outcome.answer, status === 403 && (await this.tokenInvalid(spec)))
          }
        } else {
          // A timeout is a slow node, not an absent one: only refused connections count towards "offline".
          if (outcome.why === 'no answer in time') answered = true
          lastWhy = outcome.why
          this.logger.warn('team node unreachable, trying the next', {
            node,
            cause: outcome.why,
            operation: spec.operation,
          })
        }
        const lastOfRound = i === this.addrs.length - 1
        if (lastOfRound) silentRounds = answered ? 0 : silentRounds + 1
        if (attempts >= this.maxAttempts || Date.now() - started >= this.maxWaitMs || silentRounds >= 2) {
          throw new TeamError(
            { kind: 'UNREACHABLE', status: lastStatus, operation: spec.operation },
            `No team server node could ${spec.operation} (tried ${this.addrs.length} node${this.addrs.length === 1 ? '' : 's'} ` +
              `${attempts} time${attempts === 1 ? '' : 's'}; last: ${lastWhy}). Check the addresses and that the cluster is unsealed, then try again.`,
          )
        }
      }
      await this.sleep(Math.min(2_000, 200 * 2 ** round))
    }
  }

  private async attempt(
    node: string,
    spec: CallSpec,
    headers: Record<string, string>,
    bodyText: string | undefined,
  ): Promise<{ kind: 'answer'; answer: Answer } | { kind: 'failed'; why: string }> {
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, this.timeoutMs)
    try {
      const init: RequestInit = {
        method: spec.method,
        headers,
        signal: controller.signal,
        redirect: 'manual',
      }
      if (bodyText !== undefined) init.body = bodyText
      const res = await this.fetchImpl(`${node}/v1/${spec.path}`, init)
      const text = await res.text()
      let body: unknown = null
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text) as unknown
        } catch {
          body = undefined
        }
      }
      return { kind: 'answer', answer: { status: res.status, body } }
    } catch (err) {
      // fetch's own messages can quote header values: keep only a code.
      if (timedOut) return { kind: 'failed', why: 'no answer in time' }
      const code = (err as { cause?: { code?: unknown } } | null)?.cause?.code
      return { kind: 'failed', why: typeof code === 'string' ? code : 'the connection failed' }
    } finally {
      clearTimeout(timer)
    }
  }

  /** The server's own error strings, scrubbed of the token and every value the call carried. */
  private serverText(body: unknown, spec: CallSpec): string {
    const errs = isRecord(body) && Array.isArray(body['errors']) ? body['errors'] : []
    let text = errs
      .filter((e): e is string => typeof e === 'string')
      .join('; ')
      .replace(/\s+/g, ' ')
      .trim()
    const secrets = [...(spec.secrets ?? []), ...(this.token !== null ? [this.token] : [])]
    for (const s of secrets) if (s.length >= 4) text = text.split(s).join('[hidden]')
    return text.slice(0, 200)
  }

  /**
   * OpenBao and Vault answer a bad token and a missing permission with the same 403 "permission denied".
   * Every valid token may look itself up (default policy), so a 403 there too means the token is invalid.
   */
  private async tokenInvalid(spec: CallSpec): Promise<boolean> {
    if (spec.anonymous) return false
    if (spec.path === 'auth/token/lookup-self') return true
    try {
      await this.call({ method: 'GET', path: 'auth/token/lookup-self', operation: 'look up the token' })
      return false
    } catch (err) {
      return err instanceof TeamError && err.kind === 'AUTH'
    }
  }

  private refused(spec: CallSpec, ans: Answer, tokenInvalid: boolean): TeamError {
    const said = this.serverText(ans.body, spec)
    const quote = said ? ` (the server said: ${said})` : ''
    let kind: TeamErrorKind = 'SERVER'
    let message = `The team server refused to ${spec.operation} with status ${ans.status}${quote}. Nothing was changed.`
    if (ans.status === 403 && tokenInvalid) {
      kind = 'AUTH'
      message = `The team token is no longer valid, so Keyshelf could not ${spec.operation}. Nothing was changed; reconnect with keyshelf team connect.`
    } else if (ans.status === 403) {
      kind = 'FORBIDDEN'
      message = `Your team token is not allowed to ${spec.operation} (permission denied by its policy). Nothing was changed; ask a team admin for a rotator token if you need to write.`
    } else if (ans.status === 404) {
      kind = 'NOT_FOUND'
      message = `The team server has nothing at the place Keyshelf tried to ${spec.operation}. Check the mount and prefix of the team.`
    }
    return new TeamError({ kind, status: ans.status, operation: spec.operation }, message)
  }

  private badResponse(operation: string, status: number): TeamError {
    return new TeamError(
      { kind: 'BAD_RESPONSE', status, operation },
      `The team server sent an answer Keyshelf cannot read while trying to ${operation}. Nothing was changed; check that the address is an OpenBao or Vault server.`,
    )
  }

  private invalid(operation: string, why: string): TeamError {
    return new TeamError(
      { kind: 'SERVER', status: null, operation },
      `Keyshelf cannot ${operation}: ${why}. Nothing was sent.`,
    )
  }
}
