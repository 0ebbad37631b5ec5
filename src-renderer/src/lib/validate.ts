import type { z } from 'zod'
import { ApiError } from './api.client'

/** First message per dotted path from a zod schema (the same schema main parses with). */
export function validate(schema: z.ZodType, value: unknown): Record<string, string> {
  const r = schema.safeParse(value)
  if (r.success) return {}
  const out: Record<string, string> = {}
  for (const issue of r.error.issues) {
    const path = issue.path.map(String).join('.')
    out[path] ??= issue.message
  }
  return out
}

/** Validation issues main reported, by path; falls back to the error message under '' . */
export function serverErrors(err: unknown): Record<string, string> {
  if (err instanceof ApiError && err.issues.length > 0) {
    const out: Record<string, string> = {}
    for (const i of err.issues) out[i.path] ??= i.message
    return out
  }
  return {}
}

export const splitList = (s: string, sep: RegExp = /[,\n]/): string[] =>
  s
    .split(sep)
    .map((x) => x.trim())
    .filter(Boolean)

/** An http(s) URL, or empty. */
export function urlError(value: string, schemes: string[]): string | null {
  const v = value.trim()
  if (!v) return null
  try {
    const u = new URL(v)
    if (!schemes.includes(u.protocol))
      return `Use a ${schemes.map((s) => s.replace(':', '://')).join(' or ')} URL.`
    return null
  } catch {
    return 'This is not a valid URL.'
  }
}
