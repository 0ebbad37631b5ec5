import { useEffect } from 'react'
import type { Preferences } from '../../../src-shared/model'

/** Applies the theme preference: 'system' follows prefers-color-scheme; light/dark override it. */
export function useTheme(theme: Preferences['theme']): void {
  useEffect(() => {
    const root = document.documentElement
    if (theme === 'system') delete root.dataset['theme']
    else root.dataset['theme'] = theme
  }, [theme])
}
