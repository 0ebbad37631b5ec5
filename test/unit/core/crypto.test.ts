import { describe, expect, it } from 'vitest'
import {
  AuthenticationFailedError,
  gcmDecrypt,
  gcmEncrypt,
  open,
  randomKey,
  seal,
  unwrapKey,
  wrapKey,
} from '../../../src-main/core/crypto/aead'
import { argon2idRaw, assertKdfParams, deriveKey } from '../../../src-main/core/crypto/kdf'
import { deriveSubkeys, fingerprint } from '../../../src-main/core/crypto/subkeys'
import { KeyshelfError } from '../../../src-main/core/errors'

const hex = (s: string) => Buffer.from(s, 'hex')

describe('Argon2id known answers', () => {
  it('matches RFC 9106 §5.3 (Argon2id, secret and associated data)', async () => {
    const tag = await argon2idRaw({
      password: Buffer.alloc(32, 0x01),
      salt: Buffer.alloc(16, 0x02),
      secret: Buffer.alloc(8, 0x03),
      associatedData: Buffer.alloc(12, 0x04),
      memoryKiB: 32,
      iterations: 3,
      parallelism: 4,
      length: 32,
    })
    expect(tag.toString('hex')).toBe('0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659')
  })

  it('matches the reference implementation vector (password/somesalt, m=64 MiB, t=2, p=1)', async () => {
    const tag = await argon2idRaw({
      password: Buffer.from('password'),
      salt: Buffer.from('somesalt'),
      memoryKiB: 65536,
      iterations: 2,
      parallelism: 1,
      length: 32,
    })
    expect(tag.toString('hex')).toBe('09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7')
  })

  it('derives the same key for NFC and NFD spellings of a password', async () => {
    const salt = Buffer.alloc(16, 7)
    const params = { algorithm: 'argon2id' as const, memoryKiB: 19456, iterations: 2, parallelism: 1 }
    const a = await deriveKey('caf\u00e9', salt, params)
    const b = await deriveKey('cafe\u0301', salt, params)
    expect(a.equals(b)).toBe(true)
    expect(a).toHaveLength(32)
  })

  it('refuses parameters below the OWASP floor', () => {
    expect(() =>
      assertKdfParams({ algorithm: 'argon2id', memoryKiB: 19455, iterations: 2, parallelism: 1 }),
    ).toThrow(KeyshelfError)
    expect(() =>
      assertKdfParams({ algorithm: 'argon2id', memoryKiB: 19456, iterations: 1, parallelism: 1 }),
    ).toThrow(/OWASP/)
    expect(() =>
      assertKdfParams({ algorithm: 'argon2id', memoryKiB: 19456, iterations: 2, parallelism: 1 }),
    ).not.toThrow()
  })
})

describe('AES-256-GCM known answers (McGrew & Viega GCM spec, NIST SP 800-38D test cases)', () => {
  it('test case 13: empty plaintext, zero key and IV', () => {
    const r = gcmEncrypt(Buffer.alloc(32), Buffer.alloc(12), Buffer.alloc(0), Buffer.alloc(0))
    expect(r.ciphertext).toHaveLength(0)
    expect(r.tag.toString('hex')).toBe('530f8afbc74536b9a963b4f1c4cb738b')
  })

  it('test case 14: one zero block', () => {
    const r = gcmEncrypt(Buffer.alloc(32), Buffer.alloc(12), Buffer.alloc(16), Buffer.alloc(0))
    expect(r.ciphertext.toString('hex')).toBe('cea7403d4d606b6e074ec5d3baf39d18')
    expect(r.tag.toString('hex')).toBe('d0d1c8a799996bf0265b98b5d48ab919')
  })

  const k16 = hex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308')
  const iv16 = hex('cafebabefacedbaddecaf888')
  const p16 = hex(
    'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
  )
  const a16 = hex('feedfacedeadbeeffeedfacedeadbeefabaddad2')
  const c16 =
    '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662'
  const t16 = '76fc6ece0f4e1768cddf8853bb2d551b'

  it('test case 16: with associated data', () => {
    const r = gcmEncrypt(k16, iv16, p16, a16)
    expect(r.ciphertext.toString('hex')).toBe(c16)
    expect(r.tag.toString('hex')).toBe(t16)
    expect(gcmDecrypt(k16, iv16, hex(c16), hex(t16), a16).equals(p16)).toBe(true)
  })

  it('test case 16 with one flipped bit in tag, ciphertext or AAD is rejected', () => {
    const badTag = hex(t16)
    badTag[0]! ^= 1
    expect(() => gcmDecrypt(k16, iv16, hex(c16), badTag, a16)).toThrow(AuthenticationFailedError)
    const badCt = hex(c16)
    badCt[5]! ^= 0x80
    expect(() => gcmDecrypt(k16, iv16, badCt, hex(t16), a16)).toThrow(AuthenticationFailedError)
    const badAad = Buffer.from(a16)
    badAad[19]! ^= 1
    expect(() => gcmDecrypt(k16, iv16, hex(c16), hex(t16), badAad)).toThrow(AuthenticationFailedError)
  })
})

describe('seal/open', () => {
  it('round-trips and uses a fresh nonce every time', () => {
    const key = randomKey()
    const a = seal(key, Buffer.from('hello'), 'fields:1:value_enc')
    const b = seal(key, Buffer.from('hello'), 'fields:1:value_enc')
    expect(a.equals(b)).toBe(false)
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false)
    expect(open(key, a, 'fields:1:value_enc').toString()).toBe('hello')
  })

  it('binds the ciphertext to its AAD (row and column)', () => {
    const key = randomKey()
    const blob = seal(key, Buffer.from('v'), 'fields:1:value_enc')
    expect(() => open(key, blob, 'fields:2:value_enc')).toThrow(AuthenticationFailedError)
    expect(() => open(key, blob, 'versions:1:value_enc')).toThrow(AuthenticationFailedError)
  })

  it('rejects every single-byte flip and truncation', () => {
    const key = randomKey()
    const blob = seal(key, Buffer.from('a secret value'), 'x')
    for (let i = 0; i < blob.length; i++) {
      const t = Buffer.from(blob)
      t[i]! ^= 0x01
      expect(() => open(key, t, 'x')).toThrow(AuthenticationFailedError)
    }
    expect(() => open(key, blob.subarray(0, 20), 'x')).toThrow(AuthenticationFailedError)
    expect(() => open(key, Buffer.alloc(0), 'x')).toThrow(AuthenticationFailedError)
  })

  it('wraps and unwraps a data key; a wrong KEK fails', () => {
    const kek = randomKey()
    const dek = randomKey()
    const w = wrapKey(kek, dek, 'dek')
    expect(unwrapKey(kek, w, 'dek').equals(dek)).toBe(true)
    expect(() => unwrapKey(randomKey(), w, 'dek')).toThrow(AuthenticationFailedError)
  })
})

describe('subkeys and fingerprints', () => {
  it('derives distinct subkeys and stable keyed fingerprints', () => {
    const dek = randomKey()
    const k1 = deriveSubkeys(dek, 'vault-a')
    const k2 = deriveSubkeys(dek, 'vault-b')
    expect(k1.enc.equals(k1.fingerprint)).toBe(false)
    expect(k1.enc.equals(k2.enc)).toBe(false)
    expect(fingerprint(k1.fingerprint, 'x')).toBe(fingerprint(k1.fingerprint, 'x'))
    expect(fingerprint(k1.fingerprint, 'x')).not.toBe(fingerprint(k2.fingerprint, 'x'))
    expect(fingerprint(k1.fingerprint, 'x')).toMatch(/^[0-9a-f]{4}-[0-9a-f]{4}$/)
  })
})
