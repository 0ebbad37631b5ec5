/**
 * # The `dotenv` profile
 *
 * Writes `KEY=value` lines that two readers give back exactly:
 * - the `dotenv` npm package (`dotenv.parse`, its default parser, checked against v18), and
 * - python-dotenv (`dotenv_values` / `load_dotenv`, default `interpolate=True`, checked against 1.2).
 *
 * What the two readers do (established by experiment for Node and from python-dotenv's parser):
 *
 * | form          | dotenv (Node)                                             | python-dotenv                                          |
 * | ------------- | --------------------------------------------------------- | ------------------------------------------------------ |
 * | `K=v` bare    | up to the first `#` (any `#`), then trimmed               | up to end of line; ` #…` (whitespace then `#`) cut; rstrip |
 * | `K='v'`       | literal, may span lines, no escapes (`\'` keeps the `\`)   | may span lines; `\\` → `\`, `\'` → `'`                  |
 * | `K="v"`       | `\n` → LF and `\r` → CR, nothing else (`\"` keeps the `\`) | `\\ \' \" \a \b \f \n \r \t \v` decoded                |
 * | `${NAME}`     | literal                                                   | expanded in every form, no escape exists              |
 * | CR in file    | CRLF and lone CR become LF                                | universal newlines: the same                          |
 *
 * So for each value the writer picks the first form that both read back unchanged:
 * 1. empty → `K=`; plain tokens (`[A-Za-z0-9_./:@%+=,~^-]+`) → bare.
 * 2. A value with a line feed → double quotes with `\n`/`\r` escapes, else single quotes spanning lines.
 * 3. Otherwise → single quotes, else double quotes, else bare.
 *
 * Each form is safe only when (a backslash "escape" below is `\` followed by `\ ' " a b f n r t v`, LF or CR):
 * - single quotes: no `'`, no CR, no `\\` (python halves it), no trailing `\` (it would escape the closing quote).
 * - double quotes: no `"` (neither reader has a common escape for it), no backslash escape (Node and python
 *   decode them differently), no trailing `\`. LF and CR are written as `\n` and `\r`.
 * - bare: no `#`, no line break (LF, CR, U+2028, U+2029: Node's reader treats the last two as line ends),
 *   no leading or trailing whitespace (either reader's definition), and no leading `'`, `"` or backtick.
 *
 * Refused (UNREPRESENTABLE), never rewritten:
 * - NUL (no process environment can hold it) and unpaired surrogates (not encodable as UTF-8);
 * - `${…}` in python-dotenv's variable syntax (`\$\{[^}:]*(:-[^}]*)?\}`): python expands it and has no escape;
 * - values no form above accepts: in practice a value with a `'` (or CR, `\\`, trailing `\`), and a `"` (or a
 *   backslash escape), and a `#` (or a line break, edge whitespace, leading quote) all at once.
 *   Example: `a'b"c#d`. Docker, shell and json carry these.
 */
import { hasLoneSurrogate, hasNul } from './env-text'

/** JS `\s` (what Node's `trim()` and regexes strip) plus what Python's `str.isspace()` adds (U+001C–U+001F, U+0085). */
// eslint-disable-next-line no-control-regex -- these control characters are exactly what Python treats as space
const ANY_SPACE = /[\s\x1c-\x1f\x85]/
const BARE_PLAIN = /^[A-Za-z0-9_./:@%+=,~^-]+$/
/** python-dotenv's `${NAME}` / `${NAME:-default}` pattern (variables.py). */
const PY_VARIABLE = /\$\{[^}:]*(?::-[^}]*)?\}/
/** A backslash that python-dotenv or Node would read as (part of) an escape inside double quotes. */
const DOUBLE_ESCAPE_LOOKALIKE = /\\[\\'"abfnrtv\n\r]/

type Form = 'bare' | 'single' | 'double'

function singleBlocker(v: string): string | null {
  if (v.includes("'")) return "a ' character"
  if (v.includes('\r')) return 'a carriage return'
  if (v.includes('\\\\')) return 'a doubled backslash (python-dotenv halves it)'
  if (v.endsWith('\\')) return 'a trailing backslash'
  return null
}

function doubleBlocker(v: string): string | null {
  if (v.includes('"')) return 'a " character'
  if (DOUBLE_ESCAPE_LOOKALIKE.test(v))
    return 'a backslash that the readers decode differently (before n, r, t, \\, quotes…)'
  if (v.endsWith('\\')) return 'a trailing backslash'
  return null
}

function bareBlocker(v: string): string | null {
  if (v === '') return null
  if (v.includes('#')) return 'a # character'
  if (/[\n\r\u2028\u2029]/.test(v)) return 'a line break'
  if (ANY_SPACE.test(v[0] ?? '') || ANY_SPACE.test(v[v.length - 1] ?? ''))
    return 'leading or trailing whitespace'
  if (/^['"`]/.test(v)) return 'a leading quote character'
  return null
}

function chooseForm(v: string): Form | null {
  if (v === '' || BARE_PLAIN.test(v)) return 'bare'
  const order: Form[] = v.includes('\n') ? ['double', 'single'] : ['single', 'double', 'bare']
  for (const form of order) {
    const blocker =
      form === 'single' ? singleBlocker(v) : form === 'double' ? doubleBlocker(v) : bareBlocker(v)
    if (blocker === null) return form
  }
  return null
}

/** Why `value` cannot be written in the dotenv profile, or null when it can. Never quotes the value. */
export function refuseDotenv(value: string): string | null {
  if (hasNul(value)) return 'contains a NUL character, which no .env reader or process environment can carry'
  if (hasLoneSurrogate(value))
    return 'contains an unpaired UTF-16 surrogate, which cannot be written as UTF-8'
  if (PY_VARIABLE.test(value))
    return 'contains ${…}, which python-dotenv expands as a variable and cannot escape'
  if (chooseForm(value) !== null) return null
  const parts = [`single quotes by ${singleBlocker(value)}`, `double quotes by ${doubleBlocker(value)}`]
  if (!value.includes('\n')) parts.push(`no quotes by ${bareBlocker(value)}`)
  return `no quoting reads back exactly in both dotenv (Node) and python-dotenv: ${parts.join(', ')}`
}

/** The dotenv line for one accepted value (see the rules above); throws if the value was not accepted. */
export function dotenvAssignment(name: string, value: string): string {
  switch (chooseForm(value)) {
    case 'bare':
      return `${name}=${value}`
    case 'single':
      return `${name}='${value}'`
    case 'double':
      return `${name}="${value.replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`
    case null:
      throw new Error(`internal: ${name} was not checked before writing`)
  }
}
