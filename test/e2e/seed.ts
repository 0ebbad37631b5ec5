/**
 * Seed data for the e2e tests, written through the real core (cheap KDF, one call per row; 10,000 keys take
 * a few seconds).
 */
import type { KeyshelfCore } from '../../src-main/core/core'
import { DAY_MS, addApp, addEnv, credential, type Vault } from './harness'

const HOUR_MS = 3_600_000

/** The secret values the tests look for in the DOM. */
export const SEED_SECRETS = {
  novuApiKey: 'nv_live_4f7d1c9a82b64e0fa3d5c7e9b1f20a6c',
  novuWebhookSecret: 'whsec_8a1f5c2e9d7b4036a1e8f2c4d6b9a0e3',
  stripeSecret: 'sk_live_51NzQfK2eZvKYlo2C8x4RjW1p',
  cloudflareToken: 'cf_r2_tok_Qm93dGhpc2lzbm90YXJlYWx0b2tlbg',
  openAiKey: 'sk-proj-7b3e1d9c4a2f8e6b0d5c3a1f9e7d2b4c',
}

export interface ShowcaseIds {
  novu: string
  novuProd: string
  stripe: string
  cloudflare: string
  openai: string
}

/**
 * Four apps with keys last rotated 10, 30, 80 and 95 days ago, one past expiry, a key pair and public ids:
 *   Novu/Production   API key (10 d, OK), webhook pair (80 d, due in 10 days), app id (public, never rotates)
 *   Stripe/Production secret key (95 d, overdue 5 days), publishable key (public)
 *   Cloudflare/Production R2 token (expired 2 days ago)
 *   OpenAI/Production project key (30 d, OK)
 */
export async function seedShowcase(vault: Vault): Promise<ShowcaseIds> {
  const { core } = vault
  const now = vault.clock.now()
  // An hour of slack keeps whole-day counts stable while the test runs: 80 d + 1 h ago is "due in 10 days",
  // 95 d + 1 h ago is "overdue 5 days".
  const ago = (days: number, plusHours = 0) => now - days * DAY_MS + plusHours * HOUR_MS

  const novu = await addApp(core, 'Novu', {
    description: 'Notification infrastructure: product emails, SMS and the in-app inbox.',
    appId: '6650f1c2a9e4b3001f3c8d21',
    tags: ['notifications'],
  })
  const novuProd = await addEnv(core, novu.id, 'Production', {
    apiUrl: 'https://api.novu.co/v1',
    wsUrl: 'wss://ws.novu.co',
    region: 'eu',
  })
  await addEnv(core, novu.id, 'Staging', {
    apiUrl: 'https://api.staging.novu.example/v1',
    wsUrl: 'wss://ws.staging.novu.example',
  })
  await addEnv(core, novu.id, 'Development', {
    apiUrl: 'http://localhost:3000/v1',
    wsUrl: 'ws://localhost:3002',
  })
  await core.createCredential(
    credential(novuProd.id, {
      name: 'Application identifier',
      rotationIntervalDays: null,
      fields: [{ label: 'App ID', envVar: 'NOVU_APP_IDENTIFIER', kind: 'public', value: 'Xh3kP9vQ2mLw' }],
    }),
  )
  await core.createCredential(
    credential(novuProd.id, {
      name: 'API key',
      provider: 'novu',
      lastRotatedAt: ago(10, 1),
      owner: 'platform team',
      fields: [
        { label: 'Secret key', envVar: 'NOVU_API_KEY', kind: 'secret', value: SEED_SECRETS.novuApiKey },
      ],
    }),
  )
  await core.createCredential(
    credential(novuProd.id, {
      name: 'Webhook signing',
      lastRotatedAt: ago(80, 1),
      fields: [
        { label: 'Webhook ID', envVar: 'NOVU_WEBHOOK_ID', kind: 'public', value: 'wh_01HZX4V7Q2' },
        {
          label: 'Signing secret',
          envVar: 'NOVU_WEBHOOK_SECRET',
          kind: 'secret',
          value: SEED_SECRETS.novuWebhookSecret,
        },
      ],
    }),
  )

  const stripe = await addApp(core, 'Stripe', {
    description: 'Payments and billing.',
    appId: 'acct_1NzQfK2eZvKYlo2C',
  })
  const stripeProd = await addEnv(core, stripe.id, 'Production', { apiUrl: 'https://api.stripe.com' })
  await core.createCredential(
    credential(stripeProd.id, {
      name: 'Secret key',
      lastRotatedAt: ago(95, -1),
      fields: [{ label: '', envVar: 'STRIPE_SECRET_KEY', kind: 'secret', value: SEED_SECRETS.stripeSecret }],
    }),
  )
  await core.createCredential(
    credential(stripeProd.id, {
      name: 'Publishable key',
      rotationIntervalDays: null,
      fields: [
        { label: '', envVar: 'STRIPE_PUBLISHABLE_KEY', kind: 'public', value: 'pk_live_51NzQfK2eZvKYlo2C' },
      ],
    }),
  )

  const cloudflare = await addApp(core, 'Cloudflare', { description: 'R2 storage for uploads.' })
  const cfProd = await addEnv(core, cloudflare.id, 'Production', {
    apiUrl: 'https://api.cloudflare.com/client/v4',
  })
  await core.createCredential(
    credential(cfProd.id, {
      name: 'R2 access token',
      provider: 'cloudflare',
      lastRotatedAt: ago(20),
      expiresAt: ago(2),
      fields: [
        { label: '', envVar: 'CLOUDFLARE_API_TOKEN', kind: 'secret', value: SEED_SECRETS.cloudflareToken },
      ],
    }),
  )

  const openai = await addApp(core, 'OpenAI', { description: 'Summaries in the support tool.' })
  const oaProd = await addEnv(core, openai.id, 'Production', { apiUrl: 'https://api.openai.com/v1' })
  await core.createCredential(
    credential(oaProd.id, {
      name: 'Project key',
      provider: 'openai',
      lastRotatedAt: ago(30),
      fields: [{ label: '', envVar: 'OPENAI_API_KEY', kind: 'secret', value: SEED_SECRETS.openAiKey }],
    }),
  )
  return {
    novu: novu.id,
    novuProd: novuProd.id,
    stripe: stripe.id,
    cloudflare: cloudflare.id,
    openai: openai.id,
  }
}

const SERVICES = [
  'Stripe',
  'Novu',
  'Cloudflare',
  'GitLab',
  'SendGrid',
  'OpenAI',
  'Twilio',
  'Sentry',
  'Datadog',
  'Algolia',
  'Mapbox',
  'Auth0',
  'Segment',
  'Mailgun',
  'Pusher',
  'Vercel',
  'Supabase',
  'Linear',
  'Slack',
  'GitHub',
]
const ENVS = ['Development', 'Staging', 'Production']

/**
 * 10,000 keys (20 apps x 3 environments x ~167 keys, one field each), plus one needle the search test looks
 * for. Returns the number of keys written.
 */
export async function seedLarge(core: KeyshelfCore, total = 10_000): Promise<number> {
  const envIds: { id: string; app: string; env: string }[] = []
  for (const s of SERVICES) {
    const app = await addApp(core, s, { description: `${s} integration` })
    for (const e of ENVS) envIds.push({ id: (await addEnv(core, app.id, e)).id, app: s, env: e })
  }
  const kinds = ['API key', 'Webhook secret', 'Access token', 'Client secret', 'Signing key', 'Service token']
  let n = 0
  // One transaction for all of them (as an import does): seconds, not minutes, on a busy 2-core machine.
  core.transaction(() => {
    for (let i = 0; n < total - 1; i++) {
      const target = envIds[i % envIds.length]
      if (!target) break
      const kind = kinds[i % kinds.length] ?? 'API key'
      const prefix = target.app.toUpperCase().replace(/[^A-Z0-9]/g, '_')
      core.createCredentialNow(
        credential(target.id, {
          name: `${kind} ${i}`,
          lastRotatedAt: Date.now() - (i % 120) * DAY_MS,
          fields: [
            {
              label: '',
              envVar: `${prefix}_${kind.toUpperCase().replace(/ /g, '_')}_${i}`,
              kind: 'secret',
              value: `sk_${i.toString(36)}_${'x'.repeat(24)}`,
            },
          ],
        }),
      )
      n++
    }
  })
  const prod = envIds.find((e) => e.app === 'Sentry' && e.env === 'Production')
  if (prod) {
    await core.createCredential(
      credential(prod.id, {
        name: 'Zebra relay DSN',
        fields: [
          { label: '', envVar: 'ZEBRA_RELAY_DSN', kind: 'secret', value: 'zebra_secret_value_000000000' },
        ],
      }),
    )
    n++
  }
  return n
}
