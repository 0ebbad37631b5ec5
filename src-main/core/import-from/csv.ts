/**
 * RFC 4180 CSV: quoted fields with "" escapes and line breaks inside quotes; CRLF or LF rows; a leading BOM
 * is ignored. Returns rows of strings. Throws on an unterminated quote (message without content).
 */
export function parseCsv(text: string): string[][] {
  const s = text.replace(/^\ufeff/, '')
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  let i = 0
  while (i < s.length) {
    const ch = s[i]
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          cell += '"'
          i += 2
          continue
        }
        quoted = false
      } else cell += ch
      i++
      continue
    }
    if (ch === '"' && cell === '') quoted = true
    else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\n' || ch === '\r') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      if (ch === '\r' && s[i + 1] === '\n') i++
    } else cell += ch
    i++
  }
  if (quoted) throw new Error('unterminated quoted field')
  if (cell !== '' || row.length > 0) {
    row.push(cell)
    rows.push(row)
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''))
}

/** Rows as objects keyed by the header row (header names matched case-insensitively via `get`). */
export function csvRecords(text: string): { header: string[]; records: ((name: string) => string)[] } {
  const [header = [], ...rows] = parseCsv(text)
  const index = new Map(header.map((h, i) => [h.trim().toLowerCase(), i]))
  return {
    header,
    records: rows.map((r) => (name: string) => {
      const i = index.get(name.toLowerCase())
      return i === undefined ? '' : (r[i] ?? '')
    }),
  }
}
