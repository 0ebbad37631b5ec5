import type { Database } from 'better-sqlite3'

/**
 * The Trash (issue 10 §20): an app or environment that is deleted gets a `deleted_at` time instead of
 * being removed; its environments, keys, fields and history stay as they are until it is restored or
 * purged (explicitly, or 30 days later on unlock). The column is bound into the AAD of the row's `enc`
 * when it is set (see row-binding.ts `boundWhenSet`), so setting or clearing it without the data key makes
 * the row fail to open. Rows written before this migration have NULL and keep their AAD unchanged.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE apps ADD COLUMN deleted_at INTEGER;
    ALTER TABLE environments ADD COLUMN deleted_at INTEGER;
    CREATE INDEX apps_deleted ON apps(deleted_at) WHERE deleted_at IS NOT NULL;
    CREATE INDEX environments_deleted ON environments(deleted_at) WHERE deleted_at IS NOT NULL;
  `)
}
