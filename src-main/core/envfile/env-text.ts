/**
 * Small text predicates shared by the env-file profiles, the parser and `run`.
 * Plain functions over strings; nothing here ever formats a value into a message.
 */

/** A POSIX-portable environment variable name: letters, digits and `_`, not starting with a digit. */
export const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/

/** True when `name` is a portable environment variable name (see {@link ENV_NAME_RE}). */
export function isValidEnvName(name: string): boolean {
  return ENV_NAME_RE.test(name)
}

const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** True when `s` has an unpaired UTF-16 surrogate, which UTF-8 (files, process environments) cannot carry. */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE_RE.test(s)
}

/** True when `s` contains a NUL character, which no env file or process environment can carry. */
export function hasNul(s: string): boolean {
  return s.includes('\0')
}

/**
 * Shows a name in a message: names are never secret, but they may be garbage, so they are
 * JSON-quoted (control characters visible) and cut to 64 characters.
 */
export function showName(name: string): string {
  const cut = name.length > 64 ? `${name.slice(0, 64)}…` : name
  return JSON.stringify(cut)
}
