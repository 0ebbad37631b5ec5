import type { ParsedInput } from '../../../src-shared/contract'
import type { QuickUnlockStatus, VaultStatus } from '../../../src-shared/model'
import { verifyVaultPassword, type QuickUnlock } from '../desktop/quick-unlock'
import { KeyshelfError } from '../errors'
import type { VaultKernel } from '../vault/vault-kernel'
import type { DueModule } from './due.module'

/**
 * The session commands of the contract: status, create, unlock (password or quick unlock through the OS
 * keychain), lock and password change. The kernel does the work; this adds the status answer (with due
 * counts) and the quick-unlock port.
 */
export class SessionModule {
  constructor(
    private readonly kernel: VaultKernel,
    private readonly due: DueModule,
    private readonly quick: QuickUnlock | undefined,
  ) {}

  /**
   * no-vault, locked or unlocked, with due counts: unverified while locked, verified once unlocked (null
   * when the file cannot be read, or right after unlock before the overview is decrypted).
   */
  async status(): Promise<VaultStatus> {
    if (!this.kernel.exists()) return { state: 'no-vault', due: null }
    let due: VaultStatus['due'] = null
    try {
      due = this.due.statusCounts()
    } catch (err) {
      // A corrupt file still reports "locked"; unlock then explains what is wrong.
      if (!(err instanceof KeyshelfError)) throw err
    }
    return { state: this.kernel.unlocked ? 'unlocked' : 'locked', due }
  }

  /** Creates the vault and unlocks it. */
  async create(input: ParsedInput<'create'>): Promise<VaultStatus> {
    await this.kernel.create(input.password, input.kdf)
    return this.status()
  }

  /** Unlocks with the master password. */
  async unlock(input: ParsedInput<'unlock'>, opts: { readAhead?: boolean } = {}): Promise<VaultStatus> {
    await this.kernel.unlock(input.password, opts)
    return this.status()
  }

  /** Unlocks with the vault's data key (see {@link VaultKernel.unlockWithDataKey}). */
  async unlockWithDataKey(key: Buffer): Promise<VaultStatus> {
    this.kernel.unlockWithDataKey(key)
    return this.status()
  }

  /** Locks: keys and overview wiped, our clipboard value cleared. */
  async lock(): Promise<VaultStatus> {
    this.kernel.lock()
    return this.status()
  }

  /** Changes the master password (the data key is re-wrapped, values untouched). */
  async changePassword(input: ParsedInput<'changePassword'>): Promise<null> {
    await this.kernel.changePassword(input.current, input.next)
    return null
  }

  /**
   * Replaces the data key (see VaultKernel.rekey) and turns quick unlock off: its entry holds the old key,
   * which no longer opens the vault.
   */
  async rekey(
    input: ParsedInput<'rekey'>,
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ resealed: number }> {
    const r = await this.kernel.rekey(input.password, onProgress)
    this.quick?.disable()
    return r
  }

  /** Whether quick unlock is available and on. */
  async quickUnlockStatus(): Promise<QuickUnlockStatus> {
    return (
      this.quick?.status() ?? {
        available: false,
        enabled: false,
        reason: 'Quick unlock is only available in the desktop app.',
      }
    )
  }

  /** Turns quick unlock on (after checking the master password) or off. */
  async setQuickUnlock(input: ParsedInput<'setQuickUnlock'>): Promise<QuickUnlockStatus> {
    if (!this.quick) return this.quickUnlockStatus()
    if (!input.enabled) return this.quick.disable()
    if (input.password === undefined) {
      throw new KeyshelfError('INVALID_INPUT', 'Enter your master password to turn on quick unlock.')
    }
    await verifyVaultPassword(this.kernel.vaultPath, input.password) // WRONG_PASSWORD if not
    // The keychain keeps the vault's data key, not the password: a leaked entry opens this vault only, and
    // survives password changes because changing the password re-wraps the same data key.
    const key = this.kernel.dataKeyCopy()
    try {
      return this.quick.enable(key.toString('base64'))
    } finally {
      key.fill(0)
    }
  }

  /** Unlocks with the key the OS keychain holds; a stale key turns quick unlock off. */
  async quickUnlock(): Promise<VaultStatus> {
    if (!this.quick)
      throw new KeyshelfError('INVALID_INPUT', 'Quick unlock is only available in the desktop app.')
    const key = Buffer.from(this.quick.secret(), 'base64')
    try {
      return await this.unlockWithDataKey(key)
    } catch (err) {
      if (err instanceof KeyshelfError && err.code === 'WRONG_PASSWORD') {
        // The vault was replaced or re-created: the stored key is useless now.
        this.quick.disable()
        throw new KeyshelfError(
          'WRONG_PASSWORD',
          'Quick unlock no longer matches this vault, so it was turned off. Enter your master password.',
        )
      }
      throw err
    } finally {
      key.fill(0)
    }
  }
}
