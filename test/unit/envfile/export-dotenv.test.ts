import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import dotenv from 'dotenv'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KeyshelfError } from '../../../src-main/core/errors'
import { refusalReason, renderEnv, UnrepresentableError } from '../../../src-main/core/envfile/export'
import { parseDotenv, entriesToRecord } from '../../../src-main/core/envfile/parse'
import { asSecrets, entriesArb, toRecord, valueWithBadCharsArb } from './env-arbitraries'

const accepts = (v: string) => refusalReason('K', v, 'dotenv') === null

/**
 * The documented refusal causes, stated independently of the implementation: NUL, unpaired surrogates,
 * python's ${…}, or a value that rules out all three quoting forms at once, which needs a single-quote breaker
 * (', CR, \\, trailing \) together with a double-quote breaker (", a backslash escape, trailing \).
 */
function documentedRefusal(v: string): boolean {
  if (v.includes('\0') || /[\uD800-\uDFFF]/.test(v.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')))
    return true
  if (/\$\{[^}:]*(?::-[^}]*)?\}/.test(v)) return true
  const breaksSingle = /['\r]/.test(v) || v.includes('\\\\') || v.endsWith('\\')
  const breaksDouble = v.includes('"') || /\\[\\'"abfnrtv\n\r]/.test(v) || v.endsWith('\\')
  return breaksSingle && breaksDouble
}

function expectRefused(envVar: string, value: string): UnrepresentableError {
  let caught: unknown
  try {
    renderEnv([{ envVar, value, kind: 'secret' }], 'dotenv')
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(UnrepresentableError)
  const err = caught as UnrepresentableError
  expect(err.code).toBe('UNREPRESENTABLE')
  expect(err.message).toContain(envVar)
  expect(err.problems.map((p) => p.envVar)).toEqual([envVar])
  if (value.trim().length >= 6) expect(err.message).not.toContain(value)
  return err
}

describe('dotenv profile: property-based round trip through dotenv.parse', () => {
  it('reads back every accepted value exactly, and refuses the rest by name for a documented cause', () => {
    fc.assert(
      fc.property(entriesArb(valueWithBadCharsArb), (entries) => {
        const ok = entries.filter((e) => accepts(e.value))
        const bad = entries.filter((e) => !accepts(e.value))
        const text = renderEnv(asSecrets(ok), 'dotenv')
        expect(dotenv.parse(text)).toEqual(toRecord(ok))
        // Our own importer reads it back identically too.
        const parsed = parseDotenv(text)
        expect(parsed.errors).toEqual([])
        expect(entriesToRecord(parsed.entries)).toEqual(toRecord(ok))
        for (const e of bad) {
          expect(documentedRefusal(e.value)).toBe(true)
          expectRefused(e.envVar, e.value)
        }
        if (bad.length > 0) {
          // A mixed export refuses as a whole and names every bad key.
          expect(() => renderEnv(asSecrets(entries), 'dotenv')).toThrow(UnrepresentableError)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('refuses few realistic secrets: generated printable-ASCII passwords of 16-40 characters', () => {
    const passwords = fc.sample(
      fc.string({
        unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
        minLength: 16,
        maxLength: 40,
      }),
      { numRuns: 2000, seed: 7 },
    )
    const refused = passwords.filter((p) => !accepts(p))
    for (const p of refused) expect(documentedRefusal(p)).toBe(true)
    expect(refused.length / passwords.length).toBeLessThan(0.05)
    // API-key alphabets (letters, digits, - _ . ~ + / =) are always written bare or single-quoted.
    const keys = fc.sample(fc.stringMatching(/^[A-Za-z0-9._~+/=-]{20,64}$/), { numRuns: 500, seed: 8 })
    expect(keys.filter((k) => !accepts(k))).toEqual([])
  })
})

describe('dotenv profile: chosen forms', () => {
  const cases: [string, string][] = [
    ['abc123', 'K=abc123'],
    ['', 'K='],
    ['https://x.example/a?b=c&d', "K='https://x.example/a?b=c&d'"],
    ['sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'K=sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    ['a b', "K='a b'"],
    ['p#ss', "K='p#ss'"],
    ['  padded  ', "K='  padded  '"],
    ['$HOME and $(cmd) and `cmd`', "K='$HOME and $(cmd) and `cmd`'"],
    ['C:\\new\\table', "K='C:\\new\\table'"],
    ["it's", 'K="it\'s"'],
    ["it's #1", 'K="it\'s #1"'],
    ['line1\nline2', 'K="line1\\nline2"'],
    ['cr\r\nlf', 'K="cr\\r\\nlf"'],
    ['-----BEGIN KEY-----\nabc\n-----END KEY-----\n', 'K="-----BEGIN KEY-----\\nabc\\n-----END KEY-----\\n"'],
    ['a\\nb\nc', "K='a\\nb\nc'"],
    ["a'b\\\\c", "K=a'b\\\\c"],
    ['日本語 😀', "K='日本語 😀'"],
    ['=', 'K=='],
    ['a=b', 'K=a=b'],
  ]
  it.each(cases)('writes %j as %j and reads it back', (value, line) => {
    const text = renderEnv([{ envVar: 'K', value, kind: 'secret' }], 'dotenv')
    expect(text).toBe(`${line}\n`)
    expect(dotenv.parse(text)).toEqual({ K: value })
  })

  const refused: [string, RegExp][] = [
    [`a'b"c#d`, /no quoting reads back exactly/],
    [`'"\n`, /no quoting reads back exactly/],
    ['${HOME}', /python-dotenv expands/],
    ['x${A:-b}y', /python-dotenv expands/],
    ['a\0b', /NUL/],
    ['bad\uD800', /unpaired/],
  ]
  it.each(refused)('refuses %j with a reason and the profiles that would work', (value, reason) => {
    const err = expectRefused('MY_KEY', value)
    expect(err.message).toMatch(reason)
    expect(err.problems[0]?.worksIn).toContain('json')
    if (!value.includes('\0') && !value.includes('\uD800'))
      expect(err.problems[0]?.worksIn).toContain('shell')
  })

  it('accepts $ without braces, ${ without a closing brace, and python-inert ${a:b}', () => {
    for (const v of ['$A', '${', 'a${b', '${a:b}', '$$', '{}']) {
      expect(dotenv.parse(renderEnv([{ envVar: 'K', value: v, kind: 'secret' }], 'dotenv'))).toEqual({ K: v })
    }
  })
})

const hasPythonDotenv = spawnSync('python3', ['-c', 'import dotenv'], { stdio: 'ignore' }).status === 0

describe.skipIf(!hasPythonDotenv)('dotenv profile: python-dotenv reads back the same values', () => {
  const script = [
    'import json, sys, logging',
    'from dotenv import dotenv_values',
    'logging.basicConfig(level=logging.WARNING)',
    'print(json.dumps([dotenv_values(p) for p in json.load(sys.stdin)]))',
  ].join('\n')

  it('on 300 generated exports (one python run)', () => {
    const samples = fc.sample(entriesArb(), { numRuns: 300, seed: 42 })
    const dir = mkdtempSync(join(tmpdir(), 'ks-py-'))
    try {
      const expected: Record<string, string>[] = []
      const paths = samples.map((entries, i) => {
        const ok = entries.filter((e) => accepts(e.value))
        expected.push(toRecord(ok))
        const path = join(dir, `${i}.env`)
        writeFileSync(path, renderEnv(asSecrets(ok), 'dotenv'))
        return path
      })
      const out = execFileSync('python3', ['-c', script], {
        input: JSON.stringify(paths),
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      })
      const got = JSON.parse(out) as Record<string, string>[]
      for (let i = 0; i < got.length; i++) expect(got[i], `sample ${i}`).toEqual(expected[i])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('dotenv profile: names, duplicates, header, example', () => {
  it('rejects invalid names (INVALID_INPUT) and duplicates (CONFLICT) without values in the message', () => {
    for (const envVar of ['1BAD', 'A-B', 'A B', '', 'É']) {
      expect(() => renderEnv([{ envVar, value: 'hunter22', kind: 'secret' }], 'dotenv')).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      )
    }
    const dup = () =>
      renderEnv(
        [
          { envVar: 'A', value: 'first-secret', kind: 'secret' },
          { envVar: 'A', value: 'second-secret', kind: 'secret' },
        ],
        'dotenv',
      )
    expect(dup).toThrow(KeyshelfError)
    expect(dup).toThrow(expect.objectContaining({ code: 'CONFLICT' }))
    expect(dup).not.toThrow(/secret/)
  })

  it('puts the header as comments (every line, even with CR, U+2028) that dotenv ignores', () => {
    const text = renderEnv([{ envVar: 'A', value: '1', kind: 'public' }], 'dotenv', {
      header: 'Generated by Keyshelf\r\n\nB=2\u2028C=3',
    })
    expect(text).toBe('# Generated by Keyshelf\n#\n# B=2\n# C=3\nA=1\n')
    expect(dotenv.parse(text)).toEqual({ A: '1' })
  })

  it('example mode writes names only, with public values on request, and never a secret', () => {
    const entries = [
      { envVar: 'API_KEY', value: 'sec\'ret"#\0', kind: 'secret' as const },
      { envVar: 'REGION', value: 'eu west', kind: 'public' as const },
    ]
    expect(renderEnv(entries, 'dotenv', { example: true })).toBe('API_KEY=\nREGION=\n')
    expect(renderEnv(entries, 'dotenv', { example: true, includePublicInExample: true })).toBe(
      "API_KEY=\nREGION='eu west'\n",
    )
  })

  it('renders nothing for no entries', () => {
    expect(renderEnv([], 'dotenv')).toBe('')
  })
})
