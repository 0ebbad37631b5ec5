import { createHmac, hkdfSync } from 'node:crypto'

/** The keys a session uses, all derived from the unwrapped data key with HKDF-SHA256. */
export interface SessionKeys {
  /** AES-256-GCM key for every encrypted column. */
  enc: Buffer
  /** HMAC key for value fingerprints. */
  fingerprint: Buffer
}

/** Derives the session subkeys from the vault's data key. */
export function deriveSubkeys(dataKey: Uint8Array, vaultId: string): SessionKeys {
  const derive = (info: string): Buffer =>
    Buffer.from(hkdfSync('sha256', dataKey, Buffer.from(vaultId, 'utf8'), Buffer.from(info, 'utf8'), 32))
  return {
    enc: derive('keyshelf/v1/enc'),
    fingerprint: derive('keyshelf/v1/fingerprint'),
  }
}

/** A short, stable, keyed fingerprint of a value: the same value gives the same fingerprint in one vault only. */
export function fingerprint(key: Uint8Array, value: string): string {
  const hex = createHmac('sha256', key).update(value, 'utf8').digest('hex')
  return `${hex.slice(0, 4)}-${hex.slice(4, 8)}`
}

/** Zeroes key material in place. */
export function wipe(...buffers: (Buffer | null | undefined)[]): void {
  for (const b of buffers) b?.fill(0)
}
