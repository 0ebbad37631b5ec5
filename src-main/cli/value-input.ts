/**
 * Checks on a value the CLI is about to store, so it is stored exactly or refused:
 * strict UTF-8 (the byte offset of the first invalid byte, never U+FFFD), no silent empty value
 * (an unset variable in a pipe), and a warning for the trailing newline `echo` adds (the value keeps it).
 */
import { UsageError } from './cli-io'

/** The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let min: number
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80]
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800]
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000]
    else return i
    let cp = b & (0x3f >> need)
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (c & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += need + 1
  }
  return -1
}

/** Decodes UTF-8 strictly; invalid bytes are a one-line error naming the byte offset. */
export function decodeStrictUtf8(bytes: Uint8Array, what = 'The value on stdin'): string {
  const bad = firstInvalidUtf8(bytes)
  if (bad >= 0) {
    throw new UsageError(
      `${what} is not valid UTF-8 (invalid byte at offset ${bad}); nothing was stored. Convert it to UTF-8 first (iconv).`,
    )
  }
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
}

/**
 * Refuses an empty value unless `allowEmpty`, and warns (once, via `warn`) about a trailing newline, which
 * is kept as part of the value, as documented.
 */
export function checkValue(
  value: string,
  opts: { allowEmpty: boolean; warn: (line: string) => void },
): string {
  if (value === '' && !opts.allowEmpty) {
    throw new UsageError(
      'The value is empty (an unset variable in a pipe?); nothing was stored. Pass --allow-empty to store an empty value.',
    )
  }
  if (value.endsWith('\n'))
    opts.warn('keyshelf: value ends with a newline; use printf %s to store it without one.')
  return value
}
