import type { KeyshelfBridge } from '../../src-shared/bridge'

declare global {
  interface Window {
    /** Exposed by the preload (or the e2e harness): one function per contract command. */
    keyshelf: KeyshelfBridge
  }
}

export {}
