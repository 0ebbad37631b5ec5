/**
 * Reads the files of a ZIP archive (1Password's .1pux) from memory: stored and deflated entries, with a cap on
 * the inflated size so a zip bomb is refused. No ZIP64, no encryption (1PUX uses neither).
 */
import { inflateRawSync } from 'node:zlib'

const MAX_ENTRY = 256 * 1024 * 1024

/** Every file of the archive by name. Throws an Error (message without content) when it is not a ZIP. */
export function readZip(buf: Buffer): Map<string, () => Buffer> {
  let eocd = -1
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw new Error('not a ZIP archive')
  const count = buf.readUInt16LE(eocd + 10)
  let p = buf.readUInt32LE(eocd + 16)
  const files = new Map<string, () => Buffer>()
  for (let k = 0; k < count; k++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw new Error('damaged ZIP directory')
    const method = buf.readUInt16LE(p + 10)
    const compressed = buf.readUInt32LE(p + 20)
    const size = buf.readUInt32LE(p + 24)
    const nameLen = buf.readUInt16LE(p + 28)
    const extraLen = buf.readUInt16LE(p + 30)
    const commentLen = buf.readUInt16LE(p + 32)
    const local = buf.readUInt32LE(p + 42)
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8')
    p += 46 + nameLen + extraLen + commentLen
    if (compressed === 0xffffffff || local === 0xffffffff) throw new Error('ZIP64 archives are not supported')
    files.set(name, () => {
      if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error('damaged ZIP entry')
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28)
      const data = buf.subarray(start, start + compressed)
      if (method === 0) return Buffer.from(data)
      if (method !== 8) throw new Error('unsupported ZIP compression')
      if (size > MAX_ENTRY) throw new Error('a ZIP entry is too large')
      return inflateRawSync(data, { maxOutputLength: MAX_ENTRY })
    })
  }
  return files
}
