import { randomBytes } from 'node:crypto'
import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { QuickUnlockStatus } from '../../../src-shared/model'
import { wipe } from '../crypto/subkeys'
import { openDatabase } from '../db/open-database'
import { KeyshelfError } from '../errors'
import { readHeader, unlockHeader } from '../vault/vault-header'

/**
 * The OS keychain, as far as quick unlock needs it (Electron's safeStorage on desktop; fakes in tests).
 * `unavailableReason` is null when it can protect a secret, else a sentence saying why not.
 */
export interface SecretProtector {
  unavailableReason(): string | null
  encrypt(plain: string): Buffer
  decrypt(data: Buffer): string
}

/** Where the protected blob lives (a 0600 file in userData on desktop). */
export interface BlobStore {
  read(): Buffer | null
  write(data: Buffer): void
  remove(): void
}

/**
 * A 0600 file written through a random temp file created with O_EXCL (never through a file or link someone
 * placed at a predictable name), then renamed over the target.
 */
export function fileBlobStore(path: string): BlobStore {
  return {
    read: () => (existsSync(path) ? readFileSync(path) : null),
    write: (data) => {
      const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
      const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
      try {
        try {
          fchmodSync(fd, 0o600)
          writeSync(fd, data)
          fsyncSync(fd)
        } finally {
          closeSync(fd)
        }
        renameSync(tmp, path)
      } catch (err) {
        rmSync(tmp, { force: true })
        throw err
      }
    },
    remove: () => rmSync(path, { force: true }),
  }
}

/** Checks a master password against the vault file without touching the open session. */
export async function verifyVaultPassword(vaultPath: string, password: string): Promise<void> {
  const db = openDatabase(vaultPath, { readonly: true })
  try {
    wipe(await unlockHeader(readHeader(db), password)) // throws WrongPasswordError
  } finally {
    db.close()
  }
}

/**
 * Quick unlock, off by default: the vault's data key (base64) kept encrypted by the OS keychain, so unlocking needs
 * no typing while the OS session is the user's. Refused when the keychain cannot really protect it (on
 * Linux, safeStorage's 'basic_text' backend uses a hard-coded key).
 */
export class QuickUnlock {
  constructor(
    private readonly protector: SecretProtector,
    private readonly store: BlobStore,
  ) {}

  status(): QuickUnlockStatus {
    const reason = this.protector.unavailableReason()
    return { available: reason === null, enabled: reason === null && this.store.read() !== null, reason }
  }

  /** Stores the data key under the keychain's protection (the caller verified the password first). */
  enable(secret: string): QuickUnlockStatus {
    const reason = this.protector.unavailableReason()
    if (reason !== null) throw new KeyshelfError('INVALID_INPUT', reason)
    this.store.write(this.protector.encrypt(secret))
    return this.status()
  }

  disable(): QuickUnlockStatus {
    this.store.remove()
    return this.status()
  }

  /** The stored data key (base64); an unreadable blob is removed and reported, never guessed around. */
  secret(): string {
    const reason = this.protector.unavailableReason()
    if (reason !== null) throw new KeyshelfError('INVALID_INPUT', reason)
    const blob = this.store.read()
    if (!blob) throw new KeyshelfError('NOT_FOUND', 'Quick unlock is off. Enter your master password.')
    try {
      return this.protector.decrypt(blob)
    } catch {
      this.store.remove()
      throw new KeyshelfError(
        'INVALID_INPUT',
        'The keychain could not read the quick-unlock entry, so it was removed. Enter your master password.',
      )
    }
  }
}
