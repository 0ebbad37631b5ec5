import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * Where an audited action came from: the desktop app's window or the `keyshelf` CLI (directly, through the
 * unlock agent, or through the desktop app serving the CLI). Recorded in each audit entry's details as
 * `origin`, so a key's activity says "in the app" or "from the CLI".
 */
export type AuditOrigin = 'app' | 'cli'

const current = new AsyncLocalStorage<AuditOrigin>()

/** Runs `fn` (and everything it awaits) with `origin` as the origin of what it audits. */
export function withAuditOrigin<T>(origin: AuditOrigin, fn: () => T): T {
  return current.run(origin, fn)
}

/** The origin set by {@link withAuditOrigin} around the running call, if any. */
export function auditOriginNow(): AuditOrigin | undefined {
  return current.getStore()
}
