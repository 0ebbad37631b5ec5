import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { peerBin } from './peers'

/** A running moto server (an independent implementation of AWS IAM and more) on loopback. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: the SDK endpoint override. */
  url: string
  /** Stops the server and waits for it to exit (idempotent). */
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/**
 * Starts `moto_server -H 127.0.0.1 -p <free port>` and waits until it answers. `noAuthActions` sets
 * moto's INITIAL_NO_AUTH_ACTION_COUNT: after that many requests moto checks every request's SigV4
 * signature against the access keys it knows and the caller's IAM policies, like AWS does.
 * Fails (never skips) when moto is not installed.
 */
export async function startMoto(opts: { noAuthActions?: number } = {}): Promise<MotoServer> {
  const bin = peerBin('moto_server')
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { ...process.env }
  if (opts.noAuthActions !== undefined) env.INITIAL_NO_AUTH_ACTION_COUNT = String(opts.noAuthActions)
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString('utf8')
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early: ${stderr.slice(0, 500)}`)
    try {
      // moto's own API answers without signing and does not count as an action.
      const res = await fetch(`${url}/moto-api/data.json`)
      await res.text()
      break
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error(`moto_server did not start on port ${port}: ${stderr.slice(0, 500)}`)
      }
      await new Promise((r) => setTimeout(r, 150))
    }
  }
  let stopping: Promise<void> | undefined
  return {
    url,
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode === null) child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(timer)
      })()
      return stopping
    },
  }
}
