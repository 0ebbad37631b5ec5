/**
 * `npm run dist` cannot finish here (Electron's zip and electron-builder's tools come from GitHub), so its
 * configuration is checked instead: targets, icons, asar unpacking of native modules, this platform's
 * prebuilds only, and the fuses the afterPack hook flips (run for real on a stand-in binary that carries
 * Electron's fuse wire).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, matchesGlob, relative } from 'node:path'
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses'
import { afterEach, describe, expect, it } from 'vitest'
import config, { otherPrebuilds } from '../../electron-builder.config.mjs'
import afterPack, { packedExecutable } from '../../scripts/after-pack.mjs'
import { keyshelfFuses } from '../../scripts/fuses.mjs'

const ROOT = join(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
}

const temps: string[] = []
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
})

const targetsOf = (t: unknown): string[] =>
  (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'string' ? x : (x as { target: string }).target))

describe('electron-builder configuration', () => {
  it('names the app and builds AppImage + deb, dmg and nsis with icons from resources/', () => {
    expect(config.appId).toBe('dev.keyshelf.desktop')
    expect(config.productName).toBe('Keyshelf')
    expect(targetsOf(config.linux?.target)).toEqual(['AppImage', 'deb'])
    expect(targetsOf(config.mac?.target)).toEqual(['dmg'])
    expect(targetsOf(config.win?.target)).toEqual(['nsis'])
    for (const icon of [config.linux?.icon, config.mac?.icon, config.win?.icon]) {
      expect(icon).toMatch(/^resources\//)
      expect(existsSync(join(ROOT, icon!))).toBe(true)
    }
    expect(pkg.scripts['dist']).toBe('node scripts/start.mjs dist')
  })

  it('unpacks every .node file from the asar and ships the built app', () => {
    expect(config.asar).toBe(true)
    const unpack = config.asarUnpack as string[]
    for (const f of [
      'node_modules/better-sqlite3/prebuilds/linux-x64.node',
      'node_modules/argon2/prebuilds/win32-x64/argon2.glibc.node',
    ]) {
      expect(unpack.some((p) => matchesGlob(f, p))).toBe(true)
    }
    const files = config.files as string[]
    for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
      expect(files.some((p) => !p.startsWith('!') && matchesGlob(f, p))).toBe(true)
      expect(existsSync(join(ROOT, f))).toBe(true)
    }
    expect(config.afterPack).toBe('./scripts/after-pack.mjs')
    expect(existsSync(join(ROOT, config.afterPack as string))).toBe(true)
  })

  it("keeps only this platform's native prebuilds", () => {
    const nodeFiles = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.node'))
        .map((f) => relative(ROOT, join(ROOT, dir, f)).replace(/\\/g, '/'))
    const all = [
      ...nodeFiles('node_modules/better-sqlite3/prebuilds'),
      ...nodeFiles('node_modules/argon2/prebuilds'),
    ]
    expect(all.length).toBeGreaterThan(8)
    const excludes = otherPrebuilds(process.platform).map((p) => p.slice(1))
    expect((config.files as string[]).filter((p) => p.startsWith('!'))).toEqual(
      expect.arrayContaining(otherPrebuilds(process.platform)),
    )
    for (const f of all) {
      const platform = /prebuilds\/([a-z0-9]+?)-/.exec(f)![1]
      const shipped = !excludes.some((p) => matchesGlob(f, p))
      expect(shipped, f).toBe(platform === process.platform)
    }
  })
})

/** A stand-in Electron binary: bytes around Electron 45's fuse wire with its default states. */
function fakeElectronBinary(path: string): void {
  const defaults = '101100011' // RunAsNode on, cookies off, NODE_OPTIONS on, inspect on, integrity off, ...
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(
    path,
    Buffer.concat([
      Buffer.alloc(4096, 7),
      Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'),
      Buffer.from([1, defaults.length]),
      Buffer.from(defaults),
      Buffer.alloc(4096, 9),
    ]),
  )
}

describe('fuses (afterPack)', () => {
  it('turn off RunAsNode, NODE_OPTIONS and inspect arguments, turn on cookie encryption and asar-only loading', () => {
    for (const [platform, integrity] of [
      ['linux', false],
      ['darwin', true],
      ['win32', true],
    ] as const) {
      const f = keyshelfFuses(platform, 'x64')
      expect(f.strictlyRequireAllFuses).toBe(true)
      expect(f[FuseV1Options.RunAsNode]).toBe(false)
      expect(f[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false)
      expect(f[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false)
      expect(f[FuseV1Options.EnableCookieEncryption]).toBe(true)
      expect(f[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true)
      expect(f[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(integrity)
    }
  })

  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    it(`flips them in the packed ${platform} binary`, async () => {
      const appOutDir = mkdtempSync(join(tmpdir(), 'keyshelf-pack-'))
      temps.push(appOutDir)
      const context = {
        appOutDir,
        electronPlatformName: platform,
        arch: 1, // x64
        packager: { appInfo: { productFilename: 'Keyshelf' }, executableName: 'keyshelf' },
      }
      const exe = packedExecutable(context)
      const wireFile =
        platform === 'darwin'
          ? join(exe, 'Contents/Frameworks/Electron Framework.framework/Electron Framework')
          : exe
      expect(exe).toBe(
        join(
          appOutDir,
          platform === 'darwin' ? 'Keyshelf.app' : platform === 'win32' ? 'Keyshelf.exe' : 'keyshelf',
        ),
      )
      fakeElectronBinary(wireFile)
      await afterPack(context)
      const wire = await getCurrentFuseWire(exe)
      const on = (o: FuseV1Options) => wire[o] === FuseState.ENABLE
      expect(on(FuseV1Options.RunAsNode)).toBe(false)
      expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(false)
      expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe(false)
      expect(on(FuseV1Options.EnableCookieEncryption)).toBe(true)
      expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe(true)
      expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(platform !== 'linux')
    })
  }
})
