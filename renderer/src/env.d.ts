import type { PreloadBridge } from '../../main/common/rpc/transport'

declare global {
  interface Window {
    /** Set by the Electron preload; absent in web mode. */
    netloomBridge?: PreloadBridge
  }
}

export {}
