import { useState, type FormEvent } from 'react'
import { contract } from '../../../../src-shared/contract'
import type { Environment } from '../../../../src-shared/model'
import { Dialog, SubmitFooter } from '../../components/Dialog'
import { Field, FormError, NotesField } from '../../components/Field'
import { call, messageOf } from '../../lib/api.client'
import { serverErrors, urlError, validate } from '../../lib/validate'
import { useShell } from '../shell/shell.context'

const SUGGESTED = ['Development', 'Staging', 'Production']

/** Add or edit an environment: name, API URL, WebSocket URL, region, notes. */
export function EnvironmentDialog({
  appId,
  environment,
  onClose,
}: {
  appId: string
  environment?: Environment | undefined
  onClose: () => void
}) {
  const { changed, navigate, apps } = useShell()
  const appName = apps.find((a) => a.id === appId)?.name ?? 'this app'
  const [name, setName] = useState(environment?.name ?? '')
  const [apiUrl, setApiUrl] = useState(environment?.apiUrl ?? '')
  const [wsUrl, setWsUrl] = useState(environment?.wsUrl ?? '')
  const [region, setRegion] = useState(environment?.region ?? '')
  const [notes, setNotes] = useState(environment?.notes ?? '')
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [server, setServer] = useState<Record<string, string>>({})

  const input = { appId, name, apiUrl: apiUrl.trim(), wsUrl: wsUrl.trim(), region: region.trim(), notes }
  const errors: Record<string, string> = { ...validate(contract.createEnvironment.input, input), ...server }
  if (!errors['name'] && name.includes('/')) errors['name'] = 'Names cannot contain “/”.'
  const apiErr = urlError(apiUrl, ['http:', 'https:'])
  if (apiErr) errors['apiUrl'] = apiErr
  const wsErr = urlError(wsUrl, ['ws:', 'wss:'])
  if (wsErr) errors['wsUrl'] = wsErr

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    if (Object.keys(errors).length > 0) return
    setBusy(true)
    setError(null)
    try {
      const patch = {
        name: input.name,
        apiUrl: input.apiUrl,
        wsUrl: input.wsUrl,
        region: input.region,
        notes,
      }
      const saved = environment
        ? await call('updateEnvironment', { id: environment.id, patch })
        : await call('createEnvironment', input)
      changed()
      navigate({ view: 'app', appId, environmentId: saved.id })
      onClose()
    } catch (err) {
      setServer(serverErrors(err))
      setError(messageOf(err))
      setBusy(false)
    }
  }
  const show = (k: string) => (touched ? errors[k] : undefined)

  return (
    <Dialog
      title={environment ? `Edit ${environment.name}` : `Add an environment to ${appName}`}
      description="Each environment has its own endpoints and keys."
      onClose={onClose}
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form-stack">
          <Field
            label="Name"
            error={show('name')}
            hint={
              environment ? undefined : (
                <span className="inline-row">
                  Suggestions:
                  {SUGGESTED.map((s) => (
                    <button key={s} type="button" className="btn btn-sm btn-ghost" onClick={() => setName(s)}>
                      {s}
                    </button>
                  ))}
                </span>
              )
            }
          >
            {(p) => (
              <input
                {...p}
                className="input"
                value={name}
                placeholder="e.g. Production"
                onChange={(e) => {
                  setName(e.target.value)
                  setServer({})
                }}
              />
            )}
          </Field>
          <Field label="API URL" optional error={show('apiUrl')}>
            {(p) => (
              <input
                {...p}
                className="input mono"
                type="url"
                value={apiUrl}
                spellCheck={false}
                placeholder="https://api.example.com"
                onChange={(e) => setApiUrl(e.target.value)}
              />
            )}
          </Field>
          <Field label="WebSocket URL" optional error={show('wsUrl')}>
            {(p) => (
              <input
                {...p}
                className="input mono"
                type="url"
                value={wsUrl}
                spellCheck={false}
                placeholder="wss://ws.example.com"
                onChange={(e) => setWsUrl(e.target.value)}
              />
            )}
          </Field>
          <Field label="Region" optional error={show('region')}>
            {(p) => (
              <input
                {...p}
                className="input"
                value={region}
                placeholder="e.g. eu-west-1"
                onChange={(e) => setRegion(e.target.value)}
              />
            )}
          </Field>
          <NotesField value={notes} onChange={setNotes} error={show('notes')} />
          <FormError message={error} />
        </div>
        <SubmitFooter
          onCancel={onClose}
          busy={busy}
          label={environment ? 'Save changes' : 'Add environment'}
        />
      </form>
    </Dialog>
  )
}
