import type { ReactNode } from 'react'
import { Icon, type IconName } from './Icon'

/** Says what is missing and what to do next. */
export function EmptyState({
  icon,
  title,
  children,
  actions,
  tone,
  level = 2,
}: {
  icon: IconName
  title: string
  children?: ReactNode
  actions?: ReactNode
  tone?: 'ok'
  /** 1 when the empty state is the whole page (the empty home): the page then has its h1. */
  level?: 1 | 2
}) {
  const Heading = level === 1 ? 'h1' : 'h2'
  return (
    <div className="empty">
      <div className={`empty-icon ${tone ?? ''}`}>
        <Icon name={icon} />
      </div>
      <Heading className="empty-title">{title}</Heading>
      {children ? <p>{children}</p> : null}
      {actions ? <div className="actions">{actions}</div> : null}
    </div>
  )
}
