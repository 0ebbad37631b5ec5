import BetterSqlite3 from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LATEST_VERSION, MIGRATIONS } from '../../../src-main/core/db/migrations'
import { migrate, openDatabase, schemaVersion } from '../../../src-main/core/db/open-database'
import { SchemaTooNewError, VaultCorruptError } from '../../../src-main/core/errors'
import { tempDir } from '../../helpers/vault.helper'
import { writeFileSync, statSync } from 'node:fs'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.()
})

function tableNames(db: BetterSqlite3.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string
    }[]
  )
    .map((r) => r.name)
    .filter((n) => !n.startsWith('sqlite_'))
}

describe('migrations', () => {
  it('are numbered in increasing steps of 10', () => {
    MIGRATIONS.forEach((m, i) => expect(m.version).toBe((i + 1) * 10))
  })

  it('build a fresh database at the latest version with STRICT tables', () => {
    const db = openDatabase(':memory:')
    expect(schemaVersion(db)).toBe(LATEST_VERSION)
    const sql = db
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence'")
      .all() as {
      sql: string
    }[]
    for (const r of sql) expect(r.sql).toMatch(/STRICT\s*$/)
    expect(tableNames(db)).toEqual(
      expect.arrayContaining(['apps', 'audit', 'credentials', 'environments', 'fields', 'meta', 'versions']),
    )
    db.close()
  })

  it('upgrade from every older version to the same schema as a fresh database', () => {
    const fresh = openDatabase(':memory:')
    const want = fresh.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all()
    for (let i = 0; i < MIGRATIONS.length; i++) {
      const db = new BetterSqlite3(':memory:')
      migrate(db, MIGRATIONS.slice(0, i))
      expect(schemaVersion(db)).toBe(MIGRATIONS[i - 1]?.version ?? 0)
      migrate(db)
      expect(schemaVersion(db)).toBe(LATEST_VERSION)
      expect(db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all()).toEqual(want)
      db.close()
    }
    fresh.close()
  })

  it('are idempotent once applied', () => {
    const db = openDatabase(':memory:')
    expect(migrate(db)).toBe(LATEST_VERSION)
    db.close()
  })

  it('roll back completely when a step fails', () => {
    const db = new BetterSqlite3(':memory:')
    const broken = [
      ...MIGRATIONS,
      {
        version: LATEST_VERSION + 10,
        name: 'broken',
        up: (d: BetterSqlite3.Database) => {
          d.exec('CREATE TABLE half (x INTEGER) STRICT')
          throw new Error('boom')
        },
      },
    ]
    expect(() => migrate(db, broken)).toThrow('boom')
    expect(schemaVersion(db)).toBe(0)
    expect(tableNames(db)).toEqual([])
    db.close()
  })

  it('refuse a database newer than the code', () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const path = join(t.dir, 'v.db')
    const raw = new BetterSqlite3(path)
    raw.pragma(`user_version = ${LATEST_VERSION + 10}`)
    raw.close()
    expect(() => openDatabase(path)).toThrow(SchemaTooNewError)
  })

  it('turn a non-SQLite file into VaultCorruptError', () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const path = join(t.dir, 'v.db')
    writeFileSync(path, Buffer.alloc(4096, 0x41))
    expect(() => openDatabase(path)).toThrow(VaultCorruptError)
  })

  it('create the vault file owner-only', () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const path = join(t.dir, 'sub', 'v.db')
    openDatabase(path).close()
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(join(t.dir, 'sub')).mode & 0o777).toBe(0o700)
  })
})
