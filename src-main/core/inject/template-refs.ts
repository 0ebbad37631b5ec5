/**
 * `{{ keyshelf://APP/ENV/KEY }}` references in templates (`keyshelf inject`) and env files
 * (`keyshelf run --env-file`), like 1Password's `op://` and `op inject`. Pure text work: the caller resolves
 * each distinct address once. Whitespace around the address is optional (key names may contain spaces); a reference never spans lines.
 */

/** One reference found in a text. */
export interface TemplateRef {
  /** APP/ENV/KEY, as written. */
  address: string
  /** 1-based line of the reference. */
  line: number
}

const REF = /\{\{\s*keyshelf:\/\/([^{}\n]+?)\s*\}\}/g

/** Every reference, in order (an address may repeat). */
export function findRefs(text: string): TemplateRef[] {
  const out: TemplateRef[] = []
  for (const m of text.matchAll(REF)) {
    const line = text.slice(0, m.index).split('\n').length
    out.push({ address: m[1] ?? '', line })
  }
  return out
}

/** Lines that look like a reference but are not well-formed (e.g. a missing `}}`), for a clear error. */
export function malformedRefs(text: string): number[] {
  const lines: number[] = []
  text.split('\n').forEach((l, i) => {
    const rest = l.replace(REF, '')
    if (/keyshelf:\/\//.test(rest)) lines.push(i + 1)
  })
  return lines
}

/** The text with each reference replaced by `values.get(address)` (every address must be present). */
export function renderRefs(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(REF, (_m, address: string) => {
    const v = values.get(address)
    if (v === undefined) throw new Error(`unresolved reference ${address}`)
    return v
  })
}
