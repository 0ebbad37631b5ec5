import { TRASH_DAYS, type TrashItem } from '../../../src-shared/model'
import type { KeyshelfCore } from '../../core/core'
import { KeyshelfError } from '../../core/errors'
import { type CliCommand, iso, table } from '../cli-context'
import { confirm, UsageError } from '../cli-io'
import { didYouMean } from '../cli-suggest'

const DAY_MS = 86_400_000

/** An item's CLI address: APP for an app, APP/ENV for an environment. */
function addressOf(i: TrashItem): string {
  return i.kind === 'app' ? i.name : `${i.appName}/${i.name}`
}

/** A word quoted for the shell when it needs it (for the hints we print). */
export function shellWord(s: string): string {
  return /^[\w./@:-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`
}

/** "2 environments, 5 keys" / "5 keys". */
function contents(i: TrashItem): string {
  const keys = `${i.credentialCount} key${i.credentialCount === 1 ? '' : 's'}`
  if (i.kind === 'environment') return keys
  return `${i.environmentCount} environment${i.environmentCount === 1 ? '' : 's'}, ${keys}`
}

function daysAgo(ms: number, now: number): string {
  const d = Math.floor((now - ms) / DAY_MS)
  return d <= 0 ? 'today' : d === 1 ? '1 day ago' : `${d} days ago`
}

function daysLeft(purgeAt: number, now: number): string {
  const d = Math.ceil((purgeAt - now) / DAY_MS)
  return d <= 1 ? 'at the next unlock after a day' : `in ${d} days`
}

/**
 * The Trash item an address names: APP (an app) or APP/ENV (an environment), exactly first, then ignoring
 * case; the most recently deleted when several match. NOT_FOUND names the closest address in the Trash.
 */
async function resolveTrashed(core: KeyshelfCore, address: string): Promise<TrashItem> {
  const items = await core.listTrash()
  const hit =
    items.find((i) => addressOf(i) === address) ??
    items.find((i) => addressOf(i).toLowerCase() === address.toLowerCase())
  if (hit) return hit
  const hint = didYouMean(address, items.map(addressOf))
  throw new KeyshelfError(
    'NOT_FOUND',
    items.length === 0
      ? `"${address}" is not in the Trash: the Trash is empty.`
      : `"${address}" is not in the Trash.${hint || ' `keyshelf trash list` shows what is.'}`,
  )
}

/** The moved-to-Trash line `app rm` and `env rm` print. */
export function movedToTrash(address: string): string {
  return `Moved ${address} to the Trash (kept ${TRASH_DAYS} days; \`keyshelf trash restore ${shellWord(address)}\` brings it back).`
}

/** An item's names for --json: {app} or {app, env}. */
function namesOf(i: TrashItem): { app: string; env?: string } {
  return i.kind === 'app' ? { app: i.name } : { app: i.appName, env: i.name }
}

/** `keyshelf trash …`: list, restore, delete forever, empty (issue 10 §20). */
export const trashCommands: CliCommand[] = [
  {
    words: ['trash', 'list'],
    usage: 'trash list [--json]',
    summary: 'apps and environments in the Trash, with what they hold and when they go',
    help: `Deleted apps and environments stay in the Trash for ${TRASH_DAYS} days with all their keys and history, then go at the next unlock.`,
    options: { json: { type: 'boolean' } },
    positionals: [0, 0],
    async run(ctx, opts) {
      const core = await ctx.unlocked()
      const items = await core.listTrash()
      const now = Date.now()
      if (opts.json) {
        ctx.out(
          JSON.stringify(
            items.map((i) => ({
              address: addressOf(i),
              kind: i.kind,
              app: i.appName,
              name: i.name,
              environments: i.kind === 'app' ? i.environmentCount : undefined,
              keys: i.credentialCount,
              appInTrash: i.kind === 'environment' ? i.appInTrash : undefined,
              deletedAt: iso(i.deletedAt),
              removedAt: iso(i.purgeAt),
              daysLeft: Math.max(0, Math.ceil((i.purgeAt - now) / DAY_MS)),
            })),
            null,
            2,
          ),
        )
        return 0
      }
      if (items.length === 0) {
        ctx.err(
          `The Trash is empty. Deleted apps and environments wait here for ${TRASH_DAYS} days before they are gone.`,
        )
        return 0
      }
      ctx.out(
        table([
          ['ITEM', 'KIND', 'HOLDS', 'DELETED', 'REMOVED'],
          ...items.map((i) => [
            addressOf(i),
            i.kind === 'app' ? 'app' : 'environment',
            contents(i),
            daysAgo(i.deletedAt, now),
            daysLeft(i.purgeAt, now),
          ]),
        ]),
      )
      return 0
    },
  },
  {
    words: ['trash', 'restore'],
    usage: 'trash restore APP[/ENV] [--as NAME] [--json]',
    summary: 'bring an app or environment back from the Trash with all its keys',
    help: 'When its name has been taken meanwhile, --as gives it another one. An environment whose app is in the Trash too needs the app restored first.',
    options: { as: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, opts, [address]) {
      const core = await ctx.unlocked()
      const item = await resolveTrashed(core, address ?? '')
      const as = typeof opts.as === 'string' ? opts.as : undefined
      let back: TrashItem
      try {
        back = await core.restoreFromTrash({ id: item.id, ...(as !== undefined ? { name: as } : {}) })
      } catch (err) {
        if (
          err instanceof KeyshelfError &&
          err.code === 'CONFLICT' &&
          (item.kind === 'app' || !item.appInTrash)
        ) {
          throw new KeyshelfError(
            'CONFLICT',
            `${err.message} To restore it as "${item.name} (restored)": keyshelf trash restore ${shellWord(addressOf(item))} --as ${shellWord(`${item.name} (restored)`)}`,
          )
        }
        if (err instanceof KeyshelfError && err.code === 'CONFLICT' && item.kind === 'environment') {
          throw new KeyshelfError(
            'CONFLICT',
            `${err.message} (keyshelf trash restore ${shellWord(item.appName)})`,
          )
        }
        throw err
      }
      ctx.done(`Restored ${addressOf(back)} with ${contents(back)}.`, {
        restored: namesOf(back),
        kind: back.kind,
        ...(back.kind === 'app' ? { environments: back.environmentCount } : {}),
        keys: back.credentialCount,
      })
      return 0
    },
  },
  {
    words: ['trash', 'rm'],
    usage: 'trash rm APP[/ENV] [--yes] [--json]',
    summary: 'delete an app or environment in the Trash forever',
    options: { yes: { type: 'boolean', short: 'y' }, json: { type: 'boolean' } },
    positionals: [1, 1],
    async run(ctx, opts, [address]) {
      const core = await ctx.unlocked()
      const item = await resolveTrashed(core, address ?? '')
      if (
        !opts.yes &&
        !(await confirm(
          ctx.io,
          `Delete ${addressOf(item)} (${contents(item)}) forever? This cannot be undone.`,
        ))
      )
        throw new UsageError('Not deleted. Pass --yes to delete forever without asking.')
      await core.deleteFromTrash({ id: item.id })
      ctx.done(`Deleted ${addressOf(item)} forever.`, {
        deleted: namesOf(item),
        kind: item.kind,
        keys: item.credentialCount,
      })
      return 0
    },
  },
  {
    words: ['trash', 'empty'],
    usage: 'trash empty [--yes] [--json]',
    summary: 'delete everything in the Trash forever',
    options: { yes: { type: 'boolean', short: 'y' }, json: { type: 'boolean' } },
    positionals: [0, 0],
    async run(ctx, opts) {
      const core = await ctx.unlocked()
      const items = await core.listTrash()
      if (items.length === 0) {
        ctx.done('The Trash is already empty.', { items: 0, keys: 0 })
        return 0
      }
      const keys = items.reduce((n, i) => n + i.credentialCount, 0)
      if (
        !opts.yes &&
        !(await confirm(
          ctx.io,
          `Delete ${items.length} item(s) with ${keys} key(s) in the Trash forever? This cannot be undone.`,
        ))
      )
        throw new UsageError('Not emptied. Pass --yes to empty the Trash without asking.')
      const { purged } = await core.emptyTrash()
      ctx.done(`Emptied the Trash: ${purged} item(s) deleted forever.`, { items: purged, keys })
      return 0
    },
  },
]
