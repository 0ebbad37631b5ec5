import type { Database } from 'better-sqlite3'

/**
 * Initial schema. Plaintext columns are limited to ids, foreign keys, timestamps, status and the rotation
 * fields (so due counts work while locked). Everything the user typed lives in `*enc` columns, sealed with
 * AES-256-GCM and an AAD of `table:id:column`.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE apps (
      id TEXT PRIMARY KEY,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      enc BLOB NOT NULL
    ) STRICT;

    CREATE TABLE environments (
      id TEXT PRIMARY KEY,
      app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      enc BLOB NOT NULL
    ) STRICT;
    CREATE INDEX environments_app ON environments(app_id);

    CREATE TABLE credentials (
      id TEXT PRIMARY KEY,
      environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
      status TEXT NOT NULL CHECK (status IN ('active', 'revoked', 'expired')),
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      last_rotated_at INTEGER,
      expires_at INTEGER,
      rotation_interval_days INTEGER CHECK (rotation_interval_days IS NULL OR rotation_interval_days > 0),
      rotation_state TEXT NOT NULL DEFAULT 'settled' CHECK (rotation_state IN ('settled', 'unknown')),
      enc BLOB NOT NULL
    ) STRICT;
    CREATE INDEX credentials_environment ON credentials(environment_id);

    CREATE TABLE fields (
      id TEXT PRIMARY KEY,
      credential_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('secret', 'public')),
      value_enc BLOB NOT NULL
    ) STRICT;
    CREATE INDEX fields_credential ON fields(credential_id);

    CREATE TABLE versions (
      id TEXT PRIMARY KEY,
      credential_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      reason TEXT NOT NULL,
      valid_until INTEGER,
      meta_enc BLOB NOT NULL,
      values_enc BLOB NOT NULL
    ) STRICT;
    CREATE INDEX versions_credential ON versions(credential_id, created_at);

    CREATE TABLE audit (
      id TEXT PRIMARY KEY,
      seq INTEGER NOT NULL,
      at INTEGER NOT NULL,
      event TEXT NOT NULL,
      credential_id TEXT,
      details_enc BLOB NOT NULL
    ) STRICT;
    CREATE INDEX audit_seq ON audit(seq);
  `)
}
