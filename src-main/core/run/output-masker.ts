/**
 * Replaces secret values in a byte stream with `*****`, as 1Password's `op run` does, even when a secret is
 * split across chunks: up to (longest secret − 1) bytes that could still begin a secret are held back until
 * the next chunk (or the end) decides. Works on UTF-8 bytes, so a chunk split inside a multi-byte character
 * changes nothing.
 */
import { Transform, type TransformCallback } from 'node:stream'

/** What a masked secret becomes. */
export const MASK = '*****'

/** Secrets shorter than this are not masked by default (see {@link MaskerOptions.minLength}). */
export const DEFAULT_MIN_MASK_LENGTH = 4

export interface MaskerOptions {
  /**
   * Values shorter than this many characters are not masked: masking every `1` or `on` in the output would
   * garble it while protecting nothing a guesser could not find. Default 4. Use 1 to mask everything.
   */
  minLength?: number
}

/** The patterns a masker will look for: distinct, non-empty, long enough; UTF-8 encoded, longest first. */
export function maskPatterns(values: readonly string[], opts: MaskerOptions = {}): Buffer[] {
  const min = Math.max(1, opts.minLength ?? DEFAULT_MIN_MASK_LENGTH)
  const unique = [...new Set(values.filter((v) => v.length >= min))]
  return unique.map((v) => Buffer.from(v, 'utf8')).sort((a, b) => b.length - a.length)
}

/**
 * A streaming replacer over fixed byte patterns. `push` returns the bytes that are safe to emit now; `end`
 * returns the rest. At each position the longest complete match wins, and a position that could still start a
 * longer match waits for more input.
 */
export class OutputMasker {
  private readonly byFirstByte = new Map<number, Buffer[]>()
  private readonly mask = Buffer.from(MASK)
  private pending: Buffer = Buffer.alloc(0)

  constructor(patterns: readonly Buffer[]) {
    for (const p of patterns) {
      const first = p[0]
      if (first === undefined) continue
      const list = this.byFirstByte.get(first) ?? []
      list.push(p)
      list.sort((a, b) => b.length - a.length)
      this.byFirstByte.set(first, list)
    }
  }

  /** True when there is nothing to mask. */
  get empty(): boolean {
    return this.byFirstByte.size === 0
  }

  /** Feeds a chunk; returns what can be written now (possibly empty). */
  push(chunk: Buffer): Buffer {
    return this.scan(this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]), false)
  }

  /** Ends the stream; returns everything still held back, masked. */
  end(): Buffer {
    return this.scan(this.pending, true)
  }

  private scan(buf: Buffer, final: boolean): Buffer {
    const out: Buffer[] = []
    let emitFrom = 0
    let i = 0
    this.pending = Buffer.alloc(0)
    outer: while (i < buf.length) {
      const candidates = this.byFirstByte.get(buf[i] ?? -1)
      if (candidates) {
        for (const p of candidates) {
          if (i + p.length <= buf.length) {
            if (buf.compare(p, 0, p.length, i, i + p.length) === 0) {
              out.push(buf.subarray(emitFrom, i), this.mask)
              i += p.length
              emitFrom = i
              continue outer
            }
          } else if (!final && buf.compare(p, 0, buf.length - i, i, buf.length) === 0) {
            // Could still become this (longer) secret: hold everything from here back.
            out.push(buf.subarray(emitFrom, i))
            this.pending = Buffer.from(buf.subarray(i))
            return Buffer.concat(out)
          }
        }
      }
      i++
    }
    out.push(buf.subarray(emitFrom))
    return Buffer.concat(out)
  }
}

/** A Transform stream applying an {@link OutputMasker}; flushes the held-back tail at the end. */
export function createMaskingStream(patterns: readonly Buffer[]): Transform {
  const masker = new OutputMasker(patterns)
  return new Transform({
    transform(chunk: Buffer | string, _enc: BufferEncoding, cb: TransformCallback) {
      const out = masker.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
      cb(null, out.length > 0 ? out : undefined)
    },
    flush(cb: TransformCallback) {
      const out = masker.end()
      cb(null, out.length > 0 ? out : undefined)
    },
  })
}
