import { safeStorage } from 'electron'
import { QuickUnlock, fileBlobStore, type SecretProtector } from '../core/desktop/quick-unlock'

/**
 * safeStorage as the quick-unlock protector: Keychain on macOS, DPAPI on Windows, libsecret/KWallet on Linux.
 * Refuses Linux's 'basic_text' backend, which "encrypts" with a hard-coded password.
 */
export const safeStorageProtector: SecretProtector = {
  unavailableReason() {
    if (!safeStorage.isEncryptionAvailable()) return 'The operating system keychain is not available.'
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
      return 'No keyring (GNOME Keyring or KWallet) is running, so the vault key could only be stored with a built-in key. Quick unlock stays off.'
    }
    return null
  },
  encrypt: (plain) => safeStorage.encryptString(plain),
  decrypt: (data) => safeStorage.decryptString(data),
}

/** Quick unlock with its protected entry in userData/quick-unlock.bin (0600). */
export function createQuickUnlock(path: string): QuickUnlock {
  return new QuickUnlock(safeStorageProtector, fileBlobStore(path))
}
