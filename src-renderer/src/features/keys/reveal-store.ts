/**
 * Revealed secret values, per view instance (never global): id -> value, each with its own re-mask timer.
 * Components read a value through useSyncExternalStore; `hide` deletes it, so after a re-mask the value is
 * neither in the DOM nor in any renderer state Keyshelf holds.
 */
export class RevealStore {
  private readonly values = new Map<string, { value: string; expiresAt: number }>()
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly listeners = new Set<() => void>()

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  reveal(id: string, value: string, forMs: number): void {
    this.clearTimer(id)
    this.values.set(id, { value, expiresAt: Date.now() + forMs })
    this.timers.set(
      id,
      setTimeout(() => this.hide(id), forMs),
    )
    this.emit()
  }

  hide(id: string): void {
    this.clearTimer(id)
    if (this.values.delete(id)) this.emit()
  }

  hideAll(): void {
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
    if (this.values.size > 0) {
      this.values.clear()
      this.emit()
    }
  }

  value(id: string): string | undefined {
    return this.values.get(id)?.value
  }

  expiresAt(id: string): number | undefined {
    return this.values.get(id)?.expiresAt
  }

  get size(): number {
    return this.values.size
  }

  private clearTimer(id: string): void {
    const t = this.timers.get(id)
    if (t !== undefined) clearTimeout(t)
    this.timers.delete(id)
  }

  private emit(): void {
    for (const l of this.listeners) l()
  }
}
