import { useLayoutEffect, useState, type RefObject } from 'react'

/** The nearest scrolling ancestor of `el`. */
export function scrollParent(el: HTMLElement | null): HTMLElement | null {
  for (let p = el?.parentElement ?? null; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowY
    if (o === 'auto' || o === 'scroll') return p
  }
  return null
}

/**
 * For a virtual list that scrolls with the page (one scroll bar, sticky headers): the scrolling ancestor of
 * `container`, the container's width (tracked), and `scrollMargin`, the offset of `list` from the top of the
 * scroller's content, re-measured whenever the content above it changes size.
 */
export function usePageScroll(
  container: RefObject<HTMLElement | null>,
  list: RefObject<HTMLElement | null>,
): { scroller: HTMLElement | null; width: number; scrollMargin: number } {
  const [scroller, setScroller] = useState<HTMLElement | null>(null)
  const [width, setWidth] = useState(0)
  const [scrollMargin, setScrollMargin] = useState(0)
  useLayoutEffect(() => {
    const el = container.current
    if (!el) return
    // Layout is the external system here: which ancestor scrolls is only known once the element is mounted.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setScroller(scrollParent(el))
    const measure = () => setWidth(el.clientWidth)
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    return () => ro.disconnect()
  }, [container])
  useLayoutEffect(() => {
    const body = list.current
    if (!body || !scroller) return
    const measure = () => {
      const m = body.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop
      setScrollMargin((old) => (Math.abs(old - m) > 0.5 ? m : old))
    }
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(scroller.firstElementChild ?? scroller)
    return () => ro.disconnect()
  })
  return { scroller, width, scrollMargin }
}
