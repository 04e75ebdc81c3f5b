/**
 * The globals main/common may use: the ones browsers and Node share. tsconfig.common.json has neither
 * the DOM nor Node types, so that anything platform-specific fails to compile here.
 */
declare function setTimeout(handler: () => void, ms?: number): unknown
declare function clearTimeout(handle: unknown): void
declare function queueMicrotask(callback: () => void): void

declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean })
  decode(input?: Uint8Array): string
}

/** Base64 (both browsers and Node 16+ have them). */
declare function atob(data: string): string
declare function btoa(data: string): string

declare const console: {
  error(...data: unknown[]): void
  warn(...data: unknown[]): void
}
