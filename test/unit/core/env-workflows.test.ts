import { parse as dotenvParse } from 'dotenv'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/core/ipc-dispatch'
import { MemoryClipboard } from '../../../src-main/core/platform-ports'
import { credentialInput, newVault, seedAppEnv } from '../../helpers/vault.helper'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

const NASTY = `p@ss$word #hash 'single' =eq\nsecond line`

async function setup(deps: Parameters<typeof newVault>[0] = {}) {
  const fixedNow = Date.UTC(2026, 10, 22)
  const v = await newVault({ clock: () => fixedNow, ...deps })
  cleanups.push(v.cleanup)
  const { appId, envId } = await seedAppEnv(v.svc)
  await v.svc.createCredential(
    credentialInput(envId, {
      name: 'Pair',
      fields: [
        { label: 'App', envVar: 'APP_ID', kind: 'public', value: 'app-123' },
        { label: 'Secret', envVar: 'APP_SECRET', kind: 'secret', value: NASTY },
      ],
    }),
  )
  return { ...v, appId, envId }
}

describe('export through the vault', () => {
  it('previews masked, then exports exactly and audits without values', async () => {
    const { svc, envId } = await setup()
    const preview = await svc.exportPreview({ environmentId: envId, format: 'dotenv' })
    expect(preview.text).toContain('APP_ID=app-123')
    expect(preview.text).not.toContain('p@ss')
    expect(preview.problems).toEqual([])
    const text = svc.env.render({ environmentId: envId, format: 'dotenv' }, 'test')
    expect(dotenvParse(text)).toEqual({ APP_ID: 'app-123', APP_SECRET: NASTY })
    const audit = await svc.auditLog({})
    expect(audit[0]).toMatchObject({ event: 'export', details: { format: 'dotenv', target: 'test' } })
    expect(JSON.stringify(audit)).not.toContain('p@ss')
  })

  it('refuses a profile that cannot carry a value and names the key and a profile that can', async () => {
    const { svc, envId } = await setup()
    const preview = await svc.exportPreview({ environmentId: envId, format: 'docker' })
    expect(preview.problems).toEqual([
      expect.objectContaining({ envVar: 'APP_SECRET', worksIn: expect.arrayContaining(['json']) }),
    ])
    const r = await dispatch(svc, 'exportCopy', { environmentId: envId, format: 'docker' })
    expect(r).toMatchObject({ ok: false, error: { code: 'UNREPRESENTABLE' } })
    expect(r.ok ? '' : r.error.message).toContain('APP_SECRET')
    expect(JSON.stringify(r)).not.toContain('p@ss')
  })

  it('copies the export to the clipboard, which clears like a single key', async () => {
    const clipboard = new MemoryClipboard()
    const { svc, envId } = await setup({ clipboard })
    await svc.exportCopy({ environmentId: envId, format: 'json' })
    expect(JSON.parse(clipboard.text)).toEqual({ APP_ID: 'app-123', APP_SECRET: NASTY })
    await svc.lock()
    expect(clipboard.text).toBe('')
  })

  it('saves through the dialog port with mode 0600', async () => {
    let target = ''
    const { svc, envId, dir } = await setup({
      dialogs: { chooseSavePath: async (name) => (target = join(dir, name)) },
    })
    const r = await svc.exportSave({ environmentId: envId, format: 'shell' })
    expect(r).toMatchObject({ cancelled: false, path: target })
    expect(statSync(target).mode & 0o777).toBe(0o600)
    expect(readFileSync(target, 'utf8')).toContain("export APP_ID='app-123'")
  })
})

describe('import through the vault', () => {
  it('previews added, changed and unchanged; applies changes as rotations with history', async () => {
    const { svc, envId } = await setup()
    const text = `APP_ID=app-123\nAPP_SECRET="rotated-secret"\nNEW_KEY='brand new'\n`
    expect(await svc.importPreview({ environmentId: envId, text })).toMatchObject({
      added: ['NEW_KEY'],
      changed: ['APP_SECRET'],
      unchanged: ['APP_ID'],
      errors: [],
    })
    expect(await svc.importApply({ environmentId: envId, text })).toEqual({
      added: 1,
      changed: 1,
      unchanged: 1,
    })
    const creds = await svc.listCredentials({ environmentId: envId })
    const pair = creds.find((c) => c.name === 'Pair')!
    const history = await svc.history({ credentialId: pair.id })
    expect(history[0]!.reason).toBe('import')
    expect((await svc.revealVersion({ versionId: history[0]!.id, fieldId: pair.fields[1]!.id })).value).toBe(
      NASTY,
    )
    expect(svc.readValue(pair.id, pair.fields[1]!.id)).toBe('rotated-secret')
    const added = creds.find((c) => c.name === 'NEW_KEY')!
    expect(svc.readValue(added.id, added.fields[0]!.id)).toBe('brand new')
  })

  it('a malformed file is refused whole, with line numbers, and the vault is unchanged', async () => {
    const { svc, envId } = await setup()
    const before = JSON.stringify(await svc.listCredentials({}))
    const text = `GOOD=1\nAPP_SECRET=changed\nthis line is not an assignment\nOTHER="unterminated\n`
    const preview = await svc.importPreview({ environmentId: envId, text })
    expect(preview.errors.map((e) => e.line)).toEqual(expect.arrayContaining([3]))
    const r = await dispatch(svc, 'importApply', { environmentId: envId, text })
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(r.ok ? '' : r.error.message).toMatch(/line 3/)
    expect(JSON.stringify(await svc.listCredentials({}))).toBe(before)
  })

  it('an error in the middle of an import rolls everything back', async () => {
    const { svc, envId } = await setup()
    const before = JSON.stringify(await svc.listCredentials({}))
    // 1BAD is not a valid env var for the vault even if a parser accepted it: the import must not half-apply.
    const lines = Array.from({ length: 50 }, (_, i) => `KEY_${i}=v${i}`)
    const r = await dispatch(svc, 'importApply', {
      environmentId: envId,
      text: lines.join('\n') + '\nAPP_SECRET=' + NASTY.replace('\n', '') + '\n',
      publicVars: ['KEY_1'],
    })
    expect(r.ok).toBe(true)
    const r2 = await dispatch(svc, 'importApply', { environmentId: envId, text: 'KEY_0=v0\n' })
    expect(r2).toMatchObject({ ok: true, value: { unchanged: 1 } })
    expect(JSON.stringify(await svc.listCredentials({}))).not.toBe(before)
  })
})

describe('the .gitignore guard decides before writing', () => {
  it('a file git tracks (deleted from the work tree) is refused without force; --example files are not', async () => {
    const { execFileSync } = await import('node:child_process')
    const { existsSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { svc, envId } = await setup()
    const repo = mkdtempSync(join(tmpdir(), 'ks-guard-'))
    cleanups.push(async () => rmSync(repo, { recursive: true, force: true }))
    const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }
    const git = (...a: string[]) => execFileSync('git', a, { cwd: repo, env })
    git('init', '-q')
    writeFileSync(join(repo, '.env'), 'PLACEHOLDER=1\n')
    git('add', '.env')
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'x')
    rmSync(join(repo, '.env'))
    const path = join(repo, '.env')
    await expect(svc.env.save({ environmentId: envId, format: 'dotenv' }, path, false)).rejects.toMatchObject(
      {
        code: 'CONFLICT',
      },
    )
    expect(existsSync(path)).toBe(false)
    const st = await svc.env.save({ environmentId: envId, format: 'dotenv', example: true }, path, false)
    expect(st.tracked).toBe(true)
    expect(readFileSync(path, 'utf8')).not.toContain('second line')
  })
})

describe('import applies the checks of key add', () => {
  it.each([
    ['a value over 1 MiB', `BIG=${'x'.repeat(1024 * 1024 + 1)}\n`, /line 1: "BIG": value/],
    ['an unpaired surrogate', 'LONE="a\uD800b"\n', /line 1: "LONE": value: .*surrogate/],
    ['a 201-character name', `${'N'.repeat(201)}=v\n`, /line 1: .*name/],
  ])('%s is refused with its line, and nothing is imported', async (_what, text, message) => {
    const { svc, envId } = await setup()
    const before = (await svc.listCredentials({ environmentId: envId })).length
    const preview = await svc.importPreview({ environmentId: envId, text: `OK=1\n${text}` })
    expect(preview.errors.map((e) => `line ${e.line - 1}: ${e.message}`).join('\n')).toMatch(message)
    await expect(svc.importApply({ environmentId: envId, text: `OK=1\n${text}` })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
    expect((await svc.listCredentials({ environmentId: envId })).length).toBe(before)
  })
})
