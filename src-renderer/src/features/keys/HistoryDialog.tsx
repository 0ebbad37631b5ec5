import { useRef, useState, type KeyboardEvent } from 'react'
import type { CredentialView, VersionFieldView, VersionView } from '../../../../src-shared/model'
import { Dialog } from '../../components/Dialog'
import { EmptyState } from '../../components/EmptyState'
import { Icon } from '../../components/Icon'
import { useToast } from '../../components/Toasts'
import { call, messageOf } from '../../lib/api.client'
import { formatDateTime, maskedText } from '../../lib/format'
import { useLoad } from '../../lib/use-load.hook'
import { useShell } from '../shell/shell.context'
import { KeyActivityList } from './KeyActivityList'
import type { RevealStore } from './reveal-store'
import { useRevealStore, useRevealToggle, useRevealed, useSecondsLeft } from './use-reveal.hook'

function reasonText(v: VersionView): string {
  if (v.reason === 'manual') return 'Rotated by hand'
  if (v.reason === 'edit') return 'Edited'
  if (v.reason === 'import') return 'Imported'
  return `Rotated via ${v.reason.slice('rotate:'.length)}`
}

function VersionField({
  store,
  version,
  field,
  onToggle,
}: {
  store: RevealStore
  version: VersionView
  field: VersionFieldView
  onToggle: () => void
}) {
  const id = `${version.id}:${field.fieldId}`
  const { shown, expiresAt } = useRevealed(store, id)
  const left = useSecondsLeft(expiresAt)
  return (
    <div className="version-field">
      <div className="envvar">
        <code title={field.envVar}>{field.envVar}</code>
      </div>
      <div className="value-cell">
        {field.kind === 'public' ? (
          <span className="value public">{field.masked.clear}</span>
        ) : shown ? (
          <>
            <span key="revealed" className="value revealed" data-testid="revealed-version-value">
              {store.value(id)}
            </span>
            <span className="remask" aria-hidden="true">
              {left}s
            </span>
          </>
        ) : (
          <span key="masked" className="value">
            <span className="masked" aria-hidden="true">
              {maskedText(field.masked.last4)}
            </span>
            <span className="sr-only">Hidden</span>
          </span>
        )}
        {field.kind === 'secret' ? (
          <button
            type="button"
            className="icon-btn"
            aria-pressed={shown}
            aria-label={`${shown ? 'Hide' : 'Show'} ${field.envVar} from ${formatDateTime(version.createdAt)}`}
            title={shown ? 'Hide' : 'Show'}
            onClick={onToggle}
          >
            <Icon name={shown ? 'eye-off' : 'eye'} size="sm" />
          </button>
        ) : null}
      </div>
    </div>
  )
}

type HistoryTab = 'versions' | 'activity'
const TABS: { id: HistoryTab; label: string }[] = [
  { id: 'versions', label: 'Versions' },
  { id: 'activity', label: 'Activity' },
]

/**
 * A key's history in two tabs: earlier versions, newest first, each value masked with its own Show
 * (re-masks like the table); and its activity from the audit log (never a value).
 */
export function HistoryDialog({
  credential,
  onClose,
  initialTab = 'versions',
}: {
  credential: CredentialView
  onClose: () => void
  initialTab?: HistoryTab
}) {
  const [tab, setTab] = useState<HistoryTab>(initialTab)
  const tabRefs = useRef(new Map<HistoryTab, HTMLButtonElement>())
  const onTabKey = (ev: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab)
    let next: HistoryTab | undefined
    if (ev.key === 'ArrowRight') next = TABS[(i + 1) % TABS.length]?.id
    else if (ev.key === 'ArrowLeft') next = TABS[(i - 1 + TABS.length) % TABS.length]?.id
    else if (ev.key === 'Home') next = TABS[0]?.id
    else if (ev.key === 'End') next = TABS[TABS.length - 1]?.id
    if (!next) return
    ev.preventDefault()
    setTab(next)
    tabRefs.current.get(next)?.focus()
  }
  const { prefs } = useShell()
  const toast = useToast()
  const store = useRevealStore()
  const toggle = useRevealToggle(store, prefs.remaskSeconds)
  const [openedAt] = useState(() => Date.now())
  const versions = useLoad(() => call('history', { credentialId: credential.id }), credential.id)

  return (
    <Dialog
      wide
      title={`History of ${credential.name}`}
      description="Values this key had before each rotation or edit, and who used it when. Overlapping values stay valid until the date shown."
      onClose={onClose}
    >
      <div className="dialog-body">
        <div role="tablist" aria-label="History" className="tablist history-tabs" onKeyDown={onTabKey}>
          {TABS.map((t) => (
            <button
              key={t.id}
              ref={(el) => {
                if (el) tabRefs.current.set(t.id, el)
                else tabRefs.current.delete(t.id)
              }}
              type="button"
              role="tab"
              id={`history-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`history-panel-${t.id}`}
              tabIndex={tab === t.id ? 0 : -1}
              className="tab"
              onClick={() => setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
        {tab === 'activity' ? (
          <section role="tabpanel" id="history-panel-activity" aria-labelledby="history-tab-activity">
            <KeyActivityList credentialId={credential.id} />
          </section>
        ) : (
          <section role="tabpanel" id="history-panel-versions" aria-labelledby="history-tab-versions">
            {versions.loading && !versions.data ? (
              <span className="spinner" aria-label="Loading history" />
            ) : null}
            {versions.error ? <p className="field-error">{versions.error}</p> : null}
            {versions.data && versions.data.length === 0 ? (
              <EmptyState icon="history" title="No earlier versions">
                When you rotate this key or change a value, the previous value is kept here.
              </EmptyState>
            ) : null}
            {versions.data && versions.data.length > 0 ? (
              <ol className="versions" aria-label="Versions, newest first">
                {versions.data.map((v) => (
                  <li key={v.id} className="version">
                    <div className="version-head">
                      <span>
                        <span className="when">{formatDateTime(v.createdAt)}</span>
                        <span className="muted"> · {reasonText(v)}</span>
                      </span>
                      {v.validUntil !== null ? (
                        <span className={`badge ${v.validUntil > openedAt ? 'badge-warn' : ''}`}>
                          {v.validUntil > openedAt ? 'valid until' : 'overlap ended'}{' '}
                          {formatDateTime(v.validUntil)}
                        </span>
                      ) : (
                        <span className="badge no-dot">replaced</span>
                      )}
                    </div>
                    <div className="version-fields">
                      {v.fields.map((f) => (
                        <VersionField
                          key={f.fieldId}
                          store={store}
                          version={v}
                          field={f}
                          onToggle={() =>
                            void toggle(
                              `${v.id}:${f.fieldId}`,
                              async () =>
                                (await call('revealVersion', { versionId: v.id, fieldId: f.fieldId })).value,
                            ).catch((err: unknown) => toast(messageOf(err), 'error'))
                          }
                        />
                      ))}
                    </div>
                  </li>
                ))}
              </ol>
            ) : null}
          </section>
        )}
      </div>
      <div className="dialog-footer">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  )
}
