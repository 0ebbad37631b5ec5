import type { Database } from 'better-sqlite3'
import * as m0010 from './0010-initial'
import * as m0020 from './0020-provider-sync'
import * as m0030 from './0030-teams'
import * as m0040 from './0040-trash'

/** One numbered step of the schema. Append-only: never edit a shipped migration, add a new one. */
export interface Migration {
  version: number
  name: string
  up(db: Database): void
}

/** Every migration, in order, in steps of 10. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 10, name: 'initial', up: m0010.up },
  { version: 20, name: 'provider-sync', up: m0020.up },
  { version: 30, name: 'teams', up: m0030.up },
  { version: 40, name: 'trash', up: m0040.up },
]

/** The schema version this code writes. */
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0
