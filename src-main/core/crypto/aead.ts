import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from 'node:crypto'

/** AES-256-GCM parameters: fixed, not configurable. */
export const KEY_BYTES = 32
export const NONCE_BYTES = 12
export const TAG_BYTES = 16
const FORMAT_VERSION = 1
const HEADER_BYTES = 1 + NONCE_BYTES

/** Raised when a ciphertext fails authentication or is malformed. Callers turn it into a VaultCorruptError. */
export class AuthenticationFailedError extends Error {
  constructor(reason = 'authentication tag mismatch') {
    super(`Decryption failed: ${reason}`)
    this.name = 'AuthenticationFailedError'
  }
}

/** Plain AES-256-GCM with an explicit nonce; used by `seal` and by the known-answer tests. */
export function gcmEncrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): { ciphertext: Buffer; tag: Buffer } {
  if (key.length !== KEY_BYTES) throw new RangeError('AES-256-GCM needs a 32-byte key')
  if (nonce.length !== NONCE_BYTES) throw new RangeError('AES-256-GCM needs a 12-byte nonce')
  const cipher = createCipheriv('aes-256-gcm', key, nonce, {
    authTagLength: TAG_BYTES,
  })
  cipher.setAAD(aad)
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return { ciphertext, tag: cipher.getAuthTag() }
}

/** Plain AES-256-GCM decryption; throws AuthenticationFailedError, never returns unauthenticated data. */
export function gcmDecrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array,
): Buffer {
  if (key.length !== KEY_BYTES) throw new RangeError('AES-256-GCM needs a 32-byte key')
  if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES)
    throw new AuthenticationFailedError('malformed')
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, {
    authTagLength: TAG_BYTES,
  })
  decipher.setAAD(aad)
  decipher.setAuthTag(tag)
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()])
  } catch {
    throw new AuthenticationFailedError()
  }
}

/**
 * Random 96-bit nonces drawn from one CSPRNG buffer refilled 512 at a time: the same randomness as
 * `randomBytes(12)` per seal, without a system call each (re-sealing a whole vault seals ~30,000 values).
 */
export class NoncePool {
  private buf = Buffer.alloc(0)
  private at = 0

  /** A fresh random nonce (never handed out twice). */
  next(): Buffer {
    if (this.at + NONCE_BYTES > this.buf.length) {
      this.buf = randomFillSync(Buffer.allocUnsafe(NONCE_BYTES * 512))
      this.at = 0
    }
    const n = this.buf.subarray(this.at, this.at + NONCE_BYTES)
    this.at += NONCE_BYTES
    return n
  }
}

/**
 * Encrypts with a fresh random 96-bit nonce (from `nonces` when given, for bulk re-sealing). Output:
 * version byte | nonce | ciphertext | tag. `aad` binds the ciphertext to where it is stored (table, row
 * id, column).
 */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: string, nonces?: NoncePool): Buffer {
  const nonce = nonces ? nonces.next() : randomBytes(NONCE_BYTES)
  const { ciphertext, tag } = gcmEncrypt(key, nonce, plaintext, Buffer.from(aad, 'utf8'))
  return Buffer.concat([Buffer.of(FORMAT_VERSION), nonce, ciphertext, tag])
}

/** Decrypts a `seal` output for the same `aad`; throws AuthenticationFailedError on any mismatch. */
export function open(key: Uint8Array, blob: Uint8Array, aad: string): Buffer {
  if (blob.length < HEADER_BYTES + TAG_BYTES || blob[0] !== FORMAT_VERSION) {
    throw new AuthenticationFailedError('malformed ciphertext')
  }
  const nonce = blob.subarray(1, HEADER_BYTES)
  const ciphertext = blob.subarray(HEADER_BYTES, blob.length - TAG_BYTES)
  const tag = blob.subarray(blob.length - TAG_BYTES)
  return gcmDecrypt(key, nonce, ciphertext, tag, Buffer.from(aad, 'utf8'))
}

/** Wraps a data key under a key-encryption key (AES-256-GCM, random nonce). */
export function wrapKey(kek: Uint8Array, dataKey: Uint8Array, aad: string): Buffer {
  if (dataKey.length !== KEY_BYTES) throw new RangeError('data keys are 32 bytes')
  return seal(kek, dataKey, aad)
}

/** Unwraps a data key; throws AuthenticationFailedError for a wrong KEK or a modified blob. */
export function unwrapKey(kek: Uint8Array, wrapped: Uint8Array, aad: string): Buffer {
  const key = open(kek, wrapped, aad)
  if (key.length !== KEY_BYTES) throw new AuthenticationFailedError('wrapped key has the wrong length')
  return key
}

/** A fresh random 256-bit key. */
export function randomKey(): Buffer {
  return randomBytes(KEY_BYTES)
}
