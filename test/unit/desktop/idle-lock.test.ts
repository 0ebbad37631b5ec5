import { describe, expect, it } from 'vitest'
import { IdleLock, idlePollMs, type LockReason } from '../../../src-main/core/desktop/idle-lock'

function setup(minutes: number) {
  const state = { idle: 0, unlocked: true, minutes, locks: [] as LockReason[] }
  const lock = new IdleLock({
    idleSeconds: () => state.idle,
    autoLockMinutes: () => state.minutes,
    isUnlocked: () => state.unlocked,
    lock: (r) => {
      state.locks.push(r)
      state.unlocked = false
    },
  })
  return { state, lock }
}

describe('IdleLock', () => {
  it('locks once the system has been idle for the configured minutes', () => {
    const { state, lock } = setup(10)
    state.idle = 599
    expect(lock.tick()).toBe(false)
    state.idle = 600
    expect(lock.tick()).toBe(true)
    expect(state.locks).toEqual(['idle'])
    expect(lock.tick()).toBe(false)
  })

  it('never locks on idle when the preference is 0', () => {
    const { state, lock } = setup(0)
    state.idle = 10 ** 6
    expect(lock.tick()).toBe(false)
  })

  it('follows a changed preference on the next tick', () => {
    const { state, lock } = setup(10)
    state.idle = 120
    expect(lock.tick()).toBe(false)
    state.minutes = 2
    expect(lock.tick()).toBe(true)
  })

  it('locks at once on suspend or screen lock, only when unlocked', () => {
    const { state, lock } = setup(10)
    expect(lock.lockNow('suspend')).toBe(true)
    expect(lock.lockNow('lock-screen')).toBe(false)
    expect(state.locks).toEqual(['suspend'])
  })

  it('polls often enough for the limit, within 5-60 s', () => {
    expect(idlePollMs(10)).toBe(60_000)
    expect(idlePollMs(5)).toBe(30_000)
    expect(idlePollMs(0.5)).toBe(5_000)
    expect(idlePollMs(0)).toBe(60_000)
  })
})
