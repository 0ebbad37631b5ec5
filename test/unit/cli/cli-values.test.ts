/**
 * Values are stored exactly or refused (issue 9 §5), and what tables print cannot drive the terminal (§6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup, expectCode, secret, tempVault, type TestVault } from './cli-harness'

afterAll(cleanup)

describe('values are stored exactly or refused', () => {
  let v: TestVault
  beforeAll(async () => {
    v = await tempVault()
    await v.ok(['app', 'add', 'Shop'])
    await v.ok(['env', 'add', 'Shop', 'Prod'])
  })

  it('an empty --value-stdin is refused with one line (nothing stored) unless --allow-empty; it lists as (empty)', async () => {
    const r = await v.ks(['key', 'add', 'Shop', 'Prod', 'Token', '--env-var', 'TOKEN', '--value-stdin'], {
      stdin: '',
    })
    expectCode(r, 1)
    expect(r.err).toMatch(/^keyshelf: The value is empty .*--allow-empty.*\n$/)
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1)
    expectCode(await v.ks(['get', 'Shop/Prod/TOKEN']), 5)
    await v.ok(
      ['key', 'add', 'Shop', 'Prod', 'Token', '--env-var', 'TOKEN', '--value-stdin', '--allow-empty'],
      {
        stdin: '',
      },
    )
    expect((await v.ok(['get', 'Shop/Prod/TOKEN'])).stdoutBytes.length).toBe(0)
    const list = await v.ok(['key', 'list', 'Shop', 'Prod'])
    expect(list.out).toMatch(/TOKEN\s+secret\s+\(empty\)/)
  })

  it('invalid UTF-8 on stdin is refused with the byte offset, never stored as U+FFFD', async () => {
    const bytes = Buffer.concat([Buffer.from('abc'), Buffer.from([0xc3, 0x28]), Buffer.from('tail')])
    const r = await v.ks(['key', 'add', 'Shop', 'Prod', 'Bin', '--env-var', 'BIN', '--value-stdin'], {
      stdin: bytes,
    })
    expectCode(r, 1)
    expect(r.err).toMatch(/not valid UTF-8 \(invalid byte at offset 3\)/)
    expectCode(await v.ks(['get', 'Shop/Prod/BIN']), 5)
  })

  it('a trailing newline is kept, said once on stderr, and shown as ⏎ in tables', async () => {
    const value = secret('sk_live_ends_with_newline_7f3a\n')
    const r = await v.ok(['key', 'add', 'Shop', 'Prod', 'Echoed', '--env-var', 'ECHOED', '--value-stdin'], {
      stdin: value,
    })
    expect(r.err.match(/value ends with a newline; use printf %s/g)).toHaveLength(1)
    expect((await v.ok(['get', 'Shop/Prod/ECHOED'])).out).toBe(value)
    const pub = await v.ok(
      ['key', 'add', 'Shop', 'Prod', 'Host', '--env-var', 'HOST', '--public', '--value-stdin'],
      { stdin: 'db.internal\n' },
    )
    expect(pub.err).toMatch(/ends with a newline/)
    const list = await v.ok(['key', 'list', 'Shop', 'Prod'])
    expect(list.out).toMatch(/HOST\s+public\s+db\.internal⏎/)
    expect(list.out).toMatch(/ECHOED\s+secret\s+••••e_7f3a⏎|ECHOED\s+secret\s+••••\S*⏎/)
  })

  it('names with terminal escape sequences are printed escaped in tables', async () => {
    await v.ok(['app', 'add', 'Evil\u001b]0;pwned\u0007\u001b[2J'])
    const r = await v.ok(['app', 'list'])
    expect(r.out).not.toContain('\u001b')
    expect(r.out).toContain('Evil\\u001b]0;pwned\\u0007\\u001b[2J')
  })

  it('run refuses a variable it cannot pass (__proto__) instead of dropping it', async () => {
    await v.ok(['env', 'add', 'Shop', 'Odd'])
    await v.ok(['key', 'add', 'Shop', 'Odd', 'Proto', '--env-var', '__proto__', '--value-stdin'], {
      stdin: 'proto-value-1234',
    })
    const r = await v.ks(['run', '--app', 'Shop', '--env', 'Odd', '--', 'sh', '-c', 'echo started'])
    expectCode(r, 1)
    expect(r.out).not.toContain('started')
    expect(r.err).toMatch(/"__proto__" cannot be passed to a process/)
  })
})
