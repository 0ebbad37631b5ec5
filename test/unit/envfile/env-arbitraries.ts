/** fast-check arbitraries for env values: biased towards every character the env formats treat specially. */
import fc from 'fast-check'

/** Characters and sequences that quoting, escaping, trimming and comment rules care about. */
export const SPECIALS = [
  '$',
  '#',
  "'",
  '"',
  '\\',
  '`',
  '=',
  ' ',
  ' ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\\n',
  '\\r',
  '\\t',
  '\\\\',
  "\\'",
  '\\"',
  '${A}',
  '${B:-x}',
  '$A',
  '{',
  '}',
  ':',
  ' #',
  '\u00a0',
  '\u2028',
  '\v',
  '\f',
  '\ufeff',
  'é',
  '日本',
  '😀',
  '👩‍💻',
  'export ',
]

const unit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
)

/** Any value a user might store (well-formed UTF-16; NUL only where asked). */
export const valueArb = fc.string({ unit, maxLength: 24 })

/** Like {@link valueArb}, sometimes with a NUL or an unpaired surrogate. */
export const valueWithBadCharsArb = fc.oneof(
  { weight: 12, arbitrary: valueArb },
  { weight: 1, arbitrary: valueArb.map((v) => `${v}\0${v}`) },
  { weight: 1, arbitrary: valueArb.map((v) => `${v}\uD800`) },
)

/** Names that cannot collide with anything in the test environment. */
export const nameArb = fc.stringMatching(/^KS_[A-Z0-9_]{1,10}$/)

/** 1–12 distinct names with values. */
export function entriesArb(values: fc.Arbitrary<string> = valueArb) {
  return fc.uniqueArray(fc.record({ envVar: nameArb, value: values }), {
    selector: (e) => e.envVar,
    minLength: 1,
    maxLength: 12,
  })
}

/** The entries as secrets, the shape `renderEnv` takes. */
export function asSecrets(entries: readonly { envVar: string; value: string }[]) {
  return entries.map((e) => ({ ...e, kind: 'secret' as const }))
}

/** name → value, in order. */
export function toRecord(entries: readonly { envVar: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(entries.map((e) => [e.envVar, e.value]))
}
