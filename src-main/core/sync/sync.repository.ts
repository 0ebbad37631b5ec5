import { VaultCorruptError } from '../errors'
import type { VaultRepository } from '../vault/vault.repository'
import type { ProviderKind } from '../providers/provider.types'

/** A connection between an app (one environment's token) and a provider. */
export interface ConnectionRecord {
  id: string
  appId: string
  environmentId: string
  tokenCredentialId: string
  createdAt: number
  lastSyncedAt: number | null
  provider: ProviderKind
  baseUrl: string
  region: string
  accountId: string | null
  authScheme: 'private-token' | 'bearer' | null
  wsUrl: string | null
  /** GitLab: projects and groups whose access tokens are synced too (`project:<id>`, `group:<id>`). */
  resources?: string[]
}

type ConnectionEnc = Pick<
  ConnectionRecord,
  'provider' | 'baseUrl' | 'region' | 'accountId' | 'authScheme' | 'wsUrl' | 'resources'
>

export type JournalState = 'pending' | 'done' | 'failed' | 'unknown' | 'settled'

/** One provider rotation attempt. */
export interface JournalRecord {
  id: string
  credentialId: string
  connectionId: string | null
  startedAt: number
  finishedAt: number | null
  state: JournalState
  provider: ProviderKind
  oldRemoteId: string
  strategy: 'single' | 'dual'
  /** Dual-phase: the old key to delete once the overlap ends. */
  revokeRemoteId: string | null
  revokeAfter: number | null
  revoked: boolean
  note: string | null
  /**
   * The provider's answer, sealed into the row the moment it arrives (its own small transaction), so a
   * rotation that cannot be applied at once is "rotated at the provider, not yet applied", never lost.
   */
  answer: JournalAnswer | null
}

/** What a provider returned from a rotate call: everything needed to apply it later. */
export interface JournalAnswer {
  newSecret: string
  newRemoteId: string
  strategy: 'single' | 'dual'
  oldRemoteId: string
  oldValidUntil: number | null
  newExpiresAt: number | null
  fallbackReason: string | null
  alsoInvalidated: string[]
}

type JournalEnc = Pick<
  JournalRecord,
  'provider' | 'oldRemoteId' | 'strategy' | 'revokeRemoteId' | 'revokeAfter' | 'revoked' | 'note' | 'answer'
>

interface RawConnection {
  id: string
  app_id: string
  environment_id: string
  token_credential_id: string
  created_at: number
  last_synced_at: number | null
  enc: Buffer
}

interface RawJournal {
  id: string
  credential_id: string
  connection_id: string | null
  started_at: number
  finished_at: number | null
  state: JournalState
  enc: Buffer
}

/** Encrypted storage for provider connections and the rotation journal (tables from migration 0020). */
export class SyncRepository {
  constructor(private readonly repo: VaultRepository) {}

  private get db() {
    return this.repo.db
  }

  private connectionOf(r: RawConnection): ConnectionRecord {
    return {
      id: r.id,
      appId: r.app_id,
      environmentId: r.environment_id,
      tokenCredentialId: r.token_credential_id,
      createdAt: r.created_at,
      lastSyncedAt: r.last_synced_at,
      ...this.repo.openJson<ConnectionEnc>('provider_connections', r.id, 'enc', r, r.enc),
    }
  }

  /** Connections of an app (or all) whose environment and app are not in the Trash. */
  listConnections(appId?: string): ConnectionRecord[] {
    const live = `environment_id IN (SELECT e.id FROM environments e JOIN apps a ON a.id = e.app_id
      WHERE e.deleted_at IS NULL AND a.deleted_at IS NULL)` // trash
    const rows = (
      appId
        ? this.db
            .prepare(`SELECT * FROM provider_connections WHERE app_id = ? AND ${live} ORDER BY created_at`)
            .all(appId)
        : this.db.prepare(`SELECT * FROM provider_connections WHERE ${live} ORDER BY created_at`).all()
    ) as RawConnection[]
    if (appId && rows.some((r) => r.app_id !== appId))
      throw new VaultCorruptError('provider_connections index')
    return rows.map((r) => this.connectionOf(r))
  }

  getConnection(id: string): ConnectionRecord | null {
    const r = this.db.prepare('SELECT * FROM provider_connections WHERE id = ?').get(id) as
      RawConnection | undefined
    return r ? this.connectionOf({ ...r, id }) : null
  }

  putConnection(c: ConnectionRecord): void {
    const enc: ConnectionEnc = {
      provider: c.provider,
      baseUrl: c.baseUrl,
      region: c.region,
      accountId: c.accountId,
      authScheme: c.authScheme,
      wsUrl: c.wsUrl,
      ...(c.resources?.length ? { resources: c.resources } : {}),
    }
    this.db
      .prepare(
        `INSERT INTO provider_connections (id, app_id, environment_id, token_credential_id, created_at, last_synced_at, enc)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET environment_id = excluded.environment_id,
           token_credential_id = excluded.token_credential_id, last_synced_at = excluded.last_synced_at, enc = excluded.enc`,
      )
      .run(
        c.id,
        c.appId,
        c.environmentId,
        c.tokenCredentialId,
        c.createdAt,
        c.lastSyncedAt,
        this.repo.sealJson(
          'provider_connections',
          c.id,
          'enc',
          {
            app_id: c.appId,
            environment_id: c.environmentId,
            token_credential_id: c.tokenCredentialId,
            created_at: c.createdAt,
            last_synced_at: c.lastSyncedAt,
          },
          enc,
        ),
      )
  }

  deleteConnection(id: string): void {
    this.db.prepare('DELETE FROM provider_connections WHERE id = ?').run(id)
  }

  private journalOf(r: RawJournal): JournalRecord {
    const { connectionId, ...enc } = this.repo.openJson<JournalEnc & { connectionId: string | null }>(
      'rotation_journal',
      r.id,
      'enc',
      r,
      r.enc,
    )
    // connection_id may only lose its value when the connection is deleted (ON DELETE SET NULL).
    const connectionGone =
      r.connection_id === null &&
      (connectionId === null ||
        this.db.prepare('SELECT 1 FROM provider_connections WHERE id = ?').get(connectionId) === undefined)
    if (r.connection_id !== connectionId && !connectionGone) {
      throw new VaultCorruptError(`rotation_journal row ${r.id}, connection_id`)
    }
    return {
      id: r.id,
      credentialId: r.credential_id,
      connectionId: r.connection_id,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      state: r.state,
      ...enc,
      answer: enc.answer ?? null,
    }
  }

  putJournal(j: JournalRecord): void {
    const enc: JournalEnc & { connectionId: string | null } = {
      connectionId: j.connectionId,
      provider: j.provider,
      oldRemoteId: j.oldRemoteId,
      strategy: j.strategy,
      revokeRemoteId: j.revokeRemoteId,
      revokeAfter: j.revokeAfter,
      revoked: j.revoked,
      note: j.note,
      answer: j.answer,
    }
    this.db
      .prepare(
        `INSERT INTO rotation_journal (id, credential_id, connection_id, started_at, finished_at, state, enc)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET finished_at = excluded.finished_at, state = excluded.state, enc = excluded.enc`,
      )
      .run(
        j.id,
        j.credentialId,
        j.connectionId,
        j.startedAt,
        j.finishedAt,
        j.state,
        this.repo.sealJson(
          'rotation_journal',
          j.id,
          'enc',
          {
            credential_id: j.credentialId,
            started_at: j.startedAt,
            finished_at: j.finishedAt,
            state: j.state,
          },
          enc,
        ),
      )
  }

  /** Journal rows in the given states, oldest first. */
  journalInStates(states: JournalState[]): JournalRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM rotation_journal WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY started_at`,
      )
      .all(...states) as RawJournal[]
    if (rows.some((r) => !states.includes(r.state))) throw new VaultCorruptError('rotation_journal index')
    return rows.map((r) => this.journalOf(r))
  }

  /** The latest journal row of a credential. */
  latestJournal(credentialId: string): JournalRecord | null {
    const r = this.db
      .prepare(
        'SELECT * FROM rotation_journal WHERE credential_id = ? ORDER BY started_at DESC, rowid DESC LIMIT 1',
      )
      .get(credentialId) as RawJournal | undefined
    return r ? this.journalOf({ ...r, credential_id: credentialId }) : null
  }

  journalFor(credentialId: string): JournalRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM rotation_journal WHERE credential_id = ? ORDER BY started_at DESC, rowid DESC')
      .all(credentialId) as RawJournal[]
    return rows.map((r) => this.journalOf({ ...r, credential_id: credentialId }))
  }
}
