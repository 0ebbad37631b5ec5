/**
 * Locks the vault after N idle minutes. The Electron edge feeds it the system idle time
 * (powerMonitor.getSystemIdleTime) from a poll, and calls `lockNow` on suspend and screen lock.
 */
export interface IdleLockDeps {
  /** Seconds since the last user input anywhere on the system. */
  idleSeconds: () => number
  /** The preference; 0 means never lock on idle. */
  autoLockMinutes: () => number
  isUnlocked: () => boolean
  lock: (reason: LockReason) => void
}

export type LockReason = 'idle' | 'suspend' | 'lock-screen' | 'minimize' | 'user'

/** How often to poll the idle time: often enough to lock within ~10% of the limit, between 5 s and 60 s. */
export function idlePollMs(autoLockMinutes: number): number {
  if (autoLockMinutes <= 0) return 60_000
  return Math.min(60_000, Math.max(5_000, Math.round(autoLockMinutes * 6_000)))
}

export class IdleLock {
  constructor(private readonly deps: IdleLockDeps) {}

  /** One poll: locks when the vault is unlocked and the idle limit is reached. Returns whether it locked. */
  tick(): boolean {
    const minutes = this.deps.autoLockMinutes()
    if (minutes <= 0 || !this.deps.isUnlocked()) return false
    if (this.deps.idleSeconds() < minutes * 60) return false
    this.deps.lock('idle')
    return true
  }

  /** Suspend, screen lock or an explicit request: lock at once if unlocked. */
  lockNow(reason: LockReason): boolean {
    if (!this.deps.isUnlocked()) return false
    this.deps.lock(reason)
    return true
  }
}
