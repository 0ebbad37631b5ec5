import { SecretInput } from '../../components/SecretInput'
import { useState, type FormEvent } from 'react'
import { ENV_VAR_PATTERN, contract } from '../../../../src-shared/contract'
import {
  DEFAULT_ROTATION_DAYS,
  PROVIDERS,
  type CredentialStatus,
  type CredentialView,
  type Environment,
  type FieldKind,
  type ProviderId,
} from '../../../../src-shared/model'
import { Dialog, SubmitFooter } from '../../components/Dialog'
import { Field, FormError, NotesField } from '../../components/Field'
import { Icon } from '../../components/Icon'
import { call, messageOf } from '../../lib/api.client'
import { PROVIDER_LABELS, fromDateInput, toDateInput } from '../../lib/format'
import { serverErrors, splitList, validate } from '../../lib/validate'
import { useShell } from '../shell/shell.context'

interface FieldDraft {
  key: number
  id?: string
  label: string
  envVar: string
  kind: FieldKind
  value: string
  /** The user ticked "Allow empty": an empty input stores an empty value. */
  allowEmpty: boolean
}

let draftSeq = 0
const draft = (f: Partial<FieldDraft>): FieldDraft => ({
  key: ++draftSeq,
  label: '',
  envVar: '',
  kind: 'secret',
  value: '',
  allowEmpty: false,
  ...f,
})

function ValueInput({
  draft,
  editing,
  describedBy,
  invalid,
  id,
  onChange,
}: {
  draft: FieldDraft
  editing: boolean
  describedBy: string | undefined
  invalid: boolean
  id: string
  onChange: (v: string) => void
}) {
  const [visible, setVisible] = useState(false)
  const secret = draft.kind === 'secret'
  return (
    <div className="input-group">
      <SecretInput
        id={id}
        className="input mono"
        type={secret && !visible ? 'password' : 'text'}
        autoComplete="off"
        spellCheck={false}
        value={draft.value}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        placeholder={
          draft.allowEmpty && draft.value === ''
            ? 'Stored as an empty value'
            : editing && draft.id
              ? 'Unchanged: type to replace the value'
              : secret
                ? 'Paste the secret'
                : 'Paste the value'
        }
        onChange={(e) => onChange(e.target.value)}
      />
      {secret ? (
        <button
          type="button"
          className="icon-btn"
          aria-label={visible ? 'Hide what you typed' : 'Show what you typed'}
          aria-pressed={visible}
          onClick={() => setVisible((v) => !v)}
        >
          <Icon name={visible ? 'eye-off' : 'eye'} size="sm" />
        </button>
      ) : null}
    </div>
  )
}

/**
 * Add or edit a key: every model field, including several value fields (a pair = a public key and its secret).
 * Existing values are never loaded into the form; leaving a value empty keeps it.
 */
export function CredentialDialog({
  environment,
  credential,
  onClose,
}: {
  environment: Environment
  credential?: CredentialView | undefined
  onClose: () => void
}) {
  const { changed } = useShell()
  const editing = Boolean(credential)
  const [name, setName] = useState(credential?.name ?? '')
  const [provider, setProvider] = useState<ProviderId>(credential?.provider ?? 'manual')
  const [status, setStatus] = useState<CredentialStatus>(credential?.status ?? 'active')
  const [fields, setFields] = useState<FieldDraft[]>(() =>
    credential
      ? credential.fields.map((f) => draft({ id: f.id, label: f.label, envVar: f.envVar, kind: f.kind }))
      : [draft({})],
  )
  const [never, setNever] = useState(credential ? credential.rotationIntervalDays === null : false)
  const [intervalText, setIntervalText] = useState(
    String(credential?.rotationIntervalDays ?? DEFAULT_ROTATION_DAYS),
  )
  const [lastRotated, setLastRotated] = useState(toDateInput(credential?.lastRotatedAt ?? null))
  const [expires, setExpires] = useState(toDateInput(credential?.expiresAt ?? null))
  const [providerCredentialId, setProviderCredentialId] = useState(credential?.providerCredentialId ?? '')
  const [role, setRole] = useState(credential?.role ?? '')
  const [owner, setOwner] = useState(credential?.owner ?? '')
  const [allowedHosts, setAllowedHosts] = useState(credential?.allowedHosts.join('\n') ?? '')
  const [tags, setTags] = useState(credential?.tags.join(', ') ?? '')
  const [notes, setNotes] = useState(credential?.notes ?? '')
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [server, setServer] = useState<Record<string, string>>({})
  const [openedAt] = useState(() => Date.now())
  // Role, owner, tags, hosts, provider key id, status and notes sit behind "More details": open when editing a
  // key that uses any of them, and whenever one of them has an error.
  const [more, setMore] = useState(
    Boolean(
      credential &&
      (credential.role ||
        credential.owner ||
        credential.tags.length ||
        credential.allowedHosts.length ||
        credential.providerCredentialId ||
        credential.notes ||
        credential.status !== 'active'),
    ),
  )

  const intervalDays = never ? null : Number(intervalText)
  const meta = {
    name,
    provider,
    status,
    providerCredentialId: providerCredentialId.trim(),
    role: role.trim(),
    owner: owner.trim(),
    allowedHosts: splitList(allowedHosts, /[\n,]/),
    tags: splitList(tags),
    notes,
    rotationIntervalDays: intervalDays,
    lastRotatedAt: fromDateInput(lastRotated),
    expiresAt: fromDateInput(expires),
  }

  const errors: Record<string, string> = {
    ...validate(contract.createCredential.input, {
      environmentId: environment.id,
      ...meta,
      fields: fields.map((f) => ({ label: f.label, envVar: f.envVar, kind: f.kind, value: f.value })),
    }),
    ...server,
  }
  delete errors['fields']
  if (
    !never &&
    (!Number.isInteger(Number(intervalText)) || Number(intervalText) < 1 || Number(intervalText) > 3650)
  )
    errors['rotationIntervalDays'] = 'Use a whole number of days from 1 to 3650.'
  if (lastRotated && meta.lastRotatedAt === null) errors['lastRotatedAt'] = 'Not a valid date.'
  if (expires && meta.expiresAt === null) errors['expiresAt'] = 'Not a valid date.'
  if (meta.lastRotatedAt !== null && meta.lastRotatedAt > openedAt)
    errors['lastRotatedAt'] = 'This date is in the future.'
  const seen = new Map<string, number>()
  fields.forEach((f, i) => {
    const v = f.envVar.trim()
    if (!v) errors[`fields.${i}.envVar`] = 'Required'
    else if (!ENV_VAR_PATTERN.test(v))
      errors[`fields.${i}.envVar`] = 'Letters, digits and _ only; not starting with a digit.'
    else if (seen.has(v)) errors[`fields.${i}.envVar`] = 'Already used by another field of this key.'
    else delete errors[`fields.${i}.envVar`]
    seen.set(v, i)
    if (!f.id && f.value.length === 0 && !f.allowEmpty)
      errors[`fields.${i}.value`] = 'Enter the value, or tick "Allow empty".'
    else delete errors[`fields.${i}.value`]
  })

  const update = (key: number, patch: Partial<FieldDraft>) => {
    setFields((fs) => fs.map((f) => (f.key === key ? { ...f, ...patch } : f)))
    setServer({})
  }

  // Main refuses an empty value unless the request says so: only when the user ticked the box for it.
  const allowEmpty = fields.some((f) => f.allowEmpty && f.value === '')

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    if (Object.keys(errors).length > 0) return
    setBusy(true)
    setError(null)
    try {
      if (credential) {
        await call('updateCredential', {
          id: credential.id,
          patch: meta,
          fields: fields.map((f) => ({
            ...(f.id ? { id: f.id } : {}),
            label: f.label.trim(),
            envVar: f.envVar.trim(),
            kind: f.kind,
            ...(f.value.length > 0 || !f.id || f.allowEmpty ? { value: f.value } : {}),
          })),
          allowEmpty,
        })
      } else {
        await call('createCredential', {
          environmentId: environment.id,
          ...meta,
          fields: fields.map((f) => ({
            label: f.label.trim(),
            envVar: f.envVar.trim(),
            kind: f.kind,
            value: f.value,
          })),
          allowEmpty,
        })
      }
      changed()
      onClose()
    } catch (err) {
      setServer(serverErrors(err))
      setError(messageOf(err))
      setBusy(false)
    }
  }
  const show = (k: string) => (touched ? errors[k] : undefined)
  const MORE_KEYS = ['status', 'providerCredentialId', 'role', 'owner', 'tags', 'allowedHosts', 'notes']
  const moreOpen = more || MORE_KEYS.some((k) => show(k))

  return (
    <Dialog
      wide
      title={credential ? `Edit ${credential.name}` : `Add a key to ${environment.name}`}
      description={
        credential
          ? 'Values you leave empty stay as they are. Changed values are kept in the history.'
          : 'A key has one or more fields: a single API key, or a pair such as a public key and its secret.'
      }
      onClose={onClose}
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form-stack">
          <div className="form-grid">
            <Field label="Name" error={show('name')} className="span-2">
              {(p) => (
                <input
                  {...p}
                  className="input"
                  value={name}
                  placeholder="e.g. Novu API key"
                  onChange={(e) => {
                    setName(e.target.value)
                    setServer({})
                  }}
                />
              )}
            </Field>
            <Field label="Provider" error={show('provider')}>
              {(p) => (
                <select
                  {...p}
                  className="select"
                  value={provider}
                  onChange={(e) => setProvider(e.target.value as ProviderId)}
                >
                  {PROVIDERS.map((id) => (
                    <option key={id} value={id}>
                      {PROVIDER_LABELS[id]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>

          <div className="inline-row between">
            <h3 className="form-section-title">Fields</h3>
            {!credential && fields.length === 1 && !fields[0]?.envVar && !fields[0]?.value ? (
              <button
                type="button"
                className="btn btn-sm btn-ghost"
                onClick={() =>
                  setFields([
                    draft({ label: 'Public key', kind: 'public' }),
                    draft({ label: 'Secret key', kind: 'secret' }),
                  ])
                }
              >
                Use a key pair (public + secret)
              </button>
            ) : null}
          </div>
          <div className="fields-editor" role="group" aria-label="Fields">
            {fields.map((f, i) => (
              <div className="field-row" key={f.key} data-testid="field-row">
                <Field label="Label" optional error={show(`fields.${i}.label`)}>
                  {(p) => (
                    <input
                      {...p}
                      className="input"
                      value={f.label}
                      placeholder={f.kind === 'public' ? 'Public key' : 'Secret key'}
                      onChange={(e) => update(f.key, { label: e.target.value })}
                    />
                  )}
                </Field>
                <Field label="Env var" error={show(`fields.${i}.envVar`)}>
                  {(p) => (
                    <input
                      {...p}
                      className="input mono"
                      value={f.envVar}
                      spellCheck={false}
                      autoCapitalize="characters"
                      placeholder="NOVU_API_KEY"
                      onChange={(e) => update(f.key, { envVar: e.target.value })}
                    />
                  )}
                </Field>
                <Field label="Type">
                  {(p) => (
                    <select
                      {...p}
                      className="select"
                      value={f.kind}
                      onChange={(e) => update(f.key, { kind: e.target.value as FieldKind })}
                    >
                      <option value="secret">Secret</option>
                      <option value="public">Public</option>
                    </select>
                  )}
                </Field>
                <button
                  type="button"
                  className="icon-btn danger remove"
                  aria-label={`Remove field ${i + 1}`}
                  title="Remove field"
                  disabled={fields.length === 1}
                  onClick={() => setFields((fs) => fs.filter((x) => x.key !== f.key))}
                >
                  <Icon name="trash" size="sm" />
                </button>
                <Field
                  label={f.kind === 'secret' ? 'Secret value' : 'Value'}
                  error={show(`fields.${i}.value`)}
                  className="value-input"
                  hint={f.kind === 'public' ? 'Public identifiers are shown in clear.' : undefined}
                >
                  {(p) => (
                    <ValueInput
                      draft={f}
                      editing={editing}
                      id={p.id}
                      invalid={p['aria-invalid']}
                      describedBy={p['aria-describedby']}
                      onChange={(value) => update(f.key, { value })}
                    />
                  )}
                </Field>
                <label className="check allow-empty">
                  <input
                    type="checkbox"
                    checked={f.allowEmpty}
                    onChange={(e) => update(f.key, { allowEmpty: e.target.checked })}
                  />
                  <span>
                    Allow empty
                    {editing && f.id ? ' (left blank, it empties this field)' : ''}
                  </span>
                </label>
              </div>
            ))}
            <div>
              <button
                type="button"
                className="btn btn-sm"
                disabled={fields.length >= 20}
                onClick={() => setFields((fs) => [...fs, draft({})])}
              >
                <Icon name="plus" size="sm" />
                Add field
              </button>
            </div>
          </div>

          <h3 className="form-section-title">Rotation</h3>
          <label className="check">
            <input type="checkbox" checked={never} onChange={(e) => setNever(e.target.checked)} />
            <span>Never rotate (for public identifiers)</span>
          </label>
          <div className="form-grid">
            {never ? null : (
              <Field
                label="Rotate every (days)"
                error={show('rotationIntervalDays')}
                hint="Keyshelf warns before the due date and marks the key overdue after it."
                className="span-2"
              >
                {(p) => (
                  <input
                    {...p}
                    className="input"
                    type="number"
                    min={1}
                    max={3650}
                    value={intervalText}
                    onChange={(e) => setIntervalText(e.target.value)}
                  />
                )}
              </Field>
            )}
            <Field
              label="Last rotated"
              optional
              error={show('lastRotatedAt')}
              hint="Empty means the day you added it."
            >
              {(p) => (
                <input
                  {...p}
                  className="input"
                  type="date"
                  value={lastRotated}
                  onChange={(e) => setLastRotated(e.target.value)}
                />
              )}
            </Field>
            <Field
              label="Expires"
              optional
              error={show('expiresAt')}
              hint="When the provider will stop accepting it."
            >
              {(p) => (
                <input
                  {...p}
                  className="input"
                  type="date"
                  value={expires}
                  onChange={(e) => setExpires(e.target.value)}
                />
              )}
            </Field>
          </div>

          <button
            type="button"
            className="btn btn-ghost btn-sm more-toggle"
            aria-expanded={moreOpen}
            aria-controls="credential-more"
            onClick={() => setMore((m) => !m)}
          >
            <Icon name={moreOpen ? 'chevron-down' : 'chevron-right'} size="sm" />
            More details
            <span className="muted">status, provider key ID, role, owner, tags, allowed hosts, notes</span>
          </button>
          <div className="form-grid" id="credential-more" hidden={!moreOpen}>
            <Field label="Status" error={show('status')}>
              {(p) => (
                <select
                  {...p}
                  className="select"
                  value={status}
                  onChange={(e) => setStatus(e.target.value as CredentialStatus)}
                >
                  <option value="active">Active</option>
                  <option value="revoked">Revoked</option>
                  <option value="expired">Expired</option>
                </select>
              )}
            </Field>

            <Field label="Provider key ID" optional error={show('providerCredentialId')}>
              {(p) => (
                <input
                  {...p}
                  className="input mono"
                  value={providerCredentialId}
                  spellCheck={false}
                  onChange={(e) => setProviderCredentialId(e.target.value)}
                />
              )}
            </Field>
            <Field label="Role or scope" optional error={show('role')}>
              {(p) => (
                <input
                  {...p}
                  className="input"
                  value={role}
                  placeholder="e.g. read-only"
                  onChange={(e) => setRole(e.target.value)}
                />
              )}
            </Field>
            <Field label="Owner" optional error={show('owner')}>
              {(p) => (
                <input
                  {...p}
                  className="input"
                  value={owner}
                  placeholder="Who to ask"
                  onChange={(e) => setOwner(e.target.value)}
                />
              )}
            </Field>
            <Field label="Tags" optional hint="Separate with commas." error={show('tags')}>
              {(p) => (
                <input {...p} className="input" value={tags} onChange={(e) => setTags(e.target.value)} />
              )}
            </Field>
            <Field
              label="Allowed hosts"
              optional
              hint="One per line."
              error={show('allowedHosts')}
              className="span-2"
            >
              {(p) => (
                <textarea
                  {...p}
                  className="textarea mono"
                  rows={2}
                  spellCheck={false}
                  value={allowedHosts}
                  onChange={(e) => setAllowedHosts(e.target.value)}
                />
              )}
            </Field>
            <NotesField value={notes} onChange={setNotes} error={show('notes')} className="span-2" />
          </div>
          <FormError message={error} />
        </div>
        <SubmitFooter onCancel={onClose} busy={busy} label={credential ? 'Save changes' : 'Add key'} />
      </form>
    </Dialog>
  )
}
