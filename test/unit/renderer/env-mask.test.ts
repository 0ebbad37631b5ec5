import { describe, expect, it } from 'vitest'
import { MASK_CHAR, maskEnvLine } from '../../../src-renderer/src/features/transfer/env-mask'

const dots = (n: number) => MASK_CHAR.repeat(n)

describe('maskEnvLine (the import paste area while values are hidden)', () => {
  it('keeps the name and hides every character of the value, same length', () => {
    expect(maskEnvLine('API_KEY=sk_live_123')).toBe(`API_KEY=${dots(11)}`)
    expect(maskEnvLine('export TOKEN="a b"')).toBe(`export TOKEN=${dots(2)} ${dots(2)}`)
    expect(maskEnvLine('  SPACED = x')).toBe(`  SPACED = ${dots(1)}`)
  })

  it('leaves comments and empty lines readable', () => {
    expect(maskEnvLine('# database')).toBe('# database')
    expect(maskEnvLine('')).toBe('')
  })

  it('hides a line that is not an assignment whole (a multi-line value or a malformed line)', () => {
    expect(maskEnvLine('MIIEvQIBADANBgkq')).toBe(dots(16))
    expect(maskEnvLine('this is not a line')).toBe(`${dots(4)} ${dots(2)} ${dots(3)} ${dots(1)} ${dots(4)}`)
    expect(maskEnvLine('=oops')).toBe(dots(5))
  })

  it('never changes the length, so the caret lines up with what is drawn', () => {
    for (const line of ['A=1', 'export B=two words', '#c', 'x y', 'K=ünïcödé', 'E=🔑x'])
      expect(Array.from(maskEnvLine(line))).toHaveLength(Array.from(line).length)
  })
})
