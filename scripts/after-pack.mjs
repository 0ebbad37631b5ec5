// electron-builder afterPack hook: flips Keyshelf's Electron fuses (scripts/fuses.mjs) in the packed binary,
// before electron-builder signs it and builds the installer.
import { join } from 'node:path'
import { flipFuses } from '@electron/fuses'
import { keyshelfFuses } from './fuses.mjs'

/** electron-builder's Arch enum (ia32 = 0, x64 = 1, armv7l = 2, arm64 = 3, universal = 4) as names. */
const ARCH = ['ia32', 'x64', 'armv7l', 'arm64', 'universal']

/**
 * The Electron executable inside an unpacked app folder.
 * @param {{ appOutDir: string, electronPlatformName: string,
 *   packager: { appInfo: { productFilename: string }, executableName?: string } }} context
 */
export function packedExecutable(context) {
  const { appOutDir, electronPlatformName: platform, packager } = context
  const product = packager.appInfo.productFilename
  if (platform === 'darwin' || platform === 'mas') return join(appOutDir, `${product}.app`)
  if (platform === 'win32') return join(appOutDir, `${product}.exe`)
  return join(appOutDir, packager.executableName ?? product)
}

/**
 * @param {{ appOutDir: string, electronPlatformName: string, arch: number,
 *   packager: { appInfo: { productFilename: string }, executableName?: string } }} context
 */
export default async function afterPack(context) {
  const executable = packedExecutable(context)
  const fuses = keyshelfFuses(context.electronPlatformName, ARCH[context.arch] ?? String(context.arch))
  await flipFuses(executable, fuses)
  console.log(`  • fuses flipped in ${executable}`)
}
