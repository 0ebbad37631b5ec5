import { KeyshelfError } from '../errors'

/**
 * What went wrong talking to a team space (OpenBao / HashiCorp Vault):
 * - UNREACHABLE: no node answered (connection errors, or every node sealed/standby without an active one),
 *   within the failover bound;
 * - AUTH: the token or login was rejected (expired, revoked, wrong password or secret id);
 * - FORBIDDEN: the token is valid but its policy does not allow this (a reader token writing);
 * - NOT_FOUND: the mount, path or version does not exist;
 * - BAD_RESPONSE: the server answered something Keyshelf cannot read;
 * - SERVER: the server refused for another reason (4xx/5xx not listed above).
 */
export type TeamErrorKind = 'UNREACHABLE' | 'AUTH' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_RESPONSE' | 'SERVER'

/** Non-secret facts about a team-space failure; what crosses IPC as `details`. */
export interface TeamErrorDetails {
  kind: TeamErrorKind
  /** HTTP status when a node answered. */
  status: number | null
  /** What Keyshelf was doing ("read keyshelf/shop/prod/stripe"). Paths are names, never values. */
  operation: string
}

/**
 * A team-space call failed. `code` is PROVIDER_ERROR (so it crosses IPC and maps to a CLI exit code like
 * provider failures); `kind` says what happened. The message says what to do and never contains a token or
 * a secret value: server text is quoted only after every secret the call knew is scrubbed from it.
 */
export class TeamError extends KeyshelfError {
  readonly kind: TeamErrorKind
  readonly status: number | null
  readonly operation: string

  constructor(details: TeamErrorDetails, message: string) {
    super('PROVIDER_ERROR', message, details)
    this.kind = details.kind
    this.status = details.status
    this.operation = details.operation
  }
}

/**
 * A check-and-set write lost: the secret's current version is not the one the writer started from.
 * `currentVersion` is the version on the server now; who/when come from the caller's metadata read.
 */
export class TeamCasConflictError extends KeyshelfError {
  readonly currentVersion: number | null

  constructor(operation: string, currentVersion: number | null, message?: string) {
    super(
      'CONFLICT',
      message ??
        `Someone else changed ${operation} in the team space first (it is now at version ${currentVersion ?? '?'}). ` +
          `Nothing was overwritten; sync to see their value, then try again.`,
      { kind: 'CAS_CONFLICT', operation, currentVersion },
    )
    this.currentVersion = currentVersion
  }
}
