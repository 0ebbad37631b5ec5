import type { Command, CommandInput, CommandOutput } from '../../../src-shared/contract'
import type { ErrorCode, KeyshelfErrorData, Result } from '../../../src-shared/model'

/** A failed command, with the stable code and the user-facing message from main. */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly details: unknown
  constructor(data: KeyshelfErrorData) {
    super(data.message)
    this.name = 'ApiError'
    this.code = data.code
    this.details = data.details
  }
  /** Validation issues from zod in main, by dotted path. */
  get issues(): { path: string; message: string }[] {
    return Array.isArray(this.details)
      ? (this.details as unknown[]).filter(
          (d): d is { path: string; message: string } =>
            typeof d === 'object' && d !== null && 'path' in d && 'message' in d,
        )
      : []
  }
}

type LockedListener = () => void
const lockedListeners = new Set<LockedListener>()

/** Called whenever a command reports LOCKED (main locked on idle or from the menu). */
export function onLockedError(listener: LockedListener): () => void {
  lockedListeners.add(listener)
  return () => lockedListeners.delete(listener)
}

/**
 * Calls one contract command through window.keyshelf and unwraps its Result: the value, or an ApiError.
 * The only way the renderer talks to main.
 */
export async function call<K extends Command>(command: K, input: CommandInput<K>): Promise<CommandOutput<K>> {
  const fn = window.keyshelf[command] as unknown as (
    input: CommandInput<K>,
  ) => Promise<Result<CommandOutput<K>>>
  const result = await fn(input)
  if (result.ok) return result.value
  const err = new ApiError(result.error)
  if (err.code === 'LOCKED') for (const l of lockedListeners) l()
  throw err
}

/** A message for any thrown value, never a stack or internal detail. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message
  return 'Something went wrong. Nothing was changed.'
}
