import { Readable } from 'node:stream'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createMaskingStream,
  MASK,
  maskPatterns,
  OutputMasker,
} from '../../../src-main/core/run/output-masker'

/** Masks in one pass over the whole text (the reference): leftmost position first, longest secret there. */
function maskAll(text: Buffer, patterns: Buffer[]): Buffer {
  const out: Buffer[] = []
  let i = 0
  let from = 0
  while (i < text.length) {
    const hit = patterns.find((p) => text.subarray(i, i + p.length).equals(p))
    if (hit) {
      out.push(text.subarray(from, i), Buffer.from(MASK))
      i += hit.length
      from = i
    } else i++
  }
  out.push(text.subarray(from))
  return Buffer.concat(out)
}

function maskInChunks(text: Buffer, patterns: Buffer[], cuts: number[]): Buffer {
  const m = new OutputMasker(patterns)
  const out: Buffer[] = []
  let prev = 0
  for (const cut of [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)) {
    out.push(m.push(text.subarray(prev, cut)))
    prev = cut
  }
  out.push(m.push(text.subarray(prev)), m.end())
  return Buffer.concat(out)
}

const secretUnit = fc.constantFrom('a', 'b', 'é', '😀', '-', 'ab', 'sk_')
const secretArb = fc.string({ unit: secretUnit, minLength: 4, maxLength: 12 }).filter((s) => s.length >= 4)
const noiseArb = fc.string({ unit: fc.constantFrom('a', 'b', 'x', ' ', '\n', 'é', '😀', '*'), maxLength: 8 })

describe('OutputMasker', () => {
  it('masks the same however the output is cut into chunks, and no secret survives', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(secretArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(noiseArb, fc.nat(3)), { maxLength: 8 }),
        fc.array(fc.nat(400), { maxLength: 12 }),
        (secrets, pieces, cuts) => {
          const text = Buffer.from(
            pieces.map(([noise, k]) => noise + (secrets[k % secrets.length] ?? '')).join(''),
          )
          const patterns = maskPatterns(secrets)
          const streamed = maskInChunks(text, patterns, cuts)
          expect(streamed.equals(maskAll(text, patterns))).toBe(true)
          const s = streamed.toString('utf8')
          for (const secret of secrets) expect(s.includes(secret)).toBe(false)
        },
      ),
      { numRuns: 500 },
    )
  })

  it('handles a secret cut in the middle of a multi-byte character', () => {
    const m = new OutputMasker(maskPatterns(['pé😀ss']))
    const bytes = Buffer.from('[pé😀ss]')
    const parts = [...bytes].map((b) => m.push(Buffer.from([b])))
    expect(Buffer.concat([...parts, m.end()]).toString()).toBe(`[${MASK}]`)
  })

  it('prefers the longest secret at a position and flushes a held-back prefix at the end', () => {
    const m = new OutputMasker(maskPatterns(['abcd', 'abcdef']))
    expect(m.push(Buffer.from('xx abcde')).toString()).toBe('xx ')
    expect(m.push(Buffer.from('f abcd ab')).toString()).toBe(`${MASK} ${MASK} `)
    expect(m.end().toString()).toBe('ab')
  })

  it('skips values shorter than the minimum (default 4) and duplicates', () => {
    expect(maskPatterns(['abc', 'abcd', 'abcd', '']).map(String)).toEqual(['abcd'])
    expect(maskPatterns(['abc'], { minLength: 1 }).map(String)).toEqual(['abc'])
  })

  it('works as a Transform stream', async () => {
    const chunks = ['top', 'sec', 'ret', '!', ' top', 'secret', ' top secret']
    const out: Buffer[] = []
    const stream = Readable.from(chunks.map((c) => Buffer.from(c))).pipe(
      createMaskingStream(maskPatterns(['topsecret'])),
    )
    for await (const c of stream) out.push(c as Buffer)
    expect(Buffer.concat(out).toString()).toBe(`${MASK}! ${MASK} top secret`)
  })
})
