import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createCore } from '../../../src-main/core/core'
import { dispatch } from '../../../src-main/core/ipc-dispatch'
import { silentLogger } from '../../../src-main/core/logger'
import { credentialInput, newVault, seedAppEnv, TEST_PASSWORD } from '../../helpers/vault.helper'

const T0 = Date.UTC(2026, 2, 14, 9, 30)
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

/** A vault with one key and a save dialog that answers `answer(defaultName)`. */
async function vaultWithDialog(answer: (name: string, title?: string) => string | null) {
  const asked: { name: string; title: string | undefined }[] = []
  const v = await newVault({
    clock: () => T0,
    dialogs: {
      chooseSavePath: async (name, title) => {
        asked.push({ name, title })
        return answer(name, title)
      },
    },
  })
  cleanups.push(v.cleanup)
  const { envId } = await seedAppEnv(v.svc)
  const cred = await v.svc.createCredential(credentialInput(envId))
  return { ...v, cred, asked }
}

describe('Settings › Backup (WindowBackup)', () => {
  it('backs up to the file chosen in the dialog, verifies it, and remembers when (sealed, no path)', async () => {
    const v = await vaultWithDialog((name) => join(v.dir, 'out', name))
    mkdirSync(join(v.dir, 'out'))
    expect(await v.svc.backupStatus()).toEqual({ last: null })
    const r = await v.svc.backupNow()
    expect(v.asked).toEqual([{ name: 'keyshelf-backup-2026-03-14.sqlite', title: 'Back up vault' }])
    if (r.cancelled) throw new Error('unexpected cancel')
    expect(r).toMatchObject({ verified: true, fileName: 'keyshelf-backup-2026-03-14.sqlite', at: T0 })
    expect(r.bytes).toBeGreaterThan(0)
    expect(await v.svc.backupStatus()).toEqual({ last: { at: T0, fileName: r.fileName, bytes: r.bytes } })
    // The copy opens with the password and holds the key and its value.
    const copy = createCore({ vaultPath: r.path })
    cleanups.push(() => copy.close())
    await copy.unlock({ password: TEST_PASSWORD })
    const [only] = await copy.listCredentials({})
    expect(only?.id).toBe(v.cred.id)
    const field = v.cred.fields[0]
    expect(await copy.reveal({ fieldId: field?.id ?? '' })).toEqual({ value: 'sk_test_0123456789abcdef' })
    // The record is sealed: the file name is not in the vault in plaintext.
    expect(readFileSync(v.path).includes(Buffer.from('keyshelf-backup-2026'))).toBe(false)
  })

  it('does nothing when the dialog is cancelled', async () => {
    const v = await vaultWithDialog(() => null)
    expect(await v.svc.backupNow()).toEqual({ cancelled: true })
    expect(await v.svc.backupStatus()).toEqual({ last: null })
  })

  it('refuses the vault itself, a relative path and a read-only folder with one sentence', async () => {
    let target = ''
    const v = await vaultWithDialog(() => target)
    target = v.path
    await expect(v.svc.backupNow()).rejects.toThrow(
      'A backup cannot replace the vault itself; choose another file name.',
    )
    target = 'relative.sqlite'
    await expect(v.svc.backupNow()).rejects.toThrow('Choose a full path for the backup.')
    const ro = join(v.dir, 'ro')
    mkdirSync(ro)
    chmodSync(ro, 0o500)
    cleanups.push(() => chmodSync(ro, 0o700))
    target = join(ro, 'b.sqlite')
    const isRoot = process.getuid?.() === 0
    if (!isRoot) {
      await expect(v.svc.backupNow()).rejects.toMatchObject({
        code: 'FILE_ERROR',
        message: `Cannot write a backup in ${ro}: the folder is read-only or missing; choose another folder.`,
      })
      expect(existsSync(target)).toBe(false)
    }
    expect(await v.svc.backupStatus()).toEqual({ last: null })
  })

  it('replaces an existing file only because the native dialog already asked', async () => {
    const v = await vaultWithDialog((name) => join(v.dir, name))
    writeFileSync(join(v.dir, 'keyshelf-backup-2026-03-14.sqlite'), 'old')
    const r = await v.svc.backupNow()
    expect(r.cancelled).toBe(false)
    expect(readFileSync(join(v.dir, 'keyshelf-backup-2026-03-14.sqlite')).subarray(0, 15).toString()).toBe(
      'SQLite format 3',
    )
  })
})

describe('keyActivity', () => {
  it("lists one key's reveals and copies, newest first, without values; validated in main", async () => {
    let t = T0
    const v = await newVault({ clock: () => t })
    cleanups.push(v.cleanup)
    const { envId } = await seedAppEnv(v.svc)
    const a = await v.svc.createCredential(credentialInput(envId))
    const b = await v.svc.createCredential(
      credentialInput(envId, {
        name: 'Other',
        fields: [{ label: 'S', envVar: 'OTHER', kind: 'secret', value: 'zz-other' }],
      }),
    )
    expect((await v.svc.keyActivity({ credentialId: a.id })).map((e) => e.details.action)).toEqual([
      'create-key',
    ])
    t += 1000
    await v.svc.reveal({ fieldId: a.fields[0]?.id ?? '' })
    t += 1000
    await v.svc.reveal({ fieldId: b.fields[0]?.id ?? '' })
    t += 1000
    await v.svc.copy({ fieldId: a.fields[0]?.id ?? '' })
    const got = await v.svc.keyActivity({ credentialId: a.id })
    expect(got.map((e) => [e.event, e.at, e.credentialId])).toEqual([
      ['copy', T0 + 3000, a.id],
      ['reveal', T0 + 1000, a.id],
      ['edit', T0, a.id],
    ])
    expect(JSON.stringify(got)).not.toContain('sk_test_0123456789abcdef')
    expect((await v.svc.keyActivity({ credentialId: a.id, limit: 1 })).map((e) => e.event)).toEqual(['copy'])
    // Unknown key: NOT_FOUND; bad input: refused by zod in main before the core sees it.
    await expect(
      v.svc.keyActivity({ credentialId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    const bad = await dispatch(v.svc, 'keyActivity', { credentialId: a.id, limit: 0 }, silentLogger)
    expect(bad.ok).toBe(false)
    const extra = await dispatch(v.svc, 'keyActivity', { credentialId: a.id, path: '/etc' }, silentLogger)
    expect(extra.ok).toBe(false)
  })
})
