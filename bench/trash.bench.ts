/**
 * Trash benchmark (issue 10 §20) at 10,000 keys (200 apps × 3 environments): what the Trash costs the
 * readers that now skip trashed items (the overview reload after unlock or a write, the locked due counts),
 * compared with the same queries without the Trash filter, and the Trash commands themselves (move an app,
 * list 20 trashed apps, restore, purge). Uses the cheapest KDF: the KDF is not what is measured.
 * Run with `npm run bench -- trash`. Numbers, not assertions.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KeyshelfCore } from '../src-main/core/core'
import { LIVE_CREDENTIAL } from '../src-main/core/vault/vault.repository'

const APPS = 200
const ENVS = ['Development', 'Staging', 'Production']
const TOTAL = 10_000
const PASSWORD = 'bench password, long enough'

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN
}
const ms = (n: number) => `${n.toFixed(2)} ms`

function time(runs: number, fn: () => void): number {
  const t: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    t.push(performance.now() - t0)
  }
  return pct(t, 50)
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyshelf-bench-'))
  const path = join(dir, 'vault.db')
  try {
    const svc = new KeyshelfCore({ vaultPath: path })
    await svc.create({ password: PASSWORD, kdf: { memoryKiB: 19 * 1024, iterations: 2 } })
    const apps: string[] = []
    const envIds: string[] = []
    for (let a = 0; a < APPS; a++) {
      const app = await svc.createApp({ name: `app-${a}`, description: '', appId: '', tags: [], notes: '' })
      apps.push(app.id)
      for (const e of ENVS) {
        const env = await svc.createEnvironment({
          appId: app.id,
          name: e,
          apiUrl: '',
          wsUrl: '',
          region: '',
          notes: '',
        })
        envIds.push(env.id)
      }
    }
    svc.transaction(() => {
      for (let i = 0; i < TOTAL; i++) {
        svc.createCredentialNow({
          environmentId: envIds[i % envIds.length]!,
          name: `key ${i}`,
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
          lastRotatedAt: Date.now() - (i % 120) * 86_400_000,
          fields: [{ label: '', envVar: `KEY_${i}`, kind: 'secret', value: `sk_live_${i}_0123456789abcdef` }],
        })
      }
    })
    const db = svc.repository().db
    const plain = db.prepare(
      `SELECT id, environment_id, status, created_at, updated_at, last_rotated_at, expires_at,
         rotation_interval_days, rotation_state FROM credentials`,
    )
    const live = db.prepare(
      `SELECT id, environment_id, status, created_at, updated_at, last_rotated_at, expires_at,
         rotation_interval_days, rotation_state FROM credentials WHERE ${LIVE_CREDENTIAL}`,
    )
    console.log(`trash bench: ${TOTAL} keys in ${APPS} apps × ${ENVS.length} environments`)
    for (const trashed of [0, 20]) {
      if (trashed) for (const id of apps.slice(0, trashed)) await svc.deleteApp({ id })
      const all = time(30, () => plain.all())
      const filtered = time(30, () => live.all())
      const repo = time(30, () => void svc.repository().loadCredentialRows())
      const reload = time(10, () => svc.kernel.reloadOverview(svc.kernel.session()))
      const counts = time(30, () => void svc.due.dueCounts())
      console.log(
        `  ${trashed} apps in the Trash: credential-row scan p50 ${ms(all)} unfiltered, ${ms(filtered)} with the Trash filter; ` +
          `loadCredentialRows (filter only when the Trash is not empty) p50 ${ms(repo)}; ` +
          `overview reload p50 ${ms(reload)}, locked due counts p50 ${ms(counts)}`,
      )
    }
    const list = time(20, () => void svc.trash.listTrash())
    const trashOne = time(1, () => void svc.trash.trashApp(apps[50]!))
    const restore = time(1, () => void svc.trash.restoreFromTrash({ id: apps[50]! }))
    const t0 = performance.now()
    const { purged } = svc.trash.emptyTrash()
    const empty = performance.now() - t0
    console.log(`  listTrash (20 apps, 1,000 keys) p50 ${ms(list)}`)
    console.log(`  move an app (50 keys) to the Trash ${ms(trashOne)}, restore it ${ms(restore)}`)
    console.log(`  empty the Trash (${purged} apps, ~1,000 keys with fields) ${ms(empty)}`)
    await svc.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
