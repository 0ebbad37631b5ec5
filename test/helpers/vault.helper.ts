import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ParsedInput } from '../../src-shared/contract'
import { createCore, type CoreDeps, type KeyshelfCore } from '../../src-main/core/core'

/** The cheapest KDF `init` accepts (OWASP's floor): tests use it so they stay fast. */
export const TEST_KDF = { memoryKiB: 19 * 1024, iterations: 2 }
export const TEST_PASSWORD = 'correct horse battery staple'

/** A temp directory that is removed by `cleanup`. */
export function tempDir(prefix = 'keyshelf-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A service over a new vault file in a temp dir, unlocked. */
export async function newVault(
  deps: Partial<CoreDeps> = {},
): Promise<{ svc: KeyshelfCore; path: string; dir: string; cleanup: () => Promise<void> }> {
  const t = tempDir()
  const path = join(t.dir, 'vault.db')
  const svc = createCore({ vaultPath: path, ...deps })
  await svc.create({ password: TEST_PASSWORD, kdf: TEST_KDF })
  return {
    svc,
    path,
    dir: t.dir,
    cleanup: async () => {
      await svc.close()
      t.cleanup()
    },
  }
}

/** Defaults for a credential input; override what the test cares about. */
export function credentialInput(
  environmentId: string,
  over: Partial<ParsedInput<'createCredential'>> = {},
): ParsedInput<'createCredential'> {
  return {
    environmentId,
    name: 'Secret key',
    provider: 'manual',
    providerCredentialId: '',
    status: 'active',
    role: '',
    allowedHosts: [],
    owner: '',
    tags: [],
    notes: '',
    expiresAt: null,
    rotationIntervalDays: 90,
    lastRotatedAt: null,
    fields: [{ label: 'Secret', envVar: 'API_SECRET', kind: 'secret', value: 'sk_test_0123456789abcdef' }],
    ...over,
  }
}

/** Creates an app with one environment. */
export async function seedAppEnv(
  svc: KeyshelfCore,
  appName = 'Novu',
  envName = 'Production',
): Promise<{ appId: string; envId: string }> {
  const app = await svc.createApp({ name: appName, description: '', appId: '', tags: [], notes: '' })
  const env = await svc.createEnvironment({
    appId: app.id,
    name: envName,
    apiUrl: '',
    wsUrl: '',
    region: '',
    notes: '',
  })
  return { appId: app.id, envId: env.id }
}

/**
 * A closed vault with `count` one-field keys ("Key i", env var KEY_i, secret `sk_live_value_i_abcdef`) in
 * app Shop › Prod, for tests that reopen it.
 */
export async function closedVaultWithKeys(
  count: number,
): Promise<{ path: string; appId: string; envId: string; ids: string[]; cleanup: () => Promise<void> }> {
  const v = await newVault()
  const { appId, envId } = await seedAppEnv(v.svc, 'Shop', 'Prod')
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const c = await v.svc.createCredential(
      credentialInput(envId, {
        name: `Key ${i}`,
        fields: [{ label: 'Secret', envVar: `KEY_${i}`, kind: 'secret', value: `sk_live_value_${i}_abcdef` }],
      }),
    )
    ids.push(c.id)
  }
  await v.svc.close()
  return { path: v.path, appId, envId, ids, cleanup: v.cleanup }
}
