import type { ErrorCode, KeyshelfErrorData } from '../../src-shared/model'

/**
 * The base of every error Keyshelf raises on purpose. `message` is shown to users as is,
 * so it says what happened and what to do, and it never contains a secret value.
 */
export class KeyshelfError extends Error {
  readonly code: ErrorCode
  readonly details: unknown

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = new.target.name
    this.code = code
    this.details = details
  }

  /** The serialisable form that crosses IPC. */
  toData(): KeyshelfErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }
}

/** The master password did not unwrap the vault's data key. */
export class WrongPasswordError extends KeyshelfError {
  constructor() {
    super('WRONG_PASSWORD', 'Wrong master password. The vault was not changed; try again.')
  }
}

/** A ciphertext failed authentication or the file is not a readable vault. Never returned as plaintext. */
export class VaultCorruptError extends KeyshelfError {
  constructor(where: string) {
    super(
      'VAULT_CORRUPT',
      `The vault is corrupt or has been tampered with (${where}). Keyshelf refused to use the damaged data; restore the vault file from a backup.`,
    )
  }
}

/** The vault was written by a newer Keyshelf. */
export class SchemaTooNewError extends KeyshelfError {
  constructor(found: number, supported: number) {
    super(
      'SCHEMA_TOO_NEW',
      `This vault uses schema version ${found}, newer than this Keyshelf supports (${supported}). Update Keyshelf to open it.`,
    )
  }
}

/** An operation needs the vault unlocked. */
export class LockedError extends KeyshelfError {
  constructor() {
    super('LOCKED', 'The vault is locked. Unlock it with the master password first.')
  }
}

/** A named thing does not exist. `what` names it, never with a value. */
export class NotFoundError extends KeyshelfError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} was not found.`)
  }
}

/** A name or env var clashes with an existing one. */
export class ConflictError extends KeyshelfError {
  constructor(message: string) {
    super('CONFLICT', message)
  }
}

/** Input failed validation. */
export class InvalidInputError extends KeyshelfError {
  constructor(message: string, details?: unknown) {
    super('INVALID_INPUT', message, details)
  }
}

/** Converts anything thrown into serialisable error data without leaking unknown messages. */
export function toErrorData(err: unknown): KeyshelfErrorData {
  if (err instanceof KeyshelfError) return err.toData()
  const sqlite = (err as { code?: unknown } | null)?.code
  if (sqlite === 'SQLITE_CORRUPT' || sqlite === 'SQLITE_NOTADB') {
    return new VaultCorruptError('the database file is damaged').toData()
  }
  return {
    code: 'INTERNAL',
    message: 'An internal error occurred. The vault was not changed.',
  }
}
