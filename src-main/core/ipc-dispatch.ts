import type { Command, VaultService } from '../../src-shared/contract'
import { contract } from '../../src-shared/contract'
import type { Result } from '../../src-shared/model'
import { toErrorData } from './errors'
import type { Logger } from './logger'

/**
 * Parses an untrusted input for `command` with the contract's zod schema, calls the service and wraps the
 * outcome. The one path every renderer call takes, in Electron (ipc/register.ts) and in the e2e harness.
 */
export async function dispatch(
  service: VaultService,
  command: string,
  rawInput: unknown,
  logger?: Logger,
): Promise<Result<unknown>> {
  if (!Object.hasOwn(contract, command)) {
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'Unknown command.' },
    }
  }
  const cmd = command as Command
  const parsed = contract[cmd].input.safeParse(rawInput ?? {})
  if (!parsed.success) {
    // Issues carry paths and messages only; zod does not echo input values in its default messages.
    const details = parsed.error.issues.map((i) => ({
      path: i.path.join('.'),
      message: i.message,
    }))
    return {
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: 'The request was not valid.',
        details,
      },
    }
  }
  try {
    const fn = service[cmd] as (input: unknown) => Promise<unknown>
    const value = await fn.call(service, parsed.data)
    return { ok: true, value }
  } catch (err) {
    const data = toErrorData(err)
    if (data.code === 'INTERNAL') logger?.error('command failed', { command: cmd, error: errorName(err) })
    return { ok: false, error: data }
  }
}

function errorName(err: unknown): string {
  return err instanceof Error ? `${err.name}` : typeof err
}
