import BetterSqlite3 from 'better-sqlite3'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Readable, Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { contract } from '../../../src-shared/contract'
import { runCli } from '../../../src-main/cli/run-cli'
import { createCore, KeyshelfCore } from '../../../src-main/core/core'
import { SyncRepository } from '../../../src-main/core/sync/sync.repository'
import { ROW_BINDING } from '../../../src-main/core/vault/row-binding'
import { credentialInput, newVault, seedAppEnv, TEST_PASSWORD } from '../../helpers/vault.helper'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

async function vault() {
  const v = await newVault()
  cleanups.push(v.cleanup)
  return v
}

/** Reads everything an attacker with the files would get, through every read path. */
async function readEverything(svc: KeyshelfCore): Promise<void> {
  await svc.unlock({ password: TEST_PASSWORD })
  await svc.listApps()
  for (const app of await svc.listApps()) await svc.listEnvironments({ appId: app.id })
  for (const c of await svc.listCredentials({})) {
    for (const f of c.fields) await svc.reveal({ fieldId: f.id })
    for (const v of await svc.history({ credentialId: c.id })) {
      for (const f of v.fields) await svc.revealVersion({ versionId: v.id, fieldId: f.fieldId })
    }
  }
  await svc.auditLog({ limit: 10_000 })
}

async function populated() {
  const v = await vault()
  const { appId, envId } = await seedAppEnv(v.svc)
  await v.svc.updateApp({ id: appId, patch: { description: 'notifications', tags: ['prod'] } })
  const c = await v.svc.createCredential(
    credentialInput(envId, {
      fields: [
        { label: 'App id', envVar: 'NOVU_APP_ID', kind: 'public', value: 'app-identifier-1' },
        { label: 'Secret', envVar: 'NOVU_SECRET_KEY', kind: 'secret', value: 'sk_first_value_0001' },
      ],
    }),
  )
  await v.svc.rotate({
    credentialId: c.id,
    values: [{ fieldId: c.fields[1]!.id, value: 'sk_second_value_002' }],
  })
  await v.svc.close()
  return v
}

const ENCRYPTED_COLUMNS: [table: string, column: string][] = [
  ['apps', 'enc'],
  ['environments', 'enc'],
  ['credentials', 'enc'],
  ['fields', 'value_enc'],
  ['versions', 'meta_enc'],
  ['versions', 'values_enc'],
  ['audit', 'details_enc'],
]

describe('tampering', () => {
  it('every single-byte flip in every stored ciphertext gives a named VAULT_CORRUPT error', async () => {
    const v = await populated()
    let checked = 0
    for (const [table, column] of ENCRYPTED_COLUMNS) {
      const raw = new BetterSqlite3(v.path)
      const rows = raw.prepare(`SELECT rowid AS r, ${column} AS b FROM ${table}`).all() as {
        r: number
        b: Buffer
      }[]
      raw.close()
      expect(rows.length).toBeGreaterThan(0)
      for (const row of rows) {
        // the version byte, the nonce, the first ciphertext byte and the tag
        const positions = new Set([0, 5, 13, row.b.length - 1])
        for (const pos of positions) {
          const db = new BetterSqlite3(v.path)
          const flipped = Buffer.from(row.b)
          flipped[pos]! ^= 0x20
          db.prepare(`UPDATE ${table} SET ${column} = ? WHERE rowid = ?`).run(flipped, row.r)
          db.close()
          const svc = new KeyshelfCore({ vaultPath: v.path })
          const outcome = await readEverything(svc).then(
            () => 'no error',
            (e: { code?: string }) => e.code,
          )
          expect(`${table}.${column}[${pos}]: ${outcome}`).toBe(`${table}.${column}[${pos}]: VAULT_CORRUPT`)
          await svc.close()
          const restore = new BetterSqlite3(v.path)
          restore.prepare(`UPDATE ${table} SET ${column} = ? WHERE rowid = ?`).run(row.b, row.r)
          restore.close()
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(30)
    // and after restoring, everything reads again
    const svc = new KeyshelfCore({ vaultPath: v.path })
    await readEverything(svc)
    await svc.close()
  }, 400_000)

  it('a ciphertext swapped between rows or columns fails to decrypt', async () => {
    const v = await populated()
    const db = new BetterSqlite3(v.path)
    const [a, b] = db.prepare('SELECT id, value_enc FROM fields').all() as { id: string; value_enc: Buffer }[]
    db.prepare('UPDATE fields SET value_enc = ? WHERE id = ?').run(b!.value_enc, a!.id)
    db.close()
    const svc = new KeyshelfCore({ vaultPath: v.path })
    await expect(readEverything(svc)).rejects.toMatchObject({ code: 'VAULT_CORRUPT' })
    await svc.close()
  })

  it('a modified header is reported as corrupt, not as a wrong password', async () => {
    const v = await populated()
    const db = new BetterSqlite3(v.path)
    const w = db.prepare("SELECT value FROM meta WHERE key = 'wrapped_key'").get() as { value: string }
    const bytes = Buffer.from(w.value, 'base64')
    bytes[20]! ^= 1
    db.prepare("UPDATE meta SET value = ? WHERE key = 'wrapped_key'").run(bytes.toString('base64'))
    db.close()
    const svc = new KeyshelfCore({ vaultPath: v.path })
    await expect(svc.unlock({ password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'VAULT_CORRUPT' })
    await svc.close()
  })

  it('a truncated or garbage vault file is reported as corrupt', async () => {
    const v = await populated()
    const { writeFileSync } = await import('node:fs')
    writeFileSync(v.path, randomBytes(8192))
    const svc = new KeyshelfCore({ vaultPath: v.path })
    await expect(svc.unlock({ password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'VAULT_CORRUPT' })
  })
})

describe('wrong password', () => {
  it('leaves the vault files byte-for-byte unchanged', async () => {
    const v = await populated()
    const snapshot = () =>
      readdirSync(v.dir)
        .sort()
        .map((f) => [
          f,
          createHash('sha256')
            .update(readFileSync(join(v.dir, f)))
            .digest('hex'),
        ])
    const before = snapshot()
    const svc = new KeyshelfCore({ vaultPath: v.path })
    for (let i = 0; i < 3; i++) {
      await expect(svc.unlock({ password: `wrong-${i}` })).rejects.toMatchObject({ code: 'WRONG_PASSWORD' })
    }
    await svc.close()
    expect(snapshot()).toEqual(before)
  })
})

describe('nothing the user typed is stored in clear', () => {
  it('100 random canary names and values are absent from the vault file, -wal, -shm and the folder', async () => {
    const v = await vault()
    const canaries: string[] = []
    const canary = (prefix: string) => {
      const c = `${prefix}${randomBytes(9).toString('hex').toUpperCase()}`
      canaries.push(c)
      return c
    }
    const scan = (expectWal: boolean) => {
      const files = readdirSync(v.dir)
      expect(files.some((f) => f.endsWith('-wal'))).toBe(expectWal)
      for (const f of files) {
        const bytes = readFileSync(join(v.dir, f))
        for (const c of canaries) {
          expect(bytes.includes(Buffer.from(c, 'utf8')), `${c} in ${f}`).toBe(false)
          expect(bytes.includes(Buffer.from(c, 'utf16le')), `${c} (utf16) in ${f}`).toBe(false)
        }
        expect(f).not.toMatch(/CANARY/)
      }
    }
    for (let a = 0; a < 4; a++) {
      const app = await v.svc.createApp({
        name: canary('APPNAME'),
        description: canary('DESC'),
        appId: canary('APPID'),
        tags: [canary('TAG')],
        notes: canary('NOTE'),
      })
      const env = await v.svc.createEnvironment({
        appId: app.id,
        name: canary('ENVNAME'),
        apiUrl: `https://${canary('HOST')}.example`,
        wsUrl: '',
        region: canary('REGION'),
        notes: '',
      })
      for (let k = 0; k < 4; k++) {
        const c = await v.svc.createCredential(
          credentialInput(env.id, {
            name: canary('KEYNAME'),
            owner: canary('OWNER'),
            fields: [
              {
                label: canary('LABEL'),
                envVar: canary('ENVVAR_'),
                kind: 'secret',
                value: canary('SECRETVALUE'),
              },
              { label: '', envVar: canary('PUB_'), kind: 'public', value: canary('PUBLICVALUE') },
            ],
          }),
        )
        await v.svc.rotate({
          credentialId: c.id,
          values: [{ fieldId: c.fields[0]!.id, value: canary('ROTATED') }],
        })
      }
    }
    expect(canaries.length).toBeGreaterThanOrEqual(100)
    scan(true) // while open: the WAL holds recent pages
    await v.svc.close()
    scan(false) // after close SQLite checkpoints and removes the WAL
    expect(existsSync(v.path)).toBe(true)
  })
})

describe('values round-trip exactly', () => {
  const values: [string, string][] = [
    ['newlines', 'line1\nline2\r\nline3\r'],
    ['quotes', `'single' "double" \`back\` \\ \\n $HOME #hash =eq`],
    ['NUL', 'before\u0000after\u0000'],
    ['emoji', '🔑🗝️ key 👩‍💻 naïve café 漢字'],
    ['invalid-looking UTF-8', '\u00c3\u0028\u00a0\u00ff\ufffd\ufeff\u200b'],
    ['leading/trailing space', '  padded \t'],
    ['empty', ''],
    ['64 KiB', 'x'.repeat(32 * 1024) + '€'.repeat(10 * 1024) + randomBytes(6 * 1024).toString('base64')],
  ]
  it.each(values)('%s', async (_name, value) => {
    const v = await vault()
    const { envId } = await seedAppEnv(v.svc)
    const c = await v.svc.createCredential(
      credentialInput(envId, { fields: [{ label: '', envVar: 'V', kind: 'secret', value }] }),
    )
    await v.svc.close()
    const svc = new KeyshelfCore({ vaultPath: v.path })
    cleanups.push(() => svc.close())
    await svc.unlock({ password: TEST_PASSWORD })
    const got = (await svc.reveal({ fieldId: c.fields[0]!.id })).value
    expect(got).toBe(value)
    expect(Buffer.from(got, 'utf8').equals(Buffer.from(value, 'utf8'))).toBe(true)
  })

  it('refuses an unpaired surrogate instead of storing a different value', () => {
    const r = contract.createCredential.input.safeParse({
      environmentId: '00000000-0000-4000-8000-000000000000',
      name: 'x',
      fields: [{ envVar: 'X', kind: 'secret', value: 'a\ud800b' }],
    })
    expect(r.success).toBe(false)
  })
})

describe('plaintext columns', () => {
  const FIXED_NOW = 1_800_000_000_000

  /** A vault with every table populated: apps, environments, keys, fields, history, audit, a connection, a journal row. */
  async function everyTable() {
    const v = await vault()
    const { appId, envId } = await seedAppEnv(v.svc, 'Shop', 'Prod')
    const staging = await v.svc.createEnvironment({
      appId,
      name: 'Staging',
      apiUrl: '',
      wsUrl: '',
      region: '',
      notes: '',
    })
    const a = await v.svc.createCredential(
      credentialInput(envId, {
        name: 'Database',
        expiresAt: 1_900_000_000_000,
        fields: [
          { label: 'URL', envVar: 'DATABASE_URL', kind: 'secret', value: 'postgres://prod/db-0001' },
          { label: 'Host', envVar: 'DATABASE_HOST', kind: 'public', value: 'prod.internal' },
        ],
      }),
    )
    await v.svc.createCredential(
      credentialInput(staging.id, {
        name: 'Database',
        status: 'revoked',
        rotationIntervalDays: 30,
        fields: [
          { label: 'URL', envVar: 'DATABASE_URL', kind: 'secret', value: 'postgres://staging/db-0002' },
        ],
      }),
    )
    await v.svc.rotate({
      credentialId: a.id,
      values: [{ fieldId: a.fields[0]!.id, value: 'postgres://prod/db-0003' }],
    })
    const sync = new SyncRepository(v.svc.repository())
    v.svc.transaction(() => {
      sync.putConnection({
        id: 'conn-1',
        appId,
        environmentId: envId,
        tokenCredentialId: a.id,
        createdAt: 1_700_000_000_000,
        lastSyncedAt: 1_700_000_500_000,
        provider: 'cloudflare',
        baseUrl: 'https://api.cloudflare.com/client/v4',
        region: '',
        accountId: 'acc',
        authScheme: null,
        wsUrl: null,
      })
      for (const [id, state] of [
        ['journal-1', 'done'],
        ['journal-2', 'failed'],
      ] as const) {
        sync.putJournal({
          id,
          credentialId: a.id,
          connectionId: 'conn-1',
          startedAt: 1_700_000_000_000 + id.length,
          finishedAt: 1_700_000_001_000,
          state,
          provider: 'cloudflare',
          oldRemoteId: 'old',
          strategy: 'single',
          revokeRemoteId: null,
          revokeAfter: null,
          revoked: false,
          note: null,
          answer: null,
        })
      }
    })
    const key = v.svc.dataKeyForQuickUnlock()
    await v.svc.close()
    return { ...v, key }
  }

  /** Everything the API returns for the vault, with the data key (no Argon2 per mutation). */
  async function everything(path: string, key: Buffer): Promise<string> {
    const svc = createCore({ vaultPath: path, clock: () => FIXED_NOW })
    try {
      await svc.unlockWithDataKey(key)
      const out: unknown[] = []
      const apps = await svc.listApps()
      out.push(apps)
      for (const app of apps) out.push(await svc.listEnvironments({ appId: app.id }))
      const creds = await svc.listCredentials({})
      out.push(creds)
      for (const c of creds) {
        for (const f of c.fields) out.push(await svc.reveal({ fieldId: f.id }))
        for (const h of await svc.history({ credentialId: c.id })) {
          out.push(h)
          for (const f of h.fields) out.push(await svc.revealVersion({ versionId: h.id, fieldId: f.fieldId }))
        }
        out.push(new SyncRepository(svc.repository()).journalFor(c.id))
      }
      out.push(await svc.listConnections({}))
      out.push((await svc.auditLog({ limit: 1000 })).map(({ id: _id, ...rest }) => rest))
      return JSON.stringify(out)
    } finally {
      await svc.close()
    }
  }

  it('every plaintext column of every table, flipped or swapped between rows, is VAULT_CORRUPT or reads correctly', async () => {
    const v = await everyTable()
    const { copyFileSync } = await import('node:fs')
    const base = join(v.dir, 'base.db')
    copyFileSync(v.path, base)
    const work = join(v.dir, 'work.db')
    const reset = () => {
      for (const s of ['-wal', '-shm']) rmSync(work + s, { force: true })
      copyFileSync(base, work)
    }
    reset()
    const expected = await everything(work, v.key)
    const raw = new BetterSqlite3(base, { readonly: true })
    // Team tables stay empty in this single-person vault; their binding is exercised by the team tests.
    const tables = (Object.keys(ROW_BINDING) as (keyof typeof ROW_BINDING)[]).filter(
      (t) => !t.startsWith('team_'),
    )
    const mutations: { label: string; sql: string; params: unknown[] }[] = []
    for (const table of tables) {
      const sealed = new Set<string>(ROW_BINDING[table].sealed)
      const columns = (raw.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
        .map((c) => c.name)
        .filter((c) => !sealed.has(c))
      const rows = raw.prepare(`SELECT rowid AS _r, * FROM ${table}`).all() as Record<string, unknown>[]
      expect(rows.length, table).toBeGreaterThan(0)
      for (const col of columns) {
        const distinct = [...new Set(rows.map((r) => r[col]))]
        for (const [i, row] of rows.entries()) {
          const v0 = row[col]
          const candidates = new Set<unknown>([
            ...distinct.filter((d) => d !== v0),
            typeof v0 === 'number' ? v0 + 1 : typeof v0 === 'string' ? `${v0}x` : 1,
            null,
            ...(col === 'status' ? ['active', 'revoked', 'expired'] : []),
            ...(col === 'state' ? ['pending', 'done', 'failed', 'unknown', 'settled'] : []),
            ...(col === 'rotation_state' ? ['settled', 'unknown'] : []),
            ...(col === 'kind' ? ['secret', 'public'] : []),
          ])
          candidates.delete(v0)
          for (const c of candidates) {
            mutations.push({
              label: `${table}.${col} row ${i}: ${String(v0)} -> ${String(c)}`,
              sql: `UPDATE ${table} SET ${col} = ? WHERE rowid = ?`,
              params: [c, row._r],
            })
          }
          const next = rows[(i + 1) % rows.length]!
          if (next !== row && next[col] !== v0) {
            mutations.push({
              label: `${table}.${col} swapped rows ${i}/${(i + 1) % rows.length}`,
              sql: `UPDATE ${table} SET ${col} = CASE rowid WHEN ? THEN ? ELSE ? END WHERE rowid IN (?, ?)`,
              params: [row._r, next[col], v0, row._r, next._r],
            })
          }
        }
      }
    }
    raw.close()
    let corrupt = 0
    let same = 0
    let refused = 0
    const wrong: string[] = []
    for (const m of mutations) {
      reset()
      const db = new BetterSqlite3(work)
      try {
        db.prepare(m.sql).run(...m.params)
      } catch {
        refused++ // NOT NULL / CHECK / PRIMARY KEY: SQLite itself refuses this edit
        db.close()
        continue
      }
      db.close()
      const got = await everything(work, v.key).catch((e: { code?: string }) => `error ${e.code}`)
      if (got === 'error VAULT_CORRUPT') corrupt++
      else if (got === expected) same++
      else wrong.push(`${m.label}: ${got.startsWith('error') ? got : 'a different answer'}`)
    }
    expect(wrong).toEqual([])
    expect(corrupt).toBeGreaterThan(200)
    expect(mutations.length - refused).toBe(corrupt + same)
  }, 300_000)

  /**
   * `keyshelf key list --json`, literally: the CLI's own command code run in-process (`runCli`, the function
   * the binary runs) with stdout and stderr captured. The vault is unlocked with its data key, the way the
   * unlock agent serves a command (no Argon2 per run), through a core the command calls as usual; an error
   * while unlocking goes through the CLI's error path like any other.
   */
  async function keyList(path: string, key: Buffer): Promise<{ code: number; out: string; err: string }> {
    const svc = createCore({ vaultPath: path, clock: () => FIXED_NOW })
    let opened: Promise<unknown> | null = null
    const agentCore = new Proxy(svc, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown
        if (typeof v !== 'function') return v
        return async (...args: unknown[]) => {
          opened ??= target.unlockWithDataKey(key)
          await opened
          return (v as (...a: unknown[]) => unknown).apply(target, args)
        }
      },
    })
    const out: string[] = []
    const err: string[] = []
    const sink = (into: string[]) =>
      new Writable({
        write(chunk: Buffer, _enc, done) {
          into.push(chunk.toString('utf8'))
          done()
        },
      })
    try {
      const r = await runCli(
        ['key', 'list', '--json'],
        {
          stdin: Readable.from([]),
          stdout: sink(out),
          stderr: sink(err),
          env: { KEYSHELF_VAULT: path, VITEST: 'true' },
        },
        { core: agentCore },
      )
      return { code: r.code, out: out.join(''), err: err.join('') }
    } finally {
      await svc.close()
    }
  }

  it('1,000 random byte flips of the vault file: 0 silently different `key list --json` outputs, no unnamed error', async () => {
    const v = await everyTable()
    const { writeFileSync } = await import('node:fs')
    const bytes = readFileSync(v.path)
    const work = join(v.dir, 'flip.db')
    const expected = await keyList(v.path, v.key)
    expect(expected.code).toBe(0)
    expect(JSON.parse(expected.out)).toHaveLength(2)
    let seed = 0x9e3779b9
    const rand = () => {
      seed ^= seed << 13
      seed ^= seed >>> 17
      seed ^= seed << 5
      return (seed >>> 0) / 2 ** 32
    }
    const outcomes = new Map<string, number>()
    const wrong: string[] = []
    for (let i = 0; i < 1000; i++) {
      for (const s of ['-wal', '-shm']) rmSync(work + s, { force: true })
      const flipped = Buffer.from(bytes)
      const pos = Math.floor(rand() * flipped.length)
      flipped[pos]! ^= 1 << Math.floor(rand() * 8)
      writeFileSync(work, flipped)
      const got = await keyList(work, v.key)
      // --json errors are one JSON object on stderr with the error code and the exit code.
      const error =
        got.code === 0 ? null : (JSON.parse(got.err) as { error: { code: string; exit: number } }).error
      const kind =
        got.code === 0
          ? got.out === expected.out
            ? 'same'
            : 'DIFFERENT'
          : `exit ${got.code} ${error?.code ?? '?'}`
      outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1)
      if (!/^(same|exit 4 VAULT_CORRUPT|exit 3 WRONG_PASSWORD|exit 1 SCHEMA_TOO_NEW)$/.test(kind))
        wrong.push(`byte ${pos}: ${kind}`)
    }
    console.log('byte flips:', Object.fromEntries(outcomes))
    expect(wrong).toEqual([])
    expect(outcomes.get('exit 4 VAULT_CORRUPT') ?? 0).toBeGreaterThan(20)
  }, 600_000)
})
