import type { Database } from 'better-sqlite3'

/**
 * Team spaces (OpenBao / HashiCorp Vault KV v2).
 * - team_connections: one row per connected team; everything (name, addresses, mount, prefix, namespace,
 *   the token and any AppRole secret id, offline/sync times) is sealed in `enc`.
 * - team_apps: a local app shared with (or pulled from) a team, with its path slug and environment slugs.
 * - team_links: a local credential that lives in a team space: its KV path and the KV version the local
 *   copy holds (the check-and-set base for the next write).
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE team_connections (
      id TEXT PRIMARY KEY,
      created_at INTEGER NOT NULL,
      enc BLOB NOT NULL
    ) STRICT;

    CREATE TABLE team_apps (
      app_id TEXT PRIMARY KEY REFERENCES apps(id) ON DELETE CASCADE,
      connection_id TEXT NOT NULL REFERENCES team_connections(id) ON DELETE CASCADE,
      enc BLOB NOT NULL
    ) STRICT;
    CREATE INDEX team_apps_connection ON team_apps(connection_id);

    CREATE TABLE team_links (
      credential_id TEXT PRIMARY KEY REFERENCES credentials(id) ON DELETE CASCADE,
      connection_id TEXT NOT NULL REFERENCES team_connections(id) ON DELETE CASCADE,
      enc BLOB NOT NULL
    ) STRICT;
    CREATE INDEX team_links_connection ON team_links(connection_id);
  `)
}
