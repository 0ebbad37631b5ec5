import * as RD from '@radix-ui/react-dialog'
import { useCallback, useRef, type ReactNode } from 'react'
import { Icon } from './Icon'
import { scrollEdgesRef } from './scroll-edges'

export interface DialogProps {
  title: string
  description?: ReactNode
  onClose: () => void
  children: ReactNode
  wide?: boolean
  /** alertdialog for destructive confirmations. */
  role?: 'dialog' | 'alertdialog'
  className?: string
  /** Called when the dialog opens, to pick the first focused element (default: first focusable). */
  onOpenAutoFocus?: (event: Event) => void
}

/**
 * A Radix dialog with Keyshelf's chrome: title, optional description, close button. Esc and the overlay
 * close it; focus is trapped inside and returns to where it was on close. The header and footer stay put
 * while the body scrolls, with a divider that appears only when content is scrolled under them.
 */
export function Dialog({
  title,
  description,
  onClose,
  children,
  wide,
  role,
  className,
  onOpenAutoFocus,
}: DialogProps) {
  const returnTo = useRef<Element | null>(typeof document === 'undefined' ? null : document.activeElement)
  const contentRef = useRef<HTMLDivElement | null>(null)
  const setContent = useCallback((el: HTMLDivElement | null) => {
    contentRef.current = el
    return scrollEdgesRef(el)
  }, [])
  return (
    <RD.Root open onOpenChange={(open) => !open && onClose()}>
      <RD.Portal>
        <RD.Overlay className="dialog-overlay" />
        <RD.Content
          ref={setContent}
          className={['dialog', wide ? 'wide' : '', className ?? ''].join(' ').trim()}
          role={role ?? 'dialog'}
          {...(description ? {} : { 'aria-describedby': undefined })}
          onOpenAutoFocus={(e) => {
            if (onOpenAutoFocus) return onOpenAutoFocus(e)
            // Focus what the user came for: an element marked data-autofocus, else the first field.
            const root = contentRef.current
            const target = root?.querySelector<HTMLElement>(
              '[data-autofocus], .dialog-body input:not([type=hidden]), .dialog-body select, .dialog-body textarea',
            )
            if (target) {
              e.preventDefault()
              target.focus()
            }
          }}
          onCloseAutoFocus={(e) => {
            e.preventDefault()
            const el = returnTo.current
            if (el instanceof HTMLElement && el.isConnected) el.focus()
          }}
        >
          <div className="dialog-header">
            <div>
              <RD.Title className="dialog-title">{title}</RD.Title>
              {description ? <RD.Description className="dialog-desc">{description}</RD.Description> : null}
            </div>
            <RD.Close asChild>
              <button type="button" className="icon-btn dialog-close" aria-label="Close">
                <Icon name="x" />
              </button>
            </RD.Close>
          </div>
          {children}
        </RD.Content>
      </RD.Portal>
    </RD.Root>
  )
}

/** The footer of a form dialog: Cancel, and a submit button that shows a spinner while busy. */
export function SubmitFooter({
  onCancel,
  busy,
  label,
}: {
  onCancel: () => void
  busy: boolean
  label: string
}) {
  return (
    <div className="dialog-footer">
      <button type="button" className="btn" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? <span className="spinner" aria-hidden /> : null}
        {label}
      </button>
    </div>
  )
}
