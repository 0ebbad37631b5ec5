import type { ParsedInput } from '../../../src-shared/contract'
import type { CredentialHomes, HomeValue } from '../home/credential-home'
import type { VaultKernel } from '../vault/vault-kernel'
import { findField } from './overview-lookups'

/**
 * Secret values leaving the vault on request: reveal (audited), copy to the clipboard port (audited,
 * cleared later), and the unaudited readers export, import, sync and `run` use (they audit what they do).
 * Every value is read through the credential's home.
 */
export class ValuesModule {
  constructor(
    private readonly kernel: VaultKernel,
    private readonly homes: CredentialHomes,
  ) {}

  /** One field's current value, for the user who asked to see it; audited. */
  reveal(input: ParsedInput<'reveal'>): { value: string } {
    const s = this.kernel.session()
    const { c, f } = findField(s, input.fieldId)
    const value = this.homes.forCredential(c.id).readValue(c.id, f.id)
    this.kernel.write(s, () =>
      this.kernel.audit(s, 'reveal', c.id, { key: c.overview.name, envVar: f.envVar }),
    )
    return { value }
  }

  /** Copies one field's value to the clipboard (cleared after the preference's delay); audited. */
  copy(input: ParsedInput<'copy'>): { clearsAt: number | null } {
    const s = this.kernel.session()
    const { c, f } = findField(s, input.fieldId)
    const value = this.homes.forCredential(c.id).readValue(c.id, f.id)
    const result = this.kernel.clipboard.writeSecret(
      value,
      this.kernel.settings.get().clipboardClearSeconds * 1000,
    )
    this.kernel.write(s, () => this.kernel.audit(s, 'copy', c.id, { key: c.overview.name, envVar: f.envVar }))
    return result
  }

  /** Reads one current value without auditing; callers audit what they do with it. */
  readValue(credentialId: string, fieldId: string): string {
    return this.homes.forCredential(credentialId).readValue(credentialId, fieldId)
  }

  /** The current values of an environment for export and run (never crosses IPC raw); callers audit. */
  readEnvironmentValues(environmentId: string, only?: readonly string[]): HomeValue[] {
    return this.homes.forEnvironment(environmentId).listValues(environmentId, only)
  }
}
