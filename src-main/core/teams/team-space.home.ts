import type { CredentialView } from '../../../src-shared/model'
import { KeyshelfError } from '../errors'
import type { CredentialHome, HomeValue, RotationWrite } from '../home/credential-home'
import type { VaultKernel } from '../vault/vault-kernel'

/**
 * A team space as a credential home. Values are read from the local encrypted copy (so reveal, export and
 * `run` work offline); a rotation is written to the team by TeamSpaceService first, and only inside
 * {@link TeamSpaceHome.afterTeamWrite} may the local copy take it. Any other writer (a provider rotation,
 * an import) is refused with a clear message, so the copy never silently drifts from the team.
 */
export class TeamSpaceHome implements CredentialHome {
  readonly id = 'team'
  private readonly permitted = new Set<string>()

  constructor(
    private readonly kernel: VaultKernel,
    private readonly copy: CredentialHome,
  ) {}

  /** True when `credentialId` lives in a team space (a cheap indexed lookup, no decryption). */
  holdsCredential(credentialId: string): boolean {
    const db = this.kernel.session().repo.db
    return db.prepare('SELECT 1 FROM team_links WHERE credential_id = ?').get(credentialId) !== undefined
  }

  /** True when the environment's app lives in a team space. */
  holdsEnvironment(environmentId: string): boolean {
    const s = this.kernel.session()
    const env = s.envs.get(environmentId)
    if (!env) return false
    return s.repo.db.prepare('SELECT 1 FROM team_apps WHERE app_id = ?').get(env.appId) !== undefined
  }

  readValue(credentialId: string, fieldId: string): string {
    return this.copy.readValue(credentialId, fieldId)
  }

  listValues(environmentId: string, only?: readonly string[]): HomeValue[] {
    return this.copy.listValues(environmentId, only)
  }

  writeRotation(credentialId: string, write: RotationWrite): CredentialView {
    if (!this.permitted.has(credentialId)) {
      throw new KeyshelfError(
        'CONFLICT',
        'This key lives in a team space: rotate it with `keyshelf key rotate` (or Rotate in the window), which writes the team first. Nothing was changed.',
      )
    }
    return this.copy.writeRotation(credentialId, write)
  }

  /** Runs `fn` (the local commit of a rotation the team already accepted) with the copy open for writing. */
  async afterTeamWrite<T>(credentialId: string, fn: () => Promise<T>): Promise<T> {
    this.permitted.add(credentialId)
    try {
      return await fn()
    } finally {
      this.permitted.delete(credentialId)
    }
  }
}
