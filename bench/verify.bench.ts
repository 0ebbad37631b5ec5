/**
 * `verify --all` benchmark: 1,000 keys spread over the nine catalogue providers that have a read-only check,
 * each checked against its own loopback fake (5 ms server latency, so concurrency matters), through the
 * real verifier over the real fetch, at the default concurrency limit (8) and at 1 and 16 for comparison.
 * Prints total time, keys per second and the peak number of requests in flight (at the client and at
 * the fakes). Asserts nothing.
 */
import { checkMany, type CheckItem } from '../src-main/core/guided/key-verifier'
import { PROVIDER_CATALOGUE } from '../src-main/core/guided/provider-catalogue'
import { startVerifyFakes } from '../test/fakes/verify.fake'

const KEYS = 1_000

async function main(): Promise<void> {
  const fakes = await startVerifyFakes({ delayMs: 5 })
  try {
    const entries = PROVIDER_CATALOGUE.filter((e) => e.verify)
    const items: CheckItem[] = []
    for (let i = 0; i < KEYS; i++) {
      const entry = entries[i % entries.length]
      if (!entry) throw new Error('no entries')
      const value = `${entry.id}-bench-${i}-0123456789abcdef`
      if (i % 10 !== 0) fakes.valid[entry.id]?.add(value)
      items.push({ id: String(i), entry, value, companions: { TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` } })
    }
    console.log(
      `verify.bench: ${KEYS} keys over ${entries.length} providers (each its own loopback host, 5 ms latency)`,
    )
    for (const concurrency of [1, 8, 16]) {
      const t0 = performance.now()
      const r = await checkMany(items, { fetch: globalThis.fetch, origins: fakes.origins }, { concurrency })
      const ms = performance.now() - t0
      const states = { valid: 0, invalid: 0, unknown: 0 }
      for (const c of r.checks.values()) states[c.state]++
      console.log(
        `  concurrency ${String(concurrency).padStart(2)}: ${ms.toFixed(0)} ms, ${((KEYS / ms) * 1000).toFixed(0)} keys/s, ` +
          `peak in flight ${r.peakConcurrency} (fakes saw ${fakes.peakInFlightTotal()}), ` +
          `${states.valid} valid / ${states.invalid} invalid / ${states.unknown} unknown`,
      )
    }
  } finally {
    await fakes.close()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
