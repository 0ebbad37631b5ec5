import { estimateStrength } from '../../lib/password-strength'

/** Four bars and a label, announced politely as the password changes. */
export function PasswordStrength({ password }: { password: string }) {
  const s = estimateStrength(password)
  const on = password.length === 0 ? 0 : Math.max(1, s.score)
  return (
    <div className="strength" data-score={s.score}>
      <div className="strength-bars" aria-hidden="true">
        {[1, 2, 3, 4].map((i) => (
          <div key={i} className={`strength-bar ${i <= on ? 'on' : ''}`} />
        ))}
      </div>
      <div className="strength-text" aria-live="polite">
        <span>{s.hint}</span>
        {password.length > 0 ? <strong>{s.label}</strong> : null}
      </div>
    </div>
  )
}
