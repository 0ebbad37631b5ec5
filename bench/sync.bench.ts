/**
 * Sync benchmark: 1,000 Cloudflare tokens served 50 per page by the loopback fake, pulled through the
 * whole core (adapter, HTTP client, reconcile, one transaction into the encrypted vault). Numbers only.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../src-main/core/core'
import { startCloudflareFake } from '../test/fakes/cloudflare.fake'

const TOKENS = 1000

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyshelf-sync-bench-'))
  const cf = await startCloudflareFake({ tokens: TOKENS, maxPerPage: 50 })
  try {
    const core = createCore({ vaultPath: join(dir, 'vault.db') })
    await core.create({ password: 'bench password', kdf: { memoryKiB: 19 * 1024, iterations: 2 } })
    const app = await core.createApp({ name: 'Cloudflare', description: '', appId: '', tags: [], notes: '' })
    const t0 = performance.now()
    const { summary } = await core.connectProvider({
      appId: app.id,
      provider: 'cloudflare',
      token: cf.state.secretOf(cf.state.adminId),
      environmentName: 'Production',
      apiUrl: cf.url,
    })
    const first = performance.now() - t0
    const t1 = performance.now()
    const [again] = await core.syncProviders({ appId: app.id })
    const second = performance.now() - t1
    console.log(`sync benchmark: ${TOKENS} Cloudflare tokens, 50 per page (loopback fake)`)
    console.log(
      `  first sync (connect + ${summary.added} added): ${first.toFixed(0)} ms   (target ≤ 2000 ms)`,
    )
    console.log(`  re-sync (${again?.unchanged ?? 0} unchanged):        ${second.toFixed(0)} ms`)
    console.log(`  list requests: ${cf.count('GET /user/tokens')}`)
    await core.close()
  } finally {
    await cf.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
