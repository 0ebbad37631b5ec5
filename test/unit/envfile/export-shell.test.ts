import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { refusalReason, renderEnv, UnrepresentableError } from '../../../src-main/core/envfile/export'
import { SHELL_SPECIAL_NAMES } from '../../../src-main/core/envfile/shell.profile'
import { asSecrets, entriesArb, valueWithBadCharsArb } from './env-arbitraries'

const dir = mkdtempSync(join(tmpdir(), 'ks-shell-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const cleanEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' }

/** bash: source with `set -a`, then print each variable NUL-terminated via indirect expansion. */
function readWithBash(file: string, names: string[]): Buffer {
  return execFileSync(
    'bash',
    [
      '--norc',
      '--noprofile',
      '-c',
      'set -a; . "$1"; shift; for k in "$@"; do printf "%s\\0" "${!k}"; done',
      '_',
      file,
      ...names,
    ],
    { env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  )
}

/** dash (POSIX sh): source, then dump the exported environment NUL-separated with `env -0`. */
function readWithDash(file: string, names: string[]): Buffer {
  const out = execFileSync('dash', ['-c', '. "$1"; exec env -0', '_', file], {
    env: cleanEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const byName = new Map<string, Buffer>()
  let start = 0
  for (let i = out.indexOf(0); i !== -1; start = i + 1, i = out.indexOf(0, start)) {
    const rec = out.subarray(start, i)
    const eq = rec.indexOf(0x3d)
    byName.set(rec.subarray(0, eq).toString('latin1'), rec.subarray(eq + 1))
  }
  return Buffer.concat(
    names.flatMap((n) => [byName.get(n) ?? Buffer.from(`<missing ${n}>`), Buffer.alloc(1)]),
  )
}

const expected = (values: string[]) =>
  Buffer.concat(values.flatMap((v) => [Buffer.from(v, 'utf8'), Buffer.alloc(1)]))

describe('shell profile: bash and dash source it byte for byte', () => {
  it('round-trips generated values (30 runs, one file per run)', () => {
    let n = 0
    fc.assert(
      fc.property(entriesArb(valueWithBadCharsArb), (entries) => {
        const ok = entries.filter((e) => refusalReason(e.envVar, e.value, 'shell') === null)
        for (const e of entries.filter((x) => !ok.includes(x))) {
          expect(e.value.includes('\0') || /[\uD800-\uDFFF]/.test(e.value)).toBe(true)
          expect(() => renderEnv(asSecrets([e]), 'shell')).toThrow(UnrepresentableError)
        }
        const file = join(dir, `run-${n++}.sh`)
        writeFileSync(file, renderEnv(asSecrets(ok), 'shell', { header: 'generated; do not edit' }))
        const names = ok.map((e) => e.envVar)
        const want = expected(ok.map((e) => e.value))
        expect(readWithBash(file, names).equals(want)).toBe(true)
        expect(readWithDash(file, names).equals(want)).toBe(true)
      }),
      { numRuns: 30 },
    )
  })

  it('quotes with POSIX single quotes and the close-escape-reopen form for a quote', () => {
    expect(renderEnv([{ envVar: 'A', value: "it's $HOME\n`x`", kind: 'secret' }], 'shell')).toBe(
      "export A='it'\\''s $HOME\n`x`'\n",
    )
    expect(renderEnv([{ envVar: 'A', value: '', kind: 'secret' }], 'shell')).toBe("export A=''\n")
  })

  it('refuses NUL and names bash manages itself', () => {
    expect(() => renderEnv([{ envVar: 'A', value: 'x\0y', kind: 'secret' }], 'shell')).toThrow(
      /A: contains a NUL/,
    )
    for (const name of ['_', 'RANDOM', 'UID', 'SECONDS']) {
      expect(SHELL_SPECIAL_NAMES.has(name)).toBe(true)
      expect(() => renderEnv([{ envVar: name, value: 'v', kind: 'secret' }], 'shell')).toThrow(
        expect.objectContaining({
          code: 'UNREPRESENTABLE',
          message: expect.stringMatching(/dotenv or docker or json/),
        }),
      )
    }
  })

  it('example mode exports empty values', () => {
    const file = join(dir, 'example.sh')
    const text = renderEnv(
      [
        { envVar: 'KS_SECRET', value: "s'ecret", kind: 'secret' },
        { envVar: 'KS_PUBLIC', value: 'p u b', kind: 'public' },
      ],
      'shell',
      { example: true, includePublicInExample: true },
    )
    expect(text).toBe("export KS_SECRET=''\nexport KS_PUBLIC='p u b'\n")
    writeFileSync(file, text)
    expect(readWithBash(file, ['KS_SECRET', 'KS_PUBLIC']).equals(expected(['', 'p u b']))).toBe(true)
  })
})
