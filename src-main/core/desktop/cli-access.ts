/**
 * Settings › CLI access: while the window is unlocked and the user allowed it, the desktop app answers
 * `keyshelf` commands on the unlock agent's socket, with the agent's protocol and checks (0600 socket in a
 * private runtime folder, a random cookie per start), the way 1Password's app serves `op`. It stops serving
 * the moment the window locks, the setting is turned off or the app quits; the CLI then falls back to asking
 * for the password. `keyshelf lock` sent to the app locks the window too.
 */
import type { KeyshelfCore } from '../core'
import type { Logger } from '../logger'
import { serveAgent, type RunWithCore } from '../agent/agent-server'

export interface CliAccessDeps {
  /** The window's vault file. */
  vault: string
  /** The window's core (never closed here). */
  core: KeyshelfCore
  env: NodeJS.ProcessEnv
  /** Runs one CLI invocation against the unlocked core (the CLI's runCli). */
  run: RunWithCore
  /** `keyshelf lock` arrived: lock the window. */
  lockWindow: () => void
  logger: Logger
}

/** Starts and stops the desktop's CLI server as the window locks and unlocks and the setting changes. */
export class CliAccess {
  private running: { abort: AbortController; done: Promise<void> } | null = null

  constructor(private readonly deps: CliAccessDeps) {}

  /** True while the app answers the CLI. */
  get serving(): boolean {
    return this.running !== null
  }

  /** Serves when `enabled && unlocked`, stops otherwise. Resolves once the socket listens or is gone. */
  async update(enabled: boolean, unlocked: boolean): Promise<void> {
    if (enabled && unlocked) {
      if (this.running) return
      const abort = new AbortController()
      let ready!: () => void
      const listening = new Promise<void>((r) => (ready = r))
      const done = serveAgent({
        vault: this.deps.vault,
        core: this.deps.core,
        env: this.deps.env,
        idleMinutes: 0, // the window's own idle lock governs; locking it stops this server
        run: this.deps.run,
        onReady: () => {
          this.deps.logger.info('serving the CLI')
          ready()
        },
        stopSignal: abort.signal,
        onLockCommand: () => this.deps.lockWindow(),
      })
        .catch((err: unknown) => {
          // e.g. a `keyshelf unlock` agent already serves this vault: the CLI keeps using that one.
          this.deps.logger.warn('cannot serve the CLI', {
            reason: err instanceof Error ? err.message : 'unknown',
          })
        })
        .finally(() => {
          if (this.running?.abort === abort) this.running = null
          ready()
        })
      this.running = { abort, done }
      await listening
    } else await this.stop()
  }

  /** Stops serving (socket and cookie removed); the core stays as it is. */
  async stop(): Promise<void> {
    const r = this.running
    if (!r) return
    this.running = null
    r.abort.abort()
    await r.done
  }
}
