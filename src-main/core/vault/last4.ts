/** Values shorter than this never show their last characters. */
export const MIN_LAST4_LENGTH = 12

/**
 * Key-like: one token of the characters API keys and tokens use (letters, digits, `_ - . + / = :`), no
 * spaces, no line breaks. Passwords (other symbols, spaces) and PEM blocks (`-----BEGIN …`, line breaks) are
 * not key-like.
 */
const KEY_LIKE = /^[A-Za-z0-9_\-.+/=:]+$/

/**
 * The last 4 characters a masked secret may show, or null: only for key-like values long enough that 4
 * characters reveal little. Helps tell keys apart ("…9f2a") without hinting at a password or a PEM block.
 */
export function last4Of(value: string): string | null {
  const chars = Array.from(value)
  if (chars.length < MIN_LAST4_LENGTH || !KEY_LIKE.test(value) || value.startsWith('-----')) return null
  return chars.slice(-4).join('')
}
