import { EventEmitter } from 'node:events'
import { PassThrough, Readable, Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { MASK } from '../../../src-main/core/run/output-masker'
import { runWithEnv, type RunOptions } from '../../../src-main/core/run/run-command'

/** A Writable that collects bytes. */
function sink(): Writable & { text: () => string } {
  const chunks: Buffer[] = []
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk)
      cb()
    },
  })
  return Object.assign(w, { text: () => Buffer.concat(chunks).toString('utf8') })
}

function run(opts: Partial<RunOptions> & Pick<RunOptions, 'command' | 'args'>) {
  const stdout = sink()
  const stderr = sink()
  const result = runWithEnv({ env: {}, stdout, stderr, signalSource: new EventEmitter(), ...opts })
  return { result, stdout, stderr }
}

const SECRET = 's3cr3t-\'quoted\' "dq" $HOME `x` é😀\nsecond line'

describe('runWithEnv', () => {
  it('passes the exit code through', async () => {
    expect(await run({ command: 'sh', args: ['-c', 'exit 7'] }).result).toMatchObject({
      exitCode: 7,
      signal: null,
    })
    expect(await run({ command: 'true', args: [] }).result).toMatchObject({ exitCode: 0, signal: null })
  })

  it('reports the signal that killed the child', async () => {
    const r = await run({ command: 'sh', args: ['-c', 'kill -TERM $$'] }).result
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGTERM' })
  })

  it('gives the child the values in its environment, exactly, on top of the inherited one', async () => {
    const { result, stdout } = run({
      command: 'sh',
      args: ['-c', 'printf "%s|%s" "$KS_SECRET" "$KS_PLAIN"; test -n "$PATH"'],
      env: { KS_SECRET: SECRET, KS_PLAIN: '' },
    })
    expect((await result).exitCode).toBe(0)
    expect(stdout.text()).toBe(`${SECRET}|`)
  })

  it('never puts values in argv (checked in /proc/<pid>/cmdline), only in the environment', async () => {
    const { result, stdout } = run({
      command: 'sh',
      args: ['-c', 'cat /proc/$$/cmdline; printf "\\n--\\n"; cat /proc/$$/environ'],
      env: { KS_SECRET: 'argv-canary-4242' },
    })
    expect((await result).exitCode).toBe(0)
    const [cmdline, environ] = stdout.text().split('\n--\n')
    expect(cmdline).not.toContain('argv-canary-4242')
    expect(environ).toContain('KS_SECRET=argv-canary-4242')
  })

  it('passes stdin through', async () => {
    const input = Readable.from([Buffer.from('line one\n'), Buffer.from('line two\n')])
    const { result, stdout } = run({ command: 'cat', args: [], stdin: input })
    expect((await result).exitCode).toBe(0)
    expect(stdout.text()).toBe('line one\nline two\n')
  })

  it('survives a child that exits without reading stdin', async () => {
    const input = new PassThrough()
    input.write(Buffer.alloc(1 << 20, 0x61))
    const { result } = run({ command: 'sh', args: ['-c', 'exit 3'], stdin: input })
    expect((await result).exitCode).toBe(3)
    input.end()
  })

  it('masks secrets on stdout and stderr, including a secret split across writes', async () => {
    const script = [
      'printf "token=top"; sleep 0.05; printf "%s\\n" "-secret-42 ok"',
      'printf "err: top-secret-42\\n" >&2',
      'printf "short: abc\\n"',
    ].join('; ')
    const { result, stdout, stderr } = run({
      command: 'sh',
      args: ['-c', script],
      maskValues: ['top-secret-42', 'abc'],
    })
    const r = await result
    expect(r).toMatchObject({ exitCode: 0, unmaskedShortValues: 1 })
    expect(stdout.text()).toBe(`token=${MASK} ok\nshort: abc\n`)
    expect(stderr.text()).toBe(`err: ${MASK}\n`)
  })

  it('masks correctly over a large output (many chunk boundaries)', async () => {
    const { result, stdout } = run({ command: 'seq', args: ['1', '200000'], maskValues: ['99999'] })
    expect((await result).exitCode).toBe(0)
    const want = Array.from({ length: 200000 }, (_, i) => String(i + 1))
      .join('\n')
      .concat('\n')
      .replaceAll('99999', MASK)
    expect(stdout.text()).toBe(want)
  })

  it('forwards SIGTERM, SIGINT and SIGHUP to the child and removes its listeners afterwards', async () => {
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      const signals = new EventEmitter()
      const stdout = new PassThrough()
      const out: Buffer[] = []
      stdout.on('data', (c: Buffer) => {
        out.push(c)
        if (Buffer.concat(out).toString().includes('ready')) signals.emit(sig)
      })
      const r = await runWithEnv({
        command: 'sh',
        args: [
          '-c',
          `trap 'echo got-${sig}; exit 42' ${sig.slice(3)}; echo ready; while :; do sleep 0.02; done`,
        ],
        env: {},
        stdout,
        signalSource: signals,
      })
      expect(r).toMatchObject({ exitCode: 42, signal: null })
      expect(Buffer.concat(out).toString()).toContain(`got-${sig}`)
      expect(signals.listenerCount(sig)).toBe(0)
    }
  })

  it('listens on process by default and cleans up', async () => {
    const before = process.listenerCount('SIGINT')
    const r = await runWithEnv({ command: 'true', args: [], env: {}, stdout: sink(), stderr: sink() })
    expect(r.exitCode).toBe(0)
    expect(process.listenerCount('SIGINT')).toBe(before)
  })

  it('rejects a missing command (NOT_FOUND), a NUL value (UNREPRESENTABLE), a bad name (INVALID_INPUT)', async () => {
    await expect(run({ command: 'no-such-command-ks', args: [] }).result).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    expect(() => runWithEnv({ command: 'true', args: [], env: { KS_A: 'nul\0here' } })).toThrow(
      expect.objectContaining({ code: 'UNREPRESENTABLE', message: expect.stringContaining('KS_A') }),
    )
    expect(() => runWithEnv({ command: 'true', args: [], env: { 'BAD=NAME': 'x' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
  })
})
