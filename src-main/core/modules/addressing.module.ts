import type { App, CredentialView, Environment } from '../../../src-shared/model'
import { InvalidInputError, NotFoundError } from '../errors'
import type { VaultKernel } from '../vault/vault-kernel'
import type { FieldMeta } from '../vault/vault.repository'
import { credentialView, findAppByName, findEnvByName } from './overview-lookups'

/** A resolved `APP/ENV/ENV_VAR` address. */
export interface FieldAddress {
  app: App
  environment: Environment
  credential: CredentialView
  field: FieldMeta
}

/** Name-based addressing for the CLI: `APP`, `APP/ENV`, `APP/ENV/KEY` (names case-insensitive). */
export class AddressingModule {
  constructor(private readonly kernel: VaultKernel) {}

  /** Finds an app by name (case-insensitive); NOT_FOUND otherwise. */
  appByName(name: string): App {
    const app = findAppByName(this.kernel.session(), name)
    if (!app) throw new NotFoundError(`App "${name}"`)
    return app
  }

  /** Finds an environment of an app by name (case-insensitive); NOT_FOUND otherwise. */
  environmentByName(appName: string, envName: string): { app: App; environment: Environment } {
    const s = this.kernel.session()
    const app = this.appByName(appName)
    const environment = findEnvByName(s, app.id, envName)
    if (!environment) throw new NotFoundError(`Environment "${envName}" of ${app.name}`)
    return { app, environment }
  }

  /** Resolves `APP/ENV/ENV_VAR` to a field. */
  fieldByPath(path: string): FieldAddress {
    const { app, environment, rest } = this.splitPath(path)
    const s = this.kernel.session()
    for (const c of s.creds.inEnvironment(environment.id)) {
      const field = c.overview.fields.find((f) => f.envVar === rest)
      if (field) return { app, environment, credential: credentialView(this.kernel, s, c), field }
    }
    throw new NotFoundError(`${rest} in ${app.name}/${environment.name}`)
  }

  /** Resolves `APP/ENV/NAME` to a credential, by its name or by one of its env vars. */
  credentialByPath(path: string): { app: App; environment: Environment; credential: CredentialView } {
    const { app, environment, rest } = this.splitPath(path)
    const s = this.kernel.session()
    const n = rest.toLowerCase()
    const inEnv = s.creds.inEnvironment(environment.id)
    const c =
      inEnv.find((x) => x.overview.name.toLowerCase() === n) ??
      inEnv.find((x) => x.overview.fields.some((f) => f.envVar === rest))
    if (!c) throw new NotFoundError(`Key "${rest}" in ${app.name}/${environment.name}`)
    return { app, environment, credential: credentialView(this.kernel, s, c) }
  }

  private splitPath(path: string): { app: App; environment: Environment; rest: string } {
    const parts = path.split('/')
    if (parts.length < 3 || parts.some((p) => p === '')) {
      throw new InvalidInputError(`"${path}" is not an address; use APP/ENV/KEY.`)
    }
    const [appName, envName, ...rest] = parts as [string, string, ...string[]]
    const { app, environment } = this.environmentByName(appName, envName)
    return { app, environment, rest: rest.join('/') }
  }
}
