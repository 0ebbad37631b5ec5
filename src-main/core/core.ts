import type { AppSummary, ParsedInput, SearchIndexData, VaultService } from '../../src-shared/contract'
import type { BackupResult, LastBackup } from '../../src-shared/contract' // backup
import type {
  App,
  AuditEntry,
  AuditEvent,
  ConnectionView,
  CredentialView,
  DueCounts,
  DueItem,
  Environment,
  ExportPreview,
  ExportSaveResult,
  FinishRotationResult,
  GuidedPlan,
  GuidedResult,
  RevokeReminder,
  KeyCheckView,
  RevokeDue,
  SyncProvider,
  VerifyAllResult,
  ImportPreview,
  ImportResult,
  KdfParams,
  Preferences,
  ProgressEvent,
  ProviderRotationOutcome,
  QuickUnlockStatus,
  SearchHit,
  SyncSummary,
  TrashItem,
  VaultStatus,
  VerifyOutcome,
  VersionView,
} from '../../src-shared/model'
import type { QuickUnlock } from './desktop/quick-unlock'
import { EnvCommands, type SaveDialogs } from './envfile/env-commands.module'
import { EnvWorkflows } from './envfile/env-workflows.service'
import { GuidedRotationService } from './guided/guided-rotation.service'
import { openRevokes } from './guided/revoke-reminders'
import { CredentialHomes, type CredentialHome, type HomeValue } from './home/credential-home'
import { LocalVaultHome } from './home/local-vault.home'
import { AddressingModule, type FieldAddress } from './modules/addressing.module'
import { AppsModule } from './modules/apps.module'
import { CredentialsModule } from './modules/credentials.module'
import { DueModule } from './modules/due.module'
import { EnvironmentsModule } from './modules/environments.module'
import { HistoryModule } from './modules/history.module'
import { stripUndefined } from './modules/overview-lookups'
import { RotationModule, type RotateOptions } from './modules/rotation.module'
import { SearchModule } from './modules/search.module'
import { SessionModule } from './modules/session.module'
import { TrashModule } from './modules/trash.module'
import { KeyActivityModule } from './modules/key-activity.module' // backup
import { WindowBackup } from './backup/window-backup.module' // backup
import { ValuesModule } from './modules/values.module'
import { createProviderRegistry } from './providers/provider.registry'
import type { ProviderAdapter, ProviderDeps } from './providers/provider.types'
import { ProviderSyncService } from './sync/provider-sync.service'
import { TeamSpaceHome } from './teams/team-space.home'
import { TeamCommands } from './teams/team-commands.module'
import type {
  ReportSaveResult,
  TeamDisconnectResult,
  TeamMarks,
  TeamPullResult,
  TeamShareResult,
  TeamSummary,
} from '../../src-shared/teams'
import { TeamSpaceService, teamHostOf } from './teams/team-space.service'
import { VaultKernel, type ServiceDeps } from './vault/vault-kernel'
import type { CredentialRecord, VaultRepository } from './vault/vault.repository'

export type { FieldAddress } from './modules/addressing.module'
export type { ServiceDeps } from './vault/vault-kernel'

/** Everything the core needs from outside; only src-main/index.ts, the CLI and tests build one. */
export interface CoreDeps extends ServiceDeps {
  /** fetch for provider calls (tests pass one that reaches loopback fakes). Default: global fetch. */
  fetch?: typeof fetch
  /** Override adapters (tests); default: Novu, Cloudflare and GitLab over `fetch`. */
  adapters?: Partial<Record<SyncProvider, ProviderAdapter>>
  providerOptions?: Omit<ProviderDeps, 'fetch'>
  /** Progress of long work (sync, import), forwarded to the window. */
  onProgress?: (e: ProgressEvent) => void
  /** Native dialogs (desktop only). Without it, exportSave explains to use the CLI. */
  dialogs?: SaveDialogs
  /** Quick unlock through the OS keychain (desktop only). Without it, quick unlock reports unavailable. */
  quickUnlock?: QuickUnlock
  /** Test hook, see SyncDeps.afterProviderAnswer. */
  afterProviderAnswer?: () => void
  /** Guided rotation and verify --all: test/bench hook pointing catalogue providers at loopback fakes. */
  verifyOrigins?: Readonly<Record<string, string>>
}

/**
 * The whole contract in one object, the one IPC, the CLI, the e2e harness and the tests call. It holds no
 * behaviour: every method delegates to the module that owns it (see the module map in each field's doc).
 * Secret values leave only through reveal, revealVersion, copy (to the clipboard port) and the explicit
 * value readers used by export and run.
 */
export class KeyshelfCore implements VaultService {
  /** Database file, session, keys, writes/transactions, audit, overview refresh. */
  readonly kernel: VaultKernel
  /** Where each credential's values live (local vault today; team spaces later). */
  readonly homes: CredentialHomes
  /** status, create, unlock, lock, password, quick unlock. */
  readonly session: SessionModule
  readonly apps: AppsModule
  readonly environments: EnvironmentsModule
  /** Credentials and fields (metadata, edit, delete). */
  readonly credentials: CredentialsModule
  /** reveal, copy and the value readers for export/import/run, through the home. */
  readonly values: ValuesModule
  readonly rotation: RotationModule
  readonly versions: HistoryModule
  readonly finder: SearchModule
  readonly due: DueModule
  /** APP/ENV/KEY name resolution for the CLI. */
  readonly addressing: AddressingModule
  /** `.env` export and import over the vault (the CLI uses it directly). */
  readonly env: EnvWorkflows
  /** The window's export/import commands (dialogs, clipboard, progress). */
  readonly envCommands: EnvCommands
  /** Provider connections, sync, rotation and verify through provider APIs. */
  readonly providers: ProviderSyncService
  /** Guided rotation (catalogue providers), export re-writes, revoke reminders and verify --all. */
  readonly guided: GuidedRotationService
  /** Team spaces (OpenBao / Vault KV v2): connect, share, pull; rotation and edit of team keys go there first. */
  readonly teams: TeamSpaceService
  /** The window's team commands and the calendar/report save (teams/team-commands.module). */
  readonly teamCommands: TeamCommands
  /** The Trash for apps and environments: move, list, restore, delete forever, purge after 30 days. */
  readonly trash: TrashModule
  /** backup: Settings › Backup and a key's activity. */
  readonly backup: WindowBackup
  readonly activity: KeyActivityModule

  constructor(deps: CoreDeps) {
    const kernel = new VaultKernel(deps)
    this.kernel = kernel
    const local: CredentialHome = new LocalVaultHome(kernel)
    this.homes = new CredentialHomes(local)
    const teamHome = new TeamSpaceHome(kernel, local)
    this.homes.add(teamHome)
    this.due = new DueModule(kernel)
    this.session = new SessionModule(kernel, this.due, deps.quickUnlock)
    this.apps = new AppsModule(kernel)
    this.environments = new EnvironmentsModule(kernel)
    this.credentials = new CredentialsModule(kernel)
    this.values = new ValuesModule(kernel, this.homes)
    this.rotation = new RotationModule(kernel, this.homes)
    this.versions = new HistoryModule(kernel)
    this.finder = new SearchModule(kernel)
    this.addressing = new AddressingModule(kernel)
    this.trash = new TrashModule(kernel)
    this.backup = new WindowBackup(kernel, deps.dialogs)
    this.activity = new KeyActivityModule(kernel)
    this.env = new EnvWorkflows(this)
    this.envCommands = new EnvCommands(this.env, {
      clipboard: kernel.clipboard,
      settings: kernel.settings,
      dialogs: deps.dialogs,
      onProgress: deps.onProgress,
    })
    const registry = createProviderRegistry({
      fetch: deps.fetch ?? globalThis.fetch.bind(globalThis),
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...deps.providerOptions,
    })
    this.teams = new TeamSpaceService(
      teamHostOf(this, async (i) => this.rotation.rotate(i)),
      {
        fetch: deps.fetch ?? globalThis.fetch.bind(globalThis),
        clock: kernel.clock,
        home: teamHome,
        ...(deps.logger ? { logger: deps.logger } : {}),
        ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
      },
    )
    this.teamCommands = new TeamCommands(this.teams, this, { dialogs: deps.dialogs, clock: kernel.clock })
    this.providers = new ProviderSyncService(
      this,
      {
        adapters: deps.adapters ?? {
          novu: registry.get('novu'),
          cloudflare: registry.get('cloudflare'),
          gitlab: registry.get('gitlab'),
          'aws-iam': registry.get('aws-iam'),
          sendgrid: registry.get('sendgrid'),
        },
        ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
        ...(deps.afterProviderAnswer ? { afterProviderAnswer: deps.afterProviderAnswer } : {}),
      },
      kernel.clock,
    )
    this.guided = new GuidedRotationService(this, this.env, {
      fetch: deps.fetch ?? globalThis.fetch.bind(globalThis),
      clock: kernel.clock,
      ...(deps.verifyOrigins ? { origins: deps.verifyOrigins } : {}),
    })
    this.progress = deps.onProgress
  }

  private readonly progress: CoreDeps['onProgress']

  /** Path of the vault file, or ':memory:'. */
  get vaultPath(): string {
    return this.kernel.vaultPath
  }

  // ------------------------------------------------------------------ session (modules/session.module)

  async status(): Promise<VaultStatus> {
    return this.session.status()
  }
  async create(input: ParsedInput<'create'>): Promise<VaultStatus> {
    return this.session.create(input)
  }
  /** `readAhead`: every credential is loaded next (see VaultKernel.unlock); a speed hint, never a change. */
  async unlock(input: ParsedInput<'unlock'>, opts: { readAhead?: boolean } = {}): Promise<VaultStatus> {
    return this.session.unlock(input, opts)
  }
  /** Unlocks with the vault's data key (quick unlock). */
  async unlockWithDataKey(key: Buffer): Promise<VaultStatus> {
    return this.session.unlockWithDataKey(key)
  }
  async lock(): Promise<VaultStatus> {
    return this.session.lock()
  }
  async changePassword(input: ParsedInput<'changePassword'>): Promise<null> {
    return this.session.changePassword(input)
  }
  /** Rotates the vault's data key (`keyshelf rekey`, Settings → Security), reporting progress as 'rekey'. */
  async rekey(input: ParsedInput<'rekey'>): Promise<{ resealed: number }> {
    return this.session.rekey(input, (done, total) =>
      this.progress?.({ task: 'rekey', label: 'Re-encrypting every secret', done, total }),
    )
  }
  async quickUnlockStatus(): Promise<QuickUnlockStatus> {
    return this.session.quickUnlockStatus()
  }
  async setQuickUnlock(input: ParsedInput<'setQuickUnlock'>): Promise<QuickUnlockStatus> {
    return this.session.setQuickUnlock(input)
  }
  async quickUnlock(): Promise<VaultStatus> {
    return this.session.quickUnlock()
  }
  /** A copy of the unlocked data key, for quick unlock only. */
  dataKeyForQuickUnlock(): Buffer {
    return this.kernel.dataKeyCopy()
  }
  /** The unlocked session's KDF parameters. */
  kdfParams(): KdfParams {
    return this.kernel.kdfParams()
  }
  /** Decrypts the rest of the overview in small steps after unlock (desktop), so the first search is warm. */
  async warmUp(step = 250): Promise<void> {
    return this.kernel.warmUp(step)
  }
  /** Locks and closes the database file. */
  async close(): Promise<void> {
    this.kernel.close()
  }

  // ------------------------------------------------------------------ apps and environments

  async listApps(): Promise<AppSummary[]> {
    return this.apps.listApps()
  }
  async createApp(input: ParsedInput<'createApp'>): Promise<App> {
    return this.apps.createApp(input)
  }
  /** Synchronous createApp, usable inside {@link transaction}. */
  createAppNow(input: ParsedInput<'createApp'>): App {
    return this.apps.createApp(input)
  }
  async updateApp(input: ParsedInput<'updateApp'>): Promise<App> {
    return this.apps.updateApp(input)
  }
  /** Synchronous updateApp, usable inside {@link transaction}. */
  updateAppNow(input: ParsedInput<'updateApp'>): App {
    return this.apps.updateApp(input)
  }
  /** Moves the app to the Trash (modules/trash.module). */
  async deleteApp(input: ParsedInput<'deleteApp'>): Promise<null> {
    return this.trash.trashApp(input.id)
  }
  async listEnvironments(input: ParsedInput<'listEnvironments'>): Promise<Environment[]> {
    return this.environments.listEnvironments(input)
  }
  /** The window's search index in one request: apps, every environment, every credential (masked). */
  async searchIndex(): Promise<SearchIndexData> {
    // Decrypt what is still cold in steps that yield, so a request that arrives meanwhile (the first app's
    // keys, right after unlock) is answered first instead of waiting for 10,000 overviews.
    await this.kernel.warmUp(250)
    return {
      apps: this.apps.listApps(),
      environments: this.environments.allEnvironments(),
      credentials: this.credentials.searchCredentials(),
    }
  }
  /** Synchronous names of every app and environment by id (the CLI prints APP/ENV addresses with them). */
  addressNamesNow(): { apps: Map<string, string>; envs: Map<string, string> } {
    return this.environments.addressNames()
  }
  async createEnvironment(input: ParsedInput<'createEnvironment'>): Promise<Environment> {
    return this.environments.createEnvironment(input)
  }
  /** Synchronous createEnvironment, usable inside {@link transaction}. */
  createEnvironmentNow(input: ParsedInput<'createEnvironment'>): Environment {
    return this.environments.createEnvironment(input)
  }
  async updateEnvironment(input: ParsedInput<'updateEnvironment'>): Promise<Environment> {
    return this.environments.updateEnvironment(input)
  }
  /** Synchronous updateEnvironment, usable inside {@link transaction}. */
  updateEnvironmentNow(input: ParsedInput<'updateEnvironment'>): Environment {
    return this.environments.updateEnvironment(input)
  }
  /** Moves the environment to the Trash (modules/trash.module). */
  async deleteEnvironment(input: ParsedInput<'deleteEnvironment'>): Promise<null> {
    return this.trash.trashEnvironment(input.id)
  }

  // trash (modules/trash.module)
  async listTrash(): Promise<TrashItem[]> {
    return this.trash.listTrash()
  }
  async restoreFromTrash(input: ParsedInput<'restoreFromTrash'>): Promise<TrashItem> {
    return this.trash.restoreFromTrash(input)
  }
  async deleteFromTrash(input: ParsedInput<'deleteFromTrash'>): Promise<null> {
    return this.trash.deleteFromTrash(input)
  }
  async emptyTrash(): Promise<{ purged: number }> {
    return this.trash.emptyTrash()
  }
  /** Synchronous lookup of one environment. */
  environmentNow(id: string): Environment {
    return this.environments.environment(id)
  }

  // ------------------------------------------------------------------ credentials and fields

  async listCredentials(input: ParsedInput<'listCredentials'>): Promise<CredentialView[]> {
    return this.credentials.listCredentials(input)
  }
  async getCredential(input: ParsedInput<'getCredential'>): Promise<CredentialView> {
    return this.credentials.credential(input.id)
  }
  /** Synchronous view of one credential. */
  credentialNow(id: string): CredentialView {
    return this.credentials.credential(id)
  }
  /** Synchronous views of an environment's credentials. */
  credentialsInEnvironment(environmentId: string): CredentialView[] {
    return this.credentials.credentialsInEnvironment(environmentId)
  }
  async createCredential(input: ParsedInput<'createCredential'>): Promise<CredentialView> {
    return this.credentials.createCredential(input)
  }
  /** Synchronous createCredential, usable inside {@link transaction}. */
  createCredentialNow(input: ParsedInput<'createCredential'>): CredentialView {
    return this.credentials.createCredential(input)
  }
  /** A team key's metadata goes to its team first (teams/team-space.service); others are edited locally. */
  async updateCredential(input: ParsedInput<'updateCredential'>): Promise<CredentialView> {
    return this.teams.update(input, async (i) => this.credentials.updateCredential(i))
  }
  /** Synchronous updateCredential, usable inside {@link transaction}. */
  updateCredentialNow(input: ParsedInput<'updateCredential'>): CredentialView {
    return this.credentials.updateCredential(input)
  }
  async deleteCredential(input: ParsedInput<'deleteCredential'>): Promise<null> {
    return this.credentials.deleteCredential(input)
  }
  async addField(input: ParsedInput<'addField'>): Promise<CredentialView> {
    return this.credentials.addField(input)
  }

  // ------------------------------------------------------------------ values (through the home)

  async reveal(input: ParsedInput<'reveal'>): Promise<{ value: string }> {
    return this.values.reveal(input)
  }
  async copy(input: ParsedInput<'copy'>): Promise<{ clearsAt: number | null }> {
    return this.values.copy(input)
  }
  /** Reads one current value without auditing; callers audit what they do with it. */
  readValue(credentialId: string, fieldId: string): string {
    return this.values.readValue(credentialId, fieldId)
  }
  /** Current values of an environment for export and run (never crosses IPC raw); callers audit. */
  readEnvironmentValues(environmentId: string, only?: readonly string[]): HomeValue[] {
    return this.values.readEnvironmentValues(environmentId, only)
  }

  // ------------------------------------------------------------------ rotation and history

  /** A team key rotates in its team first (check-and-set), then in the local copy; others rotate locally. */
  async rotate(input: ParsedInput<'rotate'>): Promise<CredentialView> {
    return this.teams.rotate(input)
  }
  /** Replaces field values in one transaction (see {@link RotationModule.rotateWith}). */
  rotateWith(
    credentialId: string,
    values: { fieldId: string; value: string }[],
    opts: RotateOptions,
  ): CredentialView {
    return this.rotation.rotateWith(credentialId, values, opts)
  }
  /** Sets the rotation state (e.g. 'unknown' after a lost provider answer). */
  setRotationState(
    credentialId: string,
    state: CredentialRecord['rotationState'],
    status?: CredentialRecord['status'],
  ): void {
    this.rotation.setRotationState(credentialId, state, status)
  }
  async history(input: ParsedInput<'history'>): Promise<VersionView[]> {
    return this.versions.history(input)
  }
  async revealVersion(input: ParsedInput<'revealVersion'>): Promise<{ value: string }> {
    return this.versions.revealVersion(input)
  }

  // ------------------------------------------------------------------ search, due, audit, preferences

  async search(input: ParsedInput<'search'>): Promise<SearchHit[]> {
    return this.finder.search(input)
  }
  async dueReport(input: ParsedInput<'dueReport'>): Promise<DueItem[]> {
    return this.due.dueReport(input)
  }
  async dueCounts(): Promise<DueCounts> {
    return this.due.dueCounts()
  }
  async auditLog(input: ParsedInput<'auditLog'>): Promise<AuditEntry[]> {
    return this.kernel.auditLog(input.limit ?? 200)
  }
  /** Records an audit event from a client (export, run, sync); details must never contain values. */
  recordAudit(event: AuditEvent, credentialId: string | null, details: Record<string, unknown>): void {
    this.kernel.recordAudit(event, credentialId, details)
  }
  // backup (backup/window-backup.module, modules/key-activity.module)
  async backupNow(): Promise<BackupResult> {
    return this.backup.backupNow()
  }
  async backupStatus(): Promise<{ last: LastBackup | null }> {
    return this.backup.status()
  }
  async keyActivity(input: ParsedInput<'keyActivity'>): Promise<AuditEntry[]> {
    return this.activity.keyActivity(input)
  }
  async getPreferences(): Promise<Preferences> {
    return this.kernel.settings.get()
  }
  async setPreferences(input: ParsedInput<'setPreferences'>): Promise<Preferences> {
    return this.kernel.settings.set(stripUndefined(input))
  }

  // ------------------------------------------------------------------ addressing (CLI)

  /** Finds an app by name (case-insensitive). */
  appByName(name: string): App {
    return this.addressing.appByName(name)
  }
  /** Finds an environment of an app by name (case-insensitive). */
  environmentByName(appName: string, envName: string): { app: App; environment: Environment } {
    return this.addressing.environmentByName(appName, envName)
  }
  /** Resolves `APP/ENV/ENV_VAR` to a field. */
  fieldByPath(path: string): FieldAddress {
    return this.addressing.fieldByPath(path)
  }
  /** Resolves `APP/ENV/NAME` to a credential, by its name or by one of its env vars. */
  credentialByPath(path: string): { app: App; environment: Environment; credential: CredentialView } {
    return this.addressing.credentialByPath(path)
  }

  // ------------------------------------------------------------------ for core modules (sync, import)

  /** Runs `fn` in ONE transaction (see {@link VaultKernel.transaction}). */
  transaction<T>(fn: () => T): T {
    return this.kernel.transaction(fn)
  }
  /** The unlocked repository, for core modules that own their own tables (provider sync, journal). */
  repository(): VaultRepository {
    return this.kernel.session().repo
  }
  /** Registers a hook that runs right after every successful unlock (journal recovery). */
  onUnlock(hook: () => void): void {
    this.kernel.onUnlock(hook)
  }

  // ------------------------------------------------------------------ providers (sync/provider-sync.service)

  async listConnections(input: ParsedInput<'listConnections'>): Promise<ConnectionView[]> {
    return this.providers.listConnections(input.appId)
  }
  async connectProvider(
    input: ParsedInput<'connectProvider'>,
  ): Promise<{ connection: ConnectionView; summary: SyncSummary }> {
    return this.providers.connect({
      appId: input.appId,
      provider: input.provider,
      token: input.token,
      ...(input.environmentName !== undefined ? { environmentName: input.environmentName } : {}),
      ...(input.region !== undefined ? { region: input.region } : {}),
      ...(input.apiUrl !== undefined ? { apiUrl: input.apiUrl } : {}),
      ...(input.accountId !== undefined ? { accountId: input.accountId } : {}),
      ...(input.accessKeyId !== undefined ? { accessKeyId: input.accessKeyId } : {}),
      ...(input.awsRegion !== undefined ? { awsRegion: input.awsRegion } : {}),
      ...(input.resources !== undefined ? { resources: input.resources } : {}),
    })
  }
  async syncProviders(input: ParsedInput<'syncProviders'>): Promise<SyncSummary[]> {
    return this.providers.sync(input.appId)
  }
  async rotateViaProvider(input: ParsedInput<'rotateViaProvider'>): Promise<ProviderRotationOutcome> {
    this.teams.refuseOutsideRotation(input.credentialId, 'provider')
    return this.providers.rotateViaProvider(input.credentialId, { overlapHours: input.overlapHours })
  }
  async verifyCredential(input: ParsedInput<'verifyCredential'>): Promise<VerifyOutcome> {
    return this.providers.verify(input.credentialId)
  }
  async finishProviderRotation(input: ParsedInput<'finishProviderRotation'>): Promise<FinishRotationResult> {
    return this.providers.finishRotation(input.credentialId)
  }

  // ------------------------------------------------------------------ guided rotation (guided/)

  async guidedRotationPlan(input: ParsedInput<'guidedRotationPlan'>): Promise<GuidedPlan> {
    this.teams.refuseOutsideRotation(input.credentialId, 'guided')
    return this.guided.plan(input.credentialId)
  }
  async guidedRotationComplete(input: ParsedInput<'guidedRotationComplete'>): Promise<GuidedResult> {
    this.teams.refuseOutsideRotation(input.credentialId, 'guided')
    return this.guided.complete(
      input.credentialId,
      input.value,
      input.overlapHours,
      input.reexport ?? true,
      input.checkOrigin,
    )
  }
  async guidedReminders(): Promise<RevokeReminder[]> {
    return this.guided.reminders()
  }
  async dismissGuidedReminder(input: ParsedInput<'dismissGuidedReminder'>): Promise<null> {
    this.guided.dismissReminder(input.id)
    return null
  }
  async lastKeyChecks(): Promise<Record<string, KeyCheckView>> {
    return this.guided.lastChecks()
  }
  async openRevokes(): Promise<Record<string, RevokeDue>> {
    return Object.fromEntries(openRevokes(this.repository()))
  }
  async verifyAllKeys(input: ParsedInput<'verifyAllKeys'>): Promise<VerifyAllResult> {
    return this.guided.verifyAll({
      ...(input.appId !== undefined ? { appId: input.appId } : {}),
      ...(input.concurrency !== undefined ? { concurrency: input.concurrency } : {}),
      onProgress: (done, total) => this.progress?.({ task: 'verify', label: 'Checking keys', done, total }),
    })
  }

  // ------------------------------------------------------------------ .env export and import (envfile/)

  async exportPreview(input: ParsedInput<'exportPreview'>): Promise<ExportPreview> {
    return this.envCommands.exportPreview(input)
  }
  async exportCopy(input: ParsedInput<'exportCopy'>): Promise<{ clearsAt: number | null }> {
    return this.envCommands.exportCopy(input)
  }
  async exportSave(input: ParsedInput<'exportSave'>): Promise<ExportSaveResult> {
    return this.envCommands.exportSave(input)
  }
  async gitignoreLastExport(): Promise<{ pattern: string }> {
    return this.envCommands.gitignoreLastExport()
  }
  async importPreview(input: ParsedInput<'importPreview'>): Promise<ImportPreview> {
    return this.envCommands.importPreview(input)
  }
  async importApply(input: ParsedInput<'importApply'>): Promise<ImportResult> {
    return this.envCommands.importApply(input)
  }

  // ------------------------------------------------------------------ teams (teams/team-commands.module)

  async listTeams(): Promise<TeamSummary[]> {
    return this.teamCommands.listTeams()
  }
  async connectTeam(input: ParsedInput<'connectTeam'>): Promise<TeamSummary> {
    return this.teamCommands.connectTeam(input)
  }
  async disconnectTeam(input: ParsedInput<'disconnectTeam'>): Promise<TeamDisconnectResult> {
    return this.teamCommands.disconnectTeam(input)
  }
  async shareApp(input: ParsedInput<'shareApp'>): Promise<TeamShareResult> {
    return this.teamCommands.shareApp(input)
  }
  async pullTeams(input: ParsedInput<'pullTeams'>): Promise<TeamPullResult[]> {
    return this.teamCommands.pullTeams(input)
  }
  async teamMarks(): Promise<TeamMarks> {
    return this.teamCommands.teamMarks()
  }
  async saveReport(input: ParsedInput<'saveReport'>): Promise<ReportSaveResult> {
    return this.teamCommands.saveReport(input)
  }
}

/** Builds the core. */
export function createCore(deps: CoreDeps): KeyshelfCore {
  return new KeyshelfCore(deps)
}
