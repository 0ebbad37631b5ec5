/**
 * A small, strict XML reader for the exports import-from reads (KeePass 2.x XML): elements, attributes, text,
 * CDATA, comments and the five named plus numeric character references. No DTDs and no external entities
 * (a DOCTYPE is refused), so a hostile file cannot expand or fetch anything.
 */

/** One element: its name, attributes, child elements and its direct text. */
export interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  text: string
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10))
    const v = NAMED[ref]
    if (v === undefined) throw new Error(`unknown entity ${m}`)
    return v
  })
}

/** Parses a document and returns its root element. Throws an Error (message without content) when malformed. */
export function parseXml(text: string): XmlElement {
  const stack: XmlElement[] = []
  let root: XmlElement | null = null
  let i = 0
  const n = text.length
  while (i < n) {
    const lt = text.indexOf('<', i)
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt)
    if (chunk) {
      const top = stack[stack.length - 1]
      if (top) top.text += decode(chunk)
      else if (chunk.trim() && chunk.trim() !== '\ufeff') throw new Error('text outside the root element')
    }
    if (lt < 0) break
    if (text.startsWith('<?', lt)) {
      const e = text.indexOf('?>', lt)
      if (e < 0) throw new Error('unterminated declaration')
      i = e + 2
    } else if (text.startsWith('<!--', lt)) {
      const e = text.indexOf('-->', lt)
      if (e < 0) throw new Error('unterminated comment')
      i = e + 3
    } else if (text.startsWith('<![CDATA[', lt)) {
      const e = text.indexOf(']]>', lt)
      if (e < 0) throw new Error('unterminated CDATA')
      const top = stack[stack.length - 1]
      if (top) top.text += text.slice(lt + 9, e)
      i = e + 3
    } else if (text.startsWith('<!', lt)) {
      throw new Error('a DOCTYPE is not accepted')
    } else if (text.startsWith('</', lt)) {
      const e = text.indexOf('>', lt)
      const name = text.slice(lt + 2, e).trim()
      const top = stack.pop()
      if (e < 0 || !top || top.name !== name) throw new Error('mismatched closing tag')
      i = e + 1
    } else {
      const m = /^<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(
        text.slice(lt, lt + 4096),
      )
      if (!m) throw new Error('malformed tag')
      const el: XmlElement = { name: m[1] ?? '', attrs: {}, children: [], text: '' }
      for (const a of (m[2] ?? '').matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
        el.attrs[a[1] ?? ''] = decode(a[2] ?? a[3] ?? '')
      const parent = stack[stack.length - 1]
      if (parent) parent.children.push(el)
      else if (root) throw new Error('more than one root element')
      else root = el
      if (m[3] !== '/') stack.push(el)
      i = lt + m[0].length
    }
  }
  if (stack.length > 0 || !root) throw new Error(root ? 'unclosed element' : 'no root element')
  return root
}

/** The first child element named `name`. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name)
}

/** Every child element named `name`. */
export function children(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name)
}
