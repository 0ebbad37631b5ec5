/**
 * Parses `.env` text with the semantics of the `dotenv` npm package (`dotenv.parse`, default parser), and
 * reports every line it cannot read instead of skipping it.
 *
 * Grammar (one logical line per entry; CRLF and lone CR count as LF; a leading BOM is whitespace):
 * - blank lines and lines whose first non-space character is `#` are ignored;
 * - `[export ]KEY=VALUE`, spaces allowed around `KEY` and `=`; `KEY` must be a portable name
 *   (`[A-Za-z_][A-Za-z0-9_]*`);
 * - VALUE in single, double or back quotes may span lines. It ends at the last quote, among the quotes
 *   up to the first one not preceded by `\`, that is followed only by spaces and an optional `# comment` on its
 *   line (this is exactly what dotenv's regular expression does). Inside, everything is literal, except
 *   that in double quotes `\n` becomes LF and then `\r` becomes CR. There is no other escape: `\"`, `\\`
 *   and `\t` stay as written;
 * - an unquoted VALUE ends at the first `#` (with or without a space before it) or the end of the line,
 *   and is trimmed;
 * - `KEY=` gives the empty string.
 *
 * Errors (the line is not used; `line` is where the statement starts, 1-based): no `=` (`JUST_A_WORD`), an
 * invalid name (`1BAD=x`), `KEY: value` (dotenv-only YAML style), an unterminated quote or text after the
 * closing quote, a NUL in a value, and U+2028/U+2029 outside quotes (dotenv treats them as line ends,
 * python-dotenv does not). Warnings (the line is used): a key defined again (the last definition wins,
 * as in dotenv and python-dotenv; the entry keeps the position of the first), and an unquoted `#` not
 * preceded by a space (dotenv starts a comment there, python-dotenv keeps it in the value).
 *
 * For text without errors, the entries equal `dotenv.parse(text)` (except that dotenv drops a key named
 * `__proto__`). Messages name keys and line numbers, never values or line content.
 */

export interface ParsedEntry {
  key: string
  value: string
  /** 1-based line where the (last) definition starts. */
  line: number
}

export interface ParseIssue {
  /** 1-based line where the statement starts. */
  line: number
  message: string
}

export interface ParseResult {
  /** One entry per key, in order of first appearance, with the last definition's value. */
  entries: ParsedEntry[]
  /** Lines that were not used. */
  errors: ParseIssue[]
  /** Lines that were used but deserve a look. */
  warnings: ParseIssue[]
}

/** JS `\s` without the line terminators: what dotenv's `\s` matches inside one line. */
const WS = /[\t\v\f \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]/
const KEY_CHAR = /[A-Za-z0-9_.-]/
const VALID_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/
const LINE_SEPARATORS = /[\u2028\u2029]/
/** What may follow a closing quote on its line (up to a U+2028/U+2029, which dotenv also takes as a line end). */
const AFTER_QUOTE = /^[\t\v\f \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]*(?:#.*)?$/s
const QUOTE_NAME: Record<string, string> = { "'": 'single', '"': 'double', '`': 'back' }

function isWs(ch: string | undefined): boolean {
  return ch !== undefined && WS.test(ch)
}

/** Sorted positions of one quote character, found once per text, for the closing-quote search. */
class QuoteIndex {
  private readonly cache = new Map<string, number[]>()

  constructor(private readonly text: string) {}

  positions(q: string): number[] {
    let list = this.cache.get(q)
    if (!list) {
      list = []
      for (let i = this.text.indexOf(q); i !== -1; i = this.text.indexOf(q, i + 1)) list.push(i)
      this.cache.set(q, list)
    }
    return list
  }

  /** Index in `positions(q)` of the first position greater than `after`. */
  firstAfter(q: string, after: number): number {
    const list = this.positions(q)
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((list[mid] ?? Infinity) > after) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}

type QuotedResult =
  { ok: true; value: string; end: number; restHasSeparator: boolean } | { ok: false; message: string }

/**
 * Reads the quoted value opening at `open`, as dotenv's regex does: the candidates for the closing quote are the
 * quotes after `open` up to and including the first not preceded by `\`; the longest candidate followed only by
 * spaces and an optional comment on its line wins. `end` is the index of that line's LF (or the text length).
 */
function readQuoted(text: string, open: number, index: QuoteIndex, key: string): QuotedResult {
  const q = text[open] ?? '"'
  const list = index.positions(q)
  const candidates: number[] = []
  for (let k = index.firstAfter(q, open); k < list.length; k++) {
    const pos = list[k] ?? 0
    candidates.push(pos)
    if (text[pos - 1] !== '\\') break
  }
  for (let c = candidates.length - 1; c >= 0; c--) {
    const close = candidates[c] ?? 0
    let end = text.indexOf('\n', close)
    if (end === -1) end = text.length
    const rest = text.slice(close + 1, end)
    const sep = rest.search(LINE_SEPARATORS)
    if (AFTER_QUOTE.test(sep === -1 ? rest : rest.slice(0, sep))) {
      let value = text.slice(open + 1, close)
      if (q === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r')
      return { ok: true, value, end, restHasSeparator: sep !== -1 }
    }
  }
  const kind = QUOTE_NAME[q] ?? 'quoted'
  return {
    ok: false,
    message:
      candidates.length === 0
        ? `${key}: unterminated ${kind}-quoted value (no closing ${q})`
        : `${key}: unexpected text after the closing ${q} of the ${kind}-quoted value`,
  }
}

/** Counts LF characters in text[from, to). */
function countLines(text: string, from: number, to: number): number {
  let n = 0
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++
  return n
}

/** A conventional env var name (upper case; with "_" or short), unlike a bare token such as a pasted key. */
function looksLikeName(word: string): boolean {
  return /^[A-Z_][A-Z0-9_]*$/.test(word) && (word.includes('_') || word.length <= 8)
}

/**
 * Parses `.env` text (rules above). Never throws and never skips silently: every line is used, ignored as
 * blank/comment, or reported in `errors` with its 1-based line number; messages never contain values.
 */
export function parseDotenv(text: string): ParseResult {
  const s = text.replace(/\r\n?/g, '\n')
  const n = s.length
  const index = new QuoteIndex(s)
  const entries: ParsedEntry[] = []
  const errors: ParseIssue[] = []
  const warnings: ParseIssue[] = []
  const byKey = new Map<string, number>()

  let pos = 0
  let line = 1
  while (pos < n) {
    let eol = s.indexOf('\n', pos)
    if (eol === -1) eol = n
    const startLine = line
    // Where the next statement starts: the line after `next` (an LF index or n).
    let next = eol
    const fail = (message: string) => errors.push({ line: startLine, message })

    let i = pos
    while (i < eol && isWs(s[i])) i++
    const lineHasSeparator = LINE_SEPARATORS.test(s.slice(pos, eol))

    if (i === eol || s[i] === '#') {
      if (lineHasSeparator)
        fail('a Unicode line separator (U+2028/U+2029) outside quotes; parsers disagree on it')
    } else {
      // `export ` prefix, unless `export` is itself the key (`export=1`, `export =1`).
      if (s.startsWith('export', i) && isWs(s[i + 6])) {
        let j = i + 6
        while (j < eol && isWs(s[j])) j++
        if (KEY_CHAR.test(s[j] ?? '')) i = j
      }
      let j = i
      while (j < eol && KEY_CHAR.test(s[j] ?? '')) j++
      const key = s.slice(i, j)
      let k = j
      while (k < eol && isWs(s[k])) k++
      if (key === '') {
        fail('expected a variable name (KEY=value)')
      } else if (!VALID_KEY.test(key)) {
        fail('not a valid variable name: use letters, digits and _, not starting with a digit')
      } else if (s[k] === ':' && k + 1 < n && /\s/.test(s[k + 1] ?? '')) {
        fail(
          `${key}: "KEY: value" is not supported (python-dotenv and Docker read it differently); write ${key}=value`,
        )
      } else if (s[k] !== '=') {
        // Without "=" the word may be a pasted value (a bare token): quote it only if it looks like a name.
        const name = looksLikeName(key) ? key : null
        fail(
          k === eol
            ? name
              ? `${name}: no "=" (write ${name}= for an empty value)`
              : 'no "=" on this line (write NAME=value)'
            : name
              ? `${name}: expected "=" after the name`
              : 'expected "=" after a variable name',
        )
      } else {
        let v = k + 1
        while (v < eol && isWs(s[v])) v++
        const q = s[v]
        let value: string | null = null
        if (q === "'" || q === '"' || q === '`') {
          const r = readQuoted(s, v, index, key)
          if (!r.ok) fail(r.message)
          else if (r.restHasSeparator || LINE_SEPARATORS.test(s.slice(pos, v))) {
            fail(`${key}: a Unicode line separator (U+2028/U+2029) outside quotes; parsers disagree on it`)
            next = r.end
          } else {
            value = r.value
            next = r.end
          }
        } else if (lineHasSeparator) {
          fail(`${key}: a Unicode line separator (U+2028/U+2029) outside quotes; parsers disagree on it`)
        } else {
          let hash = s.indexOf('#', k + 1)
          if (hash === -1 || hash > eol) hash = eol
          value = s.slice(k + 1, hash).trim()
          if (hash < eol && !isWs(s[hash - 1])) {
            warnings.push({
              line: startLine,
              message: `${key}: "#" right after the value starts a comment for dotenv but python-dotenv keeps it; quote the value`,
            })
          }
        }
        if (value !== null && value.includes('\0')) {
          fail(`${key}: the value contains a NUL character, which no environment can hold`)
          value = null
        }
        if (value !== null) {
          const seen = byKey.get(key)
          if (seen === undefined) {
            byKey.set(key, entries.length)
            entries.push({ key, value, line: startLine })
          } else {
            const first = entries[seen]
            if (first) {
              warnings.push({
                line: startLine,
                message: `${key} is defined again (first on line ${first.line}); the last definition wins`,
              })
              first.value = value
              first.line = startLine
            }
          }
        }
      }
    }
    line += countLines(s, eol, next) + 1
    pos = next + 1
  }
  return { entries, errors, warnings }
}

/** The entries as a plain object with `dotenv.parse`'s shape (own properties, last definition wins). */
export function entriesToRecord(entries: readonly ParsedEntry[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of entries)
    Object.defineProperty(out, e.key, {
      value: e.value,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  return out
}
