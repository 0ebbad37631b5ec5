import { useState } from 'react'
import { Icon } from './Icon'

/** Copies a public, non-secret string (a URL, an app id) with the page clipboard. */
async function copyPlain(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    const ta = document.createElement('textarea')
    ta.value = text
    ta.setAttribute('readonly', '')
    ta.className = 'sr-only'
    document.body.appendChild(ta)
    ta.select()
    const ok = document.execCommand('copy')
    ta.remove()
    return ok
  }
}

export function CopyTextButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false)
  return (
    <button
      type="button"
      className="icon-btn"
      aria-label={done ? `${label}: copied` : label}
      title={label}
      onClick={async () => {
        if (await copyPlain(text)) {
          setDone(true)
          setTimeout(() => setDone(false), 1500)
        }
      }}
    >
      <Icon name={done ? 'check' : 'copy'} size="sm" />
    </button>
  )
}
