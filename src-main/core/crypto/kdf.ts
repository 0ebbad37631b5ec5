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

/**
 * The largest Argon2id cost Keyshelf accepts: 2 GiB of memory, 20 passes, and at most 4 GiB × passes of
 * work in total (a few seconds on a laptop), so a forged header cannot make unlock hang.
 */
export const MAX_KDF = {
  memoryKiB: 2 * 1024 * 1024,
  iterations: 20,
  parallelism: 16,
  workKiB: 4 * 1024 * 1024,
} as const

/** True when `params` is Argon2id within [MIN_KDF, MAX_KDF]. Plain data from a header is accepted as input. */
export function kdfParamsInRange(params: unknown): params is KdfParams {
  const p = params as Partial<KdfParams> | null
  return (
    typeof p === 'object' &&
    p !== null &&
    p.algorithm === 'argon2id' &&
    Number.isSafeInteger(p.memoryKiB) &&
    Number.isSafeInteger(p.iterations) &&
    Number.isSafeInteger(p.parallelism) &&
    p.memoryKiB! >= MIN_KDF.memoryKiB &&
    p.iterations! >= MIN_KDF.iterations &&
    p.memoryKiB! <= MAX_KDF.memoryKiB &&
    p.iterations! <= MAX_KDF.iterations &&
    p.memoryKiB! * p.iterations! <= MAX_KDF.workKiB &&
    p.parallelism! >= 1 &&
    p.parallelism! <= MAX_KDF.parallelism
  )
}

/** Refuses KDF parameters below OWASP's Argon2id floor (m = 19 MiB, t = 2) or above {@link MAX_KDF}. */
export function assertKdfParams(params: KdfParams): void {
  if (!kdfParamsInRange(params)) {
    throw new KeyshelfError(
      'WEAK_KDF',
      `KDF parameters must be Argon2id with at least ${MIN_KDF.memoryKiB / 1024} MiB of memory and ${MIN_KDF.iterations} iterations (OWASP's floor), ` +
        `and at most ${MAX_KDF.memoryKiB / 1024} MiB and ${MAX_KDF.iterations} iterations.`,
    )
  }
}

/**
 * Derives the 256-bit key-encryption key from the master password. The password is NFC-normalised
 * so the same password typed on different systems gives the same key.
 */
export async function deriveKey(password: string, salt: Uint8Array, params: KdfParams): Promise<Buffer> {
  return takeEarlyDerivation(password, salt, params) ?? derive(password, salt, params)
}

function derive(password: string, salt: Uint8Array, params: KdfParams): Promise<Buffer> {
  return argon2idRaw({
    password: Buffer.from(password.normalize('NFC'), 'utf8'),
    salt,
    memoryKiB: params.memoryKiB,
    iterations: params.iterations,
    parallelism: params.parallelism,
    length: 32,
  })
}

/**
 * One derivation started ahead of time (the CLI starts it from the vault header while its modules load, so
 * Argon2id runs on libuv's thread pool in parallel with start-up). {@link deriveKey} takes it over when it
 * is asked for the same password, salt and parameters, and otherwise derives as usual: a guess that does
 * not match only costs thread-pool time. Single use; never shared between vaults or passwords.
 */
let early: { password: string; salt: Buffer; params: string; key: Promise<Buffer> } | null = null

/** Starts deriving the key for `password` under `salt`/`params` now (see {@link deriveKey}). */
export function startEarlyDerivation(password: string, salt: Uint8Array, params: KdfParams): void {
  dropEarlyDerivation()
  assertKdfParams(params)
  const key = derive(password, salt, params)
  key.catch(() => undefined) // handled by whoever takes it; never an unhandled rejection
  early = { password, salt: Buffer.from(salt), params: paramsKey(params), key }
}

/** True while a derivation started early has not been taken over (see {@link startEarlyDerivation}). */
export function earlyDerivationPending(): boolean {
  return early !== null
}

/** Forgets a derivation nobody took (its key is wiped when it arrives). */
export function dropEarlyDerivation(): void {
  const e = early
  early = null
  e?.key.then(
    (k) => k.fill(0),
    () => undefined,
  )
}

function takeEarlyDerivation(password: string, salt: Uint8Array, params: KdfParams): Promise<Buffer> | null {
  const e = early
  if (!e) return null
  if (e.password !== password || !e.salt.equals(salt) || e.params !== paramsKey(params)) {
    dropEarlyDerivation()
    return null
  }
  early = null
  return e.key
}

const paramsKey = (p: KdfParams) => `${p.algorithm}:${p.memoryKiB}:${p.iterations}:${p.parallelism}`
