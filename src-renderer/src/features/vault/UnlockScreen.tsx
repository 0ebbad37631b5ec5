import { SecretInput } from '../../components/SecretInput'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import type { VaultStatus } from '../../../../src-shared/model'
import { Field } from '../../components/Field'
import { Icon } from '../../components/Icon'
import { ApiError, call, messageOf } from '../../lib/api.client'
import { plural } from '../../lib/format'

/** Seconds to wait after `failures` wrong passwords: none for the first 3, then 2, 4, 8 ... up to 30. */
export function backoffSeconds(failures: number): number {
  if (failures < 3) return 0
  return Math.min(30, 2 ** (failures - 2))
}

function DueSummary({ status, warnDays }: { status: VaultStatus; warnDays: number }) {
  const due = status.due
  if (!due || due.total === 0) return null
  const parts: string[] = []
  if (due.overdue) parts.push(`${plural(due.overdue, 'key')} overdue`)
  if (due.expired) parts.push(`${due.expired} expired`)
  if (due.dueSoon) parts.push(`${due.dueSoon} due within ${plural(warnDays, 'day')}`)
  const danger = due.overdue + due.expired > 0
  return (
    <div
      className={`due-summary ${danger ? 'has-danger' : 'has-warn'}`}
      role="status"
      data-testid="unlock-due"
    >
      <Icon name="clock" />
      <div>
        <strong>{parts.join(', ')}.</strong> Unlock to review and rotate them.
        {due.verified === false ? (
          <div className="due-unverified" data-testid="unlock-due-unverified">
            Counts read before unlock; verified when you unlock.
          </div>
        ) : null}
      </div>
    </div>
  )
}

/** Unlock: a clear wrong-password message, growing waits after repeated failures, and the due summary. */
export function UnlockScreen({
  status,
  warnDays,
  onUnlocked,
}: {
  status: VaultStatus
  warnDays: number
  onUnlocked: (s: VaultStatus) => void
}) {
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [failures, setFailures] = useState(0)
  const [error, setError] = useState<string | null>(null)
  const [waitUntil, setWaitUntil] = useState(0)
  const [now, setNow] = useState(() => Date.now())
  const [capsLock, setCapsLock] = useState(false)
  const inputRef = useRef<HTMLInputElement>(null)
  const [quickEnabled, setQuickEnabled] = useState(false)

  useEffect(() => {
    call('quickUnlockStatus', {}).then(
      (q) => setQuickEnabled(q.enabled),
      () => setQuickEnabled(false),
    )
  }, [])

  const quickUnlock = async () => {
    setBusy(true)
    setError(null)
    try {
      onUnlocked(await call('quickUnlock', {}))
    } catch (err) {
      setBusy(false)
      setError(messageOf(err))
      call('quickUnlockStatus', {}).then(
        (q) => setQuickEnabled(q.enabled),
        () => setQuickEnabled(false),
      )
    }
  }

  const waiting = Math.max(0, Math.ceil((waitUntil - now) / 1000))
  useEffect(() => {
    if (waitUntil <= Date.now()) return
    const t = setInterval(() => {
      setNow(Date.now())
      if (Date.now() >= waitUntil) {
        clearInterval(t)
        inputRef.current?.focus()
      }
    }, 250)
    return () => clearInterval(t)
  }, [waitUntil])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (busy || waiting > 0) return
    if (!password) {
      setError('Enter your master password.')
      return
    }
    setBusy(true)
    setError(null)
    try {
      const next = await call('unlock', { password })
      setPassword('')
      onUnlocked(next)
    } catch (err) {
      setBusy(false)
      if (err instanceof ApiError && err.code === 'WRONG_PASSWORD') {
        const n = failures + 1
        setFailures(n)
        const wait = backoffSeconds(n)
        setError(`Wrong master password${n > 1 ? ` (${n} attempts)` : ''}. Check Caps Lock and try again.`)
        if (wait > 0) {
          setNow(Date.now())
          setWaitUntil(Date.now() + wait * 1000)
        }
        setPassword('')
        requestAnimationFrame(() => inputRef.current?.focus())
      } else {
        setError(messageOf(err))
      }
    }
  }

  return (
    <main className="auth">
      <div className="auth-card">
        <div className="auth-brand">
          <div className="logo" aria-hidden="true">
            <Icon name="key" />
          </div>
          <span className="brand-name">Keyshelf</span>
        </div>
        <h1 className="auth-title">Unlock your vault</h1>
        <p className="auth-sub">Enter your master password to see your keys.</p>
        <DueSummary status={status} warnDays={warnDays} />
        <form className="form-stack" onSubmit={submit} noValidate>
          <Field label="Master password" error={error} hint={capsLock ? 'Caps Lock is on.' : undefined}>
            {(p) => (
              <SecretInput
                {...p}
                inputRef={inputRef}
                className="input"
                type="password"
                autoComplete="current-password"
                autoFocus
                disabled={busy}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                onKeyUp={(e) => setCapsLock(e.getModifierState('CapsLock'))}
              />
            )}
          </Field>
          {waiting > 0 ? (
            <p className="field-hint" role="status">
              Too many wrong attempts. You can try again in {plural(waiting, 'second')}.
            </p>
          ) : null}
          <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={busy || waiting > 0}>
            {busy ? <span className="spinner" aria-hidden /> : <Icon name="lock" size="sm" />}
            {busy ? 'Unlocking…' : waiting > 0 ? `Wait ${waiting} s` : 'Unlock'}
          </button>
          {quickEnabled ? (
            <button
              type="button"
              className="btn btn-lg btn-block"
              disabled={busy}
              onClick={() => void quickUnlock()}
            >
              <Icon name="shield" size="sm" />
              Unlock with the system keychain
            </button>
          ) : null}
        </form>
        <p className="auth-footer">
          Keyshelf locks itself after a few idle minutes and when your screen locks.
        </p>
      </div>
    </main>
  )
}
