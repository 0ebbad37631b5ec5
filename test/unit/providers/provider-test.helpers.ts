import type { Logger } from '../../../src-main/core/logger'
import { createStreamLogger } from '../../../src-main/core/logger'
import type { ProviderDeps, Sleep } from '../../../src-main/core/providers'

/** A sleep that returns at once and records every wait, so tests assert backoff without waiting. */
export function recordingSleep(): Sleep & { waits: number[] } {
  const waits: number[] = []
  const sleep = ((ms: number, signal?: AbortSignal) => {
    waits.push(ms)
    return signal?.aborted ? Promise.reject(new Error('aborted')) : Promise.resolve()
  }) as Sleep & { waits: number[] }
  sleep.waits = waits
  return sleep
}

/** A real JSON-lines logger writing into memory, so tests can scan everything that would be logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const logger = createStreamLogger((line) => lines.push(line)) as Logger & { lines: string[] }
  logger.lines = lines
  return logger
}

/** Deps over the real fetch (loopback fakes), an instant recorded sleep and deterministic jitter. */
export function testDeps(over: Partial<ProviderDeps> = {}): ProviderDeps & {
  sleep: ReturnType<typeof recordingSleep>
  logger: ReturnType<typeof memoryLogger>
} {
  return {
    fetch: globalThis.fetch,
    random: () => 0,
    ...over,
    sleep: recordingSleep(),
    logger: memoryLogger(),
  }
}

/** Awaits `p` and returns what it threw (fails the test when it resolves). */
export async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

/** Every text form an error can take when shown, logged or sent over IPC. */
export function renderings(err: unknown): string[] {
  const e = err as { message?: unknown; stack?: unknown; toData?: () => unknown }
  return [
    String(err),
    typeof e.message === 'string' ? e.message : '',
    typeof e.stack === 'string' ? e.stack : '',
    JSON.stringify(err),
    JSON.stringify(typeof e.toData === 'function' ? e.toData() : null),
  ]
}
