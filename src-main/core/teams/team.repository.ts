import type { VaultRepository } from '../vault/vault.repository'

/** How a team connection authenticates. Every secret here is sealed in the local vault. */
export type TeamAuth =
  | { method: 'token'; token: string }
  | { method: 'approle'; token: string; roleId: string; secretId: string; authMount: string }
  | { method: 'userpass'; token: string; username: string; authMount: string }

/** One connected team. */
export interface TeamConnectionRecord {
  id: string
  createdAt: number
  name: string
  addrs: string[]
  mount: string
  prefix: string
  namespace: string | null
  auth: TeamAuth
  /** The token's display name (who Keyshelf says wrote a version) and policies, from lookup-self. */
  displayName: string
  policies: string[]
  renewable: boolean
  /** Epoch ms the token expires, or null. */
  tokenExpiresAt: number | null
  /** Set when no node answered; cleared by the next successful call. */
  offlineSince: number | null
  lastSyncAt: number | null
  /** When a pull last checked every key's metadata (not trusting the manifests); absent = never. */
  fullCheckAt?: number | null
}

/** A local app in a team space. */
export interface TeamAppRecord {
  appId: string
  connectionId: string
  slug: string
  /** Local environment id → env slug. */
  envs: Record<string, string>
}

/** A local credential that lives in a team space. */
export interface TeamLinkRecord {
  credentialId: string
  connectionId: string
  /** KV path below the mount (no `data/`). */
  path: string
  /** The KV version the local copy holds: the check-and-set base of the next write. */
  version: number
  /** Hash of the custom_metadata the local copy reflects (metadata edits do not bump the version). */
  metaHash?: string
}

type ConnEnc = Omit<TeamConnectionRecord, 'id' | 'createdAt'>

interface Raw {
  id: string
  created_at?: number
  app_id?: string
  credential_id?: string
  connection_id?: string
  enc: Buffer
}

/** Sealed storage for team connections and links (tables from migration 0030). */
export class TeamRepository {
  constructor(private readonly repo: VaultRepository) {}

  private get db() {
    return this.repo.db
  }

  listConnections(): TeamConnectionRecord[] {
    const rows = this.db.prepare('SELECT * FROM team_connections ORDER BY created_at').all() as Raw[]
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at ?? 0,
      ...this.repo.openJson<ConnEnc>('team_connections', r.id, 'enc', r, r.enc),
    }))
  }

  putConnection(c: TeamConnectionRecord): void {
    const { id, createdAt, ...enc } = c
    this.db
      .prepare(
        `INSERT INTO team_connections (id, created_at, enc) VALUES (?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET enc = excluded.enc`,
      )
      .run(id, createdAt, this.repo.sealJson('team_connections', id, 'enc', { created_at: createdAt }, enc))
  }

  deleteConnection(id: string): void {
    this.db.prepare('DELETE FROM team_connections WHERE id = ?').run(id)
  }

  listApps(connectionId?: string): TeamAppRecord[] {
    const rows = (
      connectionId
        ? this.db.prepare('SELECT app_id AS id, * FROM team_apps WHERE connection_id = ?').all(connectionId)
        : this.db.prepare('SELECT app_id AS id, * FROM team_apps').all()
    ) as Raw[]
    return rows.map((r) => ({
      appId: r.id,
      connectionId: r.connection_id ?? '',
      ...this.repo.openJson<Pick<TeamAppRecord, 'slug' | 'envs'>>('team_apps', r.id, 'enc', r, r.enc),
    }))
  }

  putApp(a: TeamAppRecord): void {
    this.db
      .prepare(
        `INSERT INTO team_apps (app_id, connection_id, enc) VALUES (?, ?, ?)
         ON CONFLICT(app_id) DO UPDATE SET connection_id = excluded.connection_id, enc = excluded.enc`,
      )
      .run(
        a.appId,
        a.connectionId,
        this.repo.sealJson(
          'team_apps',
          a.appId,
          'enc',
          { connection_id: a.connectionId },
          { slug: a.slug, envs: a.envs },
        ),
      )
  }

  listLinks(connectionId?: string): TeamLinkRecord[] {
    const rows = (
      connectionId
        ? this.db
            .prepare('SELECT credential_id AS id, * FROM team_links WHERE connection_id = ?')
            .all(connectionId)
        : this.db.prepare('SELECT credential_id AS id, * FROM team_links').all()
    ) as Raw[]
    return rows.map((r) => this.linkOf(r))
  }

  getLink(credentialId: string): TeamLinkRecord | null {
    const r = this.db
      .prepare('SELECT credential_id AS id, * FROM team_links WHERE credential_id = ?')
      .get(credentialId) as Raw | undefined
    return r ? this.linkOf(r) : null
  }

  private linkOf(r: Raw): TeamLinkRecord {
    return {
      credentialId: r.id,
      connectionId: r.connection_id ?? '',
      ...this.repo.openJson<Pick<TeamLinkRecord, 'path' | 'version' | 'metaHash'>>(
        'team_links',
        r.id,
        'enc',
        r,
        r.enc,
      ),
    }
  }

  putLink(l: TeamLinkRecord): void {
    this.db
      .prepare(
        `INSERT INTO team_links (credential_id, connection_id, enc) VALUES (?, ?, ?)
         ON CONFLICT(credential_id) DO UPDATE SET connection_id = excluded.connection_id, enc = excluded.enc`,
      )
      .run(
        l.credentialId,
        l.connectionId,
        this.repo.sealJson(
          'team_links',
          l.credentialId,
          'enc',
          { connection_id: l.connectionId },
          {
            path: l.path,
            version: l.version,
            ...(l.metaHash !== undefined ? { metaHash: l.metaHash } : {}),
          },
        ),
      )
  }
}
