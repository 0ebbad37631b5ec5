import { useImperativeHandle, useLayoutEffect, useRef, type InputHTMLAttributes, type Ref } from 'react'

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
