// Installers for Keyshelf: `npm run dist` (scripts/start.mjs dist) builds those of the current platform.
// Linux: AppImage and deb. macOS: dmg (x64 and arm64). Windows: nsis. The fuses are set in scripts/after-pack.mjs.

/** Every platform a native prebuild in our dependencies is named after (better-sqlite3, argon2). */
const PREBUILD_PLATFORMS = ['darwin', 'linux', 'linuxmusl', 'win32', 'freebsd']

/**
 * File patterns that leave out the other platforms' native prebuilds (better-sqlite3 ships all of them in its
 * npm package). `platform` is Node's process.platform of the machine that builds.
 * @param {string} platform
 */
export function otherPrebuilds(platform) {
  return PREBUILD_PLATFORMS.filter((p) => p !== platform).flatMap((p) => [
    `!node_modules/better-sqlite3/prebuilds/${p}-*.node`,
    `!node_modules/argon2/prebuilds/${p}-*/**`,
  ])
}

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'dev.keyshelf.desktop',
  productName: 'Keyshelf',
  executableName: 'keyshelf',
  copyright: 'Copyright © Keyshelf contributors',
  directories: { output: 'dist', buildResources: 'resources' },
  files: [
    'out/main/**',
    'out/preload/**',
    'out/renderer/**',
    'resources/icon.png',
    'package.json',
    '!out/screenshots/**',
    '!**/*.map',
    // better-sqlite3's C sources and build scripts are not needed at run time.
    '!node_modules/better-sqlite3/{deps,src}/**',
    ...otherPrebuilds(process.platform),
  ],
  asar: true,
  // Native modules cannot be loaded from inside the asar archive.
  asarUnpack: ['**/*.node'],
  npmRebuild: false, // better-sqlite3 and argon2 are Node-API prebuilds: the same .node loads in Electron
  afterPack: './scripts/after-pack.mjs',
  linux: {
    target: ['AppImage', 'deb'],
    icon: 'resources/icon.png',
    category: 'Utility',
    synopsis: 'Developer API key manager',
    maintainer: 'Keyshelf contributors',
  },
  mac: {
    target: [{ target: 'dmg', arch: ['x64', 'arm64'] }],
    icon: 'resources/icon.png',
    category: 'public.app-category.developer-tools',
    hardenedRuntime: true,
  },
  win: {
    target: [{ target: 'nsis', arch: ['x64', 'arm64'] }],
    icon: 'resources/icon.png',
  },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
}

export default config
