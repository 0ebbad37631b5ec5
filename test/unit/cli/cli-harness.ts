/**
 * Runs the built `keyshelf` CLI (out/main/cli.js) as a child process against temporary vaults. Every run is
 * checked for leaks: no registered secret (canary values, master passwords) may appear on stderr.
 * The tests never build: `npm test` builds first; run `npm run build` before `vitest` by hand.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

export const REPO = fileURLToPath(new URL('../../../', import.meta.url))
export const CLI = join(REPO, 'out', 'main', 'cli.js')

if (!existsSync(CLI)) {
  throw new Error(`${CLI} is missing: run npm run build first (npm test builds before running vitest).`)
}

/** The master password of every test vault (also a canary: it must never reach stderr). */
export const PASSWORD = 'correct horse battery staple 42'

/** Cheap but still allowed KDF: OWASP's floor. */
export const CHEAP_KDF = ['--kdf-memory-mib', '19', '--kdf-iterations', '2']

/** Values that must never appear on stderr, whatever the command. */
const canaries = new Set<string>([PASSWORD])

/** Registers a secret value as a canary and returns it. */
export function secret(value: string): string {
  canaries.add(value)
  return value
}

/** Asserts that no canary (or the given extra secrets) occurs in `text`. */
export function expectNoSecrets(text: string, extra: string[] = []): void {
  for (const s of [...canaries, ...extra]) {
    if (s.length >= 4) expect(text.includes(s), `a secret leaked into: ${text.slice(0, 400)}`).toBe(false)
  }
}

export interface KsResult {
  code: number | null
  signal: NodeJS.Signals | null
  /** stdout bytes, exactly. */
  stdoutBytes: Buffer
  out: string
  err: string
}

export interface KsOptions {
  /** Extra environment (undefined deletes a variable). */
  env?: Record<string, string | undefined>
  /** Bytes for stdin; stdin is closed after them (or at once). */
  stdin?: string | Buffer
  cwd?: string
  /** Kill after this long (default 20 s) and fail the test. */
  timeoutMs?: number
}

/** A minimal environment: no KEYSHELF_* from the outside, HOME and XDG_CONFIG_HOME in a temp dir. */
function baseEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    LANG: 'C.UTF-8',
    // The unlock agent's runtime folder: private to this sandbox (created 0700 in sandbox()).
    XDG_RUNTIME_DIR: join(home, 'run'),
    // Node 22's on-disk compile cache: later spawns skip compiling the bundle and zod again.
    NODE_COMPILE_CACHE: join(tmpdir(), 'keyshelf-cli-test-compile-cache'),
  }
}

const dirs: string[] = []
let sandboxHome: string | null = null

/** HOME for the CLI: a temp dir, so the default vault path never points at a real one. */
function sandbox(): string {
  if (sandboxHome === null || !existsSync(sandboxHome)) {
    sandboxHome = mkdtempSync(join(tmpdir(), 'keyshelf-cli-home-'))
    mkdirSync(join(sandboxHome, 'run'), { mode: 0o700 })
    dirs.push(sandboxHome)
  }
  return sandboxHome
}

/** Runs `node out/main/cli.js …args` and resolves with its exit status and output. */
export function ks(args: string[], opts: KsOptions = {}): Promise<KsResult> {
  const env: Record<string, string> = { ...baseEnv(sandbox()) }
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  const timeoutMs = opts.timeoutMs ?? 20_000
  return new Promise<KsResult>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env,
      cwd: opts.cwd ?? REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d: Buffer) => err.push(d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`keyshelf ${args.join(' ')} did not finish within ${timeoutMs} ms`))
    }, timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const stdoutBytes = Buffer.concat(out)
      const r: KsResult = {
        code,
        signal,
        stdoutBytes,
        out: stdoutBytes.toString('utf8'),
        err: Buffer.concat(err).toString('utf8'),
      }
      try {
        expectNoSecrets(r.err)
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)))
        return
      }
      resolve(r)
    })
    child.stdin.on('error', () => undefined) // the CLI may exit without reading stdin
    child.stdin.end(opts.stdin ?? '')
  })
}

/** Asserts an exit code, showing stderr when it differs. */
export function expectCode(r: KsResult, code: number): void {
  expect({ code: r.code, signal: r.signal }, `stderr: ${r.err}`).toEqual({ code, signal: null })
}

/** A temporary vault directory with helpers bound to it. */
export interface TestVault {
  dir: string
  path: string
  /** Runs the CLI on this vault with KEYSHELF_PASSWORD set (override with opts.env). */
  ks(args: string[], opts?: KsOptions): Promise<KsResult>
  /** Runs and asserts exit 0; returns the result. */
  ok(args: string[], opts?: KsOptions): Promise<KsResult>
  /** sha256 of every file in the vault directory, by name. */
  snapshot(): Record<string, string>
  remove(): void
}

/** Makes a temp dir with a vault path (not created yet unless `init` is true). */
export async function tempVault(init = true): Promise<TestVault> {
  const dir = mkdtempSync(join(tmpdir(), 'keyshelf-cli-'))
  dirs.push(dir)
  const path = join(dir, 'vault.db')
  const run = (args: string[], opts: KsOptions = {}) =>
    ks(['--vault', path, ...args], { ...opts, env: { KEYSHELF_PASSWORD: PASSWORD, ...opts.env } })
  const v: TestVault = {
    dir,
    path,
    ks: run,
    async ok(args, opts) {
      const r = await run(args, opts)
      expectCode(r, 0)
      return r
    },
    snapshot() {
      const h: Record<string, string> = {}
      for (const f of readdirSync(dir).sort()) {
        h[f] = createHash('sha256')
          .update(readFileSync(join(dir, f)))
          .digest('hex')
      }
      return h
    },
    remove() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
  if (init) await v.ok(['init', ...CHEAP_KDF])
  return v
}

/** Removes every temp dir this file made (call from afterAll). */
export function cleanup(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
}

/** An ISO day `n` days before now (UTC). */
export function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10)
}

/** An ISO day `n` days after now (UTC). */
export function daysAhead(n: number): string {
  return daysAgo(-n)
}

/** The XDG_RUNTIME_DIR every `ks` run gets (the unlock agent's folder is `keyshelf/` inside it). */
export function runtimeDir(): string {
  return join(sandbox(), 'run')
}
