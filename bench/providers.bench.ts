/**
 * Provider benchmark: lists 1,000 Cloudflare API tokens served 50 per page by the loopback fake (20 pages
 * plus the verify call), through the real adapter and HTTP client over the real fetch. Target: ≤ 2 s per
 * full list. Prints numbers, asserts nothing.
 */
import { CloudflareProvider } from '../src-main/core/providers'
import { CF_ROUTES, startCloudflareFake } from '../test/fakes/cloudflare.fake'

const TOKENS = 1_000
const RUNS = 5

const ms = (n: number): string => `${n.toFixed(1)} ms`

async function main(): Promise<void> {
  const fake = await startCloudflareFake({ tokens: TOKENS, maxPerPage: 50 })
  try {
    const cf = new CloudflareProvider({ fetch: globalThis.fetch })
    const conn = { baseUrl: fake.url, token: fake.state.secretOf(fake.state.adminId) }
    const warm = await cf.list(conn)
    if (warm.length !== TOKENS) throw new Error(`expected ${TOKENS} tokens, got ${warm.length}`)
    const times: number[] = []
    let pages = 0
    for (let i = 0; i < RUNS; i++) {
      const before = fake.count(CF_ROUTES.list)
      const t0 = performance.now()
      let progressCalls = 0
      const keys = await cf.list(conn, { onProgress: () => progressCalls++ })
      times.push(performance.now() - t0)
      pages = fake.count(CF_ROUTES.list) - before
      if (keys.length !== TOKENS || progressCalls !== pages) throw new Error('incomplete list')
    }
    const sorted = [...times].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)] ?? NaN
    console.log(`providers.bench: Cloudflare list of ${TOKENS} tokens, ${pages} pages of 50, ${RUNS} runs`)
    console.log(
      `  median ${ms(median)}, min ${ms(sorted[0] ?? NaN)}, max ${ms(sorted[sorted.length - 1] ?? NaN)}`,
    )
    console.log(`  per page ${ms(median / pages)}; target ≤ 2000 ms: ${median <= 2000 ? 'met' : 'MISSED'}`)
  } finally {
    await fake.close()
  }
}

await main()
