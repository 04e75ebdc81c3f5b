/**
 * Watches the frames a WebSocket client sends and reports the first one whose payload is larger than
 * the limit. The `ws` library limits whole messages (`maxPayload`), not single frames; API Gateway
 * limits both (32 KB per frame, 128 KB per message, close code 1009). It reads only frame headers
 * (RFC 6455 §5.2) from the same bytes `ws` receives, and skips payloads without copying them.
 */
export class FrameGuard {
  private header = Buffer.alloc(0)
  private skip = 0

  constructor(private readonly maxFrameBytes: number) {}

  /** Feeds received bytes; returns the size of an oversized frame, or undefined. */
  push(chunk: Buffer): number | undefined {
    let offset = 0
    while (offset < chunk.length) {
      if (this.skip > 0) {
        const taken = Math.min(this.skip, chunk.length - offset)
        this.skip -= taken
        offset += taken
        continue
      }
      // A header is 2–14 bytes and may be split across chunks.
      const combined = Buffer.concat([this.header, chunk.subarray(offset, offset + 14 - this.header.length)])
      const needed = headerLength(combined)
      if (needed === undefined || combined.length < needed) {
        offset += combined.length - this.header.length
        this.header = combined
        continue
      }
      offset += needed - this.header.length
      this.header = Buffer.alloc(0)
      const length = payloadLength(combined)
      if (length > this.maxFrameBytes) return length
      this.skip = length
    }
    return undefined
  }
}

function headerLength(header: Buffer): number | undefined {
  if (header.length < 2) return undefined
  const masked = (header[1]! & 0x80) !== 0
  const code = header[1]! & 0x7f
  return 2 + (code === 126 ? 2 : code === 127 ? 8 : 0) + (masked ? 4 : 0)
}

function payloadLength(header: Buffer): number {
  const code = header[1]! & 0x7f
  if (code === 126) return header.readUInt16BE(2)
  if (code === 127) return Number(header.readBigUInt64BE(2))
  return code
}
