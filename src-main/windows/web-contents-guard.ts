import { app, shell, type WebContents } from 'electron'
import { isAllowedExternalUrl } from '../core/desktop/external-links'
import type { Logger } from '../core/logger'

export interface GuardOptions {
  /** Whether a URL is our renderer (navigation to anything else is refused). */
  isTrustedUrl: (url: string) => boolean
  /** DevTools may open (development only). */
  devTools: boolean
  logger: Logger
}

/** The policy every web contents gets, whoever created it (see installWebContentsGuard). */
export function guardWebContents(contents: WebContents, opts: GuardOptions): void {
  // Nothing opens inside Keyshelf; allow-listed https links (provider dashboards, docs) go to the browser.
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url)
    else opts.logger.warn('refused to open a link that is not on the allow-list', { area: 'window' })
    return { action: 'deny' }
  })
  const refuse = (event: { preventDefault(): void }, url: string) => {
    if (!opts.isTrustedUrl(url)) event.preventDefault()
  }
  contents.on('will-navigate', (event) => refuse(event, event.url))
  contents.on('will-redirect', (event) => refuse(event, event.url))
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame || !opts.isTrustedUrl(event.url)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  if (!opts.devTools) contents.on('devtools-opened', () => contents.closeDevTools())
}

/**
 * A global guard: every web contents the app ever creates (windows, and anything a dependency might open)
 * gets the same window-open, navigation, webview and DevTools policy, through app 'web-contents-created'.
 */
export function installWebContentsGuard(opts: GuardOptions): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, opts))
}
