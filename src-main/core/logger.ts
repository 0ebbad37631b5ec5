/**
 * A logger that takes a message and structured, non-secret fields. Callers never pass values; the
 * implementation additionally drops any field whose name suggests a secret.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

const SECRET_FIELD = /value|secret|password|token|key$/i

/** Removes fields whose names look like secrets. */
export function redactFields(
  fields: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!fields) return undefined
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : v
  return out
}

/** Writes JSON lines to a stream (stderr by default). */
export function createStreamLogger(write: (line: string) => void): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    write(
      JSON.stringify({
        t: new Date().toISOString(),
        level,
        message,
        ...redactFields(fields),
      }) + '\n',
    )
  return { info: log('info'), warn: log('warn'), error: log('error') }
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
}
