import type { ParsedInput, VaultService } from '../../src-shared/contract'
import type {
  ConnectionView,
  ProgressEvent,
  ProviderRotationOutcome,
  SyncSummary,
  VerifyOutcome,
} from '../../src-shared/model'
import { createProviderRegistry } from './providers/provider.registry'
import type { ProviderAdapter, ProviderDeps } from './providers/provider.types'
import { KeyshelfService, type ServiceDeps } from './service'
import { ProviderSyncService } from './sync/provider-sync.service'

/** Everything the core needs from outside; only src-main/index.ts, the CLI and tests build one. */
export interface CoreDeps extends ServiceDeps {
  /** fetch for provider calls (tests pass one that reaches loopback fakes). Default: global fetch. */
  fetch?: typeof fetch
  /** Override adapters (tests); default: Novu, Cloudflare and GitLab over `fetch`. */
  adapters?: Partial<Record<'novu' | 'cloudflare' | 'gitlab', ProviderAdapter>>
  providerOptions?: Omit<ProviderDeps, 'fetch'>
  /** Progress of long work (sync, import), forwarded to the window. */
  onProgress?: (e: ProgressEvent) => void
  /** Test hook, see SyncDeps.afterProviderAnswer. */
  afterProviderAnswer?: () => void
}

/**
 * The whole contract: the vault service plus provider sync and rotation. This is the object IPC, the CLI
 * and the e2e harness call.
 */
export class KeyshelfCore extends KeyshelfService implements VaultService {
  readonly providers: ProviderSyncService

  constructor(deps: CoreDeps) {
    super(deps)
    const registry = createProviderRegistry({
      fetch: deps.fetch ?? globalThis.fetch.bind(globalThis),
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...deps.providerOptions,
    })
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
}

/** Builds the core. */
export function createCore(deps: CoreDeps): KeyshelfCore {
  return new KeyshelfCore(deps)
}
