/**
 * Team-space benchmark against a real OpenBao dev server on loopback: shares a 10,000-key app (4
 * environments × 2,500 keys) from one vault, pulls it into a second, then pulls again with nothing
 * changed (manifests trusted, then a full check of every key's metadata). Prints wall time, keys/s and HTTP requests per phase. Numbers, not assertions.
 * Needs `bao` (KEYSHELF_PEERS_DIR or .peers/, see scripts/install-peers.sh).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../src-main/core/core'
import { startBaoDev } from '../test/helpers/openbao'

const TOTAL = Number(process.env['KEYSHELF_BENCH_KEYS'] ?? 10_000)
const ENVS = ['Development', 'Staging', 'Production', 'Sandbox']
const KDF = { memoryKiB: 19 * 1024, iterations: 2 }

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyshelf-teams-bench-'))
  const bao = await startBaoDev()
  let requests = 0
  const countingFetch: typeof fetch = (input, init) => {
    requests++
    return fetch(input, init)
  }
  try {
    const tokens = await bao.teamTokens()
    const alice = createCore({ vaultPath: join(dir, 'alice.db'), fetch: countingFetch })
    const bob = createCore({ vaultPath: join(dir, 'bob.db'), fetch: countingFetch })
    await alice.create({ password: 'bench password alice', kdf: KDF })
    await bob.create({ password: 'bench password bob', kdf: KDF })
    const app = await alice.createApp({ name: 'Big app', description: '', appId: '', tags: [], notes: '' })
    const envIds: string[] = []
    for (const name of ENVS) {
      envIds.push(
        (await alice.createEnvironment({ appId: app.id, name, apiUrl: '', wsUrl: '', region: '', notes: '' }))
          .id,
      )
    }
    alice.transaction(() => {
      for (let i = 0; i < TOTAL; i++) {
        alice.createCredentialNow({
          environmentId: envIds[i % ENVS.length]!,
          name: `key-${i}`,
          provider: 'manual',
          providerCredentialId: '',
          status: 'active',
          role: '',
          allowedHosts: [],
          owner: `owner-${i % 13}`,
          tags: [],
          notes: '',
          expiresAt: null,
          rotationIntervalDays: 90,
          lastRotatedAt: null,
          fields: [
            {
              label: 'Secret',
              envVar: `KEY_${i}_SECRET`,
              kind: 'secret',
              value: `sk_live_${i.toString(36).padStart(24, 'x')}`,
            },
            ...(i % 5 === 0
              ? [{ label: 'Id', envVar: `KEY_${i}_ID`, kind: 'public' as const, value: `id-${i}` }]
              : []),
          ],
        })
      }
    })
    const aTeams = alice.teams
    const bTeams = bob.teams
    await aTeams.connect({
      name: 'bench',
      addrs: bao.addr,
      login: { method: 'token', token: tokens.rotator },
    })
    await bTeams.connect({ name: 'bench', addrs: bao.addr, login: { method: 'token', token: tokens.reader } })

    const phase = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
      requests = 0
      const t0 = performance.now()
      const out = await fn()
      const dt = performance.now() - t0
      console.log(
        `${name.padEnd(34)} ${s(dt).padStart(9)}  ${Math.round((TOTAL / dt) * 1000)
          .toString()
          .padStart(6)} keys/s  ${requests.toString().padStart(6)} requests  ${JSON.stringify(out)}`,
      )
    }
    console.log(
      `team bench: ${TOTAL} keys (${ENVS.length} envs), bao dev server ${bao.addr}, 16 requests in flight`,
    )
    await phase('share (Alice)', () => aTeams.share(app.id))
    await phase('pull into empty vault (Bob)', () => bTeams.pull())
    await phase('pull, nothing changed (Bob)', () => bTeams.pull())
    await phase('pull, nothing changed (Alice)', () => aTeams.pull())
    await phase('pull --full, nothing changed (Bob)', () => bTeams.pull(undefined, { full: true }))
    await alice.close()
    await bob.close()
  } finally {
    await bao.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
