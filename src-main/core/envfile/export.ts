/**
 * Renders one environment's keys as an env file in one of four profiles (dotenv, docker, shell, json).
 * The rules of each profile are documented in its `*.profile.ts` file and in docs/env-profiles.md.
 * The one promise: the text either reads back as exactly the given values in the target, or nothing is
 * rendered and an `UnrepresentableError` names every key that cannot be carried.
 */
import { ConflictError, InvalidInputError } from '../errors'
import { dockerAssignment, refuseDocker } from './docker.profile'
import { dotenvAssignment, refuseDotenv } from './dotenv.profile'
import { hasLoneSurrogate, hasNul, isValidEnvName, showName } from './env-text'
import {
  ENV_PROFILES,
  UnrepresentableError,
  type EnvProfile,
  type UnrepresentableProblem,
} from './envfile.errors'
import { refuseShell, shellAssignment } from './shell.profile'

export { ENV_PROFILES, UnrepresentableError, type EnvProfile, type UnrepresentableProblem }

/** One key to export. `kind` decides what `--example` shows. */
export interface EnvEntry {
  envVar: string
  value: string
  kind: 'secret' | 'public'
}

export interface RenderOptions {
  /** Write a `.env.example`: names only (empty values), no secret value ever. */
  example?: boolean
  /** With `example`, keep the values of `public` keys. */
  includePublicInExample?: boolean
  /** Comment text put at the top (each line prefixed with `# `). Ignored by json, which has no comments. */
  header?: string
}

/** Why `value` cannot be written under `envVar` in `profile`, or null when it can. Never quotes the value. */
export function refusalReason(envVar: string, value: string, profile: EnvProfile): string | null {
  switch (profile) {
    case 'dotenv':
      return refuseDotenv(value)
    case 'docker':
      return refuseDocker(envVar, value)
    case 'shell':
      return refuseShell(envVar, value)
    case 'json':
      return null
  }
}

/** The profiles that would carry `value` under `envVar` faithfully, in {@link ENV_PROFILES} order. */
export function profilesThatCarry(envVar: string, value: string): EnvProfile[] {
  return ENV_PROFILES.filter((p) => refusalReason(envVar, value, p) === null)
}

/** The values that will actually be written: secrets are blanked in example mode, public ones kept on request. */
function writtenValues(
  entries: readonly EnvEntry[],
  opts: RenderOptions,
): { envVar: string; value: string }[] {
  if (!opts.example) return entries.map((e) => ({ envVar: e.envVar, value: e.value }))
  return entries.map((e) => ({
    envVar: e.envVar,
    value: e.kind === 'public' && opts.includePublicInExample ? e.value : '',
  }))
}

/** Throws INVALID_INPUT for a bad name and CONFLICT for a repeated one; messages name the key only. */
function assertNames(entries: readonly { envVar: string }[]): void {
  const seen = new Set<string>()
  for (const { envVar } of entries) {
    if (!isValidEnvName(envVar)) {
      throw new InvalidInputError(
        `${showName(envVar)} is not a valid environment variable name: use letters, digits and _, not starting with a digit.`,
      )
    }
    if (seen.has(envVar)) {
      throw new ConflictError(
        `${envVar} appears twice in the export; each variable can be written only once.`,
      )
    }
    seen.add(envVar)
  }
}

/**
 * Lists every entry that `profile` cannot write faithfully (empty when all can), after checking names.
 * Pure: use it to preview an export. Secrets are not looked at in example mode, since they are not written.
 */
export function findUnrepresentable(
  entries: readonly EnvEntry[],
  profile: EnvProfile,
  opts: RenderOptions = {},
): UnrepresentableProblem[] {
  assertNames(entries)
  const problems: UnrepresentableProblem[] = []
  for (const { envVar, value } of writtenValues(entries, opts)) {
    const reason = refusalReason(envVar, value, profile)
    if (reason !== null) {
      problems.push({
        envVar,
        profile,
        reason,
        worksIn: profilesThatCarry(envVar, value).filter((p) => p !== profile),
      })
    }
  }
  return problems
}

function headerLines(header: string | undefined): string[] {
  if (header === undefined || header === '') return []
  if (hasNul(header) || hasLoneSurrogate(header)) {
    throw new InvalidInputError('The header contains a NUL character or an unpaired surrogate.')
  }
  return header.split(/\r\n|[\n\r\u2028\u2029\u0085]/).map((l) => (l === '' ? '#' : `# ${l}`))
}

function renderJson(values: readonly { envVar: string; value: string }[]): string {
  if (values.length === 0) return '{}\n'
  const body = values.map(({ envVar, value }) => `  ${JSON.stringify(envVar)}: ${JSON.stringify(value)}`)
  return `{\n${body.join(',\n')}\n}\n`
}

/**
 * Renders `entries` in `profile`, in the given order, ending with a newline.
 * Promises: the target reads back exactly these names and values, or it throws and renders nothing:
 * INVALID_INPUT (bad name or header), CONFLICT (a name twice), UNREPRESENTABLE (listing every key that the
 * profile cannot carry, why, and which profiles could). No error message ever contains a value.
 */
export function renderEnv(
  entries: readonly EnvEntry[],
  profile: EnvProfile,
  opts: RenderOptions = {},
): string {
  const problems = findUnrepresentable(entries, profile, opts)
  if (problems.length > 0) throw new UnrepresentableError(problems)
  const values = writtenValues(entries, opts)
  if (profile === 'json') return renderJson(values)
  const lines = headerLines(opts.header)
  for (const { envVar, value } of values) {
    if (profile === 'dotenv') lines.push(dotenvAssignment(envVar, value))
    else if (profile === 'docker') lines.push(dockerAssignment(envVar, value))
    else lines.push(shellAssignment(envVar, value))
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}
