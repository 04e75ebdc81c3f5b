/**
 * A growable DNS message writer with name compression (RFC 1035 §4.1.4). Owner names and the names
 * inside the RDATA of the RFC 1035 types (CNAME, NS, PTR, MX, SOA) may be compressed; every other
 * name is written in full (RFC 3597 §4).
 */
export class WireWriter {
  private buffer = new Uint8Array(512)
  private view = new DataView(this.buffer.buffer)
  /**
   * Name suffix → offset of its first occurrence (offsets must fit in 14 bits). Matching is exact, case
   * included, so that every name keeps the case it was written with (RFC 4343 §4).
   */
  private readonly names = new Map<string, number>()
  length = 0

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < this.length + extra) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buffer.subarray(0, this.length))
    this.buffer = next
    this.view = new DataView(next.buffer)
  }

  u8(value: number): void {
    this.ensure(1)
    this.view.setUint8(this.length, value)
    this.length += 1
  }

  u16(value: number): void {
    this.ensure(2)
    this.view.setUint16(this.length, value)
    this.length += 2
  }

  u32(value: number): void {
    this.ensure(4)
    this.view.setUint32(this.length, value >>> 0)
    this.length += 4
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length)
    this.buffer.set(data, this.length)
    this.length += data.length
  }

  /** A <character-string>: one length byte, then up to 255 bytes. */
  characterString(data: Uint8Array): void {
    if (data.length > 255) throw new RangeError('character-string longer than 255 bytes')
    this.u8(data.length)
    this.bytes(data)
  }

  /** Overwrites a 16-bit value written earlier (RDLENGTH, counts). */
  patchU16(offset: number, value: number): void {
    this.view.setUint16(offset, value)
  }

  /**
   * Writes a domain name given as presentation labels without the trailing dot ('' for the root),
   * already split (escapes resolved) by the caller: `['www', 'example', 'com']`.
   */
  name(labels: readonly Uint8Array[], compress: boolean): void {
    // Suffix keys from the root up, each built once: "com", "example\0com", "www\0example\0com".
    const keys: string[] = new Array(labels.length)
    let suffix = ''
    for (let i = labels.length - 1; i >= 0; i--) {
      suffix = i === labels.length - 1 ? latin1(labels[i]!) : `${latin1(labels[i]!)}\u0000${suffix}`
      keys[i] = suffix
    }
    for (let i = 0; i < labels.length; i++) {
      const key = keys[i]!
      const known = compress ? this.names.get(key) : undefined
      if (known !== undefined) {
        this.u16(0xc000 | known)
        return
      }
      if (this.length < 0x4000 && !this.names.has(key)) this.names.set(key, this.length)
      const label = labels[i]!
      if (label.length === 0 || label.length > 63) throw new RangeError('label length must be 1–63 bytes')
      this.u8(label.length)
      this.bytes(label)
    }
    this.u8(0)
  }

  /** The message so far (a copy is not made: do not write after taking it). */
  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length)
  }
}

/** A label's bytes as a string, one character per byte (exact, case included). */
function latin1(label: Uint8Array): string {
  return String.fromCharCode.apply(null, label as unknown as number[])
}
