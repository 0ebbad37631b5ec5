/**
 * Row binding: which plaintext columns of each table are authenticated together with the row's sealed
 * columns. Every sealed column is encrypted with an AAD that names the table, the row id, the column AND
 * the current values of the row's plaintext columns (its parents, status, dates, positions). A plaintext
 * column changed or swapped without the data key (an `UPDATE credentials SET environment_id = …`) makes the
 * row fail to open: the named VAULT_CORRUPT error, never a different value.
 *
 * Version 1 vaults used `table:id:column` only; {@link upgradeRowBinding} re-seals them once, on the first
 * unlock, in one transaction.
 */

/** The binding this code writes. Stored in `meta.row_binding` once a vault has been upgraded. */
export const ROW_BINDING_VERSION = 2

/** A plaintext column value as SQLite returns it. */
export type PlainValue = string | number | bigint | null

/** Per table: its sealed columns and the plaintext columns bound into their AAD, in a fixed order. */
export const ROW_BINDING = {
  // deleted_at (the Trash, migration 0040) is bound only when set, so rows written before it keep their AAD.
  apps: { sealed: ['enc'], bound: ['created_at', 'updated_at'], boundWhenSet: ['deleted_at'] },
  environments: {
    sealed: ['enc'],
    bound: ['app_id', 'position', 'created_at', 'updated_at'],
    boundWhenSet: ['deleted_at'],
  },
  credentials: {
    sealed: ['enc'],
    bound: [
      'environment_id',
      'status',
      'created_at',
      'updated_at',
      'last_rotated_at',
      'expires_at',
      'rotation_interval_days',
      'rotation_state',
    ],
  },
  fields: { sealed: ['value_enc'], bound: ['credential_id', 'position', 'kind'] },
  versions: {
    sealed: ['meta_enc', 'values_enc'],
    bound: ['credential_id', 'created_at', 'reason', 'valid_until'],
  },
  audit: { sealed: ['details_enc'], bound: ['seq', 'at', 'event', 'credential_id'] },
  provider_connections: {
    sealed: ['enc'],
    bound: ['app_id', 'environment_id', 'token_credential_id', 'created_at', 'last_synced_at'],
  },
  // connection_id is not bound: ON DELETE SET NULL changes it without the key. The row keeps an
  // authenticated copy inside `enc` and the loader accepts only that copy or NULL (see SyncRepository).
  rotation_journal: { sealed: ['enc'], bound: ['credential_id', 'started_at', 'finished_at', 'state'] },
  // Team spaces (migration 0030). team_apps and team_links are keyed by the row they extend.
  team_connections: { sealed: ['enc'], bound: ['created_at'] },
  team_apps: { sealed: ['enc'], bound: ['connection_id'], idColumn: 'app_id' },
  team_links: { sealed: ['enc'], bound: ['connection_id'], idColumn: 'credential_id' },
} as const satisfies Record<
  string,
  {
    sealed: readonly string[]
    bound: readonly string[]
    boundWhenSet?: readonly string[]
    idColumn?: string
  }
>

/** The column that holds a table's row id (`id` unless the table says otherwise). */
export function idColumnOf(table: SealedTable): string {
  const b = ROW_BINDING[table]
  return 'idColumn' in b ? b.idColumn : 'id'
}

/**
 * Rows of the `meta` table whose `value` is sealed (base64 of an AES-GCM ciphertext; AAD {@link metaAad}).
 * Every module that keeps a sealed meta row names its key here, so `rekey` re-seals it too.
 */
export const SEALED_META_KEYS = ['export_targets', 'guided_reminders', 'key_checks', 'last_backup'] as const

/** A sealed `meta` row's key. */
export type SealedMetaKey = (typeof SEALED_META_KEYS)[number]

/** The AAD of a sealed `meta` row: bound to its key, so a value cannot be moved to another key. */
export function metaAad(key: SealedMetaKey): string {
  return `meta:${key}:value:v${ROW_BINDING_VERSION}`
}

/** A table whose rows carry sealed columns. */
export type SealedTable = keyof typeof ROW_BINDING

/** The version-1 AAD: `table:id:column`. Only the upgrade reads it. */
export function legacyAad(table: string, id: string, column: string): string {
  return `${table}:${id}:${column}`
}

/**
 * The AAD of one sealed column: table, id, column and the row's bound plaintext columns (read from `row`
 * by their SQL names; a missing column counts as NULL). A `boundWhenSet` column that is not NULL is
 * appended as `:{"column":value}`; a NULL one adds nothing, so rows from before the column existed keep
 * their AAD, and setting or clearing it without the key changes the AAD all the same. The two forms cannot
 * collide: the bound list's JSON always ends in `]`, the appended object in `}`.
 */
export function rowAad(table: SealedTable, id: string, column: string, row: object): string {
  const r = row as Readonly<Record<string, unknown>>
  const b: { bound: readonly string[]; boundWhenSet?: readonly string[] } = ROW_BINDING[table]
  const bound = b.bound.map((c) => normalise(r[c]))
  let aad = `${table}:${id}:${column}:v${ROW_BINDING_VERSION}:${JSON.stringify(bound)}`
  for (const c of b.boundWhenSet ?? []) {
    const v = normalise(r[c])
    if (v !== null) aad += `:${JSON.stringify({ [c]: v })}`
  }
  return aad
}

function normalise(v: unknown): string | number | null {
  if (v === undefined || v === null) return null
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'number' || typeof v === 'string') return v
  throw new TypeError('row binding: unsupported column type')
}
