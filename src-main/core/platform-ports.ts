import type { Preferences } from '../../src-shared/model'
import { DEFAULT_PREFERENCES } from '../../src-shared/model'

/** The current time in epoch ms; injected so tests and benchmarks control it. */
export type Clock = () => number

/** A clipboard that main owns: writes a secret and clears it later, only if it still holds that value. */
export interface SecretClipboard {
  /** Writes `value` and schedules a clear; returns when it will clear (null = never). */
  writeSecret(value: string, clearAfterMs: number): { clearsAt: number | null }
  /** Clears now, but only if the clipboard still holds a value we wrote. */
  clearIfOurs(): void
}

/** Non-secret preferences storage (electron-store on desktop, memory or JSON in tests/CLI). */
export interface Settings {
  get(): Preferences
  set(patch: Partial<Preferences>): Preferences
}

/** In-memory settings for tests and the CLI. */
export class MemorySettings implements Settings {
  private prefs: Preferences
  constructor(initial: Partial<Preferences> = {}) {
    this.prefs = { ...DEFAULT_PREFERENCES, ...initial }
  }
  get(): Preferences {
    return { ...this.prefs }
  }
  set(patch: Partial<Preferences>): Preferences {
    this.prefs = { ...this.prefs, ...patch }
    return this.get()
  }
}

/** A clipboard that only remembers, for tests, the CLI and the e2e harness. */
export class MemoryClipboard implements SecretClipboard {
  text = ''
  private ours: string | null = null
  private timer: ReturnType<typeof setTimeout> | null = null
  constructor(private readonly clock: Clock = Date.now) {}
  writeSecret(value: string, clearAfterMs: number): { clearsAt: number | null } {
    this.text = value
    this.ours = value
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => this.clearIfOurs(), clearAfterMs)
    this.timer.unref?.()
    return { clearsAt: this.clock() + clearAfterMs }
  }
  clearIfOurs(): void {
    if (this.ours !== null && this.text === this.ours) this.text = ''
    this.ours = null
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
