import { createSocket } from 'node:dgram'
import { connect } from 'node:net'
import dnsPacket from 'dns-packet'

/** A decoded response; dns-packet reports the header rcode as a name, which its types leave out. */
export type Decoded = dnsPacket.DecodedPacket & { rcode?: string }

/** The data of each answer record (dns-packet's types leave `data` off OPT records). */
export const dataOf = (packet: Decoded): unknown[] => (packet.answers ?? []).map((answer) => (answer as { data?: unknown }).data)

export function encodeQuery(name: string, type: string, options: { id?: number; edns?: number; ednsVersion?: number } = {}): Buffer {
  const additionals = options.edns
    ? [{ type: 'OPT' as const, name: '.', udpPayloadSize: options.edns, extendedRcode: 0, ednsVersion: options.ednsVersion ?? 0, flags: 0, flag_do: false, options: [] }]
    : []
  return dnsPacket.encode({ type: 'query', id: options.id ?? 1, questions: [{ type: type as 'A', name, class: 'IN' }], additionals })
}

/** One query over UDP to 127.0.0.1:port; the raw reply. */
export function queryUdp(port: number, message: Uint8Array, timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4')
    const timer = setTimeout(() => {
      socket.close()
      reject(new Error(`no UDP answer from port ${port}`))
    }, timeoutMs)
    socket.once('message', (reply) => {
      clearTimeout(timer)
      socket.close()
      resolve(reply)
    })
    socket.send(message, port, '127.0.0.1')
  })
}

/** Queries on one TCP connection, written at once (pipelined); the raw replies in order. */
export function queryTcp(port: number, messages: Uint8Array[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let buffer = Buffer.alloc(0)
    const replies: Buffer[] = []
    socket.on('error', reject)
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk])
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        replies.push(buffer.subarray(2, 2 + buffer.readUInt16BE(0)))
        buffer = buffer.subarray(2 + buffer.readUInt16BE(0))
      }
      if (replies.length === messages.length) {
        socket.end()
        resolve(replies)
      }
    })
    socket.write(Buffer.concat(messages.map((m) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m]))))
  })
}
