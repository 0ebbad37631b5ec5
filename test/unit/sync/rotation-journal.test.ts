/**
 * A rotated key is never lost (issue 9 §2): the provider's answer is sealed into the journal the moment it
 * arrives, and the write waits for a busy vault for as long as it takes.
 */
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { afterEach, describe, expect, it } from 'vitest'
import { startCloudflareFake, CF_ROUTES } from '../../fakes/cloudflare.fake'
import { newVault } from '../../helpers/vault.helper'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

const SQLITE = createRequire(import.meta.url).resolve('better-sqlite3')

/** Another process holds the vault's write lock (BEGIN IMMEDIATE) for `ms`; resolves once it holds it. */
async function holdWriteLock(path: string, ms: number): Promise<{ released: Promise<number> }> {
  const script = `
    const D = require(${JSON.stringify(SQLITE)});
    const db = new D(${JSON.stringify(path)});
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); }, ${ms});`
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('locked')) resolve()
    })
    child.once('exit', () => reject(new Error(`lock holder exited early: ${out}`)))
  })
  const released = new Promise<number>((resolve) => child.once('exit', () => resolve(Date.now())))
  return { released }
}

describe('a rotated key is never lost', () => {
  it('with the write lock held by another process for 20 s, the vault ends with the provider’s value after exactly one roll', async () => {
    const cf = await startCloudflareFake({ tokens: 2 })
    cleanups.push(() => cf.close())
    const v = await newVault({
      providerOptions: { sleep: async () => {}, retry: { timeoutMs: 15_000, maxRetries: 0 } },
    })
    cleanups.push(v.cleanup)
    const app = await v.svc.createApp({ name: 'Acme', description: '', appId: '', tags: [], notes: '' })
    const { connection } = await v.svc.connectProvider({
      appId: app.id,
      provider: 'cloudflare',
      token: cf.state.secretOf(cf.state.adminId),
      environmentName: 'Production',
      apiUrl: cf.url,
    })
    const target = (await v.svc.listCredentials({ appId: app.id })).find(
      (c) => c.id !== connection.tokenCredentialId,
    )!
    const before = v.svc.readValue(target.id, target.fields[0]!.id)

    // The journal's intent row is committed first; then the lock is taken while the provider answers.
    cf.setMode({ kind: 'slow', route: CF_ROUTES.roll, delayMs: 4000, times: 1 })
    const rotation = v.svc.rotateViaProvider({ credentialId: target.id }).then(
      (r) => ({ ok: true as const, r, at: Date.now() }),
      (e: { code?: string; message?: string }) => ({ ok: false as const, e, at: Date.now() }),
    )
    await new Promise((r) => setTimeout(r, 300)) // the rotate call is now in flight at the provider
    const lock = await holdWriteLock(v.path, 20_000)
    const lockedAt = Date.now()
    const result = await rotation
    expect(result.at - lockedAt).toBeGreaterThan(0)
    const releasedAt = await lock.released

    expect(cf.count(CF_ROUTES.roll)).toBe(1)
    const current = cf.state.secretOf(target.providerCredentialId)
    expect(current).not.toBe(before)
    // The sealing write waited for the lock to go, then the answer was applied: no error, nothing lost.
    expect(result.ok ? 'ok' : `${result.e.code}: ${result.e.message}`).toBe('ok')
    expect(result.at).toBeGreaterThanOrEqual(releasedAt - 2_000) // waited for the 20 s lock (the release time is taken by the other process, so allow slack)
    expect(v.svc.readValue(target.id, target.fields[0]!.id)).toBe(current)
    expect(v.svc.providers.journal(target.id)[0]).toMatchObject({ state: 'done' })
    expect(cf.count(CF_ROUTES.roll)).toBe(1)
  }, 90_000)
})
