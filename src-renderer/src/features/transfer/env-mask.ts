/** The character a hidden value character is drawn as: one monospace cell, so masked text lines up. */
export const MASK_CHAR = '•'

const ASSIGNMENT = /^(\s*(?:export\s+)?[^\s=#][^\s=]*\s*=)(.*)$/

/**
 * One line of pasted .env text as the paste area draws it while values are hidden: comments and the
 * `NAME=` part of an assignment stay readable, every other character becomes {@link MASK_CHAR} (whitespace is
 * kept, so the masked text has the same shape and the caret lines up). A line that is not an assignment (the
 * rest of a multi-line value, or a malformed line) is masked whole. Same length as the input, always.
 */
export function maskEnvLine(line: string): string {
  if (/^\s*#/.test(line)) return line
  const m = ASSIGNMENT.exec(line)
  if (m) return (m[1] ?? '') + hide(m[2] ?? '')
  return hide(line)
}

function hide(s: string): string {
  return s.replace(/\S/gu, MASK_CHAR)
}
