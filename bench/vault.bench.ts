/**
 * Vault benchmark: builds a 10,000-credential vault (200 apps × 3 environments, a mix of single secrets
 * and pairs) with the default KDF and prints insert, unlock, search, reveal and size numbers.
 * Run with `npm run bench`. Numbers, not assertions.
 */
import { statSync } from 'node:fs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_KDF } from '../src-shared/model'
import { deriveKey } from '../src-main/core/crypto/kdf'
import { KeyshelfCore } from '../src-main/core/core'

const APPS = 200
const ENVS = ['Development', 'Staging', 'Production']
const TOTAL = 10_000
const PASSWORD = 'bench password, long enough'

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN
}
const ms = (n: number) => `${n.toFixed(3)} ms`

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyshelf-bench-'))
  const path = join(dir, 'vault.db')
  try {
    const svc = new KeyshelfCore({ vaultPath: path })
    await svc.create({ password: PASSWORD })
    const envIds: string[] = []
    for (let a = 0; a < APPS; a++) {
      const app = await svc.createApp({
        name: `app-${a.toString().padStart(3, '0')}`,
        description: `Service number ${a}`,
        appId: `APP${a}`,
        tags: a % 2 ? ['team-a'] : ['team-b'],
        notes: '',
      })
      for (const e of ENVS) {
        const env = await svc.createEnvironment({
          appId: app.id,
          name: e,
          apiUrl: `https://api.${a}.example`,
          wsUrl: '',
          region: 'us',
          notes: '',
        })
        envIds.push(env.id)
      }
    }
    const fieldIds: string[] = []
    const t0 = performance.now()
    for (let i = 0; i < TOTAL; i++) {
      const envId = envIds[i % envIds.length]!
      const pair = i % 5 === 0
      const c = await svc.createCredential({
        environmentId: envId,
        name: `key-${i}`,
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
        fields: pair
          ? [
              { label: 'Shared', envVar: `SHARED_${i}`, kind: 'public', value: `pub-${i}` },
              {
                label: 'Secret',
                envVar: `SECRET_${i}`,
                kind: 'secret',
                value: `sk_live_${i}_${'x'.repeat(32)}`,
              },
            ]
          : [
              {
                label: 'Secret',
                envVar: `API_KEY_${i}`,
                kind: 'secret',
                value: `sk_live_${i}_${'y'.repeat(32)}`,
              },
            ],
      })
      fieldIds.push(c.fields[c.fields.length - 1]!.id)
    }
    const insertMs = performance.now() - t0
    await svc.close()
    const size = ['', '-wal', '-shm'].reduce((n, s) => {
      try {
        return n + statSync(path + s).size
      } catch {
        return n
      }
    }, 0)

    // Unlock: total, and the KDF alone with the same parameters, 5 runs each.
    const unlocks: number[] = []
    const kdfs: number[] = []
    const salt = Buffer.alloc(16, 1)
    let reopened = new KeyshelfCore({ vaultPath: path })
    for (let r = 0; r < 5; r++) {
      await reopened.close()
      reopened = new KeyshelfCore({ vaultPath: path })
      await reopened.dueCounts() // open the file first, as the app does at start
      const u0 = performance.now()
      await reopened.unlock({ password: PASSWORD })
      unlocks.push(performance.now() - u0)
      const k0 = performance.now()
      await deriveKey(PASSWORD, salt, DEFAULT_KDF)
      kdfs.push(performance.now() - k0)
    }
    const beyond = unlocks.map((u, i) => u - (kdfs[i] ?? 0))

    // The desktop warms the rest of the overview right after unlock; measure that and a cold first search.
    await reopened.close()
    reopened = new KeyshelfCore({ vaultPath: path })
    await reopened.unlock({ password: PASSWORD })
    const c0 = performance.now()
    await reopened.search({ query: 'app-1 production', limit: 200 })
    const coldSearch = performance.now() - c0
    await reopened.close()
    reopened = new KeyshelfCore({ vaultPath: path })
    await reopened.unlock({ password: PASSWORD })
    const w0 = performance.now()
    await reopened.warmUp()
    const warm = performance.now() - w0

    const queries = [
      'app-1',
      'production',
      'key-99',
      'api_key_5',
      'team-a staging',
      'secret_12',
      'zzz',
      'app-19 dev',
      's',
    ]
    const searches: number[] = []
    for (let r = 0; r < 300; r++) {
      const q = queries[r % queries.length]!
      const s0 = performance.now()
      await reopened.search({ query: q, limit: 200 })
      searches.push(performance.now() - s0)
    }
    const filters: number[] = []
    for (let r = 0; r < 100; r++) {
      const s0 = performance.now()
      await reopened.listCredentials({ status: 'overdue' })
      filters.push(performance.now() - s0)
    }
    const reveals: number[] = []
    for (let r = 0; r < 500; r++) {
      const id = fieldIds[(r * 7919) % fieldIds.length]!
      const s0 = performance.now()
      await reopened.reveal({ fieldId: id })
      reveals.push(performance.now() - s0)
    }
    await reopened.close()

    console.log(
      `vault benchmark: ${TOTAL} credentials (${APPS} apps × ${ENVS.length} envs), KDF m=64 MiB t=3 p=1`,
    )
    console.log(
      `  bulk insert (one transaction per credential): ${insertMs.toFixed(0)} ms (${((insertMs / TOTAL) * 1000).toFixed(0)} µs/credential)`,
    )
    console.log(`  unlock total p50:        ${ms(pct(unlocks, 50))}`)
    console.log(`  KDF alone p50:           ${ms(pct(kdfs, 50))}`)
    console.log(
      `  unlock beyond KDF p50:   ${ms(pct(beyond, 50))}   max ${ms(Math.max(...beyond))}   (target ≤ 80 ms)`,
    )
    console.log(`  overview warm-up after unlock (background): ${ms(warm)}`)
    console.log(`  first search, cold (decrypts every overview): ${ms(coldSearch)}`)
    console.log(
      `  search p50 / p95:        ${ms(pct(searches, 50))} / ${ms(pct(searches, 95))}   (target p95 ≤ 5 ms)`,
    )
    console.log(`  filter (overdue) p50/p95: ${ms(pct(filters, 50))} / ${ms(pct(filters, 95))}`)
    console.log(
      `  reveal p50 / p95:        ${ms(pct(reveals, 50))} / ${ms(pct(reveals, 95))}   (target p50 ≤ 1 ms)`,
    )
    console.log(
      `  bytes per credential:    ${(size / TOTAL).toFixed(0)} (file ${(size / 1024 / 1024).toFixed(2)} MiB)`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
