import dotenv from 'dotenv'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { entriesToRecord, parseDotenv } from '../../../src-main/core/envfile/parse'

const asRecord = (text: string) => entriesToRecord(parseDotenv(text).entries)

/** Well-formed files: no errors, and exactly what dotenv.parse reads. */
const CORPUS: string[] = [
  'A=1\nB=2',
  'A=1\r\nB=2\r\n',
  'A=1\rB=2\r',
  '\ufeffA=bom',
  '# comment\n  # indented comment\n\nA=x # inline\nB=y#tight\nC="q" # after quote\nD=\'s\'#tight',
  'export A=1\nexport\tB = 2 \n  export   C=3',
  'export=1\nexport =2\nexportX=3',
  'EMPTY=\nSPACES=   \nHASH_ONLY=#c\nSPACE_HASH= # c',
  'S=\'a $b #c \\d \\n\'\nD="a\\nb\\rc\\td\\\\e"\nB=`a \'b\' "c"`',
  'M="line1\nline2\n  line3"\nN=after',
  "SQ='multi\nline'\nBQ=`multi\nline`",
  'ESC="a\\"b"\nESC2=\'it\\\'s\'',
  'TRAIL="a\\" # x"',
  'Q1="\'"\nQ2=\'"\'\nQ3=`\'"`',
  "UNI=日本語 😀\nUNI2='é\u00a0'",
  'A=1\nA=2\nB=3\nA=4',
  'URL=postgres://u:p@h:5432/db?ssl=true',
  'EQ=a=b=c\nCOLON=a:b',
  'A= spaced value with inner  spaces  ',
  'A=\n\n\nB=\n',
  '_under=1\nlower_case=2\nMiXeD9=3',
  'K="a\\\\nb"',
  'PEM="-----BEGIN-----\\nMIIB\\n-----END-----\\n"',
  '',
  '\n\n',
  '   \t  ',
]

describe('parseDotenv: hand-written corpus equals dotenv.parse', () => {
  it.each(CORPUS.map((t) => [t]))('%j', (text) => {
    const r = parseDotenv(text)
    expect(r.errors).toEqual([])
    expect(entriesToRecord(r.entries)).toEqual(dotenv.parse(text))
  })
})

describe('parseDotenv: malformed lines are reported with their line numbers', () => {
  it('reports each bad line once and keeps the good ones', () => {
    const text = [
      'A=1', // 1
      'JUST_A_WORD', // 2
      '1BAD=x', // 3
      "B='unterminated", // 4
      'C="x" trailing', // 5
      'D: yaml', // 6
      'E=ok', // 7
      'my-key=v', // 8
      '=novalue', // 9
      'F$=1', // 10
      'G=`a` b', // 11
      'export H', // 12
      'I=x\u2028J=y', // 13
      'K=a\0b', // 14
      'L=fine', // 15
    ].join('\n')
    const r = parseDotenv(text)
    expect(r.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14])
    expect(entriesToRecord(r.entries)).toEqual({ A: '1', E: 'ok', L: 'fine' })
    expect(r.errors.find((e) => e.line === 2)?.message).toMatch(/JUST_A_WORD: no "="/)
    expect(r.errors.find((e) => e.line === 4)?.message).toMatch(/B: unterminated single-quoted value/)
    expect(r.errors.find((e) => e.line === 5)?.message).toMatch(/C: unexpected text after the closing "/)
    expect(r.errors.find((e) => e.line === 6)?.message).toMatch(/KEY: value/)
    expect(r.errors.find((e) => e.line === 14)?.message).toMatch(/NUL/)
    // Messages never carry values or line content.
    for (const e of r.errors) expect(e.message).not.toMatch(/unterminated'|trailing$|novalue|yaml|\ba\0b/)
  })

  it('counts lines through multi-line values and CRLF', () => {
    for (const nl of ['\n', '\r\n']) {
      const text = ['A="one', 'two', 'three"', 'BAD LINE', "B='x", "y'", '', 'JUNK'].join(nl)
      const r = parseDotenv(text)
      expect(r.errors.map((e) => e.line)).toEqual([4, 8])
      expect(r.entries).toEqual([
        { key: 'A', value: 'one\ntwo\nthree', line: 1 },
        { key: 'B', value: 'x\ny', line: 5 },
      ])
    }
  })

  it('an unterminated quote does not swallow the lines after it', () => {
    const r = parseDotenv('A=1\nB="never closed\nC=3\nD=4')
    expect(r.errors).toEqual([{ line: 2, message: expect.stringMatching(/B: unterminated double-quoted/) }])
    expect(r.entries.map((e) => [e.key, e.line])).toEqual([
      ['A', 1],
      ['C', 3],
      ['D', 4],
    ])
  })

  it('warns (does not fail) on duplicates and on a # right after an unquoted value', () => {
    const r = parseDotenv('A=1\nB=x#y\nA=2')
    expect(r.errors).toEqual([])
    expect(r.entries).toEqual([
      { key: 'A', value: '2', line: 3 },
      { key: 'B', value: 'x', line: 2 },
    ])
    expect(r.warnings.map((w) => w.line)).toEqual([2, 3])
    expect(r.warnings[1]?.message).toMatch(/A is defined again \(first on line 1\)/)
  })
})

// ---- generated files -------------------------------------------------------------------------------------

const ws = fc.constantFrom('', ' ', '  ', '\t', ' \t ')
const ws1 = fc.constantFrom(' ', '\t', '  ')
const key = fc.constantFrom('A', 'B', 'C_1', '_x', 'lower', 'export', 'LONG_NAME_42')
const textChar = fc.oneof(
  fc.constantFrom(' ', '$', '=', ':', '\\', '\\n', '\\r', '{', '}', 'é', '😀', '\u00a0', '\t', '\v'),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
)
const text = (exclude: RegExp, max = 12) =>
  fc.string({ unit: textChar, maxLength: max }).map((s) => s.replace(exclude, ''))
const comment = text(/[\n\r\u2028\u2029]/g).map((c) => `#${c}`)
const trailing = fc.option(
  fc.tuple(ws, comment).map(([w, c]) => w + c),
  { nil: '' },
)

const unquoted = fc
  .tuple(
    text(/[#\n\r\u2028\u2029\0]/g),
    fc.option(
      fc.tuple(ws1, comment).map(([w, c]) => w + c),
      { nil: '' },
    ),
  )
  .map(([v, c]) => v.replace(/^[\s'"`]+/, '') + c)
const quoted = fc.constantFrom("'", '"', '`').chain((q) =>
  fc
    .tuple(
      fc.array(fc.oneof(text(new RegExp(`[${q}\\0\\r]`, 'g')), fc.constant('\n'), fc.constant(`\\${q}`)), {
        maxLength: 4,
      }),
      trailing,
    )
    // Content ending in a backslash would escape the closing quote: that is a different file (see the corpus).
    .map(([parts, t]) => `${q}${parts.join('').replace(/\\$/, '\\x')}${q}${t}`),
)
const assignment = fc
  .tuple(
    ws,
    fc.option(
      ws1.map((w) => `export${w}`),
      { nil: '' },
    ),
    key,
    ws,
    ws,
    fc.oneof(unquoted, quoted),
  )
  .map(([a, ex, k, b, c, v]) => `${a}${ex}${k}${b}=${c}${v}`)
const goodLine = fc.oneof(
  { weight: 6, arbitrary: assignment },
  { weight: 1, arbitrary: fc.tuple(ws, comment).map(([w, c]) => w + c) },
  { weight: 1, arbitrary: ws },
)
const file = (line: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.array(line, { maxLength: 10 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.boolean())
    .map(([lines, nl, bom, finalNl]) => (bom ? '\ufeff' : '') + lines.join(nl) + (finalNl ? nl : ''))

const badLine = fc.oneof(
  fc.constantFrom(
    'JUST_A_WORD',
    '1BAD=x',
    'K: v',
    "U='open",
    'U="open',
    'T="x" y',
    'a-b=1',
    '=x',
    'K=\u2028',
    "'x'",
  ),
  fc.string({
    unit: fc.constantFrom('A', '=', "'", '"', '`', '#', ' ', '\n', '\\', 'x', ':'),
    maxLength: 10,
  }),
)

describe('parseDotenv: generated files', () => {
  it('well-formed files parse without errors, exactly as dotenv.parse', () => {
    fc.assert(
      fc.property(file(goodLine), (t) => {
        const r = parseDotenv(t)
        expect(r.errors).toEqual([])
        expect(entriesToRecord(r.entries)).toEqual(dotenv.parse(t))
      }),
      { numRuns: 500 },
    )
  })

  it('noisy files: whenever no error is reported, the result equals dotenv.parse', () => {
    let clean = 0
    let dirty = 0
    fc.assert(
      fc.property(
        file(fc.oneof({ weight: 3, arbitrary: goodLine }, { weight: 1, arbitrary: badLine })),
        (t) => {
          const r = parseDotenv(t)
          if (r.errors.length > 0) {
            dirty++
            return
          }
          clean++
          expect(asRecord(t)).toEqual(dotenv.parse(t))
        },
      ),
      { numRuns: 1000 },
    )
    expect(clean).toBeGreaterThan(100)
    expect(dirty).toBeGreaterThan(100)
  })

  it('every error has a line number inside the file', () => {
    fc.assert(
      fc.property(file(fc.oneof(goodLine, badLine)), (t) => {
        const lines = t.replace(/\r\n?/g, '\n').split('\n').length
        for (const e of parseDotenv(t).errors) {
          expect(e.line).toBeGreaterThanOrEqual(1)
          expect(e.line).toBeLessThanOrEqual(lines)
        }
      }),
      { numRuns: 300 },
    )
  })
})
