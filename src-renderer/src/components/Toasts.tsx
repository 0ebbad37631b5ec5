import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'
import { Icon } from './Icon'

/** A button on a toast ("Undo", "Open"); the toast then stays longer and closes when it is used. */
export interface ToastAction {
  label: string
  run: () => void
}

interface Toast {
  id: number
  message: string
  tone: 'info' | 'error'
  action?: ToastAction | undefined
}

type ShowToast = (message: string, tone?: Toast['tone'], action?: ToastAction) => void

const ToastContext = createContext<ShowToast>(() => {})

/** Short confirmations ("Copied", "Key rotated") announced politely to screen readers. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([])
  const next = useRef(1)
  const show = useCallback<ShowToast>((message, tone = 'info', action) => {
    const id = next.current++
    setToasts((t) => [...t.slice(-2), { id, message, tone, action }])
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), action ? 8000 : 3200)
  }, [])
  const value = useMemo(() => show, [show])
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast ${t.tone === 'error' ? 'error' : ''}`}>
            <Icon name={t.tone === 'error' ? 'alert' : 'check'} size="sm" />
            {t.message}
            {t.action ? (
              <button
                type="button"
                className="toast-action"
                onClick={() => {
                  setToasts((all) => all.filter((x) => x.id !== t.id))
                  t.action?.run()
                }}
              >
                {t.action.label}
              </button>
            ) : null}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  )
}

export const useToast = () => useContext(ToastContext)
