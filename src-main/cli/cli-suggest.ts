/** "Did you mean …?" for the CLI: the closest names by edit distance, case-insensitive. */

/** Levenshtein distance (case-insensitive). */
export function distance(a: string, b: string): number {
  const s = a.toLowerCase()
  const t = b.toLowerCase()
  let prev = Array.from({ length: t.length + 1 }, (_, i) => i)
  for (let i = 1; i <= s.length; i++) {
    const cur = [i]
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (s[i - 1] === t[j - 1] ? 0 : 1),
      )
    }
    prev = cur
  }
  return prev[t.length] ?? 0
}

/**
 * Up to `max` candidates close to `input`: within a third of its length (at least 2 edits), or containing
 * it / contained in it; closest first.
 */
export function closest(input: string, candidates: Iterable<string>, max = 3): string[] {
  const needle = input.toLowerCase()
  const limit = Math.max(2, Math.floor(input.length / 3))
  const scored: { c: string; d: number }[] = []
  for (const c of new Set(candidates)) {
    const lc = c.toLowerCase()
    const d = distance(input, c)
    const partial = needle.length >= 3 && (lc.includes(needle) || needle.includes(lc))
    if (d <= limit || partial) scored.push({ c, d: partial ? Math.min(d, limit) : d })
  }
  return scored
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, max)
    .map((x) => x.c)
}

/** " Did you mean A or B?" or ''; `prefix` goes before each name (e.g. "Novu/Production/"). */
export function didYouMean(input: string, candidates: Iterable<string>, prefix = ''): string {
  const best = closest(input, candidates).map((c) => prefix + c)
  if (best.length === 0) return ''
  const last = best.pop()
  return ` Did you mean ${best.length ? `${best.join(', ')} or ${last}` : last}?`
}
