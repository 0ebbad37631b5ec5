/**
 * Extra seed for the layout tests (issue 10): on top of the showcase, an app with many environments (tabs
 * must scroll at 900 px), a key overdue for weeks (a two-digit badge), a key added days ago and never rotated,
 * a key that never rotates, a rotation with an overlap window, and long env-var names.
 */
import { DAY_MS, addApp, addEnv, credential, type Vault } from './harness'
import { seedShowcase, type ShowcaseIds } from './seed'

export interface LayoutIds extends ShowcaseIds {
  acme: string
  acmeProd: string
  overlapEnvVar: string
}

export const OVERLAP_HOURS = 72

export async function seedLayout(vault: Vault): Promise<LayoutIds> {
  const ids = await seedShowcase(vault)
  const { core } = vault
  const now = vault.clock.now()
  const ago = (days: number) => now - days * DAY_MS - 3_600_000
  const acme = await addApp(core, 'Acme Payments', {
    description: 'The checkout service: card payments, payouts and the webhook relay.',
    appId: 'acme-checkout-7f3a91',
  })
  const acmeProd = await addEnv(core, acme.id, 'Production', {
    apiUrl: 'https://api.acme.example/v2',
    region: 'eu-west-1',
  })
  for (const name of [
    'Staging',
    'Development',
    'Preview',
    'QA',
    'Load test',
    'Sandbox EU',
    'Sandbox US',
    'Canary',
  ])
    await addEnv(core, acme.id, name, {
      apiUrl: `https://${name.toLowerCase().replace(/ /g, '-')}.acme.example`,
    })
  const make = (name: string, envVar: string, over: Parameters<typeof credential>[1] = {}) =>
    core.createCredential(
      credential(acmeProd.id, {
        name,
        fields: [
          { label: '', envVar, kind: 'secret', value: `sk_live_${envVar.toLowerCase()}_0123456789abcdef` },
        ],
        ...over,
      }),
    )
  await make('Card processor key 67', 'ACME_CARD_PROCESSOR_SECRET_KEY_67', { lastRotatedAt: ago(90 + 42) })
  await make('Card processor key 7', 'ACME_CARD_PROCESSOR_SECRET_KEY_7', { lastRotatedAt: ago(90 + 3) })
  await make('Payout signing key', 'ACME_PAYOUT_SIGNING_KEY', { lastRotatedAt: ago(84) })
  await make('Fraud scoring token', 'ACME_FRAUD_SCORING_SERVICE_TOKEN', { lastRotatedAt: null })
  await make('Partner ID', 'ACME_PARTNER_IDENTIFIER', {
    rotationIntervalDays: null,
    fields: [
      {
        label: '',
        envVar: 'ACME_PARTNER_IDENTIFIER',
        kind: 'public',
        value: 'partner_7Hq2LmN4xY8Zb3Vc1Qe5Rt9Wu0Io6Pa2Sd4Fg',
      },
    ],
  })
  const relay = await make('Webhook relay secret', 'ACME_WEBHOOK_RELAY_SECRET', { lastRotatedAt: ago(100) })
  const relayField = relay.fields[0]
  if (relayField)
    await core.rotate({
      credentialId: relay.id,
      values: [{ fieldId: relayField.id, value: 'whsec_relay_rotated_0O1lI_9x8y7z6w5v4u' }],
      overlapHours: OVERLAP_HOURS,
    })
  for (let i = 1; i <= 22; i++)
    await make(`Merchant key ${i}`, `ACME_MERCHANT_${i}_KEY`, { lastRotatedAt: ago((i * 7) % 80) })
  return { ...ids, acme: acme.id, acmeProd: acmeProd.id, overlapEnvVar: 'ACME_WEBHOOK_RELAY_SECRET' }
}
