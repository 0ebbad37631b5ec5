/**
 * Side-by-side CLI benchmark: Keyshelf's `keyshelf` against Debian's `keepassxc-cli` (2.7.x) on the same
 * 10,200 keys (200 apps × 3 environments × 17 keys; KeePassXC gets a 100 ms KDF, Keyshelf its default
 * Argon2id). Every figure is a whole process, started the way a user starts it (`node bin/keyshelf.cjs` on
 * this Node 22; `keepassxc-cli`), timed as the median of paired, interleaved runs, and peak memory is the
 * max RSS that `/usr/bin/time` reports. Targets from issue 13 are checked and every miss is flagged.
 *
 * Needs `keepassxc-cli` (apt-get install keepassxc) and /usr/bin/time, and builds the CLI if out/main/cli.js
 * is missing. The fixture (both databases) is cached in $TMPDIR/keyshelf-bench-kpxc-v1; KEYSHELF_BENCH_FRESH=1
 * rebuilds it. KEYSHELF_BENCH_RUNS sets the number of paired runs (default 9).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_KDF } from '../src-shared/model'
import { deriveKey } from '../src-main/core/crypto/kdf'
import { KeyshelfCore } from '../src-main/core/core'

const ROOT = join(import.meta.dirname, '..', '..')
const LAUNCHER = join(ROOT, 'bin', 'keyshelf.cjs')
const APPS = 200
const ENVS = ['Development', 'Staging', 'Production']
const PER_ENV = 17 // 200 × 3 × 17 = 10,200
const PASSWORD = 'bench password, long enough'
const RUNS = Number(process.env.KEYSHELF_BENCH_RUNS ?? 9)
const FIXTURE = join(tmpdir(), 'keyshelf-bench-kpxc-v1')
const VAULT = join(FIXTURE, 'vault.db')
const KDBX = join(FIXTURE, 'bench.kdbx')
const RUNTIME = join(FIXTURE, 'runtime')

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const appName = (a: number) => `app-${a.toString().padStart(3, '0')}`
const keyName = (a: number, e: number, k: number) => `key-${(a * 3 + e) * PER_ENV + k}`
const envVar = (a: number, e: number, k: number) => `API_KEY_${(a * 3 + e) * PER_ENV + k}`
const value = (a: number, e: number, k: number) => `sk_live_${(a * 3 + e) * PER_ENV + k}_${'q'.repeat(32)}`

async function buildKeyshelf(): Promise<void> {
  const svc = new KeyshelfCore({ vaultPath: VAULT })
  await svc.create({ password: PASSWORD })
  for (let a = 0; a < APPS; a++) {
    const app = await svc.createApp({
      name: appName(a),
      description: `Service ${a}`,
      appId: '',
      tags: [],
      notes: '',
    })
    for (let e = 0; e < ENVS.length; e++) {
      const env = await svc.createEnvironment({
        appId: app.id,
        name: ENVS[e]!,
        apiUrl: `https://api.${a}.example`,
        wsUrl: '',
        region: 'us',
        notes: '',
      })
      svc.transaction(() => {
        for (let k = 0; k < PER_ENV; k++) {
          svc.createCredentialNow({
            environmentId: env.id,
            name: keyName(a, e, k),
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
            lastRotatedAt: Date.now() - (k % 120) * 86_400_000,
            fields: [{ label: 'Secret', envVar: envVar(a, e, k), kind: 'secret', value: value(a, e, k) }],
          })
        }
      })
    }
  }
  await svc.close()
}

function buildKeepassxc(): void {
  const parts: string[] = [
    '<?xml version="1.0" encoding="utf-8" standalone="yes"?>',
    '<KeePassFile><Meta><Generator>keyshelf-bench</Generator></Meta><Root><Group><Name>Root</Name>',
  ]
  let n = 0
  for (let a = 0; a < APPS; a++) {
    parts.push(`<Group><Name>${appName(a)}</Name>`)
    for (let e = 0; e < ENVS.length; e++) {
      parts.push(`<Group><Name>${ENVS[e]}</Name>`)
      for (let k = 0; k < PER_ENV; k++) {
        n++
        const uuid = Buffer.alloc(16)
        uuid.writeUInt32BE(n, 12)
        parts.push(
          `<Entry><UUID>${uuid.toString('base64')}</UUID>` +
            `<String><Key>Title</Key><Value>${xml(keyName(a, e, k))}</Value></String>` +
            `<String><Key>UserName</Key><Value>${xml(envVar(a, e, k))}</Value></String>` +
            `<String><Key>Password</Key><Value ProtectInMemory="True">${xml(value(a, e, k))}</Value></String>` +
            `<String><Key>URL</Key><Value>https://api.${a}.example</Value></String>` +
            `<String><Key>Notes</Key><Value></Value></String></Entry>`,
        )
      }
      parts.push('</Group>')
    }
    parts.push('</Group>')
  }
  parts.push('</Group></Root></KeePassFile>')
  const xmlPath = join(FIXTURE, 'bench.xml')
  writeFileSync(xmlPath, parts.join('\n'))
  const r = spawnSync('keepassxc-cli', ['import', '-p', '-t', '100', xmlPath, KDBX], {
    input: `${PASSWORD}\n${PASSWORD}\n`,
    encoding: 'utf8',
  })
  rmSync(xmlPath, { force: true })
  if (r.status !== 0) throw new Error(`keepassxc-cli import failed: ${r.stderr}`)
}

interface Sample {
  ms: number
  maxRssKiB: number
  out: number
}

/** Runs a whole process under /usr/bin/time; wall time from here, max RSS from time(1). */
function timed(cmd: string, args: string[], input: string, env: NodeJS.ProcessEnv): Sample {
  const rssFile = join(FIXTURE, 'rss.txt')
  const t0 = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args], {
    input,
    env,
    maxBuffer: 256 * 1024 * 1024,
  })
  const ms = performance.now() - t0
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 300)}`)
  }
  const rss = Number(spawnSync('cat', [rssFile], { encoding: 'utf8' }).stdout.trim().split('\n').pop())
  return { ms, maxRssKiB: rss, out: r.stdout.length }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

interface Pair {
  name: string
  ks: () => Sample
  kp: () => Sample
  /** ks/kp ratio target (≤), or null when only reported. */
  target: number | null
}

const missed: string[] = []

function runPair(p: Pair): { ks: number; kp: number; ratio: number; ksRss: number; kpRss: number } {
  p.ks()
  p.kp() // warm the page cache once
  const ks: Sample[] = []
  const kp: Sample[] = []
  const ratios: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const a = i % 2 ? p.kp() : p.ks()
    const b = i % 2 ? p.ks() : p.kp()
    const [sk, sp] = i % 2 ? [b, a] : [a, b]
    ks.push(sk)
    kp.push(sp)
    ratios.push(sk.ms / sp.ms)
  }
  const r = {
    ks: median(ks.map((s) => s.ms)),
    kp: median(kp.map((s) => s.ms)),
    ratio: median(ratios),
    ksRss: Math.max(...ks.map((s) => s.maxRssKiB)) / 1024,
    kpRss: Math.max(...kp.map((s) => s.maxRssKiB)) / 1024,
  }
  const flag = p.target !== null && r.ratio > p.target ? `   MISSED target ≤ ${p.target}×` : ''
  if (flag) missed.push(`${p.name}: ${r.ratio.toFixed(2)}× (target ≤ ${p.target}×)`)
  console.log(
    `  ${p.name.padEnd(34)} keyshelf ${r.ks.toFixed(0).padStart(5)} ms  keepassxc-cli ${r.kp.toFixed(0).padStart(5)} ms  ratio ${r.ratio.toFixed(2)}×${p.target !== null ? ` (target ≤ ${p.target}×)` : ''}${flag}`,
  )
  return r
}

async function main(): Promise<void> {
  if (spawnSync('keepassxc-cli', ['--version']).status !== 0) {
    console.log('keepassxc-cli is not installed (apt-get install -y keepassxc): side-by-side bench skipped.')
    process.exitCode = 1
    return
  }
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) {
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
    if (b.status !== 0) throw new Error('npm run build failed')
  }
  if (process.env.KEYSHELF_BENCH_FRESH === '1') rmSync(FIXTURE, { recursive: true, force: true })
  if (!existsSync(KDBX) || !existsSync(VAULT)) {
    rmSync(FIXTURE, { recursive: true, force: true })
    mkdirSync(FIXTURE, { recursive: true, mode: 0o700 })
    const t0 = performance.now()
    await buildKeyshelf()
    buildKeepassxc()
    console.log(`fixture built in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${FIXTURE}`)
  }
  mkdirSync(RUNTIME, { recursive: true, mode: 0o700 })

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: FIXTURE,
    LANG: 'C.UTF-8',
    XDG_RUNTIME_DIR: RUNTIME,
    NODE_COMPILE_CACHE: join(FIXTURE, 'compile-cache'),
  }
  const node = process.execPath
  const ks =
    (args: string[], withPassword = true) =>
    () =>
      timed(
        node,
        [LAUNCHER, '--vault', VAULT, ...(withPassword ? ['--password-stdin'] : []), ...args],
        withPassword ? `${PASSWORD}\n` : '',
        env,
      )
  const kp = (args: string[]) => () => timed('keepassxc-cli', args, `${PASSWORD}\n`, env)

  // Make sure no agent from an earlier run answers the "without agent" rows.
  spawnSync(node, [LAUNCHER, '--vault', VAULT, 'lock'], { env })

  // The KDF alone (in-process), to show what is left beyond it.
  const kdfs: number[] = []
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now()
    await deriveKey(PASSWORD, Buffer.alloc(16, 1), DEFAULT_KDF)
    kdfs.push(performance.now() - t0)
  }
  const kdf = median(kdfs)

  const a = 123
  const probe = {
    path: `${appName(a)}/Production/${envVar(a, 2, 5)}`,
    kp: `/${appName(a)}/Production/${keyName(a, 2, 5)}`,
  }
  console.log(
    `CLI side by side: ${APPS * ENVS.length * PER_ENV} keys; keyshelf KDF Argon2id m=${DEFAULT_KDF.memoryKiB / 1024} MiB t=${DEFAULT_KDF.iterations} (${kdf.toFixed(0)} ms alone), keepassxc-cli ${spawnSync('keepassxc-cli', ['--version'], { encoding: 'utf8' }).stdout.trim()} with a 100 ms KDF; median of ${RUNS} paired runs, whole processes`,
  )
  const rows: Record<string, ReturnType<typeof runPair>> = {}
  rows.get = runPair({
    name: 'get (prompted password)',
    ks: ks(['get', probe.path]),
    kp: kp(['show', '-q', '-s', '-a', 'Password', KDBX, probe.kp]),
    target: null,
  })
  rows.search = runPair({
    name: 'search "key-12" (no agent)',
    ks: ks(['search', 'key-12']),
    kp: kp(['search', '-q', KDBX, 'key-12']),
    target: 0.5,
  })
  rows.list = runPair({
    name: 'list all (key list --json / export csv)',
    ks: ks(['key', 'list', '--json']),
    kp: kp(['export', '-q', '-f', 'csv', KDBX]),
    target: 0.5,
  })

  // With the agent: unlock once, then get without any password.
  const agentUp = spawnSync(node, [LAUNCHER, '--vault', VAULT, '--password-stdin', 'unlock'], {
    input: `${PASSWORD}\n`,
    env,
    encoding: 'utf8',
  })
  if (agentUp.status === 0) {
    try {
      rows.agentGet = runPair({
        name: 'get with the unlock agent',
        ks: ks(['get', probe.path], false),
        kp: kp(['show', '-q', '-s', '-a', 'Password', KDBX, probe.kp]),
        target: 0.2,
      })
      rows.agentList = runPair({
        name: 'list all with the unlock agent',
        ks: ks(['key', 'list', '--json'], false),
        kp: kp(['export', '-q', '-f', 'csv', KDBX]),
        target: null,
      })
    } finally {
      spawnSync(node, [LAUNCHER, '--vault', VAULT, 'lock'], { env })
    }
  } else {
    missed.push(`get with the unlock agent: the agent did not start (${agentUp.stderr.trim()})`)
    console.log(
      `  get with the unlock agent          MISSED: keyshelf unlock failed: ${agentUp.stderr.trim()}`,
    )
  }

  const beyond = (ms: number) => {
    const b = ms - kdf
    return b > 0 ? `${b.toFixed(0)} ms` : 'within noise of the KDF'
  }
  console.log(
    `  beyond the KDF: get ${beyond(rows.get.ks)}, search ${beyond(rows.search.ks)}, list ${beyond(rows.list.ks)}`,
  )
  // The floor: a Node process that only loads argon2 and derives the key with the vault's KDF parameters.
  const floorScript = join(FIXTURE, 'kdf-floor.mjs')
  writeFileSync(
    floorScript,
    `import argon2 from ${JSON.stringify(join(ROOT, 'node_modules', 'argon2', 'argon2.cjs'))}\n` +
      `await argon2.hash(Buffer.from('x'), { type: argon2.argon2id, memoryCost: ${DEFAULT_KDF.memoryKiB}, timeCost: ${DEFAULT_KDF.iterations}, parallelism: ${DEFAULT_KDF.parallelism}, raw: true, salt: Buffer.alloc(16, 1), hashLength: 32 })\n`,
  )
  const floors: number[] = []
  for (let i = 0; i < 3; i++) floors.push(timed(node, [floorScript], '', env).maxRssKiB / 1024)
  const floor = Math.min(...floors)
  console.log(
    `  peak memory (max RSS); the KDF floor (a Node ${process.versions.node} process that only runs Argon2id m=${DEFAULT_KDF.memoryKiB / 1024} MiB) is ${floor.toFixed(0)} MiB:`,
  )
  for (const [k, r] of Object.entries(rows)) {
    const impossible = floor > 100
    const miss =
      r.ksRss > 100 && !k.startsWith('agent')
        ? impossible
          ? `   MISSED target ≤ 100 MiB (unreachable: the KDF alone needs ${floor.toFixed(0)} MiB; ${(r.ksRss - floor).toFixed(0)} MiB above that floor)`
          : '   MISSED target ≤ 100 MiB'
        : ''
    if (miss)
      missed.push(
        `${k} peak memory ${r.ksRss.toFixed(0)} MiB (target ≤ 100 MiB; KDF floor ${floor.toFixed(0)} MiB)`,
      )
    console.log(
      `    ${k.padEnd(10)} keyshelf ${r.ksRss.toFixed(0).padStart(4)} MiB   keepassxc-cli ${r.kpRss.toFixed(0).padStart(4)} MiB${miss}`,
    )
  }
  console.log(
    missed.length ? `MISSED ${missed.length} target(s):\n  ${missed.join('\n  ')}` : 'All targets met.',
  )
}

await main()
