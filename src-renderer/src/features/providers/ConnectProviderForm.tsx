import { SecretInput } from '../../components/SecretInput'
import '../transfer/transfer.css'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import type { ConnectionView, SyncProvider, SyncSummary } from '../../../../src-shared/model'
import { Field, FormError } from '../../components/Field'
import { Icon } from '../../components/Icon'
import { call, messageOf } from '../../lib/api.client'

export const PROVIDER_NAMES: Record<SyncProvider, string> = {
  novu: 'Novu',
  cloudflare: 'Cloudflare',
  gitlab: 'GitLab',
  'aws-iam': 'AWS IAM',
  sendgrid: 'SendGrid',
}

const TOKEN: Record<SyncProvider, { label: string; hint: string }> = {
  novu: {
    label: 'Secret key',
    hint: 'The secret key of one Novu environment (Settings → API Keys). Verified before anything is saved; stored encrypted.',
  },
  cloudflare: {
    label: 'API token',
    hint: 'A token with the API Tokens Read and Write permissions. Verified before anything is saved; stored encrypted.',
  },
  gitlab: {
    label: 'Personal access token',
    hint: 'A token with the api scope. Verified before anything is saved; stored encrypted.',
  },
  'aws-iam': {
    label: 'Secret access key',
    hint: 'The secret access key of an IAM user (its access key id goes in the next field). Verified before anything is saved; stored encrypted.',
  },
  sendgrid: {
    label: 'API key',
    hint: 'A SendGrid API key allowed to manage API keys. Verified before anything is saved; stored encrypted.',
  },
}

type Where = 'us' | 'eu' | 'self-hosted'

/** http(s) URL, with https required except for localhost (the core's rule, checked here first). */
function urlError(url: string): string | undefined {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return 'Enter a full URL, e.g. https://api.example.com'
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'Use an https:// URL.'
  if (u.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))
    return 'Use https:// (plain http is allowed only for localhost).'
  return undefined
}

/**
 * Connects an app to a provider: the token is verified by the provider before anything is saved, then
 * stored encrypted, and the first sync runs. Inline validation; errors from main in plain words.
 */
export function ConnectProviderForm({
  appId,
  defaultEnvironment,
  onBusy,
  onConnected,
  formId,
}: {
  /** The dialog's footer holds this form's buttons (`form={formId}`): one set of buttons. */
  formId: string
  appId: string
  defaultEnvironment: string
  onBusy: (busy: boolean) => void
  onConnected: (r: { connection: ConnectionView; summary: SyncSummary }) => void
}) {
  const first = useRef<HTMLSelectElement>(null)
  const [provider, setProvider] = useState<SyncProvider>('novu')
  const [token, setToken] = useState('')
  const [showToken, setShowToken] = useState(false)
  const [envName, setEnvName] = useState('')
  const [envEdited, setEnvEdited] = useState(false)
  const [where, setWhere] = useState<Where>('us')
  const [apiUrl, setApiUrl] = useState('')
  const [accountId, setAccountId] = useState('')
  const [touched, setTouched] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => first.current?.focus(), [])

  const name = PROVIDER_NAMES[provider]
  const selfHosted = provider === 'novu' && where === 'self-hosted'
  const errors: Record<string, string> = {}
  if (!token.trim()) errors['token'] = `Paste the ${TOKEN[provider].label.toLowerCase()}.`
  if (provider !== 'novu' && !envName.trim())
    errors['env'] = `Name the environment these ${name} keys belong to, e.g. Production.`
  if (selfHosted && !apiUrl.trim()) errors['url'] = 'Enter the API URL of your Novu server.'
  else if (apiUrl.trim()) {
    const e = urlError(apiUrl.trim())
    if (e) errors['url'] = e
  }
  const err = (k: string) => (touched ? errors[k] : undefined)

  const pick = (p: SyncProvider) => {
    setProvider(p)
    setTouched(false)
    setError(null)
    // Novu's key names its own environment; the others default to the environment being viewed.
    if (!envEdited) setEnvName(p === 'novu' ? '' : defaultEnvironment)
  }

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    setTouched(true)
    if (Object.keys(errors).length > 0) {
      // The error attributes render on this update: focus the first invalid field after it.
      const form = e.currentTarget
      requestAnimationFrame(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus())
      return
    }
    onBusy(true)
    setError(null)
    try {
      const url = apiUrl.trim()
      const r = await call('connectProvider', {
        appId,
        provider,
        token: token.trim(),
        ...(envName.trim() ? { environmentName: envName.trim() } : {}),
        ...(provider === 'novu' && !selfHosted ? { region: where === 'eu' ? 'eu' : 'us' } : {}),
        ...((provider !== 'novu' || selfHosted) && url ? { apiUrl: url } : {}),
        ...(provider === 'cloudflare' && accountId.trim() ? { accountId: accountId.trim() } : {}),
      })
      setToken('')
      onConnected(r)
    } catch (ex) {
      setError(messageOf(ex))
    } finally {
      onBusy(false)
    }
  }

  return (
    <form
      id={formId}
      className="form-stack card-inset"
      onSubmit={submit}
      noValidate
      aria-label="Connect a provider"
    >
      <div className="form-grid">
        <Field label="Provider">
          {(p) => (
            <select
              {...p}
              ref={first}
              className="select"
              value={provider}
              onChange={(e) => pick(e.target.value as SyncProvider)}
            >
              <option value="novu">Novu</option>
              <option value="cloudflare">Cloudflare</option>
              <option value="gitlab">GitLab</option>
            </select>
          )}
        </Field>
        {provider === 'novu' ? (
          <Field label="Region">
            {(p) => (
              <select
                {...p}
                className="select"
                value={where}
                onChange={(e) => setWhere(e.target.value as Where)}
              >
                <option value="us">US (api.novu.co)</option>
                <option value="eu">EU (eu.api.novu.co)</option>
                <option value="self-hosted">Self-hosted</option>
              </select>
            )}
          </Field>
        ) : (
          <Field
            label="Environment"
            error={err('env')}
            hint={`The Keyshelf environment the ${name} keys go to; created if it does not exist.`}
          >
            {(p) => (
              <input
                {...p}
                className="input"
                value={envName}
                autoComplete="off"
                onChange={(e) => {
                  setEnvEdited(true)
                  setEnvName(e.target.value)
                }}
              />
            )}
          </Field>
        )}
        <Field
          className="span-2"
          label={TOKEN[provider].label}
          error={err('token')}
          hint={TOKEN[provider].hint}
        >
          {(p) => (
            <div className="input-group">
              <SecretInput
                {...p}
                className="input mono"
                type={showToken ? 'text' : 'password'}
                autoComplete="off"
                spellCheck={false}
                value={token}
                onChange={(e) => setToken(e.target.value)}
              />
              <button
                type="button"
                className="icon-btn"
                aria-label={showToken ? 'Hide what you typed' : 'Show what you typed'}
                aria-pressed={showToken}
                onClick={() => setShowToken((v) => !v)}
              >
                <Icon name={showToken ? 'eye-off' : 'eye'} size="sm" />
              </button>
            </div>
          )}
        </Field>
        {provider === 'novu' ? (
          <Field
            className={selfHosted ? '' : 'span-2'}
            label="Environment"
            optional
            hint="Leave empty: Novu says which environment this key belongs to."
          >
            {(p) => (
              <input
                {...p}
                className="input"
                value={envName}
                autoComplete="off"
                onChange={(e) => {
                  setEnvEdited(true)
                  setEnvName(e.target.value)
                }}
              />
            )}
          </Field>
        ) : null}
        {provider !== 'novu' || selfHosted ? (
          <Field
            className={provider === 'cloudflare' || selfHosted ? '' : 'span-2'}
            label={provider === 'gitlab' ? 'GitLab URL' : 'API URL'}
            optional={!selfHosted}
            error={err('url')}
            hint={
              provider === 'gitlab'
                ? 'For self-managed GitLab; gitlab.com when empty.'
                : provider === 'cloudflare'
                  ? 'Leave empty for api.cloudflare.com.'
                  : 'Your Novu API, e.g. https://novu-api.example.com'
            }
          >
            {(p) => (
              <input
                {...p}
                className="input"
                type="url"
                inputMode="url"
                autoComplete="off"
                spellCheck={false}
                value={apiUrl}
                onChange={(e) => setApiUrl(e.target.value)}
              />
            )}
          </Field>
        ) : null}
        {provider === 'cloudflare' ? (
          <Field label="Account ID" optional hint="Manage an account’s tokens instead of your user’s.">
            {(p) => (
              <input
                {...p}
                className="input mono"
                autoComplete="off"
                spellCheck={false}
                value={accountId}
                onChange={(e) => setAccountId(e.target.value)}
              />
            )}
          </Field>
        ) : null}
      </div>
      <FormError message={error} />
    </form>
  )
}
