import type { DesktopBridge } from '../../main/common/contract/desktop-bridge'
import type { PreloadBridge } from '../../main/common/rpc/transport'

declare global {
  interface Window {
    /** Set by the Electron preload; absent in web mode. */
    netloomBridge?: PreloadBridge
    /** Native dialogs and the menu, in the desktop app only. */
    netloomDesktop?: DesktopBridge
  }
}

export {}
