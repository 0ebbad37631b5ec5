import { createHash } from 'node:crypto'
import type { Clock, SecretClipboard } from '../platform-ports'

/** The few clipboard operations the guard needs; the Electron edge implements them with the OS clipboard. */
export interface RawClipboard {
  /** Writes `value` as plain text, with whatever hints keep it out of clipboard history. */
  writeSecretText(value: string): Promise<void>
  readText(): Promise<string>
  clear(): Promise<void>
}

/** Timers, injectable so tests control time. */
export interface TimerPort {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const realTimers: TimerPort = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms)
    t.unref?.()
    return t
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

const digest = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex')

/**
 * A SecretClipboard over a raw OS clipboard: writes a secret, clears it after a delay, and clears only
 * if the clipboard still holds what we wrote (the user may have copied something else since). It keeps a
 * SHA-256 digest of the value, not the value. Operations run one at a time, in call order.
 */
export class ClipboardGuard implements SecretClipboard {
  private oursDigest: string | null = null
  private timer: unknown = null
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly raw: RawClipboard,
    private readonly clock: Clock = Date.now,
    private readonly timers: TimerPort = realTimers,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  writeSecret(value: string, clearAfterMs: number): { clearsAt: number | null } {
    this.cancelTimer()
    this.oursDigest = digest(value)
    this.enqueue(() => this.raw.writeSecretText(value)).catch(this.onError)
    this.timer = this.timers.setTimeout(() => {
      this.timer = null
      this.clearIfOurs()
    }, clearAfterMs)
    return { clearsAt: this.clock() + clearAfterMs }
  }

  clearIfOurs(): void {
    void this.clearIfOursNow()
  }

  /** Clears if the clipboard still holds our value; resolves to whether it cleared. For lock and quit. */
  clearIfOursNow(): Promise<boolean> {
    this.cancelTimer()
    const expected = this.oursDigest
    this.oursDigest = null
    if (expected === null) return Promise.resolve(false)
    return this.enqueue(async () => {
      const current = await this.raw.readText()
      if (digest(current) !== expected) return false
      await this.raw.clear()
      return true
    }).catch((err: unknown) => {
      this.onError(err)
      return false
    })
  }

  /** Whether a value we wrote may still be on the clipboard (a clear is pending). */
  get holdsSecret(): boolean {
    return this.oursDigest !== null
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op)
    this.queue = next.catch(() => undefined)
    return next
  }
}
