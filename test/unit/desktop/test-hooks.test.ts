import { describe, expect, it } from 'vitest'
import { testHooksAllowed } from '../../../src-main/core/test-hooks'

describe('testHooksAllowed', () => {
  it('is true only under the test runner', () => {
    expect(testHooksAllowed({ VITEST: 'true' })).toBe(true)
    expect(testHooksAllowed({})).toBe(false)
    expect(testHooksAllowed({ VITEST: '1' })).toBe(false)
    expect(testHooksAllowed({ KEYSHELF_TEST_SIGKILL_AFTER_PROVIDER_ANSWER: '1' })).toBe(false)
  })
})
