import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  addToGitignore,
  gitIgnoreStatus,
  gitignorePattern,
  writeEnvFileAtomic,
} from '../../../src-main/core/envfile/write-file'

const dirs: string[] = []
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop() ?? '', { recursive: true, force: true })
})
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'ks-write-'))
  dirs.push(d)
  return d
}
const gitEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
}
// Hermetic: a developer's global excludes file could legitimately ignore .env files.
const saved = { global: process.env.GIT_CONFIG_GLOBAL, nosystem: process.env.GIT_CONFIG_NOSYSTEM }
beforeAll(() => {
  process.env.GIT_CONFIG_GLOBAL = '/dev/null'
  process.env.GIT_CONFIG_NOSYSTEM = '1'
})
afterAll(() => {
  if (saved.global === undefined) delete process.env.GIT_CONFIG_GLOBAL
  else process.env.GIT_CONFIG_GLOBAL = saved.global
  if (saved.nosystem === undefined) delete process.env.GIT_CONFIG_NOSYSTEM
  else process.env.GIT_CONFIG_NOSYSTEM = saved.nosystem
})
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' })
}

describe('writeEnvFileAtomic', () => {
  it('writes the content with mode 0600 and leaves no temp file', async () => {
    const d = tmp()
    const path = join(d, '.env')
    const old = process.umask(0o000) // even with a permissive umask
    try {
      await writeEnvFileAtomic(path, 'A=1\n', { force: false })
    } finally {
      process.umask(old)
    }
    expect(readFileSync(path, 'utf8')).toBe('A=1\n')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readdirSync(d)).toEqual(['.env'])
  })

  it('refuses to overwrite without force (CONFLICT), leaving the old file untouched', async () => {
    const d = tmp()
    const path = join(d, '.env')
    writeFileSync(path, 'OLD=1\n', { mode: 0o644 })
    await expect(writeEnvFileAtomic(path, 'NEW=secret\n', { force: false })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.not.stringContaining('secret'),
    })
    expect(readFileSync(path, 'utf8')).toBe('OLD=1\n')
    expect(readdirSync(d)).toEqual(['.env'])
  })

  it('replaces with force, atomically, and the new file is 0600', async () => {
    const d = tmp()
    const path = join(d, '.env')
    writeFileSync(path, 'OLD=1\n', { mode: 0o644 })
    await writeEnvFileAtomic(path, 'NEW=2\n', { force: true })
    expect(readFileSync(path, 'utf8')).toBe('NEW=2\n')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readdirSync(d)).toEqual(['.env'])
  })

  it('cleans up the temp file when the final step fails', async () => {
    const d = tmp()
    mkdirSync(join(d, 'target-is-a-dir'))
    await expect(writeEnvFileAtomic(join(d, 'target-is-a-dir'), 'A=1\n', { force: true })).rejects.toThrow()
    expect(readdirSync(d)).toEqual(['target-is-a-dir'])
  })

  it('never shows a partial file: concurrent readers see old or new content only', async () => {
    const d = tmp()
    const path = join(d, '.env')
    const big = (c: string) => `${c.repeat(1 << 20)}\n`
    writeFileSync(path, big('a'))
    const seen = new Set<string>()
    let done = false
    const reader = (async () => {
      while (!done) {
        const t = readFileSync(path, 'utf8')
        seen.add(t === big('a') ? 'old' : t === big('b') ? 'new' : 'torn')
        await new Promise((r) => setImmediate(r))
      }
    })()
    await writeEnvFileAtomic(path, big('b'), { force: true })
    done = true
    await reader
    expect(seen.has('torn')).toBe(false)
    expect(readFileSync(path, 'utf8')).toBe(big('b'))
  })
})

describe('.gitignore guard', () => {
  it('is not in a repo outside a work tree', async () => {
    const d = tmp()
    const status = await gitIgnoreStatus(join(d, '.env'))
    expect(status).toMatchObject({ inRepo: false, ignored: false, repoRoot: null })
  })

  it('detects not-ignored, adds the file to .gitignore, then reports it ignored', async () => {
    const d = tmp()
    git(d, 'init', '-q')
    mkdirSync(join(d, 'app'))
    const path = join(d, 'app', '.env.local')

    const before = await gitIgnoreStatus(path)
    expect(before.inRepo).toBe(true)
    expect(before.ignored).toBe(false)
    expect(before.tracked).toBe(false)
    expect(before.relPath).toBe('app/.env.local')
    expect(before.repoRoot).toBeTruthy()

    writeFileSync(join(d, '.gitignore'), 'node_modules') // no final newline: must be fixed up
    const line = await addToGitignore(before.repoRoot ?? '', before.relPath ?? '')
    expect(line).toBe('/app/.env.local')
    expect(readFileSync(join(d, '.gitignore'), 'utf8')).toBe('node_modules\n/app/.env.local\n')

    const after = await gitIgnoreStatus(path)
    expect(after).toMatchObject({ inRepo: true, ignored: true, relPath: 'app/.env.local' })
    // git agrees from the command line, and a second add changes nothing.
    git(d, 'check-ignore', '-q', 'app/.env.local')
    await addToGitignore(after.repoRoot ?? '', 'app/.env.local')
    expect(readFileSync(join(d, '.gitignore'), 'utf8')).toBe('node_modules\n/app/.env.local\n')
    // Only that file: a sibling with a similar name is not ignored.
    expect((await gitIgnoreStatus(join(d, '.env.local'))).ignored).toBe(false)
  })

  it('creates .gitignore when missing and reports files already tracked', async () => {
    const d = tmp()
    git(d, 'init', '-q')
    writeFileSync(join(d, '.env'), 'A=1\n')
    git(d, 'add', '.env')
    const status = await gitIgnoreStatus(join(d, '.env'))
    expect(status).toMatchObject({ inRepo: true, tracked: true, ignored: false, relPath: '.env' })
    await addToGitignore(status.repoRoot ?? '', '.env')
    expect(readFileSync(join(d, '.gitignore'), 'utf8')).toBe('/.env\n')
  })

  it('handles a path whose directory does not exist yet', async () => {
    const d = tmp()
    git(d, 'init', '-q')
    const status = await gitIgnoreStatus(join(d, 'not', 'yet', '.env'))
    expect(status).toMatchObject({ inRepo: true, ignored: false, relPath: 'not/yet/.env' })
  })

  it('says inRepo false when git is not installed', async () => {
    const d = tmp()
    git(d, 'init', '-q')
    const oldPath = process.env.PATH
    process.env.PATH = join(d, 'no-bin-here')
    try {
      expect(await gitIgnoreStatus(join(d, '.env'))).toMatchObject({ inRepo: false, repoRoot: null })
    } finally {
      process.env.PATH = oldPath
    }
  })

  it('escapes gitignore specials and refuses paths leaving the repository', async () => {
    expect(gitignorePattern('a/#b/!c*?[x].env ')).toBe('/a/\\#b/\\!c\\*\\?\\[x\\].env\\ ')
    await expect(addToGitignore(tmp(), '../outside')).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(addToGitignore(tmp(), '/abs')).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })
})

describe('git runs in a minimal environment with no repository-configured programs', () => {
  it('never passes KEYSHELF_PASSWORD (or anything else not needed) to git', async () => {
    const d = tmp()
    git(d, 'init', '-q')
    const bin = join(d, 'bin')
    mkdirSync(bin)
    const log = join(d, 'git-env.log')
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()
    writeFileSync(
      join(bin, 'git'),
      `#!/bin/sh\nenv >> '${log}'\necho "ARGS $*" >> '${log}'\nexec '${realGit}' "$@"\n`,
      {
        mode: 0o755,
      },
    )
    const saved = { path: process.env.PATH, pw: process.env.KEYSHELF_PASSWORD }
    process.env.PATH = `${bin}:${process.env.PATH ?? ''}`
    process.env.KEYSHELF_PASSWORD = 'canary-master-password-9f3'
    try {
      await gitIgnoreStatus(join(d, '.env'))
    } finally {
      process.env.PATH = saved.path
      if (saved.pw === undefined) delete process.env.KEYSHELF_PASSWORD
      else process.env.KEYSHELF_PASSWORD = saved.pw
    }
    const seen = readFileSync(log, 'utf8')
    expect(seen).toContain('ARGS -c core.fsmonitor=false -c core.hooksPath=/dev/null')
    expect(seen).not.toContain('canary-master-password-9f3')
    expect(seen).not.toContain('KEYSHELF_')
  })

  it('does not run a core.fsmonitor program the repository configures', async () => {
    const d = tmp()
    git(d, 'init', '-q')
    writeFileSync(join(d, '.env'), 'A=1\n')
    git(d, 'add', '.env')
    const marker = join(d, 'fsmonitor-ran')
    const hook = join(d, 'hook.sh')
    writeFileSync(hook, `#!/bin/sh\necho ran >> '${marker}'\nexit 1\n`, { mode: 0o755 })
    git(d, 'config', 'core.fsmonitor', hook)
    const st = await gitIgnoreStatus(join(d, '.env'))
    expect(st.tracked).toBe(true)
    expect(() => readFileSync(marker)).toThrow()
  })
})

describe('stale temp files', () => {
  it('a killed export’s ..env.*.tmp is removed by the next export to that folder; a fresh one is left alone', async () => {
    const d = tmp()
    const stale = join(d, '..env.0123456789ab.tmp')
    const fresh = join(d, '..env.ba9876543210.tmp')
    const other = join(d, '.other.0123456789ab.tmp')
    for (const f of [stale, fresh, other]) writeFileSync(f, 'S=secret\n', { mode: 0o600 })
    const old = new Date(Date.now() - 10 * 60_000)
    const { utimesSync } = await import('node:fs')
    utimesSync(stale, old, old)
    utimesSync(other, old, old)
    await writeEnvFileAtomic(join(d, '.env'), 'A=1\n', { force: false })
    expect(readdirSync(d).sort()).toEqual(['..env.ba9876543210.tmp', '.env', '.other.0123456789ab.tmp'])
  })
})
