import type { ReactNode } from 'react'
import { Icon, type IconName } from './Icon'

/** Says what is missing and what to do next. */
export function EmptyState({
  icon,
  title,
  children,
  actions,
  tone,
}: {
  icon: IconName
  title: string
  children?: ReactNode
  actions?: ReactNode
  tone?: 'ok'
}) {
  return (
    <div className="empty">
      <div className={`empty-icon ${tone ?? ''}`}>
        <Icon name={icon} />
      </div>
      <h2>{title}</h2>
      {children ? <p>{children}</p> : null}
      {actions ? <div className="actions">{actions}</div> : null}
    </div>
  )
}
