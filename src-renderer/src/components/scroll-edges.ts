/**
 * A ref callback for a dialog's content: while the first `.dialog-body` inside it is scrolled down, the
 * element gets `data-scrolled-top`; while more of the body lies below the fold, `data-scrolled-bottom`. The
 * sticky header and footer draw their divider from these attributes only, so a body that fits shows no line
 * and a scrolled one never shows field labels cut in half right under the description. Attributes are set on
 * the element directly (no React state), so scrolling re-renders nothing. Stable: pass it as `ref`
 * (React 19 calls the returned cleanup when the element goes).
 */
export function scrollEdgesRef(el: HTMLElement | null): (() => void) | undefined {
  if (!el) return undefined
  let body: HTMLElement | null = null
  const update = () => {
    const next = el.querySelector<HTMLElement>('.dialog-body')
    if (next !== body) {
      body?.removeEventListener('scroll', update)
      if (body) resize.unobserve(body)
      body = next
      body?.addEventListener('scroll', update, { passive: true })
      if (body) resize.observe(body)
    }
    const top = body !== null && body.scrollTop > 0
    const bottom = body !== null && body.scrollTop + body.clientHeight < body.scrollHeight - 1
    if (el.hasAttribute('data-scrolled-top') !== top) el.toggleAttribute('data-scrolled-top', top)
    if (el.hasAttribute('data-scrolled-bottom') !== bottom) el.toggleAttribute('data-scrolled-bottom', bottom)
  }
  const resize = new ResizeObserver(update)
  // Content that grows or shrinks (More details, a preview arriving) changes what lies below the fold.
  const mutations = new MutationObserver(update)
  mutations.observe(el, { childList: true, subtree: true })
  update()
  return () => {
    body?.removeEventListener('scroll', update)
    resize.disconnect()
    mutations.disconnect()
  }
}
