import { useId, type ReactNode } from 'react'
import { Icon } from './Icon'

export interface ControlProps {
  id: string
  'aria-invalid': boolean
  'aria-describedby': string | undefined
}

/** A labelled form control with hint and inline error, wired for screen readers. */
export function Field({
  label,
  hint,
  error,
  optional,
  className,
  children,
}: {
  label: ReactNode
  hint?: ReactNode
  error?: string | null | undefined
  optional?: boolean
  className?: string
  children: (props: ControlProps) => ReactNode
}) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined
  return (
    <div className={['field', className ?? ''].join(' ').trim()}>
      <label className="field-label" htmlFor={id}>
        {label}
        {optional ? <span className="optional">optional</span> : null}
      </label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {error ? (
        <div className="field-error" id={errorId}>
          <Icon name="alert" size="sm" />
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint" id={hintId}>
          {hint}
        </div>
      ) : null}
    </div>
  )
}

/** An error for the whole form (e.g. a conflict reported by main). */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null
  return (
    <div className="form-error" role="alert">
      <Icon name="alert" />
      <span>{message}</span>
    </div>
  )
}

/** The optional free-text notes field every record has. */
export function NotesField({
  value,
  onChange,
  error,
  className,
}: {
  value: string
  onChange: (v: string) => void
  error?: string | null | undefined
  className?: string
}) {
  return (
    <Field label="Notes" optional error={error} {...(className ? { className } : {})}>
      {(p) => (
        <textarea {...p} className="textarea" value={value} onChange={(e) => onChange(e.target.value)} />
      )}
    </Field>
  )
}
