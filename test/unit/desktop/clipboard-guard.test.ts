import { describe, expect, it } from 'vitest'
import {
  ClipboardGuard,
  type RawClipboard,
  type TimerPort,
} from '../../../src-main/core/desktop/clipboard-guard'

class FakeRaw implements RawClipboard {
  text = ''
  writes = 0
  async writeSecretText(value: string): Promise<void> {
    this.text = value
    this.writes++
  }
  async readText(): Promise<string> {
    return this.text
  }
  async clear(): Promise<void> {
    this.text = ''
  }
}

class FakeTimers implements TimerPort {
  now = 0
  private next = 1
  private pending = new Map<number, { at: number; fn: () => void }>()
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++
    this.pending.set(id, { at: this.now + ms, fn })
    return id
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number)
  }
  advance(ms: number): void {
    this.now += ms
    for (const [id, t] of [...this.pending]) {
      if (t.at <= this.now) {
        this.pending.delete(id)
        t.fn()
      }
    }
  }
  get size(): number {
    return this.pending.size
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0))

function setup() {
  const raw = new FakeRaw()
  const timers = new FakeTimers()
  const guard = new ClipboardGuard(raw, () => 1_000_000 + timers.now, timers)
  return { raw, timers, guard }
}

describe('ClipboardGuard', () => {
  it('writes the secret and reports when it clears', async () => {
    const { raw, guard } = setup()
    expect(guard.writeSecret('sk_live_1', 30_000)).toEqual({ clearsAt: 1_030_000 })
    await flush()
    expect(raw.text).toBe('sk_live_1')
    expect(guard.holdsSecret).toBe(true)
  })

  it('clears after the delay when the clipboard still holds our value', async () => {
    const { raw, timers, guard } = setup()
    guard.writeSecret('sk_live_1', 30_000)
    await flush()
    timers.advance(29_999)
    await flush()
    expect(raw.text).toBe('sk_live_1')
    timers.advance(1)
    await flush()
    expect(raw.text).toBe('')
    expect(guard.holdsSecret).toBe(false)
  })

  it('leaves the clipboard alone when the user copied something else since', async () => {
    const { raw, timers, guard } = setup()
    guard.writeSecret('sk_live_1', 30_000)
    await flush()
    raw.text = 'something the user copied'
    timers.advance(30_000)
    await flush()
    expect(raw.text).toBe('something the user copied')
  })

  it('a second copy replaces the first timer and only the latest value counts as ours', async () => {
    const { raw, timers, guard } = setup()
    guard.writeSecret('first', 30_000)
    timers.advance(20_000)
    guard.writeSecret('second', 30_000)
    await flush()
    expect(timers.size).toBe(1)
    timers.advance(15_000)
    await flush()
    expect(raw.text).toBe('second')
    timers.advance(15_000)
    await flush()
    expect(raw.text).toBe('')
  })

  it('clearIfOursNow clears at once (lock, quit) and cancels the timer', async () => {
    const { raw, timers, guard } = setup()
    guard.writeSecret('sk_live_1', 30_000)
    expect(await guard.clearIfOursNow()).toBe(true)
    expect(raw.text).toBe('')
    expect(timers.size).toBe(0)
    expect(await guard.clearIfOursNow()).toBe(false)
  })

  it('does nothing when we never wrote', async () => {
    const { raw, guard } = setup()
    raw.text = 'not ours'
    expect(await guard.clearIfOursNow()).toBe(false)
    expect(raw.text).toBe('not ours')
  })

  it('keeps a digest, not the value', () => {
    const { guard } = setup()
    guard.writeSecret('sk_live_very_secret', 30_000)
    expect(JSON.stringify(Object.entries(guard))).not.toContain('sk_live_very_secret')
  })

  it('reports a failing OS clipboard without throwing', async () => {
    const errors: unknown[] = []
    const raw = new FakeRaw()
    raw.readText = async () => {
      throw new Error('no clipboard')
    }
    const guard = new ClipboardGuard(
      raw,
      () => 0,
      new FakeTimers(),
      (e) => errors.push(e),
    )
    guard.writeSecret('x', 1000)
    expect(await guard.clearIfOursNow()).toBe(false)
    expect(errors).toHaveLength(1)
  })
})
