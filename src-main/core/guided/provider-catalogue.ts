/**
 * A data-only catalogue of API-key providers that cannot rotate a key through their API, for guided
 * rotation and `verify --all`: where the key is made (dashboard), which env vars and value shapes identify
 * it, and, where one exists, a read-only call that tells a valid key from a rejected one. Nothing here runs
 * code; `key-verifier.ts` interprets the `verify` recipes. Every recipe is a GET that changes nothing.
 */

/** How a verification call carries the key. */
export type VerifyAuth =
  /** `Authorization: Bearer <key>` */
  | { kind: 'bearer' }
  /** `Authorization: <scheme> <key>` (e.g. Novu's `ApiKey`) */
  | { kind: 'scheme'; scheme: string }
  /** The key in a named header (e.g. Datadog `DD-API-KEY`, Anthropic `x-api-key`). */
  | { kind: 'header'; name: string }
  /** HTTP basic auth with the key as password and a companion key's value as user (e.g. Twilio SID). */
  | { kind: 'basic'; userFrom: string }

/** A read-only call that checks a key. */
export interface VerifyRecipe {
  /** Absolute https URL; `{NAME}` is replaced by the URL-encoded value of companion env var NAME. */
  url: string
  auth: VerifyAuth
  /** Extra fixed request headers (no secrets). */
  headers?: Record<string, string>
  /** Statuses meaning "the provider rejects this key". Default [401]. */
  invalidStatuses?: number[]
  /** For APIs that answer 200 either way: the JSON field that must be `true` (Slack `ok`, Datadog `valid`). */
  okField?: string
}

/** One provider in the catalogue. */
export interface CatalogueEntry {
  id: string
  name: string
  /** The dashboard page where keys are created and revoked. */
  dashboardUrl: string
  /** Env var names (regular expressions, anchored) that identify this provider's keys. */
  envVars: string[]
  /** Value shapes (regular expressions) that identify this provider's keys, when it has a prefix. */
  valuePatterns: string[]
  /** Overlap to suggest for the old key (hours). */
  suggestedOverlapHours: number
  verify: VerifyRecipe | null
  /** A short hint shown in the guided flow (what to click). */
  steps: string
}

/** The catalogue. Keep it data: new providers are one entry. */
export const PROVIDER_CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: 'stripe',
    name: 'Stripe',
    dashboardUrl: 'https://dashboard.stripe.com/apikeys',
    envVars: ['^STRIPE_(SECRET|API|RESTRICTED)_KEY$', '^STRIPE_KEY$'],
    valuePatterns: ['^(sk|rk)_(live|test)_[A-Za-z0-9]{10,}$'],
    suggestedOverlapHours: 12,
    verify: { url: 'https://api.stripe.com/v1/balance', auth: { kind: 'bearer' } },
    steps:
      'Developers → API keys → “Roll key…” (choose when the old key expires), then copy the new secret key.',
  },
  {
    id: 'openai',
    name: 'OpenAI',
    dashboardUrl: 'https://platform.openai.com/api-keys',
    envVars: ['^OPENAI_API_KEY$', '^OPENAI_KEY$'],
    valuePatterns: ['^sk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}$'],
    suggestedOverlapHours: 24,
    verify: { url: 'https://api.openai.com/v1/models', auth: { kind: 'bearer' } },
    steps: 'API keys → “Create new secret key” with the same project and permissions, then copy it.',
  },
  {
    id: 'github',
    name: 'GitHub',
    dashboardUrl: 'https://github.com/settings/personal-access-tokens',
    envVars: ['^(GITHUB|GH)_TOKEN$', '^GITHUB_PAT$'],
    valuePatterns: ['^(ghp|github_pat|gho|ghu|ghs)_[A-Za-z0-9_]{20,}$'],
    suggestedOverlapHours: 24,
    verify: {
      url: 'https://api.github.com/user',
      auth: { kind: 'bearer' },
      headers: { 'x-github-api-version': '2022-11-28' },
    },
    steps: 'Settings → Developer settings → Personal access tokens → “Regenerate token”, then copy it.',
  },
  {
    id: 'twilio',
    name: 'Twilio',
    dashboardUrl: 'https://console.twilio.com/us1/account/keys-credentials/api-keys',
    envVars: ['^TWILIO_AUTH_TOKEN$'],
    valuePatterns: [],
    suggestedOverlapHours: 24,
    verify: {
      url: 'https://api.twilio.com/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}.json',
      auth: { kind: 'basic', userFrom: 'TWILIO_ACCOUNT_SID' },
    },
    steps: 'Account → API keys & tokens → “Request a secondary token”, then promote it once it is deployed.',
  },
  {
    id: 'slack',
    name: 'Slack',
    dashboardUrl: 'https://api.slack.com/apps',
    envVars: ['^SLACK_(BOT_|USER_|APP_)?TOKEN$'],
    valuePatterns: ['^xox[abpr]-[A-Za-z0-9-]{10,}$'],
    suggestedOverlapHours: 1,
    verify: { url: 'https://slack.com/api/auth.test', auth: { kind: 'bearer' }, okField: 'ok' },
    steps: 'Your app → OAuth & Permissions → rotate or reinstall to get a new token, then copy it.',
  },
  {
    id: 'datadog',
    name: 'Datadog',
    dashboardUrl: 'https://app.datadoghq.com/organization-settings/api-keys',
    envVars: ['^(DD|DATADOG)_API_KEY$'],
    valuePatterns: ['^[a-f0-9]{32}$'],
    suggestedOverlapHours: 24,
    verify: {
      url: 'https://api.datadoghq.com/api/v1/validate',
      auth: { kind: 'header', name: 'DD-API-KEY' },
      invalidStatuses: [401, 403],
      okField: 'valid',
    },
    steps: 'Organization settings → API keys → “New key”, deploy it, then revoke the old key.',
  },
  {
    id: 'sendgrid',
    name: 'SendGrid',
    dashboardUrl: 'https://app.sendgrid.com/settings/api_keys',
    envVars: ['^SENDGRID_API_KEY$'],
    valuePatterns: ['^SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{20,}$'],
    suggestedOverlapHours: 24,
    verify: { url: 'https://api.sendgrid.com/v3/scopes', auth: { kind: 'bearer' } },
    steps: 'Settings → API Keys → “Create API Key” with the same permissions, then copy it (shown once).',
  },
  {
    id: 'novu',
    name: 'Novu',
    dashboardUrl: 'https://dashboard.novu.co',
    envVars: ['^NOVU_(SECRET|API)_KEY$'],
    valuePatterns: ['^[a-f0-9]{32}$'],
    suggestedOverlapHours: 24,
    verify: { url: 'https://api.novu.co/v1/environments/me', auth: { kind: 'scheme', scheme: 'ApiKey' } },
    steps: 'Your environment → API Keys → create a second secret key (or regenerate), then copy it.',
  },
  {
    id: 'anthropic',
    name: 'Anthropic',
    dashboardUrl: 'https://console.anthropic.com/settings/keys',
    envVars: ['^ANTHROPIC_API_KEY$'],
    valuePatterns: ['^sk-ant-[A-Za-z0-9_-]{20,}$'],
    suggestedOverlapHours: 24,
    verify: {
      url: 'https://api.anthropic.com/v1/models',
      auth: { kind: 'header', name: 'x-api-key' },
      headers: { 'anthropic-version': '2023-06-01' },
    },
    steps: 'Settings → API keys → “Create key” in the same workspace, then copy it.',
  },
  {
    id: 'aws',
    name: 'AWS',
    dashboardUrl: 'https://console.aws.amazon.com/iam/home#/security_credentials',
    envVars: ['^AWS_SECRET_ACCESS_KEY$'],
    valuePatterns: [],
    suggestedOverlapHours: 24,
    // SigV4 signing is not a recipe; connect the key with `keyshelf provider add --provider aws-iam` instead.
    verify: null,
    steps: 'IAM → Users → Security credentials → “Create access key”, then deactivate the old one.',
  },
]

/** The catalogue entry for an id, or undefined. */
export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return PROVIDER_CATALOGUE.find((e) => e.id === id)
}

/**
 * The provider of a key, from its env var name first, then its value's shape (the value is only matched,
 * never kept). Undefined when the catalogue does not know it.
 */
export function identifyProvider(envVar: string, value?: string): CatalogueEntry | undefined {
  const byVar = PROVIDER_CATALOGUE.find((e) => e.envVars.some((p) => new RegExp(p).test(envVar)))
  if (byVar) return byVar
  if (value === undefined || value === '') return undefined
  return PROVIDER_CATALOGUE.find((e) => e.valuePatterns.some((p) => new RegExp(p).test(value)))
}
