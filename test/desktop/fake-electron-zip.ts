/**
 * Builds a small "Electron release" zip for the start-script test: an `electron` executable (a shell script
 * that records how it was started) and the `version` file Electron's install.js checks. Stored entries
 * (no compression) with Unix modes, so the extractor keeps the executable bit.
 */
import { crc32 } from 'node:zlib'

interface Entry {
  name: string
  data: Buffer
  mode: number
}

/** A zip archive holding `entries` (stored, Unix file modes). */
export function zipOf(entries: Entry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8')
    const crc = crc32(e.data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4) // version needed
    local.writeUInt16LE(0, 6) // flags
    local.writeUInt16LE(0, 8) // stored
    local.writeUInt32LE(0, 10) // time/date
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(e.data.length, 18)
    local.writeUInt32LE(e.data.length, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28)
    locals.push(local, name, e.data)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by: Unix
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0, 8)
    central.writeUInt16LE(0, 10)
    central.writeUInt32LE(0, 12)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(e.data.length, 20)
    central.writeUInt32LE(e.data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt16LE(0, 30)
    central.writeUInt16LE(0, 32)
    central.writeUInt16LE(0, 34)
    central.writeUInt16LE(0, 36)
    central.writeUInt32LE(((0o100000 | e.mode) << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, name)
    offset += local.length + name.length + e.data.length
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(centralSize, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, ...centrals, end])
}

/** The fake Electron release for `version`: its `electron` writes its arguments and cwd to $FAKE_ELECTRON_LOG. */
export function fakeElectronZip(version: string): Buffer {
  const script = [
    '#!/bin/sh',
    'printf "cwd=%s\\n" "$PWD" > "$FAKE_ELECTRON_LOG"',
    'for a in "$@"; do printf "arg=%s\\n" "$a" >> "$FAKE_ELECTRON_LOG"; done',
    'exit 0',
    '',
  ].join('\n')
  return zipOf([
    { name: 'electron', data: Buffer.from(script, 'utf8'), mode: 0o755 },
    { name: 'version', data: Buffer.from(`v${version}`, 'utf8'), mode: 0o644 },
  ])
}
