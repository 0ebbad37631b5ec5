/**
 * What the preload exposes as `window.keyshelf`, with no runtime dependency on zod, so the sandboxed
 * preload bundle stays a few hundred bytes: one named function per contract command (listed here and
 * checked against the contract at compile time), plus narrow main -> renderer subscriptions.
 */
import type { Command, VaultApi } from './contract'
import type { ProgressEvent } from './model'

/** Every contract command, as a plain list. `bridge.test.ts` checks it equals `COMMANDS`. */
export const COMMAND_NAMES = [
  'status',
  'create',
  'unlock',
  'lock',
  'changePassword',
  'quickUnlockStatus',
  'setQuickUnlock',
  'quickUnlock',
  'listApps',
  'createApp',
  'updateApp',
  'deleteApp',
  'searchIndex',
  'listEnvironments',
  'createEnvironment',
  'updateEnvironment',
  'deleteEnvironment',
  // trash
  'listTrash',
  'restoreFromTrash',
  'deleteFromTrash',
  'emptyTrash',
  'listCredentials',
  'getCredential',
  'createCredential',
  'updateCredential',
  'deleteCredential',
  'addField',
  'reveal',
  'copy',
  'rotate',
  'history',
  'revealVersion',
  'search',
  'dueReport',
  'dueCounts',
  'auditLog',
  'listConnections',
  'connectProvider',
  'syncProviders',
  'rotateViaProvider',
  'verifyCredential',
  'finishProviderRotation',
  'guidedRotationPlan',
  'guidedRotationComplete',
  'guidedReminders',
  'dismissGuidedReminder',
  'verifyAllKeys',
  'lastKeyChecks',
  'openRevokes',
  'exportPreview',
  'exportCopy',
  'exportSave',
  'gitignoreLastExport',
  'importPreview',
  'importApply',
  // backup
  'backupNow',
  'backupStatus',
  'keyActivity',
  // teams
  'listTeams',
  'connectTeam',
  'disconnectTeam',
  'shareApp',
  'pullTeams',
  'teamMarks',
  'saveReport',
  'rekey',
  'getPreferences',
  'setPreferences',
] as const satisfies readonly Command[]

type Listed = (typeof COMMAND_NAMES)[number]
/** Compile-time check: a command added to the contract but not listed here is a type error. */
export const ALL_COMMANDS_LISTED: [Exclude<Command, Listed>] extends [never] ? true : false = true

/** The IPC channel of a command: the same string as `channelOf` in the contract. */
export const commandChannel = (command: Command): string => `keyshelf:${command}`

/** Menu items (and notification clicks) main forwards to the renderer. Nothing else crosses this way. */
export const MENU_COMMANDS = [
  'lock',
  'search',
  'open-due',
  'new-app',
  'new-environment',
  'new-key',
  'preferences',
] as const
export type MenuCommand = (typeof MENU_COMMANDS)[number]

/** Main -> renderer channels. */
export const MENU_CHANNEL = 'keyshelf:event:menu'
export const LOCKED_CHANNEL = 'keyshelf:event:locked'
export const PROGRESS_CHANNEL = 'keyshelf:event:progress'

export function isMenuCommand(value: unknown): value is MenuCommand {
  return typeof value === 'string' && (MENU_COMMANDS as readonly string[]).includes(value)
}

/** Whether a value from main is a well-formed progress event (the preload forwards nothing else). */
export function isProgressEvent(value: unknown): value is ProgressEvent {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    (v['task'] === 'sync' || v['task'] === 'import' || v['task'] === 'rekey') &&
    typeof v['label'] === 'string' &&
    typeof v['done'] === 'number' &&
    (v['total'] === null || typeof v['total'] === 'number')
  )
}

/** Main -> renderer events: each subscription returns its unsubscribe function. */
export interface MainEvents {
  /** A menu item or notification asked the renderer to do something. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void
  /** Main locked the vault (idle, suspend, screen lock, menu): the renderer must drop what it shows. */
  onLockedByMain(listener: () => void): () => void
  /** Progress of long work in main (provider sync, import). */
  onProgress(listener: (event: ProgressEvent) => void): () => void
}

/** `window.keyshelf`: the contract's commands plus the event subscriptions. */
export type KeyshelfBridge = VaultApi & MainEvents
