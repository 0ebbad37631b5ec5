/**
 * Where the time goes between "Unlock" and the first key row of a 10,000-key vault (issue 10), core side:
 * each step the window triggers (unlock, listApps + dueCounts, listEnvironments, listCredentials,
 * searchIndex), timed on its own, then the same sequence under the V8 CPU profiler with the top self-time
 * functions printed. Uses the harness's cheap test KDF (the Argon2id cost is measured in vault.bench).
 * Run: `npm run bench -- unlock-trace`.
 */
import { Session } from 'node:inspector/promises'
import { PASSWORD, createVault } from '../test/e2e/harness'
import { seedLarge } from '../test/e2e/seed'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount: number
}

async function main(): Promise<void> {
  const vault = await createVault()
  const { core } = vault
  try {
    let t = performance.now()
    const n = await seedLarge(core)
    console.log(`seeded ${n} keys in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    const steps = async (log: boolean) => {
      await core.lock()
      const time = async <T>(label: string, f: () => Promise<T> | T): Promise<T> => {
        const t0 = performance.now()
        const r = await f()
        if (log) console.log(`  ${label}: ${(performance.now() - t0).toFixed(0)} ms`)
        return r
      }
      await time('unlock (test KDF + session)', () => core.unlock({ password: PASSWORD }))
      const apps = await time('listApps', () => core.listApps())
      await time('dueCounts', () => core.dueCounts())
      const first = apps[0]!
      await time('listEnvironments (first app)', () => core.listEnvironments({ appId: first.id }))
      const creds = await time('listCredentials (first app)', () => core.listCredentials({ appId: first.id }))
      const index = await time('searchIndex', () => core.searchIndex())
      if (log)
        console.log(
          `  (${creds.length} credentials in the first app; index of ${index.credentials.length}; JSON ${(JSON.stringify(creds).length / 1024).toFixed(0)} KiB + ${(JSON.stringify(index).length / 1024).toFixed(0)} KiB)`,
        )
    }
    console.log('cold (first unlock after seeding):')
    await steps(true)
    console.log('again:')
    await steps(true)
    const session = new Session()
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 200 })
    await session.post('Profiler.start')
    t = performance.now()
    await steps(false)
    const total = performance.now() - t
    const { profile } = (await session.post('Profiler.stop')) as unknown as {
      profile: { nodes: Node[]; samples: number[]; timeDeltas: number[] }
    }
    const self = new Map<string, number>()
    const byId = new Map(profile.nodes.map((x) => [x.id, x]))
    profile.samples.forEach((id, i) => {
      const node = byId.get(id)
      if (!node) return
      const f = node.callFrame
      const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`
      self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
    })
    console.log(`profiled sequence: ${total.toFixed(0)} ms; top self time:`)
    for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15))
      console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${k}`)
    session.disconnect()
  } finally {
    await vault.cleanup()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
