import { createContext, useContext } from 'react'
import type { AppSummary } from '../../../../src-shared/contract'
import type { CredentialView, Environment, Preferences } from '../../../../src-shared/model'

export type Route =
  | { view: 'home' }
  | { view: 'due' }
  | { view: 'trash' } // trash
  | { view: 'app'; appId: string; environmentId?: string | undefined; focusFieldId?: string | undefined }

export type DialogState =
  | { kind: 'app'; app?: AppSummary }
  | { kind: 'environment'; appId: string; environment?: Environment }
  | { kind: 'credential'; environment: Environment; credential?: CredentialView }
  | { kind: 'rotate'; credential: CredentialView }
  | { kind: 'history'; credential: CredentialView }
  | { kind: 'confirm'; title: string; body: string; confirmLabel: string; action: () => Promise<void> }
  | { kind: 'preferences'; section?: string }
  | { kind: 'search' }

export interface ShellContextValue {
  prefs: Preferences
  apps: AppSummary[]
  /** Bumped after every change; views reload on it. */
  version: number
  route: Route
  navigate: (route: Route) => void
  openDialog: (dialog: DialogState) => void
  /** Call after a successful mutation. */
  changed: () => void
}

export const ShellContext = createContext<ShellContextValue | null>(null)

export function useShell(): ShellContextValue {
  const ctx = useContext(ShellContext)
  if (!ctx) throw new Error('useShell outside <Shell>')
  return ctx
}
