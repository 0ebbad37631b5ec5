import { KeyshelfError } from '../errors'
import type { ProviderKind, RotationCheck } from './provider.types'

/**
 * What went wrong talking to a provider, independent of the provider:
 * - AUTH: the credential was rejected (revoked, rotated, expired, wrong environment, malformed).
 * - FORBIDDEN: the credential is valid but lacks a permission or the server refuses the feature.
 * - NOT_FOUND: the remote key (or route) does not exist.
 * - RATE_LIMITED: the provider asked us to slow down; `retryAfterMs` says for how long, when known.
 * - SERVER: the provider failed (5xx) on a call that is safe to repeat later.
 * - TIMEOUT / NETWORK: no answer in time / no connection, on a call that is safe to repeat later.
 * - BAD_RESPONSE: the provider answered something we cannot read.
 * - UNSUPPORTED: the server does not offer this operation to this kind of credential.
 * - OUTCOME_UNKNOWN: a call that changes a key (rotate) may or may not have happened; verify first, never repeat blindly.
 * - CONFLICT: the remote state forbids the operation (two-key limit, last key, already rotated).
 * - CANCELLED: the caller aborted the call.
 */
export const PROVIDER_ERROR_KINDS = [
  'AUTH',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'SERVER',
  'TIMEOUT',
  'NETWORK',
  'BAD_RESPONSE',
  'UNSUPPORTED',
  'OUTCOME_UNKNOWN',
  'CONFLICT',
  'CANCELLED',
] as const

/** One of {@link PROVIDER_ERROR_KINDS}. */
export type ProviderErrorKind = (typeof PROVIDER_ERROR_KINDS)[number]

/** Non-secret facts about a provider failure; this is what crosses IPC as `details`. */
export interface ProviderErrorDetails {
  provider: ProviderKind
  kind: ProviderErrorKind
  /** HTTP status, when the provider answered. */
  status: number | null
  /** What Keyshelf was doing, e.g. "rotate token". */
  operation: string
  /** The provider's own error code (Cloudflare `errors[].code`, GitLab `error`), when given. Never a secret. */
  providerCode: string | null
  /** How long the provider asked us to wait, when it said so. */
  retryAfterMs: number | null
}

/**
 * A provider call failed. `code` is always `PROVIDER_ERROR` (so it crosses IPC like every other Keyshelf
 * error); `kind` says what happened. `message` is a complete sentence for users that says what happened
 * and what to do, and it never contains a secret: provider-supplied text is scrubbed of every secret the
 * call knew about before it is quoted.
 */
export class ProviderError extends KeyshelfError {
  readonly kind: ProviderErrorKind
  readonly provider: ProviderKind
  readonly status: number | null
  readonly operation: string
  readonly providerCode: string | null
  readonly retryAfterMs: number | null

  constructor(
    init: {
      kind: ProviderErrorKind
      provider: ProviderKind
      operation: string
      status?: number | null
      providerCode?: string | null
      retryAfterMs?: number | null
    },
    message: string,
  ) {
    const details: ProviderErrorDetails = {
      provider: init.provider,
      kind: init.kind,
      status: init.status ?? null,
      operation: init.operation,
      providerCode: init.providerCode ?? null,
      retryAfterMs: init.retryAfterMs ?? null,
    }
    super('PROVIDER_ERROR', message, details)
    this.kind = details.kind
    this.provider = details.provider
    this.status = details.status
    this.operation = details.operation
    this.providerCode = details.providerCode
    this.retryAfterMs = details.retryAfterMs
  }

  /** True when repeating the same call later is safe and may succeed (never for OUTCOME_UNKNOWN). */
  get retryable(): boolean {
    return (
      this.kind === 'RATE_LIMITED' ||
      this.kind === 'SERVER' ||
      this.kind === 'TIMEOUT' ||
      this.kind === 'NETWORK'
    )
  }
}

/** A rotate (or other key-changing) call whose result never arrived: the change may or may not have happened. */
export class ProviderOutcomeUnknownError extends ProviderError {
  constructor(init: { provider: ProviderKind; operation: string; status?: number | null }, message: string) {
    super({ ...init, kind: 'OUTCOME_UNKNOWN' }, message)
  }
}

/**
 * The provider does not let this credential change keys through its API (Novu's key endpoints answer an
 * `ApiKey` caller with 401 "API endpoint not available"): nothing was changed, and the user has to do the
 * step in the provider's dashboard. Callers offer the guided rotation with `dashboardUrl` instead. It never
 * means "the key was revoked". Kind `UNSUPPORTED`, `providerCode` is the provider's own wording.
 */
export class ProviderNeedsDashboardError extends ProviderError {
  /** Where the user does it by hand (the environment's page when known). */
  readonly dashboardUrl: string
  /** What the user must do there: create a new key (rotate) or delete the old one (revoke). */
  readonly step: 'rotate' | 'revoke'

  constructor(
    init: {
      provider: ProviderKind
      operation: string
      status?: number | null
      providerCode?: string | null
      dashboardUrl: string
      step: 'rotate' | 'revoke'
    },
    message: string,
  ) {
    super({ ...init, kind: 'UNSUPPORTED' }, message)
    this.dashboardUrl = init.dashboardUrl
    this.step = init.step
    ;(this.details as Record<string, unknown>).dashboardUrl = init.dashboardUrl
    ;(this.details as Record<string, unknown>).guided = init.step
  }
}

/** Narrows `err` to a ProviderError, optionally of one kind. */
export function isProviderError(err: unknown, kind?: ProviderErrorKind): err is ProviderError {
  return err instanceof ProviderError && (kind === undefined || err.kind === kind)
}

/** Display names used in messages. */
export const PROVIDER_NAMES: Record<ProviderKind, string> = {
  novu: 'Novu',
  cloudflare: 'Cloudflare',
  gitlab: 'GitLab',
  'aws-iam': 'AWS IAM',
  sendgrid: 'SendGrid',
}

const TOKEN_SHAPES: RegExp[] = [
  /glpat-[A-Za-z0-9_.-]{8,}/g,
  /\bcf[a-z]{1,3}_[A-Za-z0-9_-]{16,}/g,
  /\bSG\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /\bsk-[A-Za-z0-9_-]{16,}/g,
]

/**
 * Removes every known secret (and anything shaped like a well-known token) from provider-supplied text,
 * collapses whitespace and caps the length, so it can be quoted in a message.
 */
export function scrubText(text: string, secrets: readonly string[], maxLength = 200): string {
  let out = text
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join('[redacted]')
    const trimmed = s.trim()
    if (trimmed !== s && trimmed.length >= 4) out = out.split(trimmed).join('[redacted]')
  }
  for (const re of TOKEN_SHAPES) out = out.replace(re, '[redacted]')
  out = out.replace(/\s+/g, ' ').trim()
  if (out.length > maxLength) out = `${out.slice(0, maxLength - 1)}…`
  return out
}

/** Joins a provider-supplied reason into a sentence: `' (Cloudflare said: "…")'`, or '' when there is none. */
export function quoteProvider(provider: ProviderKind, said: string | null): string {
  if (!said) return ''
  return ` (${PROVIDER_NAMES[provider]} said: "${said}")`
}

/**
 * The explained error for an HTTP status when the provider adapter has nothing more specific to say.
 * `said` is provider text that was already scrubbed.
 */
export function statusError(
  provider: ProviderKind,
  status: number,
  operation: string,
  said: string | null,
  providerCode: string | null = null,
): ProviderError {
  const name = PROVIDER_NAMES[provider]
  const withCode =
    providerCode && !(said ?? '').includes(providerCode)
      ? `${said ? `${said}, ` : ''}code ${providerCode}`
      : said
  const q = quoteProvider(provider, withCode)
  const init = { provider, operation, status, providerCode }
  if (status === 401) {
    return new ProviderError(
      { ...init, kind: 'AUTH' },
      `${name} rejected the key while Keyshelf tried to ${operation}${q}. Nothing was changed. ` +
        `Paste the current key from the ${name} dashboard.`,
    )
  }
  if (status === 403) {
    return new ProviderError(
      { ...init, kind: 'FORBIDDEN' },
      `${name} accepted the key but refused to ${operation}: the key lacks the permission for it${q}. ` +
        `Nothing was changed. Give the key that permission in the ${name} dashboard, or connect with another key.`,
    )
  }
  if (status === 404) {
    return new ProviderError(
      { ...init, kind: 'NOT_FOUND' },
      `${name} could not find what Keyshelf asked for while trying to ${operation}${q}. It may have been deleted, ` +
        `or the server URL is wrong. Nothing was changed.`,
    )
  }
  if (status >= 300 && status < 400) {
    return new ProviderError(
      { ...init, kind: 'BAD_RESPONSE' },
      `${name} redirected the request to another address while Keyshelf tried to ${operation}. Keyshelf does not ` +
        `follow redirects with your key. Set the server URL to the final address (for example https:// instead of http://).`,
    )
  }
  if (status >= 500) {
    return new ProviderError(
      { ...init, kind: 'SERVER' },
      `${name} had a server error (status ${status}) while Keyshelf tried to ${operation}${q}. ` +
        `Nothing was changed. Try again later.`,
    )
  }
  if (status === 400 || status === 409 || status === 422) {
    return new ProviderError(
      { ...init, kind: 'CONFLICT' },
      `${name} refused to ${operation}${q}. Nothing was changed.`,
    )
  }
  return new ProviderError(
    { ...init, kind: 'BAD_RESPONSE' },
    `${name} answered with an unexpected status (${status}) while Keyshelf tried to ${operation}${q}. ` +
      `Nothing was changed.`,
  )
}

/** A 2xx answer whose body is not what the contract promises, on a read. */
export function badResponse(provider: ProviderKind, operation: string, status: number | null): ProviderError {
  const name = PROVIDER_NAMES[provider]
  return new ProviderError(
    { kind: 'BAD_RESPONSE', provider, operation, status },
    `${name} sent an answer Keyshelf does not understand while trying to ${operation}. Nothing was changed. ` +
      `Check that the server URL points at the ${name} API.`,
  )
}

/**
 * The outcome of a rotation check that could not reach the provider: state unknown, with the provider's own
 * (secret-free) error sentence, so the key stays "verify first" and nothing is rotated again.
 */
export function couldNotAsk(providerName: string, err: unknown): RotationCheck {
  return {
    state: 'unknown',
    newRemoteId: null,
    recoveredSecret: null,
    detail: `Keyshelf could not ask ${providerName} yet: ${isProviderError(err) ? err.message : 'the check failed.'}`,
  }
}
