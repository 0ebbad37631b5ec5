/** CliAccess (core/desktop): serves the agent protocol over a window's core only while enabled and unlocked. */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { tryAgent } from '../../../src-main/cli/agent/agent-client'
import { runCli } from '../../../src-main/cli/run-cli'
import { CliAccess } from '../../../src-main/core/desktop/cli-access'
import { silentLogger } from '../../../src-main/core/logger'
import { credentialInput, newVault } from '../../helpers/vault.helper'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

function sink() {
  const chunks: Buffer[] = []
  const s = new PassThrough()
  s.on('data', (d: Buffer) => chunks.push(d))
  return { stream: s, text: () => Buffer.concat(chunks).toString() }
}

describe('CliAccess', () => {
  it('answers get without a password while enabled and unlocked; stops on lock and when turned off', async () => {
    const v = await newVault()
    cleanups.push(v.cleanup)
    const app = await v.svc.createApp({ name: 'Shop', description: '', appId: '', tags: [], notes: '' })
    const env = await v.svc.createEnvironment({
      appId: app.id,
      name: 'Prod',
      apiUrl: '',
      wsUrl: '',
      region: '',
      notes: '',
    })
    await v.svc.createCredential(credentialInput(env.id))
    const runtime = join(v.dir, 'run')
    mkdirSync(runtime, { mode: 0o700 })
    const environ = { XDG_RUNTIME_DIR: runtime, HOME: v.dir }
    let lockedByCli = 0
    const access = new CliAccess({
      vault: v.path,
      core: v.svc,
      env: environ,
      run: async (argv, io, core) => (await runCli(argv, io, { core })).code,
      lockWindow: () => lockedByCli++,
      logger: silentLogger,
    })
    const get = async () => {
      const out = sink()
      const err = sink()
      const code = await tryAgent(['--vault', v.path, 'get', 'Shop/Prod/API_SECRET'], {
        stdin: new PassThrough(),
        stdout: out.stream,
        stderr: err.stream,
        env: environ,
        cwd: v.dir,
      })
      return { code, out: out.text() }
    }
    expect(await get()).toEqual({ code: null, out: '' }) // nothing serves: the CLI would ask for the password
    await access.update(false, true)
    expect(access.serving).toBe(false)
    await access.update(true, true)
    expect(access.serving).toBe(true)
    expect(await get()).toEqual({ code: 0, out: 'sk_test_0123456789abcdef' })
    await access.update(true, false) // the window locked
    expect(access.serving).toBe(false)
    expect((await get()).code).toBeNull()
    // The core was not closed: the window keeps using it.
    expect((await v.svc.status()).state).toBe('unlocked')
    await access.update(true, true)
    const lock = await tryAgent(['--vault', v.path, 'lock'], {
      stdin: new PassThrough(),
      stdout: sink().stream,
      stderr: sink().stream,
      env: environ,
      cwd: v.dir,
    })
    expect(lock).toBe(0)
    expect(lockedByCli).toBe(1)
    await expect.poll(() => access.serving).toBe(false)
  })
})
