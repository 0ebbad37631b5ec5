import type { Logger } from '../logger'

/** The providers Keyshelf can sync and rotate through their APIs. */
export type ProviderKind = 'novu' | 'cloudflare' | 'gitlab' | 'aws-iam' | 'sendgrid'

/** Every provider kind, in display order. */
export const PROVIDER_KINDS: readonly ProviderKind[] = ['novu', 'cloudflare', 'gitlab', 'aws-iam', 'sendgrid']

/** A remote key's lifecycle state, provider-neutral. */
export type RemoteKeyStatus = 'active' | 'revoked' | 'expired' | 'disabled'

/**
 * How to reach a provider and who is calling. `token` is the connection credential (a vault secret like
 * any other); every adapter call authenticates with it.
 */
export interface ProviderConnection {
  /**
   * API root. Novu: `https://api.novu.co`, `https://eu.api.novu.co` or a self-hosted API URL (a trailing
   * `/v1` is accepted). Cloudflare: `https://api.cloudflare.com/client/v4` (`/client/v4` is appended when
   * missing). GitLab: `https://gitlab.com` or a self-managed URL (`/api/v4` is appended when missing).
   */
  baseUrl: string
  /** Novu secret key, Cloudflare API token or GitLab personal access token. Never logged, never in errors. */
  token: string
  /** Cloudflare only: manage this account's tokens (`/accounts/{id}/tokens`) instead of the user's. */
  accountId?: string
  /** GitLab only: send `PRIVATE-TOKEN: <t>` (default) or `Authorization: Bearer <t>`. */
  authScheme?: 'private-token' | 'bearer'
  /** Novu self-hosted only: the WebSocket URL (cloud regions know theirs). */
  wsUrl?: string
  /**
   * GitLab only: projects and groups whose access tokens are managed too, as `project:<id or path>` or
   * `group:<id or path>` (their tokens get remote ids `project:<id>:<token id>`).
   */
  resources?: string[]
  /** GitLab only: the instance's maximum token lifetime in days (default 365, GitLab's default maximum). */
  maxTokenLifetimeDays?: number
  /** AWS IAM only: the access key id that goes with `token` (the secret access key). Public. */
  accessKeyId?: string
  /** AWS IAM only: the SigV4 signing region (default us-east-1, where IAM lives). */
  region?: string
}

/** Options every call accepts. */
export interface CallOptions {
  /** Aborts the call (a key-changing call aborted after sending ends as OUTCOME_UNKNOWN). */
  signal?: AbortSignal
  /** Per-attempt timeout; defaults to the client's (15 s). */
  timeoutMs?: number
}

/** Options for list calls that may take several pages. */
export interface ListOptions extends CallOptions {
  /** Called after each page with the number of keys read so far and the total, when the provider says it. */
  onProgress?: (done: number, total?: number) => void
}

/** Provider-neutral metadata for one remote key. Only `secret` can hold a secret, and only when the provider shows it. */
export interface RemoteKey {
  provider: ProviderKind
  /**
   * Stable remote id. Novu: sha256 hex of the key (Novu's own key id); Cloudflare: token id (stays the same
   * across rolls); GitLab: token id as a string (changes on every rotation).
   */
  remoteId: string
  name: string
  status: RemoteKeyStatus
  /** Epoch ms, or null when the key never expires. */
  expiresAt: number | null
  /** Epoch ms, or null when the provider does not say. */
  createdAt: number | null
  /** Epoch ms, or null when unknown or never used. */
  lastUsedAt: number | null
  /** A non-secret hint for humans (e.g. `…a1b2` for keys the provider shows), or null. */
  maskedHint: string | null
  /** Permission names or scopes, when the provider lists them. */
  scopes: string[]
  /** True when this remote key is the connection's own credential. */
  isConnectionKey: boolean
  /**
   * The key's value, only when the provider returns it in clear (Novu returns the keys of the connecting
   * environment). Absent means "not shown", never "empty": sync must not blank a local secret because of it.
   */
  secret?: string
  /** Novu: the environment this key belongs to (always the connection's environment). */
  environmentId?: string
  environmentName?: string
}

/**
 * A provider-side grouping of keys: a Novu environment or a Cloudflare account. Novu environments carry
 * the public application identifier (env var NOVU_APPLICATION_IDENTIFIER, never rotated) and the API and
 * WebSocket URLs for the region. Only the connection's own environment has a readable secret key
 * (NOVU_SECRET_KEY); siblings are listed without keys.
 */
export interface RemoteEnvironment {
  provider: ProviderKind
  remoteId: string
  name: string
  /** Novu: Production's parent is Development; null for roots and non-Novu. */
  parentId: string | null
  /** Novu application identifier (public); null for providers without one. */
  applicationIdentifier: string | null
  /** API URL clients of this environment use (Novu: per region), or null. */
  apiUrl: string | null
  /** WebSocket URL (Novu: per region; self-hosted only when configured), or null. */
  wsUrl: string | null
  /** 'us' | 'eu' | 'self-hosted' for Novu; 'global' for Cloudflare. */
  region: string
  /** True for the environment/account the connection credential belongs to. */
  isConnectionEnvironment: boolean
}

/** The answer to "is this credential still good?". Rejection is an answer, not an error. */
export interface VerifyResult {
  /** True when the provider accepted the credential and reports it active. */
  valid: boolean
  /** The credential's remote id, when the provider tells us. */
  remoteId: string | null
  /** The provider-reported status; `revoked` when it was rejected as revoked/unknown. */
  status: RemoteKeyStatus
  expiresAt: number | null
  /** Human sentence when not valid; never contains a secret. */
  reason: string | null
  /** Novu: the environment the key belongs to. */
  environmentId?: string
  environmentName?: string
  /**
   * Cloudflare: the token looks account-owned (the user endpoints reject it and `GET /accounts` answers
   * 400/1001): ask the user for the account id and verify again with `accountId`.
   */
  needsAccountId?: boolean
}

/**
 * - single: one call replaces the key; the old key dies at once.
 * - dual: add a new key now, keep the old one working; later call `revoke(oldRemoteId)` to finish.
 * - prefer-dual: dual where the server allows it, otherwise single (only when the dual attempt was
 *   refused before anything changed, so nothing is ever rotated twice).
 */
export type RotationStrategy = 'single' | 'dual' | 'prefer-dual'

/** Options for {@link ProviderAdapter.rotate}. */
export interface RotateOptions extends CallOptions {
  /** Defaults to 'prefer-dual' when the adapter can do dual-phase, else 'single'. */
  strategy?: RotationStrategy
  /** Dual-phase: how long the old key should keep working; sets `oldValidUntil` (the caller revokes it then). */
  overlapMs?: number
  /**
   * GitLab: expiry for the new token (epoch ms, sent as a UTC date). Default: the old token's lifetime from
   * today, capped by the instance maximum (never the server's one-week default).
   */
  expiresAt?: number
}

/** What a rotation produced. `newSecret` is the only secret; the caller stores it and never logs it. */
export interface RotateResult {
  /** What actually happened (a 'prefer-dual' request may have fallen back to 'single'). */
  strategy: 'single' | 'dual'
  newSecret: string
  newRemoteId: string
  oldRemoteId: string
  /** 'dead' for single-phase; 'valid-until' for dual-phase (until the caller revokes it). */
  oldKeyState: 'dead' | 'valid-until'
  /** Dual-phase: now + overlapMs when given, else null (valid until revoked). */
  oldValidUntil: number | null
  /** Other remote keys this rotation also killed (Novu regenerate replaces every key of the environment). */
  alsoInvalidated: string[]
  /** True when the rotated key was the connection credential: the caller must store newSecret as the connection token. */
  connectionKeyReplaced: boolean
  /** Expiry of the new key, when the provider says. */
  newExpiresAt: number | null
  /** Why a 'prefer-dual' request fell back to single-phase (plain words), when it did. */
  fallbackReason: string | null
  /** Anything the user should know (e.g. Novu servers may accept the old key for up to a minute). */
  note: string | null
}

/** Result of {@link ProviderAdapter.revoke}. */
export interface RevokeResult {
  /** True when the provider said the key did not exist (already deleted: a repeated revoke is not an error). */
  alreadyGone: boolean
}

/** What the rotation journal knows about a rotation whose response was lost. */
export interface PendingRotation {
  /** The key being rotated (Novu hash, Cloudflare id, GitLab id). */
  oldRemoteId: string
  /** The value before the rotation (still in the vault). Used only to probe the provider; never logged. */
  oldSecret: string
  strategy: 'single' | 'dual'
  /** Epoch ms when the intent was written. */
  startedAt: number
  /** Display name of the key, when known (GitLab keeps the name across rotations). */
  name?: string
}

/** The settled state of a pending rotation. */
export interface RotationCheck {
  /**
   * - not-rotated: the old key still works and nothing new exists: safe to offer "rotate again".
   * - rotated: the rotation happened. `recoveredSecret` is set only when the provider shows the new value
   *   (Novu dual-phase); otherwise the new value is lost and the user must create a key in the dashboard.
   * - unknown: could not tell (e.g. network down); try again later.
   */
  state: 'not-rotated' | 'rotated' | 'unknown'
  newRemoteId: string | null
  recoveredSecret: string | null
  /**
   * With `not-rotated`: a key the lost call created at the provider (create-then-delete providers such as
   * AWS IAM). Its secret is gone for good; the stored key is untouched and still works. Offer to delete it.
   */
  strayRemoteId?: string | null
  /** Plain-words explanation for the user; never contains a secret. */
  detail: string
}

/** What an adapter can do. A true flag may still fail at run time on a server that refuses it (explained). */
export interface ProviderCapabilities {
  /** list(): enumerate the remote keys visible to the connection. */
  list: boolean
  /** verify(): check a credential. */
  verify: boolean
  /** rotate({strategy:'single'}): replace a key in one call; the old one dies at once. */
  rotateSingle: boolean
  /** rotate({strategy:'dual'}) + revoke(): add a second key, then delete the old one after an overlap. */
  rotateDual: boolean
  /** revoke(): delete a key. */
  revoke: boolean
  /** listEnvironments(): enumerate environments (Novu) or accounts (Cloudflare). */
  environments: boolean
}

/**
 * One provider behind one interface. Adapters are stateless: every call takes the connection, so the
 * caller (sync, journal, CLI) owns where credentials live. Calls that only read are retried on 5xx, 429
 * and network errors; calls that change a key are sent exactly once and end as OUTCOME_UNKNOWN when their
 * answer is lost. Every failure is a {@link ProviderError} with a human message and no secret.
 */
export interface ProviderAdapter {
  readonly id: ProviderKind
  /** Display name, e.g. "Cloudflare". */
  readonly displayName: string
  readonly capabilities: ProviderCapabilities
  /** Novu environments or Cloudflare accounts visible to the connection. */
  listEnvironments?(conn: ProviderConnection, opts?: ListOptions): Promise<RemoteEnvironment[]>
  /** Every remote key the connection can see (all pages). */
  list(conn: ProviderConnection, opts?: ListOptions): Promise<RemoteKey[]>
  /** Checks `secret` (default: the connection token) against the provider. Rejection → `valid: false`. */
  verify(conn: ProviderConnection, secret?: string, opts?: CallOptions): Promise<VerifyResult>
  /**
   * Rotates the key `remoteId`. Single-phase returns a dead old key; dual-phase returns the old key still
   * valid, and the caller later calls `revoke(conn, oldRemoteId)` to finish. Never retried automatically.
   */
  rotate(conn: ProviderConnection, remoteId: string, opts?: RotateOptions): Promise<RotateResult>
  /** Deletes the key `remoteId` (also the second phase of a dual-phase rotation). Safe to repeat. */
  revoke(conn: ProviderConnection, remoteId: string, opts?: CallOptions): Promise<RevokeResult>
  /**
   * Settles a rotation whose response was lost, using only read calls (never a second rotate).
   * `conn` may be the old credential or another one.
   */
  settleRotation(
    conn: ProviderConnection,
    pending: PendingRotation,
    opts?: CallOptions,
  ): Promise<RotationCheck>
}

/** Sleeps `ms`; rejects when `signal` aborts. Injected so tests assert waits without waiting. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/** Tuning for the HTTP client's timeouts and retries. */
export interface RetryPolicy {
  /** Per-attempt timeout (ms). Default 15 000. */
  timeoutMs: number
  /** Retries after the first attempt, for idempotent calls. Default 3. */
  maxRetries: number
  /** First backoff (ms); doubles each retry. Default 300. */
  baseDelayMs: number
  /** Largest backoff (ms). Default 8 000. */
  maxDelayMs: number
  /** Longest Retry-After/RateLimit-Reset we wait for; a longer one fails at once with RATE_LIMITED. Default 30 000. */
  maxRetryAfterMs: number
}

/** What adapters need from the outside world; everything is injected so tests and benches control it. */
export interface ProviderDeps {
  fetch: typeof fetch
  /** Epoch ms. Default Date.now. */
  clock?: () => number
  /** Default: a real timer. */
  sleep?: Sleep
  /** In [0, 1); used for backoff jitter. Default Math.random. */
  random?: () => number
  /** Receives retry and failure notes (never values, never URLs with secrets). */
  logger?: Logger
  retry?: Partial<RetryPolicy>
}
