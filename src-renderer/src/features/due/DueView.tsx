import type { DueItem } from '../../../../src-shared/model'
import { EmptyState } from '../../components/EmptyState'
import { Icon } from '../../components/Icon'
import { StatusBadge } from '../../components/StatusBadge'
import { useToast } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'
import { formatDate, plural, relativeDays } from '../../lib/format'
import { useLoad } from '../../lib/use-load.hook'
import { useShell } from '../shell/shell.context'

/** Every due-soon, overdue and expired key across apps, soonest first, with Rotate. */
export function DueView() {
  const { version, navigate, openDialog, prefs } = useShell()
  const toast = useToast()
  const report = useLoad(() => call('dueReport', {}), String(version))
  const items: DueItem[] = report.data ?? []
  const overdue = items.filter((i) => i.rotation.status === 'overdue').length
  const expired = items.filter((i) => i.rotation.status === 'expired').length
  const soon = items.filter((i) => i.rotation.status === 'due-soon').length

  const rotate = async (item: DueItem) => {
    try {
      openDialog({ kind: 'rotate', credential: await call('getCredential', { id: item.credentialId }) })
    } catch (err) {
      toast(messageOf(err), 'error')
    }
  }

  return (
    <div className="page">
      <header className="page-header">
        <div className="page-header-main">
          <h1 className="page-title">Due for rotation</h1>
          <p className="page-desc">
            Keys that are overdue, expired, or due within {plural(prefs.warnDays, 'day')}, across every app.
            Soonest first.
          </p>
        </div>
      </header>
      {report.data ? (
        <div className="summary-cards">
          <div className={`summary-card ${overdue ? 'danger' : ''}`}>
            <div className="n" data-testid="due-overdue">
              {overdue}
            </div>
            <div className="l">overdue</div>
          </div>
          <div className={`summary-card ${expired ? 'danger' : ''}`}>
            <div className="n" data-testid="due-expired">
              {expired}
            </div>
            <div className="l">expired</div>
          </div>
          <div className={`summary-card ${soon ? 'warn' : ''}`}>
            <div className="n" data-testid="due-soon">
              {soon}
            </div>
            <div className="l">due within {plural(prefs.warnDays, 'day')}</div>
          </div>
        </div>
      ) : null}
      {report.data && items.length === 0 ? (
        <div className="card">
          <EmptyState icon="shield" title="Everything is up to date" tone="ok">
            No key is overdue, expired or due within {plural(prefs.warnDays, 'day')}. Keyshelf will tell you
            when one is.
          </EmptyState>
        </div>
      ) : null}
      {items.length > 0 ? (
        <div className="card">
          <table className="table" aria-label="Keys due for rotation">
            <colgroup>
              <col style={{ width: '26%' }} />
              <col />
              <col style={{ width: '150px' }} />
              <col style={{ width: '120px' }} />
              <col style={{ width: '120px' }} />
              <col style={{ width: '104px' }} />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Where</th>
                <th scope="col">Status</th>
                <th scope="col">Due or expiry</th>
                <th scope="col">Rotated</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.credentialId} data-testid="due-row" data-status={item.rotation.status}>
                  <td>
                    <div className="cell-key">
                      <span className="name">{item.name}</span>
                      <span className="sub mono">{item.envVars.join(', ')}</span>
                    </div>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="link-btn due-where"
                      onClick={() =>
                        navigate({ view: 'app', appId: item.appId, environmentId: item.environmentId })
                      }
                    >
                      {item.appName} › {item.environmentName}
                    </button>
                  </td>
                  <td>
                    <StatusBadge rotation={item.rotation} expiresAt={item.expiresAt} />
                  </td>
                  <td className="date-cell">
                    {item.rotation.governingAt ? formatDate(item.rotation.governingAt) : '—'}
                  </td>
                  <td className="date-cell">
                    {item.lastRotatedAt ? relativeDays(item.lastRotatedAt) : 'never'}
                  </td>
                  <td>
                    <div className="row-actions">
                      <button type="button" className="btn btn-sm" onClick={() => void rotate(item)}>
                        <Icon name="rotate" size="sm" />
                        Rotate
                        <span className="sr-only"> {item.name}</span>
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {report.error ? <p className="field-error">{report.error}</p> : null}
    </div>
  )
}
