import type { Database } from 'better-sqlite3'

/**
 * Provider connections and the rotation journal.
 * - provider_connections: which app/environment is connected to which provider; the connection token
 *   is an ordinary credential (token_credential_id). Everything typed (URL, region, account) is in `enc`.
 * - rotation_journal: an intent row is committed BEFORE a provider rotate call; it moves to done in the
 *   same transaction that stores the new secret, so a crash in between leaves a pending row that unlock
 *   turns into "rotation state unknown: verify".
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE provider_connections (
      id TEXT PRIMARY KEY,
      app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
      environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
      token_credential_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      last_synced_at INTEGER,
      enc BLOB NOT NULL
    ) STRICT;
    CREATE INDEX provider_connections_app ON provider_connections(app_id);

    CREATE TABLE rotation_journal (
      id TEXT PRIMARY KEY,
      credential_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
      connection_id TEXT REFERENCES provider_connections(id) ON DELETE SET NULL,
      started_at INTEGER NOT NULL,
      finished_at INTEGER,
      state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'unknown', 'settled')),
      enc BLOB NOT NULL
    ) STRICT;
    CREATE INDEX rotation_journal_credential ON rotation_journal(credential_id, started_at);
    CREATE INDEX rotation_journal_state ON rotation_journal(state);
  `)
}
