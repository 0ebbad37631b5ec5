// Electron fuses for the packaged Keyshelf (flipped in the binary by scripts/after-pack.mjs).
import { FuseV1Options, FuseVersion } from '@electron/fuses'

/**
 * The fuse settings for a target platform. Off: running as plain Node (ELECTRON_RUN_AS_NODE), NODE_OPTIONS,
 * --inspect arguments, a custom V8 snapshot. On: cookie encryption, loading the app only from the asar, and
 * embedded asar integrity where Electron supports it (macOS and Windows; Linux has no integrity check).
 * file:// keeps its extra privileges because the renderer is loaded with loadFile (module scripts over file://).
 * @param {string} platform electron-builder's electronPlatformName (darwin, mas, win32, linux)
 * @param {string} arch electron-builder's arch name (x64, arm64, universal, ...)
 */
export function keyshelfFuses(platform, arch) {
  const integrity = platform === 'darwin' || platform === 'mas' || platform === 'win32'
  return /** @type {const} */ ({
    version: FuseVersion.V1,
    strictlyRequireAllFuses: true,
    // Flipping fuses invalidates the ad-hoc signature of an arm64 macOS binary; re-sign it ad hoc.
    resetAdHocDarwinSignature: platform === 'darwin' && (arch === 'arm64' || arch === 'universal'),
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: integrity,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: true,
    [FuseV1Options.WasmTrapHandlers]: true,
  })
}
