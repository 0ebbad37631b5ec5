import argon2 from 'argon2'
import type { KdfParams } from '../../../src-shared/model'
import { MIN_KDF } from '../../../src-shared/model'
import { KeyshelfError } from '../errors'

export const SALT_BYTES = 16

/** Raw Argon2id (RFC 9106, version 0x13). Exposed for the known-answer tests; use `deriveKey` otherwise. */
export async function argon2idRaw(opts: {
  password: Uint8Array
  salt: Uint8Array
  memoryKiB: number
  iterations: number
  parallelism: number
  length: number
  secret?: Uint8Array
  associatedData?: Uint8Array
}): Promise<Buffer> {
  return argon2.hash(Buffer.from(opts.password), {
    type: argon2.argon2id,
    version: 0x13,
    raw: true,
    salt: Buffer.from(opts.salt),
    memoryCost: opts.memoryKiB,
    timeCost: opts.iterations,
    parallelism: opts.parallelism,
    hashLength: opts.length,
    ...(opts.secret ? { secret: Buffer.from(opts.secret) } : {}),
    ...(opts.associatedData ? { associatedData: Buffer.from(opts.associatedData) } : {}),
  })
}

/** Refuses KDF parameters below OWASP's Argon2id floor (m = 19 MiB, t = 2) or out of sane bounds. */
export function assertKdfParams(params: KdfParams): void {
  const ok =
    params.algorithm === 'argon2id' &&
    Number.isInteger(params.memoryKiB) &&
    Number.isInteger(params.iterations) &&
    Number.isInteger(params.parallelism) &&
    params.memoryKiB >= MIN_KDF.memoryKiB &&
    params.iterations >= MIN_KDF.iterations &&
    params.memoryKiB <= 4 * 1024 * 1024 &&
    params.iterations <= 100 &&
    params.parallelism >= 1 &&
    params.parallelism <= 16
  if (!ok) {
    throw new KeyshelfError(
      'WEAK_KDF',
      `KDF parameters must be Argon2id with at least ${MIN_KDF.memoryKiB / 1024} MiB of memory and ${MIN_KDF.iterations} iterations (OWASP's floor).`,
    )
  }
}

/**
 * Derives the 256-bit key-encryption key from the master password. The password is NFC-normalised
 * so the same password typed on different systems gives the same key.
 */
export async function deriveKey(password: string, salt: Uint8Array, params: KdfParams): Promise<Buffer> {
  return argon2idRaw({
    password: Buffer.from(password.normalize('NFC'), 'utf8'),
    salt,
    memoryKiB: params.memoryKiB,
    iterations: params.iterations,
    parallelism: params.parallelism,
    length: 32,
  })
}
