/**
 * The unlock agent as processes: `keyshelf unlock` starts it, later commands need no password, `lock`
 * stops it, idle time locks it; the socket and cookie are private and a request without the cookie (or a
 * malformed one) is refused; commands fall back to the password when no agent runs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, cleanup, expectCode, runtimeDir, secret, tempVault, type TestVault } from './cli-harness'

const noPassword = { KEYSHELF_PASSWORD: undefined }
const vaults: TestVault[] = []

afterAll(async () => {
  for (const v of vaults) await v.ks(['lock'], { env: noPassword })
  cleanup()
})

async function vaultWithKey(): Promise<{ v: TestVault; value: string }> {
  const v = await tempVault()
  vaults.push(v)
  const value = secret(`sk_agent_${Math.random().toString(36).slice(2)}_value`)
  await v.ok(['app', 'add', 'Novu'])
  await v.ok(['env', 'add', 'Novu', 'Production'])
  await v.ok(
    ['key', 'add', 'Novu', 'Production', 'Secret key', '--env-var', 'NOVU_SECRET_KEY', '--value-stdin'],
    {
      stdin: value,
    },
  )
  return { v, value }
}

function agentFiles(): { dir: string; files: string[] } {
  const dir = join(runtimeDir(), 'keyshelf')
  return { dir, files: readdirSync(dir) }
}

/** Sends raw bytes to the socket and returns what came back. */
function raw(socket: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(socket)
    const chunks: Buffer[] = []
    s.on('data', (d: Buffer) => chunks.push(d))
    s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    s.on('error', reject)
    s.end(text)
  })
}

describe('keyshelf unlock / lock', () => {
  let v: TestVault
  let value: string
  beforeAll(async () => {
    ;({ v, value } = await vaultWithKey())
  })

  it('without an agent a command needs the password (no terminal: a clear error)', async () => {
    const r = await v.ks(['get', 'Novu/Production/NOVU_SECRET_KEY'], { env: noPassword })
    expectCode(r, 1)
    expect(r.err).toMatch(/No terminal to ask for a secret: set KEYSHELF_PASSWORD or use --password-stdin/)
  })

  it('a wrong password starts no agent (exit 3)', async () => {
    const r = await v.ks(['unlock'], { env: { KEYSHELF_PASSWORD: 'not the password' } })
    expectCode(r, 3)
    const again = await v.ks(['get', 'Novu/Production/NOVU_SECRET_KEY'], { env: noPassword })
    expectCode(again, 1)
  })

  it('unlock once, then get, list and add need no password; the files are private', async () => {
    const u = await v.ok(['unlock'])
    expect(u.err).toMatch(/Unlocked: the agent \(pid \d+\)/)
    const { dir, files } = agentFiles()
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    const sock = files.find((f) => f.endsWith('.sock'))
    const cookie = files.find((f) => f.endsWith('.cookie'))
    expect(sock && cookie).toBeTruthy()
    expect(statSync(join(dir, sock!)).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, cookie!)).mode & 0o777).toBe(0o600)

    const g = await v.ok(['get', 'Novu/Production/NOVU_SECRET_KEY'], { env: noPassword })
    expect(g.out).toBe(value) // exact bytes: no newline when piped
    const l = await v.ok(['key', 'list', '--json'], { env: noPassword })
    expect(JSON.parse(l.out)).toHaveLength(1)
    const second = secret('sk_second_value_through_agent')
    await v.ok(['key', 'add', 'Novu', 'Production', 'Other', '--env-var', 'OTHER', '--value-stdin'], {
      env: noPassword,
      stdin: second,
    })
    const g2 = await v.ok(['get', 'Novu/Production/OTHER'], { env: noPassword })
    expect(g2.out).toBe(second)
    // Errors come back as from a local run, with the same exit code.
    const nf = await v.ks(['get', 'Novu/Production/MISSING'], { env: noPassword })
    expectCode(nf, 5)
    // `unlock` again says so and starts nothing new.
    const again = await v.ok(['unlock'], { env: noPassword })
    expect(again.err).toMatch(/Already unlocked/)
  })

  it('refuses a request without the right cookie, a malformed one and refused commands', async () => {
    const { dir, files } = agentFiles()
    const sock = join(
      dir,
      files.find((f) => f.endsWith('.sock'))!,
    )
    const cookie = readFileSync(
      join(
        dir,
        files.find((f) => f.endsWith('.cookie'))!,
      ),
      'utf8',
    ).trim()
    const req = (c: string, argv: string[]) =>
      JSON.stringify({
        v: 1,
        cookie: c,
        argv: ['--vault', v.path, ...argv],
        cwd: '/',
        tty: { stdin: false, stdout: false, stderr: false },
        stdin: null,
      }) + '\n'
    const wrong = await raw(sock, req('0'.repeat(64), ['get', 'Novu/Production/NOVU_SECRET_KEY']))
    expect(wrong).toMatch(/wrong cookie/)
    expect(wrong).not.toContain(value)
    expect(await raw(sock, '{"v":1,"argv":"get"}\n')).toMatch(/malformed request/)
    expect(await raw(sock, 'not json\n')).toMatch(/could not read the request/)
    expect(
      await raw(sock, req(cookie, ['run', '--app', 'Novu', '--env', 'Production', '--', 'env'])),
    ).toMatch(/run does not run through the agent/)
    const ok = await raw(sock, req(cookie, ['get', 'Novu/Production/NOVU_SECRET_KEY']))
    expect(ok.endsWith(value)).toBe(true)
  })

  it('KEYSHELF_NO_AGENT=1 ignores it; lock stops it and commands ask for the password again', async () => {
    const bypass = await v.ks(['get', 'Novu/Production/NOVU_SECRET_KEY'], {
      env: { ...noPassword, KEYSHELF_NO_AGENT: '1' },
    })
    expectCode(bypass, 1)
    const l = await v.ok(['lock'], { env: noPassword })
    expect(l.err).toMatch(/Locked/)
    expect(agentFiles().files.filter((f) => f.includes(''))).toEqual([])
    const after = await v.ks(['get', 'Novu/Production/NOVU_SECRET_KEY'], { env: noPassword })
    expectCode(after, 1)
    const none = await v.ok(['lock'], { env: noPassword })
    expect(none.err).toMatch(/Nothing to lock/)
  })

  it('locks itself after the idle time', async () => {
    await v.ok(['unlock'], { env: { KEYSHELF_TEST_AGENT_IDLE_MS: '1500' } })
    // Poll (no timing assumption): the agent removes its socket and cookie when it locks.
    for (let i = 0; i < 100 && agentFiles().files.length > 0; i++)
      await new Promise((r) => setTimeout(r, 200))
    expect(agentFiles().files).toEqual([])
    const after = await v.ks(['get', 'Novu/Production/NOVU_SECRET_KEY'], { env: noPassword })
    expectCode(after, 1)
  })

  it('--password-stdin works for unlock too; the password never reaches stderr', async () => {
    const r = await v.ks(['--password-stdin', 'unlock', '--idle-minutes', '5'], {
      env: noPassword,
      stdin: `${PASSWORD}\n`,
    })
    expectCode(r, 0)
    expect(r.err).toMatch(/until 5 idle minutes pass/)
    await v.ok(['lock'], { env: noPassword })
  })
})
