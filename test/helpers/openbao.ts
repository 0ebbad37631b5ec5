import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { peerBin } from './peers'

const execFileAsync = promisify(execFile)

/**
 * Real OpenBao servers for tests: `bao server -dev` (in-memory, unsealed, KV v2 at `secret/`) and a
 * 3-node Raft cluster from `bao server -config`. Each listens on free 127.0.0.1 ports and is stopped by
 * `stop()` (call it in afterAll). Nothing here is a fake: the tests talk to OpenBao's own HTTP API.
 */

/** A free TCP port on 127.0.0.1 (bound to port 0, read, released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      if (addr === null || typeof addr === 'string') {
        srv.close()
        reject(new Error('no port'))
        return
      }
      const port = addr.port
      srv.close(() => resolve(port))
    })
  })
}

/** A free port whose successor is free too (the dev server binds PORT+1 for its cluster listener). */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await freePort()
    const ok = await new Promise<boolean>((resolve) => {
      const srv = createServer()
      srv.once('error', () => resolve(false))
      srv.listen(port + 1, '127.0.0.1', () => srv.close(() => resolve(true)))
    })
    if (ok) return port
  }
  throw new Error('no free pair of ports')
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Calls the OpenBao HTTP API with a token; throws with status and error list on non-2xx. */
export async function baoApi(
  addr: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const headers: Record<string, string> = {}
  if (token !== null) headers['x-vault-token'] = token
  if (body !== undefined) headers['content-type'] = 'application/json'
  const init: RequestInit = { method, headers }
  if (body !== undefined) init.body = JSON.stringify(body)
  const res = await fetch(`${addr}/v1/${path.replace(/^\/+/, '')}`, init)
  const text = await res.text()
  if (!res.ok) throw new Error(`bao ${method} ${path}: ${res.status} ${text.slice(0, 300)}`)
  return text.trim() === '' ? null : (JSON.parse(text) as unknown)
}

/** The three example policies of docs/teams.md, for a mount and prefix. */
export function teamPolicies(mount = 'secret', prefix = 'keyshelf'): Record<string, string> {
  const p = `${mount}/data/${prefix}/*`
  const m = `${mount}/metadata/${prefix}/*`
  return {
    'keyshelf-reader': `path "${p}" { capabilities = ["read"] }\npath "${m}" { capabilities = ["read", "list"] }\n`,
    'keyshelf-rotator':
      `path "${p}" { capabilities = ["create", "read", "update"] }\n` +
      `path "${m}" { capabilities = ["read", "list", "update"] }\n`,
    'keyshelf-admin':
      `path "${p}" { capabilities = ["create", "read", "update", "delete", "list"] }\n` +
      `path "${m}" { capabilities = ["create", "read", "update", "delete", "list"] }\n` +
      `path "${mount}/delete/${prefix}/*" { capabilities = ["update"] }\n` +
      `path "${mount}/undelete/${prefix}/*" { capabilities = ["update"] }\n` +
      `path "${mount}/destroy/${prefix}/*" { capabilities = ["update"] }\n`,
  }
}

/** A running OpenBao that tests can reach and must stop. */
export interface BaoServer {
  /** `http://127.0.0.1:PORT`. */
  addr: string
  rootToken: string
  /** Environment for running the `bao` CLI against this server (BAO_ADDR, BAO_TOKEN). Tests only. */
  cliEnv(token?: string): NodeJS.ProcessEnv
  /** Runs `bao ARGS…` against this server; resolves with stdout. */
  cli(args: string[], opts?: { token?: string; input?: string }): Promise<string>
  /** Writes the reader/rotator/admin policies and returns a fresh token for each (renewable, 1 h). */
  teamTokens(mount?: string, prefix?: string): Promise<{ reader: string; rotator: string; admin: string }>
  stop(): Promise<void>
}

function baoEnv(addr: string, token: string | undefined): NodeJS.ProcessEnv {
  // Only what bao needs: no inherited secrets, no proxy that could swallow loopback.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? tmpdir(),
    BAO_ADDR: addr,
    BAO_FORMAT: 'json',
  }
  if (token !== undefined) env['BAO_TOKEN'] = token
  return env
}

async function runBao(addr: string, args: string[], token?: string, input?: string): Promise<string> {
  if (input === undefined) {
    const { stdout } = await execFileAsync(peerBin('bao'), args, {
      env: baoEnv(addr, token),
      timeout: 30_000,
      maxBuffer: 16 * 1024 * 1024,
    })
    return stdout
  }
  return new Promise((resolve, reject) => {
    const child = execFile(
      peerBin('bao'),
      args,
      { env: baoEnv(addr, token), timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`bao ${args.join(' ')} failed: ${stderr}`))
        else resolve(stdout)
      },
    )
    child.stdin?.end(input)
  })
}

async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
  fatal: () => string | null = () => null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastErr: unknown = null
  while (Date.now() < deadline) {
    const dead = fatal()
    if (dead !== null) throw new Error(`${what}: ${dead}`)
    try {
      if (await check()) return
    } catch (err) {
      lastErr = err
    }
    await sleep(100)
  }
  throw new Error(`timed out waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`)
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve()
      return
    }
    const t = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(t)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

function spawnBao(args: string[], cwd: string): { child: ChildProcess; output: () => string } {
  const child = spawn(peerBin('bao'), args, {
    cwd,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cwd },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const keep = (b: Buffer): void => {
    out = (out + b.toString('utf8')).slice(-8_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return { child, output: () => out }
}

async function makeTeamTokens(
  addr: string,
  rootToken: string,
  mount = 'secret',
  prefix = 'keyshelf',
): Promise<{ reader: string; rotator: string; admin: string }> {
  const pols = teamPolicies(mount, prefix)
  const out: Record<string, string> = {}
  for (const [name, policy] of Object.entries(pols)) {
    await baoApi(addr, rootToken, 'PUT', `sys/policies/acl/${name}`, { policy })
    const res = (await baoApi(addr, rootToken, 'POST', 'auth/token/create', {
      policies: [name],
      ttl: '1h',
      renewable: true,
      no_default_policy: false,
    })) as { auth: { client_token: string } }
    out[name.replace('keyshelf-', '')] = res.auth.client_token
  }
  return { reader: out['reader']!, rotator: out['rotator']!, admin: out['admin']! }
}

/** Starts `bao server -dev` on a free loopback port with a random root token; KV v2 is at `secret/`. */
export async function startBaoDev(): Promise<BaoServer> {
  // The dev listener takes the next port for its cluster listener, so both must be free.
  const port = await freePortPair()
  const addr = `http://127.0.0.1:${port}`
  const rootToken = `root-${randomUUID()}`
  const dir = mkdtempSync(join(tmpdir(), 'keyshelf-bao-dev-'))
  const { child, output } = spawnBao(
    [
      'server',
      '-dev',
      `-dev-root-token-id=${rootToken}`,
      `-dev-listen-address=127.0.0.1:${port}`,
      '-dev-no-store-token',
    ],
    dir,
  )
  let exited = false
  child.once('exit', () => (exited = true))
  try {
    await waitFor(
      async () => {
        const res = await fetch(`${addr}/v1/sys/health`)
        if (res.status !== 200) return false
        // The dev server mounts KV v2 at secret/ right after it becomes active.
        const mounts = await fetch(`${addr}/v1/sys/mounts/secret/tune`, {
          headers: { 'x-vault-token': rootToken },
        })
        return mounts.status === 200
      },
      'bao server -dev',
      30_000,
      () => (exited ? `bao exited: ${output()}` : null),
    )
  } catch (err) {
    await stopChild(child)
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
  return {
    addr,
    rootToken,
    cliEnv: (token = rootToken) => baoEnv(addr, token),
    cli: (args, opts) => runBao(addr, args, opts?.token ?? rootToken, opts?.input),
    teamTokens: (mount, prefix) => makeTeamTokens(addr, rootToken, mount, prefix),
    stop: async () => {
      await stopChild(child)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** One node of a Raft cluster. */
export interface RaftNode {
  id: string
  addr: string
  /** True while the process runs. */
  running(): boolean
  /** Kills the node's process (SIGKILL, as a crash). */
  kill(): Promise<void>
}

/** A 3-node OpenBao Raft cluster on loopback (initialised with one unseal key, KV v2 at `secret/`). */
export interface BaoCluster {
  nodes: RaftNode[]
  rootToken: string
  /** All node addresses, comma-joined (what `--addr` takes). */
  addrs: string[]
  /** The node that is active now (asks each running node's sys/leader). */
  leader(): Promise<RaftNode>
  /** Waits until a running node other than `former` is active and answers. */
  waitForNewLeader(former: RaftNode): Promise<RaftNode>
  teamTokens(mount?: string, prefix?: string): Promise<{ reader: string; rotator: string; admin: string }>
  stop(): Promise<void>
}

/**
 * Starts three `bao server -config` nodes with Raft storage, runs `bao operator init` on the first,
 * `bao operator unseal` on each, `bao operator raft join` on the second and third, and enables KV v2 at
 * `secret/`. Stops everything it started if any step fails.
 */
export async function startBaoRaftCluster(): Promise<BaoCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'keyshelf-bao-raft-'))
  const procs: { child: ChildProcess; output: () => string }[] = []
  const nodes: RaftNode[] = []
  const stopAll = async (): Promise<void> => {
    await Promise.all(procs.map((p) => stopChild(p.child)))
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    for (let i = 1; i <= 3; i++) {
      const api = await freePort()
      const cluster = await freePort()
      const nodeDir = join(dir, `node${i}`)
      mkdirSync(join(nodeDir, 'data'), { recursive: true })
      const config = [
        `storage "raft" {`,
        `  path = "${join(nodeDir, 'data')}"`,
        `  node_id = "node${i}"`,
        // Tighter Raft timers than production's default (5): a killed leader is replaced in seconds.
        `  performance_multiplier = 1`,
        `}`,
        `listener "tcp" {`,
        `  address = "127.0.0.1:${api}"`,
        `  cluster_address = "127.0.0.1:${cluster}"`,
        `  tls_disable = true`,
        `}`,
        `api_addr = "http://127.0.0.1:${api}"`,
        `cluster_addr = "https://127.0.0.1:${cluster}"`,
        `disable_mlock = true`,
        `ui = false`,
        '',
      ].join('\n')
      writeFileSync(join(nodeDir, 'config.hcl'), config)
      const p = spawnBao(['server', `-config=${join(nodeDir, 'config.hcl')}`], nodeDir)
      procs.push(p)
      const addr = `http://127.0.0.1:${api}`
      nodes.push({
        id: `node${i}`,
        addr,
        running: () => p.child.exitCode === null && p.child.signalCode === null,
        kill: async () => {
          if (p.child.exitCode !== null || p.child.signalCode !== null) return
          const gone = new Promise<void>((r) => p.child.once('exit', () => r()))
          p.child.kill('SIGKILL')
          await gone
        },
      })
    }
    for (const [i, n] of nodes.entries()) {
      await waitFor(
        async () => (await fetch(`${n.addr}/v1/sys/seal-status`)).status === 200,
        `${n.id} to listen`,
        30_000,
        () => (n.running() ? null : `bao exited: ${procs[i]!.output()}`),
      )
    }
    const first = nodes[0]!
    const init = JSON.parse(
      await runBao(first.addr, ['operator', 'init', '-key-shares=1', '-key-threshold=1', '-format=json']),
    ) as { unseal_keys_b64: string[]; root_token: string }
    const unsealKey = init.unseal_keys_b64[0]!
    const rootToken = init.root_token
    await runBao(first.addr, ['operator', 'unseal', unsealKey])
    await waitFor(async () => (await fetch(`${first.addr}/v1/sys/health`)).status === 200, 'node1 active')
    for (const n of nodes.slice(1)) {
      await runBao(n.addr, ['operator', 'raft', 'join', first.addr])
      await runBao(n.addr, ['operator', 'unseal', unsealKey])
      // 429 = unsealed standby: the health endpoint's documented code for a standby node.
      await waitFor(async () => (await fetch(`${n.addr}/v1/sys/health`)).status === 429, `${n.id} standby`)
    }
    await baoApi(first.addr, rootToken, 'POST', 'sys/mounts/secret', {
      type: 'kv',
      options: { version: '2' },
    })
    await waitFor(async () => {
      const peers = (await baoApi(first.addr, rootToken, 'GET', 'sys/storage/raft/configuration')) as {
        data: { config: { servers: { voter: boolean }[] } }
      }
      return peers.data.config.servers.filter((s) => s.voter).length === 3
    }, 'three raft voters')

    const leader = async (): Promise<RaftNode> => {
      for (const n of nodes) {
        if (!n.running()) continue
        try {
          const res = await fetch(`${n.addr}/v1/sys/health`)
          if (res.status === 200) return n
        } catch {
          // not answering: try the next
        }
      }
      throw new Error('no active node')
    }
    return {
      nodes,
      rootToken,
      addrs: nodes.map((n) => n.addr),
      leader,
      waitForNewLeader: async (former) => {
        let found: RaftNode | null = null
        await waitFor(
          async () => {
            const l = await leader().catch(() => null)
            if (l && l !== former) found = l
            return found !== null
          },
          'a new raft leader',
          60_000,
        )
        return found!
      },
      teamTokens: async (mount, prefix) => makeTeamTokens((await leader()).addr, rootToken, mount, prefix),
      stop: stopAll,
    }
  } catch (err) {
    await stopAll()
    throw err
  }
}
