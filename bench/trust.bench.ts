/**
 * Trust benchmark (issue 9): at 10,000 keys (plus their history and audit rows), how long
 * - `rekey` takes (every ciphertext re-sealed, fingerprints recomputed, header re-wrapped, one transaction);
 * - the first unlock of a vault written with the previous AAD takes to upgrade it to row binding;
 * - opening the file takes (PRAGMA quick_check + schema check);
 * - the structure digest costs: per write (one key added, one rotated) and its check at unlock.
 * Uses the default KDF. Numbers, not assertions. Run with `npm run bench -- trust`.
 * KEYSHELF_BENCH_CACHE=<dir> keeps the built 10,000-key vault there and reuses it on the next run.
 */
import BetterSqlite3 from 'better-sqlite3'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { open as openSealed, seal } from '../src-main/core/crypto/aead'
import { deriveSubkeys } from '../src-main/core/crypto/subkeys'
import { createCore } from '../src-main/core/core'
import { openDatabase } from '../src-main/core/db/open-database'
import { readHeader } from '../src-main/core/vault/vault-header'
import {
  idColumnOf,
  legacyAad,
  ROW_BINDING,
  rowAad,
  type SealedTable,
} from '../src-main/core/vault/row-binding'
import { upgradeRowBinding } from '../src-main/core/vault/row-binding-upgrade'
import { verifyStructureDigest } from '../src-main/core/vault/structure-digest'

const TOTAL = 10_000
const PASSWORD = 'bench password, long enough'

/** Turns a row-bound vault back into the previous format (AAD `table:id:column`, no marker). */
function downgrade(path: string, dataKey: Buffer): void {
  const db = new BetterSqlite3(path)
  const keys = deriveSubkeys(dataKey, readHeader(db).vaultId)
  db.transaction(() => {
    for (const table of Object.keys(ROW_BINDING) as SealedTable[]) {
      const { sealed } = ROW_BINDING[table]
      const idCol = idColumnOf(table)
      const update = db.prepare(
        `UPDATE ${table} SET ${sealed.map((c) => `${c} = ?`).join(', ')} WHERE ${idCol} = ?`,
      )
      for (const row of db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[]) {
        const id = row[idCol] as string
        update.run(
          ...sealed.map((c) =>
            seal(
              keys.enc,
              openSealed(keys.enc, row[c] as Buffer, rowAad(table, id, c, row)),
              legacyAad(table, id, c),
            ),
          ),
          id,
        )
      }
    }
    db.prepare("DELETE FROM meta WHERE key = 'row_binding'").run()
  })()
  db.close()
}

/** Builds the 10,000-key vault at `path` (10% of the keys with one rotation in their history). */
async function build(path: string): Promise<void> {
  const svc = createCore({ vaultPath: path })
  await svc.create({ password: PASSWORD })
  const app = await svc.createApp({ name: 'bench', description: '', appId: '', tags: [], notes: '' })
  const env = await svc.createEnvironment({
    appId: app.id,
    name: 'Production',
    apiUrl: '',
    wsUrl: '',
    region: '',
    notes: '',
  })
  const lines = Array.from(
    { length: TOTAL },
    (_, i) => `KEY_${i}=sk_live_${i.toString(36).padStart(8, '0')}_value`,
  )
  await svc.importApply({ environmentId: env.id, text: lines.join('\n') })
  // history for a tenth of the keys
  const changed = lines.map((l, i) => (i % 10 === 0 ? `${l}_v2` : l))
  await svc.importApply({ environmentId: env.id, text: changed.join('\n') })
  await svc.close()
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyshelf-trust-bench-'))
  const path = join(dir, 'vault.db')
  try {
    const cache = process.env['KEYSHELF_BENCH_CACHE']
    const cached = cache ? join(cache, 'trust-10k.db') : null
    let t = performance.now()
    if (cached && existsSync(cached)) copyFileSync(cached, path)
    else {
      await build(path)
      if (cache && cached) {
        mkdirSync(cache, { recursive: true })
        copyFileSync(path, cached)
      }
    }
    console.log(`vault built or copied: ${(performance.now() - t).toFixed(0)} ms`)
    const first = createCore({ vaultPath: path })
    await first.unlock({ password: PASSWORD })
    const dataKey = first.dataKeyForQuickUnlock()
    // Digest: per write, and its check on a loaded overview.
    const envId = (await first.listCredentials({}))[0]!.environmentId
    const N = 50
    t = performance.now()
    for (let i = 0; i < N; i++) {
      await first.createCredential({
        environmentId: envId,
        name: `Digest ${i}`,
        provider: 'manual',
        providerCredentialId: '',
        status: 'active',
        role: '',
        allowedHosts: [],
        owner: '',
        tags: [],
        notes: '',
        expiresAt: null,
        rotationIntervalDays: 90,
        lastRotatedAt: null,
        fields: [{ label: '', envVar: `DIGEST_${i}`, kind: 'secret', value: `digest-value-${i}` }],
      })
    }
    console.log(`add one key (write with digest upkeep): ${((performance.now() - t) / N).toFixed(2)} ms each`)
    const repo = first.repository()
    const keysNow = deriveSubkeys(dataKey, readHeader(repo.db).vaultId)
    t = performance.now()
    verifyStructureDigest(repo.db, keysNow.enc)
    console.log(`structure digest check (every table but audit): ${(performance.now() - t).toFixed(1)} ms`)
    t = performance.now()
    verifyStructureDigest(repo.db, keysNow.enc, ['audit'])
    console.log(`structure digest check (audit): ${(performance.now() - t).toFixed(1)} ms`)
    await first.close()
    const rows = (() => {
      const db = new BetterSqlite3(path, { readonly: true })
      const n = Object.keys(ROW_BINDING).reduce(
        (a, t) => a + (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n,
        0,
      )
      db.close()
      return n
    })()
    console.log(
      `vault: ${TOTAL} keys, ${rows} sealed rows, ${(statSync(path).size / 1024 / 1024).toFixed(1)} MiB`,
    )

    t = performance.now()
    openDatabase(path).close()
    console.log(`open (quick_check + schema check): ${(performance.now() - t).toFixed(1)} ms`)

    // Upgrade: a vault written with the previous AAD, upgraded on first unlock.
    downgrade(path, dataKey)
    const db = openDatabase(path)
    const keys = deriveSubkeys(dataKey, readHeader(db).vaultId)
    t = performance.now()
    const resealed = upgradeRowBinding(db, keys.enc)
    console.log(`upgrade to row binding: ${(performance.now() - t).toFixed(0)} ms (${resealed} ciphertexts)`)
    db.close()
    const again = createCore({ vaultPath: path })
    t = performance.now()
    await again.unlock({ password: PASSWORD })
    console.log(`unlock after the upgrade (Argon2 included): ${(performance.now() - t).toFixed(0)} ms`)

    t = performance.now()
    const r = await again.rekey({ password: PASSWORD })
    console.log(
      `rekey: ${(performance.now() - t).toFixed(0)} ms (${r.resealed} ciphertexts; includes two Argon2 runs: check + wrap)`,
    )
    const listed = await again.listCredentials({})
    console.log(`after rekey: ${listed.length} keys list`)
    await again.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
