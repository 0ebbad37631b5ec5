import { KeyshelfError } from '../errors'

/** The four export profiles. */
export type EnvProfile = 'dotenv' | 'docker' | 'shell' | 'json'

/** Every profile, in the order suggestions are offered (most faithful first). */
export const ENV_PROFILES: readonly EnvProfile[] = ['dotenv', 'docker', 'shell', 'json']

/** Why one value cannot be written in one profile. Never carries the value itself. */
export interface UnrepresentableProblem {
  envVar: string
  profile: EnvProfile
  /** What in the value (described, never quoted) the profile cannot carry. */
  reason: string
  /** The profiles that would write this value faithfully (may be empty, e.g. for NUL outside json). */
  worksIn: EnvProfile[]
}

/**
 * A value cannot be written faithfully in the chosen profile. Code `UNREPRESENTABLE`.
 * The message names each key, the reason and the profiles that would work; it never contains a value.
 */
export class UnrepresentableError extends KeyshelfError {
  readonly problems: UnrepresentableProblem[]

  constructor(problems: UnrepresentableProblem[]) {
    const first = problems[0]
    const profile = first?.profile ?? 'dotenv'
    const lines = problems.map((p) => {
      const alt =
        p.worksIn.length > 0 ? `use the ${p.worksIn.join(' or ')} profile` : 'no profile can carry it'
      return `${p.envVar}: ${p.reason} (${alt})`
    })
    super(
      'UNREPRESENTABLE',
      `Cannot write ${problems.length === 1 ? 'a value' : `${problems.length} values`} faithfully in the ` +
        `${profile} profile, so nothing was written. ${lines.join('; ')}.`,
      { problems },
    )
    this.problems = problems
  }
}
