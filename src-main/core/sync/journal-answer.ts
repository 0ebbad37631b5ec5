/**
 * Keeping a provider's rotate answer safe: it is sealed into the rotation journal in its own small
 * transaction the moment it arrives, and that write is retried with backoff for as long as the vault is
 * busy (another process importing 10,000 lines, a second CLI). A key the provider already rotated is never
 * lost to a busy vault.
 */
import { KeyshelfError } from '../errors'

/** True for SQLite's "the database is locked/busy" errors (worth waiting for). */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

/** Transient write failures worth retrying: busy or locked vault, a full disk that may be freed. */
function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return isBusyError(err) || code === 'SQLITE_FULL' || code === 'FILE_ERROR'
}

export interface RetryOptions {
  /** Waits between attempts (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>
  /** First wait; doubled each attempt up to `maxDelayMs`. */
  initialDelayMs?: number
  maxDelayMs?: number
  /** Called before each wait (progress: "waiting for the vault"). */
  onRetry?: (attempt: number, delayMs: number) => void
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * Runs `write` until it succeeds, waiting with exponential backoff after each transient failure, with no
 * limit on attempts: the value it writes exists nowhere else. A non-transient error is rethrown at once.
 */
export async function writeUntilDone(write: () => void, opts: RetryOptions = {}): Promise<number> {
  const sleep = opts.sleep ?? realSleep
  let delay = opts.initialDelayMs ?? 50
  for (let attempt = 1; ; attempt++) {
    try {
      write()
      return attempt
    } catch (err) {
      if (!isTransient(err)) throw err
      opts.onRetry?.(attempt, delay)
      await sleep(delay)
      delay = Math.min(delay * 2, opts.maxDelayMs ?? 2000)
    }
  }
}

/** The error for a rotation the provider made whose new value is safe in the journal but not applied yet. */
export class RotationNotAppliedError extends KeyshelfError {
  constructor(provider: string, cause: string) {
    super(
      'PROVIDER_ERROR',
      `${provider} rotated the key and Keyshelf saved the new value in its rotation journal, but could not apply it yet (${cause}). ` +
        'It is applied at the next unlock or by keyshelf key verify; do not rotate it again.',
    )
  }
}
