/**
 * A credential's **home**: where its values live and where a rotation is written. Today every credential
 * lives in the local vault ({@link LocalVaultHome}); a team space (OpenBao / Vault KV v2) will be a second
 * implementation. Rotation, `.env` export, `run` and value reads go through a home, never to the local
 * repository directly, so adding a home does not touch those workflows.
 */
import type { CredentialStatus, CredentialView, FieldKind, VersionReason } from '../../../src-shared/model'

/** One current value of an environment, as export and `run` consume it. */
export interface HomeValue {
  envVar: string
  kind: FieldKind
  value: string
  credentialId: string
}

/** A rotation to write: new values for some fields, and what the previous values become. */
export interface RotationWrite {
  /** New values by field id (already checked: the fields exist, none twice). */
  values: { fieldId: string; value: string }[]
  /** When the rotation happens (the new lastRotatedAt; validUntil is computed from it). */
  at: number
  /** Why the values change; recorded with the previous values' version. */
  reason: VersionReason
  /** Until when the previous values stay valid (overlap), or null. */
  validUntil: number | null
  /** Metadata the rotation also sets (a provider rotation: new status, expiry, provider id). */
  patch?: { status?: CredentialStatus; expiresAt?: number | null; providerCredentialId?: string }
  /** Runs inside the same write (the provider journal uses it). */
  extra?: () => void
}

/** Where a credential's values live. Every method needs an unlocked vault; none logs or audits values. */
export interface CredentialHome {
  /** Stable name of the home ('local' for the local vault). */
  readonly id: string
  /** One current value, not audited: the caller audits what it does with it. NOT_FOUND if unknown. */
  readValue(credentialId: string, fieldId: string): string
  /**
   * The current values of an environment's non-revoked credentials, in creation order, for export and
   * `run` (optionally only the env vars in `only`; NOT_FOUND names any missing). Audited by the caller.
   */
  listValues(environmentId: string, only?: readonly string[]): HomeValue[]
  /**
   * Writes a rotation atomically: the previous values become a version, the new ones current,
   * lastRotatedAt moves to now and the rotation state settles. INVALID_INPUT if a value is unchanged.
   */
  writeRotation(credentialId: string, write: RotationWrite): CredentialView
}

/** A home other than the local vault, with how to tell which credentials and environments it holds. */
export interface RoutedHome extends CredentialHome {
  holdsCredential(credentialId: string): boolean
  holdsEnvironment(environmentId: string): boolean
}

/** Finds the home of a credential or environment: the first added home that holds it, else the local vault. */
export class CredentialHomes {
  private readonly others: RoutedHome[] = []

  constructor(private readonly local: CredentialHome) {}

  /** Adds a home (a team space) that is asked before the local vault. */
  add(home: RoutedHome): void {
    this.others.push(home)
  }

  /** The home that holds `credentialId`. */
  forCredential(credentialId: string): CredentialHome {
    return this.others.find((h) => h.holdsCredential(credentialId)) ?? this.local
  }

  /** The home that holds the environment `environmentId`. */
  forEnvironment(environmentId: string): CredentialHome {
    return this.others.find((h) => h.holdsEnvironment(environmentId)) ?? this.local
  }
}
