import { useState, type FormEvent } from 'react'
import { contract, type AppSummary } from '../../../../src-shared/contract'
import { Dialog, SubmitFooter } from '../../components/Dialog'
import { Field, FormError, NotesField } from '../../components/Field'
import { call, messageOf } from '../../lib/api.client'
import { serverErrors, splitList, validate } from '../../lib/validate'
import { useShell } from '../shell/shell.context'

/** Add or edit an app: name, description, the provider's app id, tags and notes. */
export function AppDialog({ app, onClose }: { app?: AppSummary | undefined; onClose: () => void }) {
  const { changed, navigate } = useShell()
  const [name, setName] = useState(app?.name ?? '')
  const [description, setDescription] = useState(app?.description ?? '')
  const [appId, setAppId] = useState(app?.appId ?? '')
  const [tags, setTags] = useState(app?.tags.join(', ') ?? '')
  const [notes, setNotes] = useState(app?.notes ?? '')
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [server, setServer] = useState<Record<string, string>>({})

  const input = { name, description, appId: appId.trim(), tags: splitList(tags), notes }
  const errors = { ...validate(contract.createApp.input, input), ...server }
  if (!errors['name'] && name.includes('/')) errors['name'] = 'Names cannot contain “/”.'

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    if (Object.keys(errors).length > 0) return
    setBusy(true)
    setError(null)
    try {
      const saved = app
        ? await call('updateApp', { id: app.id, patch: input })
        : await call('createApp', input)
      changed()
      if (!app) navigate({ view: 'app', appId: saved.id })
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
      title={app ? `Edit ${app.name}` : 'Add an app'}
      description="An app groups the environments and keys of one service you use, such as Novu or Stripe."
      onClose={onClose}
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form-stack">
          <Field label="Name" error={show('name')}>
            {(p) => (
              <input
                {...p}
                className="input"
                value={name}
                placeholder="e.g. Novu"
                onChange={(e) => {
                  setName(e.target.value)
                  setServer({})
                }}
              />
            )}
          </Field>
          <Field label="Description" optional error={show('description')}>
            {(p) => (
              <input
                {...p}
                className="input"
                value={description}
                placeholder="What you use it for"
                onChange={(e) => setDescription(e.target.value)}
              />
            )}
          </Field>
          <Field
            label="App ID"
            optional
            hint="The provider’s application identifier, if it has one."
            error={show('appId')}
          >
            {(p) => (
              <input
                {...p}
                className="input mono"
                value={appId}
                spellCheck={false}
                onChange={(e) => setAppId(e.target.value)}
              />
            )}
          </Field>
          <Field label="Tags" optional hint="Separate with commas." error={show('tags')}>
            {(p) => <input {...p} className="input" value={tags} onChange={(e) => setTags(e.target.value)} />}
          </Field>
          <NotesField value={notes} onChange={setNotes} error={show('notes')} />
          <FormError message={error} />
        </div>
        <SubmitFooter onCancel={onClose} busy={busy} label={app ? 'Save changes' : 'Add app'} />
      </form>
    </Dialog>
  )
}
