/**
 * Backup and key-activity benchmark (issue 13) at 10,000 keys (one create-key entry each) plus 40,000 more
 * audit entries (reveals and copies spread over the keys): `keyActivity` for one key (the audit table has no
 * index on credential_id: a scan that opens only that key's rows), and "Back up now" (online backup API +
 * verification) of the whole vault. Uses the cheapest KDF. Run with `npm run bench -- backup`. Numbers only.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KeyshelfCore } from '../src-main/core/core'

const TOTAL = 10_000
const EXTRA = 40_000
const PASSWORD = 'bench password, long enough'
const ms = (n: number) => `${n.toFixed(2)} ms`

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'keyshelf-bench-'))
  const path = join(dir, 'vault.db')
  let target = ''
  const svc = new KeyshelfCore({
    vaultPath: path,
    dialogs: { chooseSavePath: async (name) => (target = join(dir, name)) },
  })
  try {
    await svc.create({ password: PASSWORD, kdf: { memoryKiB: 19 * 1024, iterations: 2 } })
    const app = await svc.createApp({ name: 'app', description: '', appId: '', tags: [], notes: '' })
    const env = await svc.createEnvironment({
      appId: app.id,
      name: 'Production',
      apiUrl: '',
      wsUrl: '',
      region: '',
      notes: '',
    })
    const ids: { id: string; field: string }[] = []
    svc.transaction(() => {
      for (let i = 0; i < TOTAL; i++) {
        const c = svc.createCredentialNow({
          environmentId: env.id,
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
          lastRotatedAt: null,
          fields: [{ label: '', envVar: `KEY_${i}`, kind: 'secret', value: `sk_live_${i}_0123456789abcdef` }],
        })
        ids.push({ id: c.id, field: c.fields[0]?.id ?? '' })
      }
    })
    svc.transaction(() => {
      for (let i = 0; i < EXTRA; i++)
        svc.recordAudit(i % 2 ? 'reveal' : 'copy', ids[i % TOTAL]?.id ?? null, { envVar: `KEY_${i % TOTAL}` })
    })
    const one = ids[1234]?.id ?? ''
    const runs: number[] = []
    let n = 0
    for (let r = 0; r < 30; r++) {
      const t0 = performance.now()
      n = (await svc.keyActivity({ credentialId: one, limit: 200 })).length
      runs.push(performance.now() - t0)
    }
    runs.sort((a, b) => a - b)
    console.log(
      `keyActivity (1 key of ${TOTAL}, ${TOTAL + EXTRA} audit rows, ${n} entries): p50 ${ms(runs[15] ?? NaN)}, max ${ms(runs.at(-1) ?? NaN)}`,
    )
    const t0 = performance.now()
    const r = await svc.backupNow()
    const took = performance.now() - t0
    console.log(
      `backupNow (online backup + verify): ${ms(took)}, ${r.cancelled ? 'cancelled' : `${(r.bytes / 1e6).toFixed(1)} MB`} to ${target ? 'temp' : '?'}`,
    )
  } finally {
    await svc.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

void main()
