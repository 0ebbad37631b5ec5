import type { ParsedInput, VaultService } from '../../src-shared/contract'
import type {
  ExportPreview,
  ExportSaveResult,
  ImportPreview,
  ImportResult,
  ConnectionView,
  ProgressEvent,
  ProviderRotationOutcome,
  SyncSummary,
  VerifyOutcome,
} from '../../src-shared/model'
import type { QuickUnlockStatus, VaultStatus } from '../../src-shared/model'
import { verifyVaultPassword, type QuickUnlock } from './desktop/quick-unlock'
import { EnvWorkflows } from './envfile/env-workflows.service'
import { KeyshelfError } from './errors'
import { createProviderRegistry } from './providers/provider.registry'
import type { ProviderAdapter, ProviderDeps } from './providers/provider.types'
import { KeyshelfService, type ServiceDeps } from './service'
import { ProviderSyncService } from './sync/provider-sync.service'
import { TeamSpaceService, teamHostOf } from './teams/team-space.service'
import type { CredentialView } from '../../src-shared/model'

/** Everything the core needs from outside; only src-main/index.ts, the CLI and tests build one. */
export interface CoreDeps extends ServiceDeps {
  /** fetch for provider calls (tests pass one that reaches loopback fakes). Default: global fetch. */
  fetch?: typeof fetch
  /** Override adapters (tests); default: Novu, Cloudflare and GitLab over `fetch`. */
  adapters?: Partial<Record<'novu' | 'cloudflare' | 'gitlab', ProviderAdapter>>
  providerOptions?: Omit<ProviderDeps, 'fetch'>
  /** Progress of long work (sync, import), forwarded to the window. */
  onProgress?: (e: ProgressEvent) => void
  /** Native dialogs (desktop only). Without it, exportSave explains to use the CLI. */
  dialogs?: { chooseSavePath(defaultName: string): Promise<string | null> }
  /** Quick unlock through the OS keychain (desktop only). Without it, quick unlock reports unavailable. */
  quickUnlock?: QuickUnlock
  /** Test hook, see SyncDeps.afterProviderAnswer. */
  afterProviderAnswer?: () => void
}

/**
 * The whole contract: the vault service plus provider sync and rotation. This is the object IPC, the CLI
 * and the e2e harness call.
 */
export class KeyshelfCore extends KeyshelfService implements VaultService {
  readonly providers: ProviderSyncService
  /** Team spaces (OpenBao / Vault KV v2): connect, share, pull; rotation and edit of team keys. */
  readonly teams: TeamSpaceService
  readonly env: EnvWorkflows
  private readonly dialogs: CoreDeps['dialogs']
  private readonly progress: CoreDeps['onProgress']
  private lastExportPath: string | null = null
  private readonly quick: QuickUnlock | undefined

  constructor(deps: CoreDeps) {
    super(deps)
    this.env = new EnvWorkflows(this)
    this.dialogs = deps.dialogs
    this.quick = deps.quickUnlock
    this.progress = deps.onProgress
    const registry = createProviderRegistry({
      fetch: deps.fetch ?? globalThis.fetch.bind(globalThis),
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...deps.providerOptions,
    })
    this.teams = new TeamSpaceService(
      teamHostOf(this, (i) => super.rotate(i)),
      {
        fetch: deps.fetch ?? globalThis.fetch.bind(globalThis),
        ...(deps.clock ? { clock: deps.clock } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
        ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
      },
    )
    this.providers = new ProviderSyncService(
      this,
      {
        adapters: deps.adapters ?? {
          novu: registry.get('novu'),
          cloudflare: registry.get('cloudflare'),
          gitlab: registry.get('gitlab'),
        },
        ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
        ...(deps.afterProviderAnswer ? { afterProviderAnswer: deps.afterProviderAnswer } : {}),
      },
      deps.clock ?? Date.now,
    )
  }

  /** A team key rotates in its team first (check-and-set), then locally; other keys rotate locally. */
  override async rotate(input: ParsedInput<'rotate'>): Promise<CredentialView> {
    return this.teams.rotate(input)
  }

  /** A team key's metadata is written to its team first; other keys are edited locally. */
  override async updateCredential(input: ParsedInput<'updateCredential'>): Promise<CredentialView> {
    return this.teams.update(input, (i) => super.updateCredential(i))
  }

  async quickUnlockStatus(): Promise<QuickUnlockStatus> {
    return (
      this.quick?.status() ?? {
        available: false,
        enabled: false,
        reason: 'Quick unlock is only available in the desktop app.',
      }
    )
  }

  async setQuickUnlock(input: ParsedInput<'setQuickUnlock'>): Promise<QuickUnlockStatus> {
    if (!this.quick) return this.quickUnlockStatus()
    if (!input.enabled) return this.quick.disable()
    if (input.password === undefined) {
      throw new KeyshelfError('INVALID_INPUT', 'Enter your master password to turn on quick unlock.')
    }
    await verifyVaultPassword(this.vaultPath, input.password) // WRONG_PASSWORD if not
    // The keychain keeps the vault's data key, not the password: a leaked entry opens this vault only, and
    // survives password changes because changing the password re-wraps the same data key.
    const key = this.dataKeyForQuickUnlock()
    try {
      return this.quick.enable(key.toString('base64'))
    } finally {
      key.fill(0)
    }
  }

  async quickUnlock(): Promise<VaultStatus> {
    if (!this.quick)
      throw new KeyshelfError('INVALID_INPUT', 'Quick unlock is only available in the desktop app.')
    const key = Buffer.from(this.quick.secret(), 'base64')
    try {
      return await this.unlockWithDataKey(key)
    } catch (err) {
      if (err instanceof KeyshelfError && err.code === 'WRONG_PASSWORD') {
        // The vault was replaced or re-created: the stored key is useless now.
        this.quick.disable()
        throw new KeyshelfError(
          'WRONG_PASSWORD',
          'Quick unlock no longer matches this vault, so it was turned off. Enter your master password.',
        )
      }
      throw err
    } finally {
      key.fill(0)
    }
  }

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
    })
  }

  async syncProviders(input: ParsedInput<'syncProviders'>): Promise<SyncSummary[]> {
    return this.providers.sync(input.appId)
  }

  async rotateViaProvider(input: ParsedInput<'rotateViaProvider'>): Promise<ProviderRotationOutcome> {
    return this.providers.rotateViaProvider(input.credentialId, { overlapHours: input.overlapHours })
  }

  async verifyCredential(input: ParsedInput<'verifyCredential'>): Promise<VerifyOutcome> {
    return this.providers.verify(input.credentialId)
  }

  async exportPreview(input: ParsedInput<'exportPreview'>): Promise<ExportPreview> {
    return this.env.preview(input)
  }

  async exportCopy(input: ParsedInput<'exportCopy'>): Promise<{ clearsAt: number | null }> {
    const text = this.env.render(input, 'clipboard')
    return this.clipboard.writeSecret(text, this.settings.get().clipboardClearSeconds * 1000)
  }

  async exportSave(input: ParsedInput<'exportSave'>): Promise<ExportSaveResult> {
    if (!this.dialogs) {
      throw new KeyshelfError(
        'INVALID_INPUT',
        'Saving a file needs the desktop app; use `keyshelf export -o FILE`.',
      )
    }
    const preview = this.env.preview(input)
    if (preview.problems.length > 0) this.env.render(input, 'check') // throws UNREPRESENTABLE, names the keys
    const path = await this.dialogs.chooseSavePath(preview.fileName)
    if (!path) return { cancelled: true, path: null, gitWarning: false, tracked: false }
    // The native dialog already asked about replacing an existing file.
    const git = await this.env.save(input, path, true)
    this.lastExportPath = path
    return { cancelled: false, path, gitWarning: git.inRepo && !git.ignored, tracked: git.tracked }
  }

  async gitignoreLastExport(): Promise<{ pattern: string }> {
    if (!this.lastExportPath) throw new KeyshelfError('NOT_FOUND', 'Nothing was exported in this session.')
    return { pattern: await this.env.ignore(this.lastExportPath) }
  }

  async importPreview(input: ParsedInput<'importPreview'>): Promise<ImportPreview> {
    return this.env.importPreview(input.environmentId, input.text)
  }

  async importApply(input: ParsedInput<'importApply'>): Promise<ImportResult> {
    return this.env.importApply(input.environmentId, input.text, {
      ...(input.publicVars ? { publicVars: input.publicVars } : {}),
      onProgress: (done, total) => this.progress?.({ task: 'import', label: 'Importing keys', done, total }),
    })
  }
}

/** Builds the core. */
export function createCore(deps: CoreDeps): KeyshelfCore {
  return new KeyshelfCore(deps)
}
