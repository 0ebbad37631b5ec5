import { describe, expect, it } from 'vitest'
import { COMMANDS, channelOf } from '../../../src-shared/contract'
import { COMMAND_NAMES, MENU_COMMANDS, commandChannel, isMenuCommand } from '../../../src-shared/bridge'

describe('bridge command list', () => {
  it('lists exactly the contract commands', () => {
    expect([...COMMAND_NAMES].sort()).toEqual([...COMMANDS].sort())
  })
  it('uses the contract channel names', () => {
    for (const c of COMMAND_NAMES) expect(commandChannel(c)).toBe(channelOf(c))
  })
  it('accepts only known menu commands', () => {
    for (const m of MENU_COMMANDS) expect(isMenuCommand(m)).toBe(true)
    expect(isMenuCommand('rm -rf')).toBe(false)
    expect(isMenuCommand(undefined)).toBe(false)
  })
})
