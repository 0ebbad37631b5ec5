/**
 * The one contract between the renderer (through the preload), the IPC layer, the CLI and the tests.
 * Add a command here first; the compiler then shows every place that must handle it.
 *
 * Every input is an object parsed with zod in main before it reaches the service.
 */
import { z } from 'zod'
import type {
  ExportPreview,
  ExportSaveResult,
  ImportPreview,
  ImportResult,
  ConnectionView,
  ProviderRotationOutcome,
  SyncSummary,
  VerifyOutcome,
  FinishRotationResult,
  GuidedPlan,
  GuidedResult,
  RevokeReminder,
  KeyCheckView,
  RevokeDue,
  VerifyAllResult,
  App,
  AuditEntry,
  CredentialView,
  DueCounts,
  DueItem,
  Environment,
  Preferences,
  QuickUnlockStatus,
  SearchHit,
  VaultStatus,
  VersionView,
} from './model'
import type { Result, TrashItem } from './model' // trash: TrashItem
import type {
  ReportSaveResult,
  TeamDisconnectResult,
  TeamMarks,
  TeamPullResult,
  TeamShareResult,
  TeamSummary,
} from './teams'
import { REPORT_FILE_FORMATS } from './teams'
import { ENV_FORMATS, PROVIDERS, SYNC_PROVIDERS } from './model'

const MAX_VALUE = 1024 * 1024
const id = z.string().uuid()
const text = (max: number) => z.string().max(max)
const name = z.string().trim().min(1, 'Required').max(200)
/** Env var names: letters, digits and underscores, not starting with a digit. */
export const ENV_VAR_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/
const envVar = z
  .string()
  .trim()
  .max(200)
  .regex(ENV_VAR_PATTERN, 'Use letters, digits and _ only, not starting with a digit')
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
/** A stored value: any text up to 1 MiB that UTF-8 can carry exactly (no unpaired surrogates). */
const secretValue = z
  .string()
  .max(MAX_VALUE)
  .refine(
    (s) => !LONE_SURROGATE.test(s),
    'Contains an unpaired UTF-16 surrogate, which cannot be stored exactly',
  )
// trust: an empty value is stored only when the request says so (an unset variable, a slip of the mouse)
/** `allowEmpty: true` lets a request store an empty value; without it main refuses one. */
const allowEmpty = z.boolean().optional()
const EMPTY_REFUSED = 'The value is empty. Tick "Allow empty" to store an empty value.'
/** Adds an issue at `path` for every empty value when the request does not allow empty values. */
function refuseEmpty(
  allow: boolean | undefined,
  values: { value?: string | undefined; path: (string | number)[] }[],
  ctx: z.RefinementCtx,
): void {
  if (allow === true) return
  for (const v of values)
    if (v.value === '') ctx.addIssue({ code: 'custom', message: EMPTY_REFUSED, path: v.path })
}
/** An origin the read-only key check may be sent to: https, or http on a loopback host. */
export function isCheckOrigin(s: string): boolean {
  let u: URL
  try {
    u = new URL(s)
  } catch {
    return false
  }
  if (u.username || u.password) return false
  if (u.protocol === 'https:') return true
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)
}
const epochMs = z.number().int().min(0).max(8_640_000_000_000_000)
const password = z.string().min(1, 'Required').max(1024)
const tags = z.array(text(100)).max(50)

export const fieldKindSchema = z.enum(['secret', 'public'])
export const fieldInputSchema = z.object({
  label: text(200).default(''),
  envVar,
  kind: fieldKindSchema,
  value: secretValue,
})

const credentialMeta = {
  name,
  provider: z.enum(PROVIDERS).default('manual'),
  providerCredentialId: text(500).default(''),
  status: z.enum(['active', 'revoked', 'expired']).default('active'),
  role: text(200).default(''),
  allowedHosts: z.array(text(500)).max(100).default([]),
  owner: text(200).default(''),
  tags: tags.default([]),
  notes: text(20_000).default(''),
  expiresAt: epochMs.nullable().default(null),
  /** null = never rotate. */
  rotationIntervalDays: z.number().int().min(1).max(3650).nullable().default(90),
  lastRotatedAt: epochMs.nullable().default(null),
}

const appFields = {
  name,
  description: text(2000).default(''),
  appId: text(500).default(''),
  tags: tags.default([]),
  notes: text(20_000).default(''),
}

const envFields = {
  name,
  apiUrl: text(2000).default(''),
  wsUrl: text(2000).default(''),
  region: text(100).default(''),
  notes: text(20_000).default(''),
}

/**
 * A patch: every field optional and NO defaults applied, so a field the patch does not name is left as it is
 * (a `.default()` inside `.partial()` would fill it in and reset it).
 */
const partial = <T extends z.ZodRawShape>(shape: T) => {
  const bare = Object.fromEntries(
    Object.entries(shape).map(([k, s]) => [k, s instanceof z.ZodDefault ? s.unwrap() : s]),
  )
  return z.object(bare).partial().strict() as unknown as ReturnType<ReturnType<typeof z.object<T>>['partial']>
}

const preferencesSchema = z.object({
  autoLockMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
  clipboardClearSeconds: z.number().int().min(5).max(600),
  remaskSeconds: z.number().int().min(3).max(600),
  warnDays: z.number().int().min(1).max(365),
  theme: z.enum(['system', 'light', 'dark']),
  hideFromScreenCapture: z.boolean(),
  lockOnMinimize: z.boolean(),
  // cli
  cliAccess: z.boolean(),
})

const empty = z.object({}).strict()

const exportRequest = z
  .object({
    environmentId: id,
    format: z.enum(ENV_FORMATS),
    only: z.array(envVar).max(10_000).optional(),
    example: z.boolean().optional(),
    includePublic: z.boolean().optional(),
  })
  .strict()

const importRequest = z.object({ environmentId: id, text: z.string().max(16 * 1024 * 1024) }).strict()

// teams (issue 12): inputs of the team commands. Credentials are main-ward only; no output carries them.
const teamName = z.string().trim().min(1, 'Required').max(64)
const teamSecret = z.string().trim().min(1, 'Required').max(8192)
const teamAuthMount = z.string().trim().min(1).max(200).optional()
const teamLogin = z.discriminatedUnion('method', [
  z.object({ method: z.literal('token'), token: teamSecret }).strict(),
  z
    .object({
      method: z.literal('approle'),
      roleId: z.string().trim().min(1, 'Required').max(512),
      secretId: teamSecret,
      authMount: teamAuthMount,
    })
    .strict(),
  z
    .object({
      method: z.literal('userpass'),
      username: z.string().trim().min(1, 'Required').max(512),
      password: z.string().min(1, 'Required').max(8192),
      authMount: teamAuthMount,
    })
    .strict(),
])
const teamConnectRequest = z
  .object({
    name: teamName,
    addrs: z.string().trim().min(1, 'Required').max(4000),
    mount: z.string().trim().max(200).optional(),
    prefix: z.string().trim().max(200).optional(),
    namespace: z.string().trim().max(200).optional(),
    login: teamLogin,
  })
  .strict()

/** Phantom output type carrier: the value is never read at run time. */
const out = <T>() => undefined as unknown as T

/**
 * Every command: its input schema and (as a phantom) its output type.
 * Channel names are `keyshelf:<command>`.
 */
export const contract = {
  /** Whether a vault exists and is locked; due counts work without the password. */
  status: { input: empty, output: out<VaultStatus>() },
  /** Creates a new vault with a master password (refuses to overwrite one). */
  create: {
    input: z
      .object({
        password: z.string().min(8, 'Use at least 8 characters').max(1024),
        kdf: z
          .object({
            memoryKiB: z.number().int(),
            iterations: z.number().int(),
            parallelism: z.number().int(),
          })
          .partial()
          .strict()
          .optional(),
      })
      .strict(),
    output: out<VaultStatus>(),
  },
  /** Unlocks with the master password. Wrong password -> WRONG_PASSWORD, vault untouched. */
  unlock: {
    input: z.object({ password }).strict(),
    output: out<VaultStatus>(),
  },
  /** Drops every key from memory (and main clears the clipboard). */
  lock: { input: empty, output: out<VaultStatus>() },
  /** Re-wraps the data key under a new password: atomic, O(1) in vault size. */
  changePassword: {
    input: z
      .object({
        current: password,
        next: z.string().min(8, 'Use at least 8 characters').max(1024),
      })
      .strict(),
    output: out<null>(),
  },

  /** Quick unlock state (works while locked). Desktop only; elsewhere it reports unavailable. */
  quickUnlockStatus: { input: empty, output: out<QuickUnlockStatus>() },
  /** Turns quick unlock on (needs the master password, verified first) or off. Off by default. */
  setQuickUnlock: {
    input: z.object({ enabled: z.boolean(), password: password.optional() }).strict(),
    output: out<QuickUnlockStatus>(),
  },
  /** Unlocks with the password the OS keychain holds; a stale entry is removed and reported. */
  quickUnlock: { input: empty, output: out<VaultStatus>() },

  /** Apps with per-app attention counts. */
  listApps: { input: empty, output: out<AppSummary[]>() },
  createApp: { input: z.object(appFields).strict(), output: out<App>() },
  updateApp: {
    input: z.object({ id, patch: partial(appFields) }).strict(),
    output: out<App>(),
  },
  /** Moves an app with its environments and keys to the Trash (restorable for 30 days). */
  deleteApp: { input: z.object({ id }).strict(), output: out<null>() },

  /**
   * One request for the window's search index: every app, environment and (masked) credential. Replaces a
   * listEnvironments call per app, which made a 10,000-key vault send ~200 requests after unlock.
   */
  searchIndex: { input: empty, output: out<SearchIndexData>() },
  listEnvironments: {
    input: z.object({ appId: id }).strict(),
    output: out<Environment[]>(),
  },
  createEnvironment: {
    input: z.object({ appId: id, ...envFields }).strict(),
    output: out<Environment>(),
  },
  updateEnvironment: {
    input: z.object({ id, patch: partial(envFields) }).strict(),
    output: out<Environment>(),
  },
  /** Moves an environment with its keys to the Trash (restorable for 30 days). */
  deleteEnvironment: { input: z.object({ id }).strict(), output: out<null>() },

  // trash
  /** Apps and environments in the Trash, most recently deleted first. */
  listTrash: { input: empty, output: out<TrashItem[]>() },
  /**
   * Brings an item back with everything it held. CONFLICT when its name is taken now (give `name` to
   * restore it under another one); CONFLICT for an environment whose app is in the Trash too.
   */
  restoreFromTrash: {
    input: z.object({ id, name: z.string().trim().min(1).max(200).optional() }).strict(),
    output: out<TrashItem>(),
  },
  /** Deletes one item in the Trash forever (the window confirms first). */
  deleteFromTrash: { input: z.object({ id }).strict(), output: out<null>() },
  /** Deletes everything in the Trash forever (the window confirms first). */
  emptyTrash: { input: empty, output: out<{ purged: number }>() },

  /** Masked credentials, filtered. Secret values never appear. */
  listCredentials: {
    input: z
      .object({
        appId: id.optional(),
        environmentId: id.optional(),
        status: z.enum(['ok', 'due-soon', 'overdue', 'expired', 'revoked']).optional(),
      })
      .strict(),
    output: out<CredentialView[]>(),
  },
  getCredential: {
    input: z.object({ id }).strict(),
    output: out<CredentialView>(),
  },
  createCredential: {
    input: z
      .object({
        environmentId: id,
        ...credentialMeta,
        fields: z.array(fieldInputSchema).min(1).max(20),
        allowEmpty,
      })
      .strict()
      .superRefine((v, ctx) =>
        refuseEmpty(
          v.allowEmpty,
          v.fields.map((f, i) => ({ value: f.value, path: ['fields', i, 'value'] })),
          ctx,
        ),
      ),
    output: out<CredentialView>(),
  },
  /**
   * Edits metadata and fields. A field with `id` keeps its value unless `value` is given; a field without
   * `id` is added; an existing field left out is removed. Changed or removed values are kept as a version.
   */
  updateCredential: {
    input: z
      .object({
        id,
        patch: partial(credentialMeta),
        fields: z
          .array(
            z
              .object({
                id: id.optional(),
                label: text(200).default(''),
                envVar,
                kind: fieldKindSchema,
                value: secretValue.optional(),
              })
              .strict(),
          )
          .min(1)
          .max(20)
          .optional(),
        allowEmpty,
      })
      .strict()
      .superRefine((v, ctx) =>
        refuseEmpty(
          v.allowEmpty,
          (v.fields ?? []).map((f, i) => ({ value: f.value, path: ['fields', i, 'value'] })),
          ctx,
        ),
      ),
    output: out<CredentialView>(),
  },
  deleteCredential: { input: z.object({ id }).strict(), output: out<null>() },
  /** Adds a field (e.g. the second half of a pair). */
  addField: {
    input: z
      .object({ credentialId: id, ...fieldInputSchema.shape, allowEmpty })
      .strict()
      .superRefine((v, ctx) => refuseEmpty(v.allowEmpty, [{ value: v.value, path: ['value'] }], ctx)),
    output: out<CredentialView>(),
  },

  /** Returns one secret value on explicit request; audited. */
  reveal: {
    input: z.object({ fieldId: id }).strict(),
    output: out<{ value: string }>(),
  },
  /** Copies a value to the clipboard in main, which clears it later; the value does not cross IPC. */
  copy: {
    input: z.object({ fieldId: id }).strict(),
    output: out<{ clearsAt: number | null }>(),
  },
  /** Manual rotation: new values, the old ones kept in history, optional overlap. */
  rotate: {
    input: z
      .object({
        credentialId: id,
        values: z
          .array(z.object({ fieldId: id, value: secretValue }).strict())
          .min(1)
          .max(20),
        overlapHours: z
          .number()
          .min(0)
          .max(24 * 365)
          .optional(),
        allowEmpty,
      })
      .strict()
      .superRefine((v, ctx) =>
        refuseEmpty(
          v.allowEmpty,
          v.values.map((f, i) => ({ value: f.value, path: ['values', i, 'value'] })),
          ctx,
        ),
      ),
    output: out<CredentialView>(),
  },
  /** Earlier versions, newest first, masked. */
  history: {
    input: z.object({ credentialId: id }).strict(),
    output: out<VersionView[]>(),
  },
  revealVersion: {
    input: z.object({ versionId: id, fieldId: id }).strict(),
    output: out<{ value: string }>(),
  },
  /** Searches app, environment and credential names, env vars, tags and providers. */
  search: {
    input: z
      .object({
        query: text(500),
        limit: z.number().int().min(1).max(10_000).optional(),
      })
      .strict(),
    output: out<SearchHit[]>(),
  },
  /** Due-soon, overdue and expired keys across all apps, soonest first. */
  dueReport: {
    input: z.object({ withinDays: z.number().int().min(0).max(3650).optional() }).strict(),
    output: out<DueItem[]>(),
  },
  /** Works while locked. */
  dueCounts: { input: empty, output: out<DueCounts>() },
  auditLog: {
    input: z.object({ limit: z.number().int().min(1).max(10_000).optional() }).strict(),
    output: out<AuditEntry[]>(),
  },

  /** Provider connections (no tokens). */
  listConnections: { input: z.object({ appId: id.optional() }).strict(), output: out<ConnectionView[]>() },
  /** Verifies a provider token (nothing is saved if it is rejected), stores it encrypted and runs the first sync. */
  connectProvider: {
    input: z
      .object({
        appId: id,
        provider: z.enum(SYNC_PROVIDERS),
        token: z.string().trim().min(1, 'Required').max(10_000),
        environmentName: name.optional(),
        region: z.enum(['us', 'eu']).optional(),
        apiUrl: z.string().trim().url('Enter a full URL, e.g. https://novu.example.com').max(2000).optional(),
        accountId: text(100).optional(),
        /** AWS IAM: the access key id (public) that goes with the secret access key in `token`. */
        accessKeyId: z
          .string()
          .trim()
          .regex(/^(AKIA|ASIA)[A-Z0-9]{12,124}$/, 'An access key id starts with AKIA')
          .optional(),
        /** AWS IAM: the signing region (default us-east-1). */
        awsRegion: z
          .string()
          .trim()
          .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'A region looks like eu-west-1')
          .optional(),
        /** GitLab: projects and groups whose access tokens are synced too. */
        resources: z
          .array(
            z
              .string()
              .trim()
              .regex(/^(project|group):[A-Za-z0-9_./-]{1,200}$/, 'Write project:<id> or group:<id>'),
          )
          .max(50)
          .optional(),
      })
      .strict(),
    output: out<{ connection: ConnectionView; summary: SyncSummary }>(),
  },
  /** Pulls every connection of an app (or of all apps); a failed sync changes nothing. */
  syncProviders: { input: z.object({ appId: id.optional() }).strict(), output: out<SyncSummary[]>() },
  /** Rotates through the provider's API, journalled; never retried automatically. */
  rotateViaProvider: {
    input: z
      .object({
        credentialId: id,
        overlapHours: z
          .number()
          .min(0)
          .max(24 * 30)
          .optional(),
      })
      .strict(),
    output: out<ProviderRotationOutcome>(),
  },
  /** Checks a key with its provider; settles a rotation whose outcome is unknown. */
  verifyCredential: { input: z.object({ credentialId: id }).strict(), output: out<VerifyOutcome>() },
  /** Deletes the old key of a two-key rotation at the provider now (the overlap is over). Safe to repeat. */
  finishProviderRotation: {
    input: z.object({ credentialId: id }).strict(),
    output: out<FinishRotationResult>(),
  },
  /** Guided rotation: the dashboard to open, what to do there, and the .env files that will follow. */
  guidedRotationPlan: { input: z.object({ credentialId: id }).strict(), output: out<GuidedPlan>() },
  /** Guided rotation: checks the pasted value (provider's own host, read-only), stores it with the overlap, re-exports. */
  guidedRotationComplete: {
    input: z
      .object({
        credentialId: id,
        value: secretValue,
        overlapHours: z
          .number()
          .min(0)
          .max(24 * 30),
        /** providers: false leaves the remembered .env files alone (default true: rewrite them). */
        reexport: z.boolean().optional(),
        /**
         * Another endpoint of the same API for the read-only check (a proxy or regional host the user chose):
         * https, or http on loopback only. The new key is sent there and nowhere else.
         */
        checkOrigin: z
          .string()
          .max(2000)
          .refine(isCheckOrigin, 'Use an https:// address (http:// only for localhost)')
          .optional(),
      })
      .strict(),
    output: out<GuidedResult>(),
  },
  /** Old keys whose overlap has ended: revoke them at the provider. */
  guidedReminders: { input: z.object({}).strict(), output: out<RevokeReminder[]>() },
  /** The user revoked the old key: drop its reminder. */
  dismissGuidedReminder: { input: z.object({ id: z.string().uuid() }).strict(), output: out<null>() },
  /** Checks every key the provider catalogue knows against its own provider, with bounded concurrency. */
  verifyAllKeys: {
    input: z
      .object({ appId: id.optional(), concurrency: z.number().int().min(1).max(32).optional() })
      .strict(),
    output: out<VerifyAllResult>(),
  },
  // providers (issue 11 window): stored checks and old keys waiting to be revoked
  /** The last read-only check of every key that has one (sealed in the vault), by credential id. */
  lastKeyChecks: { input: z.object({}).strict(), output: out<Record<string, KeyCheckView>>() },
  /** Old keys still alive at their provider after a rotation with an overlap, by credential id. */
  openRevokes: { input: z.object({}).strict(), output: out<Record<string, RevokeDue>>() },

  /** A masked preview of an environment's export in a profile, with the keys it cannot carry. */
  exportPreview: { input: exportRequest, output: out<ExportPreview>() },
  /** Copies the export to the clipboard in main (cleared like a single key); audited. */
  exportCopy: { input: exportRequest, output: out<{ clearsAt: number | null }>() },
  /** Asks main for a path (native save dialog), writes 0600 atomically, and reports git's view of it. */
  exportSave: { input: exportRequest, output: out<ExportSaveResult>() },
  /** Adds the file saved last to its repository's .gitignore. */
  gitignoreLastExport: { input: empty, output: out<{ pattern: string }>() },
  /** What importing a .env text would add, change and leave alone; unparseable lines with numbers. */
  importPreview: { input: importRequest, output: out<ImportPreview>() },
  /** Imports in one transaction; changed values become rotations (reason import). Refused if any line is bad. */
  importApply: {
    input: importRequest.extend({ publicVars: z.array(envVar).max(10_000).optional() }),
    output: out<ImportResult>(),
  },

  // backup: Settings › Backup (main picks the file through the native dialog) and a key's activity
  /** Asks main for a path (native save dialog), copies the vault with the online backup API, verifies the copy. */
  backupNow: { input: empty, output: out<BackupResult>() },
  /** The last backup made from the window (sealed in the vault's meta), or null. */
  backupStatus: { input: empty, output: out<{ last: LastBackup | null }>() },
  /** One key's audit entries (reveals, copies, exports, rotations, syncs…), newest first; never a value. */
  keyActivity: {
    input: z.object({ credentialId: id, limit: z.number().int().min(1).max(1000).optional() }).strict(),
    output: out<AuditEntry[]>(),
  },

  // teams (issue 12)
  /** The connected teams (no token). */
  listTeams: { input: empty, output: out<TeamSummary[]>() },
  /** Logs in (or checks the token) and stores the connection sealed in the vault; the credential never comes back. */
  connectTeam: { input: teamConnectRequest, output: out<TeamSummary>() },
  /** Forgets a team's credentials; its apps and keys stay here as local keys; the team space is unchanged. */
  disconnectTeam: { input: z.object({ team: teamName }).strict(), output: out<TeamDisconnectResult>() },
  /** Puts an app in a team space (progress as task 'sync'); re-running an interrupted share continues it. */
  shareApp: { input: z.object({ appId: id, team: teamName }).strict(), output: out<TeamShareResult>() },
  /** Pulls one team, or every team; one team's failure is its `error`, never a lost local value. */
  pullTeams: { input: z.object({ team: teamName.optional() }).strict(), output: out<TeamPullResult[]>() },
  /** Team badges: the team of each shared app and each team's offline mark. */
  teamMarks: { input: empty, output: out<TeamMarks>() },
  /** Saves the rotation calendar or report (no values) through the native save dialog. */
  saveReport: {
    input: z.object({ format: z.enum(REPORT_FILE_FORMATS), team: teamName.optional() }).strict(),
    output: out<ReportSaveResult>(),
  },

  // trust
  /**
   * Replaces the vault's data key: every ciphertext re-sealed under a new random key in one transaction,
   * quick unlock turned off, an audit entry kept. Needs the master password (WRONG_PASSWORD changes nothing).
   */
  rekey: { input: z.object({ password }).strict(), output: out<{ resealed: number }>() },

  getPreferences: { input: empty, output: out<Preferences>() },
  setPreferences: {
    input: preferencesSchema.partial().strict(),
    output: out<Preferences>(),
  },
} as const

// backup
/** The last verified backup made from the window (no path: only the file name). */
export interface LastBackup {
  at: number
  fileName: string
  bytes: number
}
/** What "Back up now…" did: cancelled in the dialog, or a verified copy. */
export type BackupResult =
  { cancelled: true } | ({ cancelled: false; verified: true; path: string } & LastBackup)

/** An app with its attention counts, for the sidebar. */
export interface AppSummary extends App {
  environmentCount: number
  credentialCount: number
  overdue: number
  dueSoon: number
  expired: number
}

/** What `searchIndex` returns: names and masked values only, never a secret. */
export interface SearchIndexData {
  apps: AppSummary[]
  environments: Environment[]
  credentials: SearchCredential[]
}

/** // polish (issue 10): what search needs of a credential; a fraction of a CredentialView for 10,000 keys. */
export type SearchCredential = Pick<
  CredentialView,
  'id' | 'environmentId' | 'appId' | 'name' | 'provider' | 'tags'
> & {
  fields: Pick<CredentialView['fields'][number], 'id' | 'label' | 'envVar'>[]
}

export type Contract = typeof contract
export type Command = keyof Contract
export type CommandInput<K extends Command> = z.input<Contract[K]['input']>
export type ParsedInput<K extends Command> = z.output<Contract[K]['input']>
export type CommandOutput<K extends Command> = Contract[K]['output']

/** What the service implements: parsed inputs in, outputs out. */
export type VaultService = {
  [K in Command]: (input: ParsedInput<K>) => Promise<CommandOutput<K>>
}

/** What the renderer calls (window.keyshelf): raw inputs in, typed results out. */
export type VaultApi = {
  [K in Command]: (input: CommandInput<K>) => Promise<Result<CommandOutput<K>>>
}

/** The IPC channel for a command. */
export const channelOf = (command: Command): string => `keyshelf:${command}`

/** Every command name, for the preload and IPC registration. */
export const COMMANDS = Object.keys(contract) as Command[]
