/**
 * The CLI starts Argon2id from the vault header while its modules load (cli/early-unlock.ts); deriveKey
 * takes that derivation over only for the same password, salt and parameters.
 */
import argon2 from 'argon2'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  argon2idRaw,
  deriveKey,
  dropEarlyDerivation,
  startEarlyDerivation,
} from '../../../src-main/core/crypto/kdf'
import type { KdfParams } from '../../../src-shared/model'

const KDF: KdfParams = { algorithm: 'argon2id', memoryKiB: 19 * 1024, iterations: 2, parallelism: 1 }
const salt = Buffer.alloc(16, 7)
const fresh = (password: string, s: Buffer = salt) =>
  argon2idRaw({ password: Buffer.from(password), salt: s, ...KDF, length: 32 })

afterEach(() => {
  vi.restoreAllMocks()
})

describe('early derivation', () => {
  it('is taken over by deriveKey for the same password, salt and parameters, once', async () => {
    const runs = vi.spyOn(argon2, 'hash')
    startEarlyDerivation('pässword', salt, KDF)
    const a = await deriveKey('pässword', salt, KDF)
    expect(runs).toHaveBeenCalledTimes(1) // Argon2 ran once, for the early start
    expect(a.equals(await fresh('pässword'.normalize('NFC')))).toBe(true)
    // Single use: the next call derives again (and still gets the right key).
    expect((await deriveKey('pässword', salt, KDF)).equals(a)).toBe(true)
  })

  it('never answers for another password or another vault’s salt', async () => {
    startEarlyDerivation('typed first', salt, KDF)
    const other = await deriveKey('typed second', salt, KDF)
    expect(other.equals(await fresh('typed second'))).toBe(true)
    expect(other.equals(await fresh('typed first'))).toBe(false)

    const otherSalt = Buffer.alloc(16, 9)
    startEarlyDerivation('same', salt, KDF)
    expect((await deriveKey('same', otherSalt, KDF)).equals(await fresh('same', otherSalt))).toBe(true)
    startEarlyDerivation('same', salt, KDF)
    const stronger = { ...KDF, iterations: 3 }
    const k = await deriveKey('same', salt, stronger)
    expect(
      k.equals(await argon2idRaw({ password: Buffer.from('same'), salt, ...stronger, length: 32 })),
    ).toBe(true)
  })

  it('refuses parameters outside the allowed range before running Argon2', () => {
    expect(() => startEarlyDerivation('x', salt, { ...KDF, memoryKiB: 1024 })).toThrow(/KDF parameters/)
    dropEarlyDerivation()
  })
})
