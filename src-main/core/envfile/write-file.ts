/**
 * Writes env files safely and checks whether git would pick them up.
 * - `writeEnvFileAtomic`: mode 0600, temp file in the same directory, fsync, then an atomic link/rename;
 *   never replaces an existing file unless `force` is set.
 * - `gitIgnoreStatus` / `addToGitignore`: the `.gitignore` guard, with git run through execFile (no shell).
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { appendFile, link, lstat, open, readdir, readFile, realpath, rename, unlink } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { ConflictError, InvalidInputError } from '../errors'

export interface WriteOptions {
  /** Replace an existing file. Without it an existing target is a CONFLICT and is left untouched. */
  force: boolean
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false
    throw err
  }
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename durable on POSIX; directories cannot be opened this way on Windows.
  try {
    const fh = await open(dir, constants.O_RDONLY)
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
  } catch {
    /* best effort */
  }
}

/** A temp file older than this was left by a killed export (a running one finishes in milliseconds). */
const STALE_TEMP_MS = 60_000

/** Removes `.<name>.<12 hex>.tmp` files older than a minute: what a killed export of `name` left behind. */
async function removeStaleTemps(dir: string, name: string): Promise<void> {
  let entries: string[]
  try {
    entries = await readdir(dir)
  } catch {
    return // the folder does not exist: open() below reports it
  }
  const prefix = `.${name}.`
  for (const e of entries) {
    if (!e.startsWith(prefix) || !/^[0-9a-f]{12}\.tmp$/.test(e.slice(prefix.length))) continue
    const p = join(dir, e)
    try {
      const st = await lstat(p)
      if (st.isFile() && Date.now() - st.mtimeMs > STALE_TEMP_MS) await unlink(p)
    } catch {
      /* gone meanwhile */
    }
  }
}

/**
 * Writes `content` to `path` atomically with mode 0600: readers see the old file or the whole new one, never
 * a part, and no temp file is left behind. Without `force`, an existing `path` (file, link or anything)
 * raises CONFLICT and is not touched, checked atomically (hard link) where the filesystem allows it.
 */
export async function writeEnvFileAtomic(
  path: string,
  content: string,
  { force }: WriteOptions,
): Promise<void> {
  const target = resolve(path)
  const dir = dirname(target)
  const conflict = () =>
    new ConflictError(`${basename(target)} already exists; nothing was written. Use --force to replace it.`)
  if (!force && (await exists(target))) throw conflict()
  await removeStaleTemps(dir, basename(target))

  const tmp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  let tmpExists = false
  try {
    const fh = await open(tmp, 'wx', 0o600)
    tmpExists = true
    try {
      await fh.chmod(0o600) // the umask can only remove bits, but be explicit
      await fh.writeFile(content, 'utf8')
      await fh.sync()
    } finally {
      await fh.close()
    }
    if (force) {
      await rename(tmp, target)
      tmpExists = false
    } else {
      try {
        await link(tmp, target) // fails with EEXIST if someone created the target meanwhile
      } catch (err) {
        if (isErrno(err, 'EEXIST')) throw conflict()
        if (!isErrno(err, 'EPERM') && !isErrno(err, 'ENOTSUP') && !isErrno(err, 'EXDEV')) throw err
        // No hard links here (e.g. FAT, some network filesystems): check again and rename.
        if (await exists(target)) throw conflict()
        await rename(tmp, target)
        tmpExists = false
      }
    }
    await fsyncDir(dir)
  } finally {
    if (tmpExists) await unlink(tmp).catch(() => undefined)
  }
}

export interface GitIgnoreStatus {
  /** The path lies inside a git work tree. False when git is not installed. */
  inRepo: boolean
  /** git would ignore the path (`git check-ignore`). Tracked files are never ignored. */
  ignored: boolean
  /** The path is already tracked by git: adding it to .gitignore will not stop it being committed. */
  tracked: boolean
  /** The work tree's top directory, or null. */
  repoRoot: string | null
  /** The path relative to `repoRoot`, with `/` separators, or null. */
  relPath: string | null
}

interface GitResult {
  code: number | null
  stdout: string
  /** git could not be started (not installed). */
  missing: boolean
}

/** The variables git gets: enough to find itself and the user's ignore files, nothing else (no KEYSHELF_PASSWORD). */
const GIT_ENV_KEEP = [
  'PATH',
  'HOME',
  'XDG_CONFIG_HOME',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_NOSYSTEM',
  'SYSTEMROOT',
  'USERPROFILE',
  'HOMEDRIVE',
  'HOMEPATH',
] as const

/** The minimal environment for git (exported for the tests). */
export function gitEnvironment(from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' }
  for (const name of GIT_ENV_KEEP) {
    const v = from[name]
    if (v !== undefined) env[name] = v
  }
  return env
}

function git(cwd: string, args: string[]): Promise<GitResult> {
  // A minimal environment (a caller's GIT_DIR or KEYSHELF_PASSWORD never reaches git), and no program the
  // repository configures: no fsmonitor hook, no hooks.
  const env = gitEnvironment()
  const safety = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null']
  return new Promise((resolvePromise) => {
    execFile('git', [...safety, '-C', cwd, ...args], { env, windowsHide: true }, (err, stdout) => {
      if (err && isErrno(err, 'ENOENT')) resolvePromise({ code: null, stdout: '', missing: true })
      else {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
        resolvePromise({ code, stdout: String(stdout), missing: false })
      }
    })
  })
}

/** The nearest existing directory at or above `dir`, and the path segments below it. */
async function nearestExisting(dir: string): Promise<{ base: string; rest: string[] }> {
  const rest: string[] = []
  let cur = dir
  for (;;) {
    try {
      return { base: await realpath(cur), rest }
    } catch (err) {
      const parent = dirname(cur)
      if (!isErrno(err, 'ENOENT') || parent === cur) throw err
      rest.unshift(basename(cur))
      cur = parent
    }
  }
}

/**
 * Says whether `path` (existing or not) is inside a git work tree, and if so whether git ignores or tracks it.
 * Runs `git rev-parse --show-toplevel`, `git check-ignore -q` and `git ls-files` via execFile (no shell).
 * If git is not installed or the directory is not in a work tree, reports `inRepo: false`.
 */
export async function gitIgnoreStatus(path: string): Promise<GitIgnoreStatus> {
  const outside: GitIgnoreStatus = {
    inRepo: false,
    ignored: false,
    tracked: false,
    repoRoot: null,
    relPath: null,
  }
  const target = resolve(path)
  const { base, rest } = await nearestExisting(dirname(target))
  const top = await git(base, ['rev-parse', '--show-toplevel'])
  if (top.missing || top.code !== 0) return outside
  const repoRoot = await realpath(top.stdout.replace(/\r?\n$/, ''))
  const rel = relative(repoRoot, join(base, ...rest, basename(target)))
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return outside
  const relPath = rel.split(sep).join('/')
  const ignore = await git(repoRoot, ['check-ignore', '-q', '--', relPath])
  const tracked = await git(repoRoot, ['ls-files', '--error-unmatch', '--', relPath])
  return { inRepo: true, ignored: ignore.code === 0, tracked: tracked.code === 0, repoRoot, relPath }
}

/** A .gitignore pattern that matches exactly `relPath` (anchored at the root, special characters escaped). */
export function gitignorePattern(relPath: string): string {
  const escaped = relPath
    .split('/')
    .map((seg) => seg.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`).replace(/ $/, '\\ '))
    .join('/')
  return `/${escaped}`
}

/**
 * Appends a line ignoring exactly `relPath` to `<repoRoot>/.gitignore` (created if missing), first adding a
 * newline if the file does not end with one. Does nothing if that exact line is already there.
 * Returns the pattern line. `relPath` must stay inside the repository (INVALID_INPUT otherwise).
 */
export async function addToGitignore(repoRoot: string, relPath: string): Promise<string> {
  const norm = relPath.split(sep).join('/')
  if (norm === '' || norm.startsWith('/') || norm.split('/').some((s) => s === '..' || s === '')) {
    throw new InvalidInputError('The path to ignore must be relative to the repository and stay inside it.')
  }
  if (/[\n\r\0]/.test(norm)) throw new InvalidInputError('The path to ignore contains a line break or NUL.')
  const pattern = gitignorePattern(norm)
  const file = join(repoRoot, '.gitignore')
  let current = ''
  try {
    current = await readFile(file, 'utf8')
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err
  }
  if (current.split(/\r?\n/).includes(pattern)) return pattern
  const prefix = current === '' || current.endsWith('\n') ? '' : '\n'
  await appendFile(file, `${prefix}${pattern}\n`, 'utf8')
  return pattern
}
