/** A rough, offline strength estimate for the master password (no dictionary download, no network). */
export interface Strength {
  /** 0 = too weak ... 4 = very strong. */
  score: 0 | 1 | 2 | 3 | 4
  label: string
  hint: string
}

const COMMON = [
  'password',
  'passw0rd',
  'qwerty',
  'letmein',
  'welcome',
  'admin',
  'iloveyou',
  'monkey',
  'dragon',
  'keyshelf',
  'secret',
  'abc123',
  '123456',
  '12345678',
  '111111',
  'azerty',
]

const LABELS = ['Too weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const

/** Estimates entropy from length and character classes, with penalties for repeats, sequences and common words. */
export function estimateStrength(pw: string): Strength {
  if (pw.length === 0)
    return {
      score: 0,
      label: LABELS[0],
      hint: 'Choose a long passphrase: four or more random words work well.',
    }
  let pool = 0
  if (/[a-z]/.test(pw)) pool += 26
  if (/[A-Z]/.test(pw)) pool += 26
  if (/[0-9]/.test(pw)) pool += 10
  if (/[^A-Za-z0-9]/.test(pw)) pool += 33
  const unique = new Set(pw).size
  let effectiveLength = Math.min(pw.length, unique * 2.5)
  const lower = pw.toLowerCase()
  let hint = ''
  for (const word of COMMON) {
    if (lower.includes(word)) {
      effectiveLength -= word.length * 0.8
      hint = `Avoid common words like "${word}".`
    }
  }
  if (/(.)\1{2,}/.test(pw)) {
    effectiveLength -= 2
    hint ||= 'Avoid repeated characters.'
  }
  if (/(?:0123|1234|2345|3456|4567|5678|6789|abcd|bcde|cdef|qwer|asdf)/i.test(pw)) {
    effectiveLength -= 3
    hint ||= 'Avoid sequences like 1234 or abcd.'
  }
  const bits = Math.max(0, effectiveLength) * Math.log2(Math.max(pool, 1))
  const score = (bits < 30 ? 0 : bits < 45 ? 1 : bits < 65 ? 2 : bits < 85 ? 3 : 4) as Strength['score']
  if (!hint) {
    hint =
      score >= 3
        ? 'Good. Store it somewhere safe: it cannot be recovered.'
        : pw.length < 14
          ? 'Longer is stronger: aim for 14+ characters or a few random words.'
          : 'Mix in more variety, or add another word.'
  }
  return { score, label: LABELS[score], hint }
}
