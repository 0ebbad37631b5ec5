import BetterSqlite3 from 'better-sqlite3'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createCore } from '../../../src-main/core/core'
import { openDatabase } from '../../../src-main/core/db/open-database'
import { fileSystemError } from '../../../src-main/core/fs-errors'
import {
  credentialInput,
  newVault,
  seedAppEnv,
  tempDir,
  TEST_KDF,
  TEST_PASSWORD,
} from '../../helpers/vault.helper'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

const mode = (p: string) => statSync(p).mode & 0o777

async function outcome<T>(p: Promise<T>): Promise<T | string> {
  return p.catch((e: { code?: string; message?: string }) => `error ${e.code}: ${e.message}`)
}

describe('the vault file', () => {
  it.each([0, 1])('a %i-byte vault file is VAULT_CORRUPT and is not rewritten', async (size) => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const path = join(t.dir, 'vault.db')
    writeFileSync(path, Buffer.alloc(size, 0x53))
    const svc = createCore({ vaultPath: path })
    cleanups.push(() => svc.close())
    expect(await outcome(svc.unlock({ password: TEST_PASSWORD }))).toMatch(/^error VAULT_CORRUPT/)
    expect(await outcome(svc.status())).toMatch(/^error VAULT_CORRUPT/)
    expect(readFileSync(path).length).toBe(size)
    expect(existsSync(path + '-wal')).toBe(false)
  })

  it('init over an existing empty file works and leaves the file, -wal and -shm owner-only', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const path = join(t.dir, 'vault.db')
    writeFileSync(path, '')
    chmodSync(path, 0o644)
    const svc = createCore({ vaultPath: path })
    cleanups.push(() => svc.close())
    await svc.create({ password: TEST_PASSWORD, kdf: TEST_KDF })
    expect(mode(path)).toBe(0o600)
    for (const s of ['-wal', '-shm']) if (existsSync(path + s)) expect(mode(path + s), s).toBe(0o600)
    expect(existsSync(path + '-wal')).toBe(true)
  })

  it('a vault copied in with mode 0644 (and its -wal/-shm) ends owner-only on open', async () => {
    const v = await newVault()
    cleanups.push(v.cleanup)
    await v.svc.close()
    const copy = join(v.dir, 'copy.db')
    copyFileSync(v.path, copy)
    chmodSync(copy, 0o644)
    writeFileSync(copy + '-shm', Buffer.alloc(0))
    chmodSync(copy + '-shm', 0o644)
    const svc = createCore({ vaultPath: copy })
    cleanups.push(() => svc.close())
    await svc.unlock({ password: TEST_PASSWORD })
    expect(mode(copy)).toBe(0o600)
    expect(mode(copy + '-wal')).toBe(0o600)
    expect(mode(copy + '-shm')).toBe(0o600)
  })

  it('PRAGMA quick_check runs on open: a damaged index page is VAULT_CORRUPT before anything is read', async () => {
    const v = await newVault()
    cleanups.push(v.cleanup)
    const { envId } = await seedAppEnv(v.svc)
    for (let i = 0; i < 3; i++)
      await v.svc.createCredential(
        credentialInput(envId, {
          name: `k${i}`,
          fields: [{ label: 'S', envVar: `S_${i}`, kind: 'secret', value: `v${i}` }],
        }),
      )
    await v.svc.close()
    const raw = new BetterSqlite3(v.path)
    const { rootpage } = raw
      .prepare("SELECT rootpage FROM sqlite_master WHERE name = 'fields_credential'")
      .get() as {
      rootpage: number
    }
    const pageSize = raw.pragma('page_size', { simple: true }) as number
    raw.close()
    const bytes = readFileSync(v.path)
    bytes[(rootpage - 1) * pageSize] = 0x07 // not a valid b-tree page type
    writeFileSync(v.path, bytes)
    const svc = createCore({ vaultPath: v.path })
    cleanups.push(() => svc.close())
    expect(await outcome(svc.unlock({ password: TEST_PASSWORD }))).toMatch(/^error VAULT_CORRUPT/)
  })

  it('a folder where the vault should be is one clear FILE_ERROR naming the path, and leaves no -wal/-shm', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const path = join(t.dir, 'vault.db')
    mkdirSync(path)
    const svc = createCore({ vaultPath: path })
    cleanups.push(() => svc.close())
    const got = await outcome(svc.unlock({ password: TEST_PASSWORD }))
    expect(got).toBe(`error FILE_ERROR: Cannot use ${path}: it is a folder, not a file; choose a file path.`)
    expect(existsSync(path + '-wal')).toBe(false)
    expect(existsSync(path + '-shm')).toBe(false)
  })

  it('a vault path below a file is FILE_ERROR naming the cause', () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    writeFileSync(join(t.dir, 'plain'), 'x')
    const path = join(t.dir, 'plain', 'vault.db')
    expect(() => openDatabase(path)).toThrow(/^Cannot use .*plain\/vault\.db: .*(not a folder)/)
  })

  it('read-only vault and folder errors from SQLite become one sentence naming the path and the cause', () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const path = join(t.dir, 'vault.db')
    writeFileSync(path, 'x')
    const sqliteError = (code: string) =>
      Object.assign(new Error('attempt to write a readonly database'), { code })
    // (as root, chmod cannot make a real file read-only, so the classification is checked on SQLite's codes)
    expect(fileSystemError(sqliteError('SQLITE_READONLY'), path)?.message).toMatch(
      new RegExp(`^Cannot use ${path}: .*read-only.*\\.$`),
    )
    expect(fileSystemError(sqliteError('SQLITE_FULL'), path)?.message).toBe(
      `Cannot use ${path}: the disk is full; free some space and try again.`,
    )
    expect(fileSystemError(sqliteError('SQLITE_CANTOPEN'), join(t.dir, 'missing', 'v.db'))?.message).toMatch(
      /its folder does not exist/,
    )
    expect(fileSystemError(Object.assign(new Error('x'), { code: 'EROFS' }), path)?.code).toBe('FILE_ERROR')
    expect(fileSystemError(new Error('no code'), path)).toBeNull()
  })

  it('VAULT_CORRUPT no longer claims that nothing was changed', async () => {
    const v = await newVault()
    cleanups.push(v.cleanup)
    await v.svc.close()
    const raw = new BetterSqlite3(v.path)
    raw.prepare("UPDATE audit SET event = 'lock'").run()
    raw.close()
    const svc = createCore({ vaultPath: v.path })
    cleanups.push(() => svc.close())
    await svc.unlock({ password: TEST_PASSWORD }) // writes its own audit row
    const got = await outcome(svc.auditLog({ limit: 10 }))
    expect(got).toMatch(/^error VAULT_CORRUPT/)
    expect(String(got)).not.toMatch(/nothing was changed/i)
  })

  it.each([
    ['huge iterations', { iterations: 1_000_000_000 }],
    ['parallelism 0', { parallelism: 0 }],
    ['4 TiB of memory', { memoryKiB: 4 * 1024 ** 3 }],
    ['a fractional cost', { iterations: 2.5 }],
  ])(
    'a header with %s (checksum recomputed) is VAULT_CORRUPT before Argon2 runs',
    async (_name, over) => {
      const v = await newVault()
      cleanups.push(v.cleanup)
      await v.svc.close()
      const raw = new BetterSqlite3(v.path)
      const m = new Map(
        (raw.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [
          r.key,
          r.value,
        ]),
      )
      const kdf = { ...JSON.parse(m.get('kdf')!), ...over }
      const sum = createHash('sha256')
        .update(
          JSON.stringify([m.get('format'), m.get('vault_id'), kdf, m.get('salt'), m.get('wrapped_key')]),
        )
        .digest('hex')
      raw.prepare("UPDATE meta SET value = ? WHERE key = 'kdf'").run(JSON.stringify(kdf))
      raw.prepare("UPDATE meta SET value = ? WHERE key = 'header_checksum'").run(sum)
      raw.close()
      const svc = createCore({ vaultPath: v.path })
      cleanups.push(() => svc.close())
      expect(await outcome(svc.unlock({ password: TEST_PASSWORD }))).toMatch(
        /^error VAULT_CORRUPT: .*KDF parameters/,
      )
    },
    10_000,
  )
})
