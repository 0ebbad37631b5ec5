/**
 * Keyshelf domain model, shared by main, preload, renderer and the CLI.
 * Plain TypeScript: no node:, electron or DOM imports.
 *
 * Timestamps are epoch milliseconds (UTC). Ids are random UUID strings.
 */

/** Lifecycle status stored on a credential (what the user or provider says about it). */
export type CredentialStatus = 'active' | 'revoked' | 'expired'

/** Computed rotation status, from dates, policy and an injected clock. */
export type RotationStatus = 'ok' | 'due-soon' | 'overdue' | 'expired' | 'revoked'

/** A field is either a secret (masked) or a public identifier (may be shown in clear). */
export type FieldKind = 'secret' | 'public'

/** Providers Keyshelf knows; `manual` means the user manages the key by hand. */
export const PROVIDERS = [
  'manual',
  'novu',
  'cloudflare',
  'gitlab',
  'sendgrid',
  'openai',
  'aws-iam',
  'other',
] as const
export type ProviderId = (typeof PROVIDERS)[number]

/** Why a version was created. `rotate:<provider>` for provider rotations. */
export type VersionReason = 'manual' | 'import' | 'edit' | `rotate:${string}`

/** Default rotation interval in days for a new credential. */
export const DEFAULT_ROTATION_DAYS = 90
/** Default warning window in days before a rotation due date. */
export const DEFAULT_WARN_DAYS = 14

export interface App {
  id: string
  name: string
  description: string
  /** The provider's App ID / application identifier, if any. */
  appId: string
  tags: string[]
  notes: string
  createdAt: number
  updatedAt: number
}

export interface Environment {
  id: string
  appId: string
  /** Development, Staging, Production or any custom name. */
  name: string
  apiUrl: string
  wsUrl: string
  region: string
  notes: string
  position: number
  createdAt: number
  updatedAt: number
}

/** What the renderer sees of a field value without asking: never the value itself for secrets. */
export interface MaskedValue {
  /** Last 4 characters, only for secrets long enough that 4 characters reveal little (>= 12); else null. */
  last4: string | null
  /** Short keyed fingerprint (HMAC with a vault subkey), stable for the same value. */
  fingerprint: string
  /** Public fields carry their value in clear; secrets never do. */
  clear: string | null
  /** The value is the empty string (shown as "(empty)", not as a mask). Absent in masks made before it existed. */
  empty?: boolean
  /** The value ends with a line feed (shown as ⏎). */
  endsWithNewline?: boolean
}

export interface FieldView {
  id: string
  label: string
  envVar: string
  kind: FieldKind
  masked: MaskedValue
}

export interface FieldInput {
  label: string
  envVar: string
  kind: FieldKind
  value: string
}

/** Rotation bookkeeping for a credential whose provider rotation outcome is not known. */
export type RotationState = 'settled' | 'unknown'

export interface CredentialView {
  id: string
  environmentId: string
  appId: string
  name: string
  provider: ProviderId
  providerCredentialId: string
  status: CredentialStatus
  role: string
  allowedHosts: string[]
  owner: string
  tags: string[]
  notes: string
  createdAt: number
  updatedAt: number
  lastRotatedAt: number | null
  expiresAt: number | null
  /** null = never rotate (e.g. a public application identifier). */
  rotationIntervalDays: number | null
  rotationState: RotationState
  fields: FieldView[]
  /** Computed at read time. */
  rotation: RotationInfo
  /** After a rotation with an overlap: the previous value stays valid at the provider until then (revoke it). */
  overlapUntil?: number | null
}

export interface RotationInfo {
  status: RotationStatus
  /** lastRotatedAt (or createdAt) + interval; null when the interval is null. */
  rotationDueAt: number | null
  /** The date that governs the status: the earlier of rotationDueAt and expiresAt. */
  governingAt: number | null
  /** Whole days until governingAt (negative when past). null when there is no date. */
  daysLeft: number | null
}

export interface VersionFieldView {
  fieldId: string
  label: string
  envVar: string
  kind: FieldKind
  masked: MaskedValue
}

export interface VersionView {
  id: string
  credentialId: string
  createdAt: number
  reason: VersionReason
  /** The old values stay valid at the provider until this time (overlap), if known. */
  validUntil: number | null
  fields: VersionFieldView[]
}

export type AuditEvent =
  | 'create'
  | 'unlock'
  | 'reveal'
  | 'copy'
  | 'export'
  | 'import'
  | 'edit'
  | 'delete'
  | 'rotate'
  | 'sync'
  | 'password-change'
  | 'rekey'
  // trash: an app or environment moved to the Trash, restored from it, or deleted forever
  | 'trash'
  | 'restore'
  | 'purge'

export interface AuditEntry {
  id: string
  at: number
  event: AuditEvent
  credentialId: string | null
  /** Decrypted details: what and where, never a secret value. */
  details: Record<string, unknown>
}

export interface DueCounts {
  overdue: number
  dueSoon: number
  expired: number
  total: number
  /** providers: old keys whose overlap has ended (counted only while unlocked: the reminders are sealed). */
  revoke?: number
  /**
   * False when the counts were read while locked: from plaintext columns that only the data key can
   * authenticate (checked at unlock). True when computed from the unlocked, authenticated rows.
   */
  verified?: boolean
}

export interface DueItem {
  credentialId: string
  appId: string
  appName: string
  environmentId: string
  environmentName: string
  name: string
  envVars: string[]
  rotation: RotationInfo
  expiresAt: number | null
  lastRotatedAt: number | null
  /** After a rotation with an overlap: the previous value stays valid until then (revoke it). */
  overlapUntil?: number | null
  /** The person or group to chase ('' when none); the Due view and `due --by-owner` group by it. */
  owner: string
  /** providers: the old key of a rotation with an overlap is still alive at the provider (revoke it). */
  revoke?: RevokeDue | null
}

/** providers: an old key to revoke at its provider when the overlap of a rotation ends. */
export interface RevokeDue {
  /** guided: revoke in the dashboard, then dismiss; provider: Keyshelf deletes it ("Revoke old key now"). */
  source: 'guided' | 'provider'
  providerName: string
  dashboardUrl: string
  /** Epoch ms when the overlap ends. */
  dueAt: number
  /** The guided reminder to dismiss, or null. */
  reminderId: string | null
}

export interface KdfParams {
  algorithm: 'argon2id'
  /** Memory in KiB. */
  memoryKiB: number
  iterations: number
  parallelism: number
}

/** Default KDF: Argon2id m = 64 MiB, t = 3, p = 1. */
export const DEFAULT_KDF: KdfParams = {
  algorithm: 'argon2id',
  memoryKiB: 64 * 1024,
  iterations: 3,
  parallelism: 1,
}
/** OWASP floor: m = 19 MiB, t = 2. `init` refuses anything weaker. */
export const MIN_KDF = { memoryKiB: 19 * 1024, iterations: 2 } as const

export type VaultState = 'no-vault' | 'locked' | 'unlocked'

export interface VaultStatus {
  state: VaultState
  /** Counts are computable without the password (only plaintext rotation columns are read). */
  due: DueCounts | null
}

export interface SearchHit {
  kind: 'app' | 'environment' | 'credential' | 'field'
  appId: string
  environmentId: string | null
  credentialId: string | null
  fieldId: string | null
  /** What to show: "App › Env › Credential (ENV_VAR)". Never a secret. */
  label: string
}

/** Stable error codes that cross IPC and map to CLI exit codes. */
export const ERROR_CODES = [
  'WRONG_PASSWORD',
  'VAULT_CORRUPT',
  'SCHEMA_TOO_NEW',
  'VAULT_EXISTS',
  'NO_VAULT',
  'LOCKED',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_INPUT',
  'WEAK_KDF',
  'PROVIDER_ERROR',
  'UNREPRESENTABLE',
  'FILE_ERROR',
  'INTERNAL',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/** A serialisable error: what crosses IPC. `message` never contains a secret value. */
export interface KeyshelfErrorData {
  code: ErrorCode
  message: string
  /** Optional non-secret detail, e.g. a list of validation issues. */
  details?: unknown
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: KeyshelfErrorData }

/** Non-secret preferences (electron-store on desktop). */
export interface Preferences {
  /** Lock after this many idle minutes; 0 = never. */
  autoLockMinutes: number
  /** Clear the clipboard this many seconds after a copy. */
  clipboardClearSeconds: number
  /** Re-mask a shown secret after this many seconds. */
  remaskSeconds: number
  /** Warn this many days before a due date or expiry. */
  warnDays: number
  theme: 'system' | 'light' | 'dark'
  /** Hide the window from screenshots and screen sharing (macOS and Windows; Linux cannot). */
  hideFromScreenCapture: boolean
  /** Lock the vault when the window is minimised. */
  lockOnMinimize: boolean
  /** cli: while the window is unlocked, answer `keyshelf` commands without a password (off by default). */
  cliAccess: boolean
}

export const DEFAULT_PREFERENCES: Preferences = {
  autoLockMinutes: 10,
  clipboardClearSeconds: 30,
  remaskSeconds: 20,
  warnDays: DEFAULT_WARN_DAYS,
  theme: 'system',
  hideFromScreenCapture: true,
  lockOnMinimize: false,
  cliAccess: false,
}

/** Providers that Keyshelf can connect to, sync and rotate through. */
export const SYNC_PROVIDERS = ['novu', 'cloudflare', 'gitlab', 'aws-iam', 'sendgrid'] as const
export type SyncProvider = (typeof SYNC_PROVIDERS)[number]

/** A provider connection as the UI and CLI see it (no token). */
export interface ConnectionView {
  id: string
  appId: string
  environmentId: string
  environmentName: string
  provider: SyncProvider
  baseUrl: string
  region: string
  tokenCredentialId: string
  lastSyncedAt: number | null
}

/** What one sync changed, per environment and in total. */
export interface SyncSummary {
  connectionId: string
  provider: SyncProvider
  syncedAt: number
  added: number
  updated: number
  revoked: number
  unchanged: number
  environments: { name: string; added: number; updated: number; revoked: number; unchanged: number }[]
  /** Dual-phase rotations whose overlap ended and whose old key was deleted during this sync. */
  finishedOverlaps: number
  /** Plain-words notes (e.g. keys whose values the provider does not show). */
  notes: string[]
  /** providers: environments whose URLs or region differ at the provider; applied only if the user agrees. */
  environmentChanges?: {
    environmentId: string
    name: string
    /** The provider's values (all three; applying them is an ordinary environment edit). */
    apiUrl: string
    wsUrl: string
    region: string
    /** The environment's own values, which were kept: what the window and CLI show beside the provider's. */
    current: { apiUrl: string; wsUrl: string; region: string }
  }[]
}

/** One environment whose URLs or region differ at the provider (see {@link SyncSummary}). */
export type EnvironmentChange = NonNullable<SyncSummary['environmentChanges']>[number]

/** The settings of an environment change that differ, in order: what to show beside the provider's. */
export function environmentDifferences(
  c: EnvironmentChange,
): { setting: 'apiUrl' | 'wsUrl' | 'region'; label: string; yours: string; theirs: string }[] {
  const labels = { apiUrl: 'API URL', wsUrl: 'WebSocket URL', region: 'Region' } as const
  return (['apiUrl', 'wsUrl', 'region'] as const)
    .filter((k) => c[k] !== c.current[k])
    .map((k) => ({ setting: k, label: labels[k], yours: c.current[k], theirs: c[k] }))
}

/** The outcome of a rotation through a provider. */
export interface ProviderRotationOutcome {
  credential: CredentialView
  strategy: 'single' | 'dual'
  /** 'dead': the old key stopped working now; 'valid-until': it keeps working until `oldValidUntil`. */
  oldKeyState: 'dead' | 'valid-until'
  oldValidUntil: number | null
  /** Why a dual-phase request fell back to single-phase, in plain words. */
  fallbackReason: string | null
  note: string | null
}

/** The outcome of verify. */
export interface VerifyOutcome {
  credential: CredentialView
  /** valid / invalid: the stored value works or not; settled-*: a lost rotation was settled. */
  result:
    'valid' | 'invalid' | 'settled-not-rotated' | 'settled-rotated' | 'settled-value-lost' | 'still-unknown'
  message: string
}

/** A progress event for long work (sync, import), sent main -> renderer. Never carries a value. */
export interface ProgressEvent {
  task: 'sync' | 'import' | 'verify' | 'rekey'
  label: string
  done: number
  total: number | null
}

/** Export profiles: each has documented rules (docs/env-profiles.md). */
export const ENV_FORMATS = ['dotenv', 'docker', 'shell', 'json'] as const
export type EnvFormat = (typeof ENV_FORMATS)[number]

/** A key a profile cannot write faithfully: named, with the reason and the profiles that would work. */
export interface ExportProblem {
  envVar: string
  reason: string
  worksIn: EnvFormat[]
}

/** A masked preview of an export: secret values replaced, problems listed. */
export interface ExportPreview {
  format: EnvFormat
  /** The file as it would be written, with every secret value masked. */
  text: string
  count: number
  problems: ExportProblem[]
  /** Suggested file name (.env, .env.example, env.json…). */
  fileName: string
}

/** Where an export was written and what git thinks of it. */
export interface ExportSaveResult {
  cancelled: boolean
  path: string | null
  /** The file sits in a git work tree and git would not ignore it: offer to add it to .gitignore. */
  gitWarning: boolean
  /** Already tracked by git: .gitignore will not help; say so. */
  tracked: boolean
}

/** What an import would do, line by line, before it does it. */
export interface ImportPreview {
  added: string[]
  changed: string[]
  unchanged: string[]
  /** Lines that cannot be parsed (1-based). An import with errors is refused as a whole. */
  errors: { line: number; message: string }[]
  warnings: { line: number; message: string }[]
}

export interface ImportResult {
  added: number
  changed: number
  unchanged: number
}

/** Quick unlock (desktop, off by default): whether the OS keychain can hold the password, and whether it does. */
export interface QuickUnlockStatus {
  available: boolean
  enabled: boolean
  /** Why it is unavailable (e.g. no keyring on Linux), or null. */
  reason: string | null
}

/** What a read-only check says about one key (`verify --all`, guided rotation). */
export interface KeyCheckView {
  state: 'valid' | 'invalid' | 'unknown'
  /** Epoch ms when the check finished. */
  checkedAt: number
  /** Catalogue id of the provider asked. */
  provider: string
  /** The host that was asked (always the provider's own). */
  host: string
  status: number | null
  /** A sentence without the key's value. */
  detail: string
}

/** What the user is asked to do for a guided rotation. */
export interface GuidedPlan {
  credentialId: string
  provider: string
  providerName: string
  dashboardUrl: string
  steps: string
  suggestedOverlapHours: number
  /** True when Keyshelf can check the new value with a read-only call before storing it. */
  canVerify: boolean
  /** `.env` files this key was exported to; they are rewritten after the rotation. */
  exportTargets: string[]
}

/** A reminder to revoke the old key at the provider when the overlap of a guided rotation ends. */
export interface RevokeReminder {
  id: string
  credentialId: string
  name: string
  providerName: string
  dashboardUrl: string
  /** Epoch ms when the overlap ends. */
  dueAt: number
}

/** What a guided rotation did. */
export interface GuidedResult {
  credential: CredentialView
  /** The check of the new value, or null when the provider has no read-only check. */
  check: KeyCheckView | null
  overlapEndsAt: number | null
  reminder: RevokeReminder | null
  /** Files rewritten with the new value. */
  reexported: string[]
  /** Files that could not be rewritten, with the reason. */
  reexportFailed: { path: string; reason: string }[]
}

/** The answer of `verify --all`. */
export interface VerifyAllResult {
  results: { credentialId: string; name: string; check: KeyCheckView }[]
  /** The most checks that were in flight at once. */
  peakConcurrency: number
  /** Keys without a catalogue check (or without a value). */
  skipped: number
}

/** The end of a two-key rotation's overlap: the old key deleted at the provider. */
export interface FinishRotationResult {
  deleted: boolean
  alreadyGone: boolean
  message: string
}

// trash
/** How long an app or environment stays in the Trash before it is deleted forever (on unlock). */
export const TRASH_DAYS = 30

/** An app or environment in the Trash, with what it holds (names only, never a value). */
export interface TrashItem {
  kind: 'app' | 'environment'
  id: string
  /** The app's or environment's name. */
  name: string
  /** The app (the item itself for an app; the environment's app otherwise). */
  appId: string
  appName: string
  /** For an environment: its app is in the Trash too (restore the app first). */
  appInTrash: boolean
  /** Environments that come back with an app (0 for an environment). */
  environmentCount: number
  /** Keys that come back with it. */
  credentialCount: number
  deletedAt: number
  /** When it is deleted forever (deletedAt + TRASH_DAYS), at the first unlock after that. */
  purgeAt: number
}
