/**
 * Env-file benchmark: exports a 1,000-key environment in every profile (target ≤ 30 ms each, p50/p95 over
 * 50 runs) and imports a 10,000-line .env file (target ≤ 1 s). Numbers, not assertions.
 * Values are realistic and adversarial: API keys, URLs, passwords with quotes/#/$, PEM blocks, unicode.
 */
import { performance } from 'node:perf_hooks'
import { refusalReason, renderEnv, type EnvEntry, type EnvProfile } from '../src-main/core/envfile/export'
import { parseDotenv } from '../src-main/core/envfile/parse'

const RUNS = 50
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN
}
const ms = (n: number) => `${n.toFixed(3)} ms`

/** A deterministic pseudo-random generator, so runs are comparable. */
function rng(seed: number): () => number {
  let x = seed >>> 0
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
}

function makeValue(i: number, rand: () => number): string {
  const pick = (alphabet: string, n: number) =>
    Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)] ?? 'x').join('')
  switch (i % 6) {
    case 0:
      return `sk_live_${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 40)}`
    case 1:
      return `postgres://user${i}:${pick('abcdef0123456789', 16)}@db${i}.internal:5432/app?sslmode=require`
    case 2:
      return pick(
        `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 !#$%&'()*+,-./:;<=>?@[]^_{|}~`,
        32,
      )
    case 3:
      return `-----BEGIN PRIVATE KEY-----\n${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/', 64)}\n-----END PRIVATE KEY-----\n`
    case 4:
      return `Grüße ${pick('日本語😀éa b', 12)} ${i}`
    default:
      return `C:\\Users\\svc${i}\\app data\\${pick('abc', 6)}`
  }
}

function entries(n: number, profile: EnvProfile, seed: number): EnvEntry[] {
  const rand = rng(seed)
  const out: EnvEntry[] = []
  for (let i = 0; out.length < n; i++) {
    const envVar = `KEY_${i}`
    const value = makeValue(i, rand)
    if (refusalReason(envVar, value, profile) === null) {
      out.push({ envVar, value, kind: i % 5 === 0 ? 'public' : 'secret' })
    }
  }
  return out
}

function time(fn: () => void, runs: number): number[] {
  fn() // warm-up
  const xs: number[] = []
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now()
    fn()
    xs.push(performance.now() - t0)
  }
  return xs
}

console.log(`envfile benchmark (node ${process.version})`)
for (const profile of ['dotenv', 'docker', 'shell', 'json'] as const) {
  const list = entries(1000, profile, 1)
  let bytes = 0
  const xs = time(() => {
    bytes = renderEnv(list, profile, { header: 'benchmark' }).length
  }, RUNS)
  console.log(
    `export 1,000 keys, ${profile.padEnd(6)}: p50 ${ms(pct(xs, 50))}  p95 ${ms(pct(xs, 95))}  ` +
      `(${bytes} chars; target ≤ 30 ms)`,
  )
}

{
  // 10,000 lines: 1 comment line every 10, multi-line PEM values count their own lines.
  const list = entries(12_000, 'dotenv', 2)
  const lines: string[] = []
  for (const e of list) {
    if (lines.length % 10 === 0) lines.push(`# section ${lines.length}`)
    lines.push(...renderEnv([e], 'dotenv').slice(0, -1).split('\n'))
    if (lines.length >= 10_000) break
  }
  const text = lines.slice(0, 10_000).join('\n')
  let count = 0
  let errors = 0
  const xs = time(() => {
    const r = parseDotenv(text)
    count = r.entries.length
    errors = r.errors.length
  }, 10)
  console.log(
    `import 10,000 lines (${count} keys, ${errors} errors, ${text.length} chars): ` +
      `p50 ${ms(pct(xs, 50))}  p95 ${ms(pct(xs, 95))}  (target ≤ 1000 ms)`,
  )
}
