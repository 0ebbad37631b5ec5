/**
 * `keyshelf copy` as a process, against stand-in clipboard tools: shell scripts named wl-copy/wl-paste that
 * keep the clipboard in a file and record their arguments (the real wl-copy reads the text on stdin, prints
 * nothing, forks to serve the selection; --clear empties it; wl-paste --no-newline prints it exactly).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup, expectCode, secret, tempVault, type TestVault } from './cli-harness'

afterAll(cleanup)

function fakeWayland(
  dir: string,
  version: string,
): { env: Record<string, string>; board: string; args: string } {
  const bin = join(dir, 'bin')
  mkdirSync(bin, { recursive: true })
  const board = join(dir, 'clipboard')
  const args = join(dir, 'wl-copy-args')
  writeFileSync(
    join(bin, 'wl-copy'),
    `#!/bin/sh
if [ "$1" = "--version" ]; then echo "wl-clipboard ${version}"; exit 0; fi
echo "$@" >> "${args}"
if [ "$1" = "--clear" ]; then : > "${board}"; exit 0; fi
cat > "${board}"
`,
  )
  writeFileSync(join(bin, 'wl-paste'), `#!/bin/sh\ncat "${board}"\n`)
  chmodSync(join(bin, 'wl-copy'), 0o755)
  chmodSync(join(bin, 'wl-paste'), 0o755)
  return { env: { PATH: `${bin}:${process.env.PATH ?? ''}`, WAYLAND_DISPLAY: 'wayland-test' }, board, args }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('keyshelf copy', () => {
  let v: TestVault
  const value = secret('sk_copy_me_0123456789abcdef')
  beforeAll(async () => {
    v = await tempVault()
    await v.ok(['app', 'add', 'Novu'])
    await v.ok(['env', 'add', 'Novu', 'Production'])
    await v.ok(
      ['key', 'add', 'Novu', 'Production', 'Secret key', '--env-var', 'NOVU_SECRET_KEY', '--value-stdin'],
      {
        stdin: value,
      },
    )
  })

  it('copies with the sensitive hint (wl-copy 2.2+), never on argv, and clears after the delay', async () => {
    const fake = fakeWayland(join(v.dir, 'w1'), '2.2.1')
    const r = await v.ok(['copy', 'novu/production/secret key', '--clear-after', '1'], { env: fake.env })
    expect(r.err).toMatch(/Copied Novu\/Production\/NOVU_SECRET_KEY with wl-copy \(marked sensitive/)
    expect(r.out).toBe('')
    expect(readFileSync(fake.board, 'utf8')).toBe(value)
    expect(readFileSync(fake.args, 'utf8')).toContain('--sensitive')
    expect(readFileSync(fake.args, 'utf8')).not.toContain(value)
    for (let i = 0; i < 50 && readFileSync(fake.board, 'utf8') !== ''; i++) await wait(200)
    expect(readFileSync(fake.board, 'utf8')).toBe('')
  })

  it('does not clear what the user copied since; older wl-copy gets no hint', async () => {
    const fake = fakeWayland(join(v.dir, 'w2'), '2.1.0')
    const r = await v.ok(['copy', 'Novu/Production/NOVU_SECRET_KEY', '--clear-after', '1', '--json'], {
      env: fake.env,
    })
    expect(JSON.parse(r.out)).toEqual({
      copied: 'Novu/Production/NOVU_SECRET_KEY',
      tool: 'wl-copy',
      historyHint: false,
      clearsAfterSeconds: 1,
    })
    expect(readFileSync(fake.args, 'utf8')).not.toContain('--sensitive')
    writeFileSync(fake.board, 'something else')
    await wait(2500)
    expect(readFileSync(fake.board, 'utf8')).toBe('something else')
  })

  it('says what to install when there is no clipboard tool', async () => {
    const r = await v.ks(['copy', 'Novu/Production/NOVU_SECRET_KEY'], {
      env: { WAYLAND_DISPLAY: undefined, DISPLAY: undefined, PATH: '/nonexistent' },
    })
    expectCode(r, 1)
    expect(r.err).toMatch(/No clipboard tool found: install wl-clipboard/)
    expect(existsSync(join(v.dir, 'w3'))).toBe(false)
  })
})
