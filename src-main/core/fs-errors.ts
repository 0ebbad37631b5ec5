import { accessSync, constants, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { KeyshelfError } from './errors'

/** A file or folder could not be read or written. Code `FILE_ERROR`; the message names the path and the cause. */
export class FileSystemError extends KeyshelfError {
  constructor(path: string, cause: string) {
    super('FILE_ERROR', `Cannot use ${path}: ${cause}.`)
  }
}

function codeOf(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : null
}

/** Why `path` cannot be opened or written, found by looking at the file system (for SQLITE_CANTOPEN and friends). */
function diagnose(path: string, forWrite: boolean): string | null {
  try {
    const st = statSync(path)
    if (st.isDirectory()) return 'it is a folder, not a file; choose a file path'
    if (forWrite) {
      try {
        accessSync(path, constants.W_OK)
      } catch {
        return 'the file is read-only; make it writable (chmod u+w) or choose another file'
      }
    }
  } catch (err) {
    const c = codeOf(err)
    if (c === 'ENOTDIR') return 'a part of the path is a file, not a folder'
    if (c !== 'ENOENT') return null
  }
  const dir = dirname(path)
  try {
    if (!statSync(dir).isDirectory()) return 'its folder is a file, not a folder'
  } catch (err) {
    return codeOf(err) === 'ENOTDIR'
      ? 'a part of the path is a file, not a folder'
      : 'its folder does not exist; create it first or choose another path'
  }
  try {
    accessSync(dir, constants.W_OK)
  } catch {
    return 'its folder is read-only; Keyshelf needs to create files next to the vault (-wal, -shm)'
  }
  return null
}

/**
 * Turns a file-system or SQLite I/O error about `path` into a FileSystemError with one clear sentence, or
 * returns null when `err` is something else (so callers rethrow it unchanged).
 */
export function fileSystemError(err: unknown, path: string, forWrite = true): FileSystemError | null {
  if (err instanceof KeyshelfError) return null
  const code = codeOf(err)
  if (code === null) return null
  const known: Record<string, string> = {
    ENOENT: 'it or its folder does not exist; create the folder first or choose another path',
    EACCES: 'permission denied; check the permissions of the file and its folder',
    EPERM: 'the operation is not permitted; check the owner and permissions of the file and its folder',
    EROFS: 'it is on a read-only file system; choose a writable location',
    EISDIR: 'it is a folder, not a file; choose a file path',
    ENOTDIR: 'a part of the path is a file, not a folder',
    ENOSPC: 'the disk is full; free some space and try again',
    EDQUOT: 'the disk quota is exhausted; free some space and try again',
    SQLITE_FULL: 'the disk is full; free some space and try again',
  }
  if (known[code]) return new FileSystemError(path, diagnose(path, forWrite) ?? known[code])
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_IOERR')
  ) {
    const fallback = code.startsWith('SQLITE_READONLY')
      ? 'the vault or its folder is read-only; make them writable'
      : code.startsWith('SQLITE_IOERR')
        ? 'the disk reported an input/output error; check the disk and free space'
        : 'the file cannot be opened'
    return new FileSystemError(path, diagnose(path, forWrite) ?? fallback)
  }
  return null
}
