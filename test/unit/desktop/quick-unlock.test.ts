import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createCore, type KeyshelfCore } from '../../../src-main/core/core'
import {
  QuickUnlock,
  fileBlobStore,
  type BlobStore,
  type SecretProtector,
} from '../../../src-main/core/desktop/quick-unlock'

const KDF = { memoryKiB: 19 * 1024, iterations: 2 }
const PASSWORD = 'correct horse battery staple'

/** A reversible stand-in for the OS keychain (XOR with a key), with a switchable backend. */
class FakeKeychain implements SecretProtector {
  reason: string | null = null
  broken = false
  unavailableReason() {
    return this.reason
  }
  encrypt(plain: string) {
    return Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a))
  }
  decrypt(data: Buffer) {
    if (this.broken) throw new Error('keychain locked')
    return Buffer.from(data.map((b) => b ^ 0x5a)).toString('utf8')
  }
}

function memoryStore(): BlobStore & { data: Buffer | null } {
  return {
    data: null,
    read() {
      return this.data
    },
    write(d) {
      this.data = d
    },
    remove() {
      this.data = null
    },
  }
}

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'keyshelf-quick-'))
  const keychain = new FakeKeychain()
  const store = memoryStore()
  const core: KeyshelfCore = createCore({
    vaultPath: join(dir, 'vault.db'),
    quickUnlock: new QuickUnlock(keychain, store),
  })
  await core.create({ password: PASSWORD, kdf: KDF })
  cleanups.push(async () => {
    await core.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { core, keychain, store, dir }
}

describe('quick unlock', () => {
  it('is off by default', async () => {
    const { core } = await setup()
    expect(await core.quickUnlockStatus()).toEqual({ available: true, enabled: false, reason: null })
  })

  it('turns on only with the right master password, then unlocks without typing', async () => {
    const { core, store } = await setup()
    await expect(core.setQuickUnlock({ enabled: true, password: 'wrong password' })).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
    })
    expect(store.data).toBeNull()
    await expect(core.setQuickUnlock({ enabled: true })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(await core.setQuickUnlock({ enabled: true, password: PASSWORD })).toMatchObject({ enabled: true })
    expect(store.data?.toString('utf8')).not.toContain(PASSWORD)
    await core.lock()
    expect((await core.quickUnlock()).state).toBe('unlocked')
  })

  it('refuses a keychain that cannot protect the password (Linux basic_text)', async () => {
    const { core, keychain } = await setup()
    keychain.reason = 'No keyring is running.'
    expect(await core.quickUnlockStatus()).toEqual({
      available: false,
      enabled: false,
      reason: 'No keyring is running.',
    })
    await expect(core.setQuickUnlock({ enabled: true, password: PASSWORD })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'No keyring is running.',
    })
  })

  it('turns off, forgetting the stored entry', async () => {
    const { core, store } = await setup()
    await core.setQuickUnlock({ enabled: true, password: PASSWORD })
    expect(await core.setQuickUnlock({ enabled: false })).toMatchObject({ enabled: false })
    expect(store.data).toBeNull()
    await core.lock()
    await expect(core.quickUnlock()).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('follows a password change made in the app', async () => {
    const { core } = await setup()
    await core.setQuickUnlock({ enabled: true, password: PASSWORD })
    await core.changePassword({ current: PASSWORD, next: 'a brand new passphrase' })
    await core.lock()
    expect((await core.quickUnlock()).state).toBe('unlocked')
  })

  it('keeps the data key in the keychain, never the password, and still works after a password change elsewhere', async () => {
    const { core, store, keychain } = await setup()
    await core.setQuickUnlock({ enabled: true, password: PASSWORD })
    const kept = keychain.decrypt(store.data!)
    expect(kept).not.toContain(PASSWORD)
    expect(Buffer.from(kept, 'base64')).toHaveLength(32)
    await core.lock()
    expect((await core.quickUnlock()).state).toBe('unlocked')
  })

  it('turns itself off when the stored key no longer opens the vault', async () => {
    const { core, store, keychain } = await setup()
    await core.setQuickUnlock({ enabled: true, password: PASSWORD })
    store.write(keychain.encrypt(Buffer.alloc(32, 7).toString('base64')))
    await core.lock()
    await expect(core.quickUnlock()).rejects.toMatchObject({ code: 'WRONG_PASSWORD' })
    expect(store.data).toBeNull()
    expect((await core.status()).state).toBe('locked')
  })

  it('removes an entry the keychain cannot read', async () => {
    const { core, store, keychain } = await setup()
    await core.setQuickUnlock({ enabled: true, password: PASSWORD })
    keychain.broken = true
    await core.lock()
    await expect(core.quickUnlock()).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(store.data).toBeNull()
  })

  it('reports unavailable where there is no keychain port (CLI, tests)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyshelf-quick-'))
    const core = createCore({ vaultPath: join(dir, 'vault.db') })
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    expect(await core.quickUnlockStatus()).toMatchObject({ available: false, enabled: false })
    await expect(core.quickUnlock()).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })

  it('keeps the entry in a 0600 file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyshelf-quick-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const store = fileBlobStore(join(dir, 'quick-unlock.bin'))
    expect(store.read()).toBeNull()
    store.write(Buffer.from([1, 2, 3]))
    expect([...(store.read() ?? [])]).toEqual([1, 2, 3])
    expect(statSync(join(dir, 'quick-unlock.bin')).mode & 0o777).toBe(0o600)
    store.remove()
    expect(store.read()).toBeNull()
  })

  it('writes through a random O_EXCL temp file: a link planted at the old fixed temp name is not followed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyshelf-quick-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const target = join(dir, 'quick-unlock.bin')
    const elsewhere = join(dir, 'attacker-readable')
    writeFileSync(elsewhere, 'untouched')
    chmodSync(elsewhere, 0o644)
    symlinkSync(elsewhere, `${target}.tmp`)
    const store = fileBlobStore(target)
    store.write(Buffer.from([9, 8, 7]))
    expect(readFileSync(elsewhere, 'utf8')).toBe('untouched')
    expect([...(store.read() ?? [])]).toEqual([9, 8, 7])
    expect(lstatSync(target).isSymbolicLink()).toBe(false)
    expect(statSync(target).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') && f !== 'quick-unlock.bin.tmp')).toEqual([])
  })
})
