import {
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
} from 'react'
import { Field } from './Field'

/**
 * An input for typed secrets (master password, secret values, provider keys). It is uncontrolled as far as
 * the DOM goes: React never writes a `value="…"` attribute (a controlled input's value is mirrored into the
 * attribute, so it shows up in the page's HTML). `value` only pushes changes made by code, such as clearing
 * the field after a wrong password, into the element's `.value` property.
 */
export function SecretInput({
  value,
  inputRef,
  ...rest
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'defaultValue'> & {
  value: string
  inputRef?: Ref<HTMLInputElement>
}) {
  const own = useRef<HTMLInputElement | null>(null)
  useImperativeHandle(inputRef, () => own.current as HTMLInputElement, [])
  useLayoutEffect(() => {
    const el = own.current
    if (el && el.value !== value) el.value = value
  }, [value])
  return <input {...rest} data-secret="" ref={own} />
}

/**
 * A labelled password-style field (`Field` + `SecretInput`): for master passwords, tokens and other secrets
 * typed into a form. The typed value never becomes a DOM attribute.
 */
export function SecretField({
  label,
  hint,
  error,
  value,
  onChange,
  autoComplete = 'off',
  mono = false,
}: {
  label: string
  hint?: ReactNode
  error?: string | null | undefined
  value: string
  onChange: (value: string) => void
  autoComplete?: 'off' | 'current-password' | 'new-password'
  /** Monospace, for tokens and ids. */
  mono?: boolean
}) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(p) => (
        <SecretInput
          {...p}
          className={mono ? 'input mono' : 'input'}
          type="password"
          autoComplete={autoComplete}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  )
}
