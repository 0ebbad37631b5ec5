/**
 * A minimal RFC 5545 (iCalendar) writer: content lines joined with CRLF, TEXT values escaped (§3.3.11),
 * lines folded at 75 octets without splitting a UTF-8 character (§3.1), UTC date-times and DATE values.
 */

/** Escapes a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 §3.3.11). */
export function escapeIcsText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '') // eslint-disable-line no-control-regex
}

/** Folds one content line to at most 75 octets per physical line; continuation lines start with a space. */
export function foldIcsLine(line: string): string {
  const out: string[] = []
  let cur = ''
  let bytes = 0
  for (const ch of line) {
    const n = Buffer.byteLength(ch)
    const limit = out.length === 0 ? 75 : 74 // the leading space of a continuation counts
    if (bytes + n > limit) {
      out.push(cur)
      cur = ''
      bytes = 0
    }
    cur += ch
    bytes += n
  }
  out.push(cur)
  return out.join('\r\n ')
}

/** `YYYYMMDDTHHMMSSZ` for an epoch-ms instant. */
export function icsDateTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

/** `YYYYMMDD` (UTC calendar day) for an epoch-ms instant. */
export function icsDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '')
}

/** One property: name, optional parameters (`VALUE=DATE`), and an already-formatted value. */
export type IcsProp = [name: string, value: string] | [name: string, value: string, params: string]

/** A component: BEGIN/END name, properties, and nested components (VALARM inside VEVENT). */
export interface IcsComponent {
  name: string
  props: IcsProp[]
  children?: IcsComponent[]
}

function componentLines(c: IcsComponent, out: string[]): void {
  out.push(`BEGIN:${c.name}`)
  for (const [name, value, params] of c.props)
    out.push(foldIcsLine(`${name}${params ? `;${params}` : ''}:${value}`))
  for (const child of c.children ?? []) componentLines(child, out)
  out.push(`END:${c.name}`)
}

/** Serialises a VCALENDAR (or any component) with CRLF line ends and a final CRLF. */
export function writeIcs(root: IcsComponent): string {
  const out: string[] = []
  componentLines(root, out)
  return out.join('\r\n') + '\r\n'
}
