import { AwsIamProvider } from './aws-iam/aws-iam.provider'
import { CloudflareProvider } from './cloudflare/cloudflare.provider'
import { GitlabProvider } from './gitlab/gitlab.provider'
import { NovuProvider } from './novu/novu.provider'
import { SendgridProvider } from './sendgrid/sendgrid.provider'
import { PROVIDER_KINDS, type ProviderAdapter, type ProviderDeps, type ProviderKind } from './provider.types'

/** The adapters, built once with the same injected fetch, clock, sleep and logger. */
export interface ProviderRegistry {
  /** The adapter for `kind`. */
  get(kind: ProviderKind): ProviderAdapter
  /** Whether Keyshelf has an adapter for this provider id (e.g. a credential's `provider` field). */
  has(kind: string): kind is ProviderKind
  /** Every adapter, in display order. */
  all(): ProviderAdapter[]
}

/** Builds one adapter of each kind over `deps`. */
export function createProviderRegistry(deps: ProviderDeps): ProviderRegistry {
  const adapters: Record<ProviderKind, ProviderAdapter> = {
    novu: new NovuProvider(deps),
    cloudflare: new CloudflareProvider(deps),
    gitlab: new GitlabProvider(deps),
    'aws-iam': new AwsIamProvider(deps),
    sendgrid: new SendgridProvider(deps),
  }
  return {
    get: (kind) => adapters[kind],
    has: (kind): kind is ProviderKind => (PROVIDER_KINDS as readonly string[]).includes(kind),
    all: () => PROVIDER_KINDS.map((k) => adapters[k]),
  }
}
