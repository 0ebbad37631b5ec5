import type { Database } from 'better-sqlite3'
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { KdfParams } from '../../../src-shared/model'
import { AuthenticationFailedError, randomKey, unwrapKey, wrapKey } from '../crypto/aead'
import { SALT_BYTES, assertKdfParams, deriveKey, kdfParamsInRange } from '../crypto/kdf'
import { wipe } from '../crypto/subkeys'
import { VaultCorruptError, WrongPasswordError } from '../errors'

const FORMAT = 'keyshelf-vault/1'

/**
 * The plaintext header in the `meta` table: format, vault id, KDF parameters, salt and the wrapped data
 * key. A SHA-256 checksum over these fields tells accidental corruption of the header apart from a wrong
 * password (a failed unwrap with an intact checksum means the password is wrong).
 */
export interface VaultHeader {
  format: string
  vaultId: string
  kdf: KdfParams
  salt: Buffer
  wrappedKey: Buffer
  createdAt: number
}

function checksum(h: Omit<VaultHeader, 'createdAt'>): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        h.format,
        h.vaultId,
        h.kdf,
        h.salt.toString('base64'),
        h.wrappedKey.toString('base64'),
      ]),
    )
    .digest('hex')
}

function wrapAad(vaultId: string, kdf: KdfParams, salt: Buffer): string {
  return `keyshelf:dek:${vaultId}:${JSON.stringify(kdf)}:${salt.toString('base64')}`
}

/** True when the database has a vault header. */
export function hasHeader(db: Database): boolean {
  const row = db.prepare("SELECT 1 AS x FROM meta WHERE key = 'format'").get()
  return row !== undefined
}

/** Reads and checks the header. Missing or inconsistent fields raise VaultCorruptError. */
const HEADER_KEYS = ['format', 'vault_id', 'kdf', 'salt', 'wrapped_key', 'created_at', 'header_checksum']

export function readHeader(db: Database): VaultHeader {
  // Only the header's rows: `meta` also holds large sealed rows (the overview snapshot).
  const rows = db
    .prepare(`SELECT key, value FROM meta WHERE key IN (${HEADER_KEYS.map(() => '?').join(', ')})`)
    .all(...HEADER_KEYS) as {
    key: string
    value: string
  }[]
  const m = new Map(rows.map((r) => [r.key, r.value]))
  const get = (k: string): string => {
    const v = m.get(k)
    if (v === undefined) throw new VaultCorruptError(`header field ${k} is missing`)
    return v
  }
  let kdf: KdfParams
  try {
    kdf = JSON.parse(get('kdf')) as KdfParams
  } catch {
    throw new VaultCorruptError('header KDF parameters are unreadable')
  }
  const header: VaultHeader = {
    format: get('format'),
    vaultId: get('vault_id'),
    kdf,
    salt: Buffer.from(get('salt'), 'base64'),
    wrappedKey: Buffer.from(get('wrapped_key'), 'base64'),
    createdAt: Number(get('created_at')),
  }
  if (header.format !== FORMAT) throw new VaultCorruptError(`unknown vault format`)
  if (checksum(header) !== get('header_checksum')) throw new VaultCorruptError('header checksum mismatch')
  // The checksum is not keyed: check the KDF parameters against the allowed range BEFORE deriving, so a
  // forged header can neither hang unlock (huge iterations or memory) nor crash Argon2 (parallelism 0).
  if (!kdfParamsInRange(kdf))
    throw new VaultCorruptError('header KDF parameters are outside the allowed range')
  if (header.salt.length !== SALT_BYTES) throw new VaultCorruptError('header salt has the wrong length')
  return header
}

/** Writes every header field (call inside a transaction). */
export function writeHeader(db: Database, h: VaultHeader): void {
  const put = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  )
  put.run('format', h.format)
  put.run('vault_id', h.vaultId)
  put.run('kdf', JSON.stringify(h.kdf))
  put.run('salt', h.salt.toString('base64'))
  put.run('wrapped_key', h.wrappedKey.toString('base64'))
  put.run('created_at', String(h.createdAt))
  put.run('header_checksum', checksum(h))
}

/**
 * Builds a header with a fresh random data key, touching no file (Argon2 runs before any vault exists, so an
 * interrupted create leaves nothing behind). Returns the data key (caller owns and wipes it).
 */
export async function buildHeader(
  password: string,
  kdf: KdfParams,
  now: number,
): Promise<{ header: VaultHeader; dataKey: Buffer }> {
  assertKdfParams(kdf)
  const salt = randomBytes(SALT_BYTES)
  const vaultId = randomUUID()
  const kek = await deriveKey(password, salt, kdf)
  const dataKey = randomKey()
  const header: VaultHeader = {
    format: FORMAT,
    vaultId,
    kdf,
    salt,
    wrappedKey: wrapKey(kek, dataKey, wrapAad(vaultId, kdf, salt)),
    createdAt: now,
  }
  wipe(kek)
  return { header, dataKey }
}

/** Writes a header built by {@link buildHeader}, in one transaction. */
export function storeHeader(db: Database, header: VaultHeader): void {
  db.transaction(() => writeHeader(db, header))()
}

/** Derives the KEK and unwraps the data key. Raises WrongPasswordError; writes nothing. */
export async function unlockHeader(header: VaultHeader, password: string): Promise<Buffer> {
  const kek = await deriveKey(password, header.salt, header.kdf)
  try {
    return unwrapKey(kek, header.wrappedKey, wrapAad(header.vaultId, header.kdf, header.salt))
  } catch (err) {
    if (err instanceof AuthenticationFailedError) throw new WrongPasswordError()
    throw err
  } finally {
    wipe(kek)
  }
}

/** A header for `dataKey` under `password` with a fresh salt (Argon2 runs here; nothing is written). */
export async function wrapNewKey(
  header: VaultHeader,
  dataKey: Buffer,
  password: string,
): Promise<VaultHeader> {
  assertKdfParams(header.kdf)
  const salt = randomBytes(SALT_BYTES)
  const kek = await deriveKey(password, salt, header.kdf)
  try {
    return { ...header, salt, wrappedKey: wrapKey(kek, dataKey, wrapAad(header.vaultId, header.kdf, salt)) }
  } finally {
    wipe(kek)
  }
}

/** Re-wraps the data key under a new password and a new salt, in one transaction. */
export async function rewrapHeader(
  db: Database,
  header: VaultHeader,
  dataKey: Buffer,
  newPassword: string,
  kdf: KdfParams = header.kdf,
): Promise<VaultHeader> {
  assertKdfParams(kdf)
  const salt = randomBytes(SALT_BYTES)
  const kek = await deriveKey(newPassword, salt, kdf)
  const next: VaultHeader = {
    ...header,
    kdf,
    salt,
    wrappedKey: wrapKey(kek, dataKey, wrapAad(header.vaultId, kdf, salt)),
  }
  wipe(kek)
  db.transaction(() => writeHeader(db, next))()
  return next
}
