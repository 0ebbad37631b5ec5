import { describe, expect, it } from 'vitest'
import { maskedDisplay } from '../../../src-renderer/src/lib/format'

describe('the window shows what a mask hides honestly', () => {
  const base = { fingerprint: 'abcd-ef01', last4: null, clear: null }
  it('an empty value is "(empty)", never a row of dots', () => {
    expect(maskedDisplay({ ...base, empty: true })).toBe('(empty)')
    expect(maskedDisplay({ ...base, clear: '' })).toBe('(empty)')
  })
  it('a trailing newline shows as ⏎', () => {
    expect(maskedDisplay({ ...base, clear: 'db.internal\n' })).toBe('db.internal⏎')
    expect(maskedDisplay({ ...base, last4: 'abc\n' })).toBe('••••••••abc⏎')
    expect(maskedDisplay({ ...base, endsWithNewline: true })).toBe('••••••••••••⏎')
    expect(maskedDisplay({ ...base, last4: 'wxyz' })).toBe('••••••••wxyz')
  })
})
