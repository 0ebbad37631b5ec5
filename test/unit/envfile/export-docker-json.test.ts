import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { refusalReason, renderEnv, UnrepresentableError } from '../../../src-main/core/envfile/export'
import { asSecrets, entriesArb, toRecord, valueWithBadCharsArb } from './env-arbitraries'

/**
 * A reference reader for `docker run --env-file`, written from the Docker CLI's documented kvfile format
 * (pkg/kvfile): UTF-8 bytes, lines split at LF with one CR before it dropped, 64 KiB line limit, BOM removed
 * on line 1, leading whitespace of a line removed, empty and `#` lines skipped, split at the first `=`, key
 * without spaces or tabs, value kept verbatim. `stripQuotes` models newer CLIs (docker/cli#6805), which remove
 * one pair of matching outer quotes.
 */
function readDockerEnvFile(bytes: Buffer, stripQuotes: boolean): Record<string, string> {
  const out: Record<string, string> = {}
  const text = bytes.toString('utf8')
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new Error('invalid utf8')
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  lines.forEach((raw, i) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (Buffer.byteLength(line) + 1 > 64 * 1024) throw new Error('bufio.Scanner: token too long')
    if (i === 0 && line.startsWith('\ufeff')) line = line.slice(1)
    line = line.replace(/^[\s\u0085]+/u, '')
    if (line === '' || line.startsWith('#')) return
    const eq = line.indexOf('=')
    const key = eq === -1 ? line : line.slice(0, eq)
    if (key === '' || /[ \t]/.test(key)) throw new Error(`bad key on line ${i + 1}`)
    if (eq === -1) return // pass-through from the host environment: not used by our files
    let value = line.slice(eq + 1)
    if (stripQuotes && value.length >= 2 && /^['"]/.test(value) && value.endsWith(value[0] ?? '')) {
      value = value.slice(1, -1)
    }
    out[key] = value
  })
  return out
}

describe('docker profile', () => {
  it('round-trips through old and new Docker readers; refuses only line breaks, NUL, surrogates, outer quotes', () => {
    fc.assert(
      fc.property(entriesArb(valueWithBadCharsArb), (entries) => {
        const ok = entries.filter((e) => refusalReason(e.envVar, e.value, 'docker') === null)
        for (const e of entries.filter((x) => !ok.includes(x))) {
          const v = e.value
          const quoted = v.length >= 2 && /^['"]/.test(v) && v.endsWith(v[0] ?? '')
          expect(/[\n\r\0\uD800-\uDFFF]/.test(v) || quoted).toBe(true)
          expect(() => renderEnv(asSecrets([e]), 'docker')).toThrow(UnrepresentableError)
        }
        const bytes = Buffer.from(renderEnv(asSecrets(ok), 'docker', { header: 'Keyshelf export' }), 'utf8')
        expect(readDockerEnvFile(bytes, false)).toEqual(toRecord(ok))
        expect(readDockerEnvFile(bytes, true)).toEqual(toRecord(ok))
      }),
      { numRuns: 300 },
    )
  })

  it('writes values literally: quotes, $, #, backslashes, edge spaces', () => {
    const value = `  a "b" 'c' $D \${E} #f \\n  `
    expect(renderEnv([{ envVar: 'K', value, kind: 'secret' }], 'docker')).toBe(`K=${value}\n`)
    expect(renderEnv([{ envVar: 'K', value: '#', kind: 'secret' }], 'docker')).toBe('K=#\n')
  })

  it('refuses with the reason and the profiles that carry the value', () => {
    const cases: [string, RegExp, string[]][] = [
      ['a\nb', /line break/, ['dotenv', 'shell', 'json']],
      ['a\rb', /carriage return/, ['dotenv', 'shell', 'json']],
      ["'quoted'", /same quote character/, ['dotenv', 'shell', 'json']],
      ['"q"', /same quote character/, ['dotenv', 'shell', 'json']],
      ['x'.repeat(70_000), /64 KiB/, ['dotenv', 'shell', 'json']],
      ['a\0b', /NUL/, ['json']],
    ]
    for (const [value, reason, worksIn] of cases) {
      try {
        renderEnv([{ envVar: 'TOKEN', value, kind: 'secret' }], 'docker')
        expect.unreachable()
      } catch (err) {
        expect(err).toBeInstanceOf(UnrepresentableError)
        const e = err as UnrepresentableError
        expect(e.message).toMatch(/TOKEN/)
        expect(e.message).toMatch(reason)
        expect(e.problems[0]?.worksIn).toEqual(worksIn)
      }
    }
    // A lone quote, or different quotes at both ends, reads the same in every Docker version.
    for (const value of ["'", `'x"`, `"x'`, "x'"]) expect(refusalReason('K', value, 'docker')).toBeNull()
  })

  it('example mode: KEY= lines', () => {
    expect(
      renderEnv(
        [
          { envVar: 'A', value: 'secret\nvalue', kind: 'secret' },
          { envVar: 'B', value: 'pub', kind: 'public' },
        ],
        'docker',
        { example: true },
      ),
    ).toBe('A=\nB=\n')
  })
})

describe('json profile', () => {
  it('round-trips every value, NUL and unpaired surrogates included, in the given order', () => {
    fc.assert(
      fc.property(entriesArb(valueWithBadCharsArb), (entries) => {
        const text = renderEnv(asSecrets(entries), 'json')
        const parsed = JSON.parse(text) as Record<string, string>
        expect(parsed).toEqual(toRecord(entries))
        expect(Object.keys(parsed)).toEqual(entries.map((e) => e.envVar))
        // Valid UTF-8 on disk even for unpaired surrogates (they are escaped).
        expect(JSON.parse(Buffer.from(text, 'utf8').toString('utf8'))).toEqual(toRecord(entries))
      }),
      { numRuns: 300 },
    )
  })

  it('is pretty-printed and keeps __proto__ as a plain key', () => {
    const text = renderEnv(
      [
        { envVar: 'B', value: 'x"y', kind: 'secret' },
        { envVar: '__proto__', value: 'p', kind: 'public' },
      ],
      'json',
      { header: 'ignored: json has no comments' },
    )
    expect(text).toBe('{\n  "B": "x\\"y",\n  "__proto__": "p"\n}\n')
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['B', '__proto__'])
    expect(renderEnv([], 'json')).toBe('{}\n')
  })

  it('example mode keeps public values only on request', () => {
    const entries = [
      { envVar: 'S', value: 's3cr3t', kind: 'secret' as const },
      { envVar: 'P', value: 'public', kind: 'public' as const },
    ]
    expect(JSON.parse(renderEnv(entries, 'json', { example: true }))).toEqual({ S: '', P: '' })
    expect(JSON.parse(renderEnv(entries, 'json', { example: true, includePublicInExample: true }))).toEqual({
      S: '',
      P: 'public',
    })
  })
})
