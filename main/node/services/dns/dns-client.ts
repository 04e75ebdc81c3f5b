import { createSocket } from 'node:dgram'
import { connect, isIPv6 } from 'node:net'
import type { DnsQueryResult, DnsRecordView } from '../../../common/contract/lab-types'
import { LabError } from '../../../common/errors/lab-error'
import { formatName, parseName } from '../../../common/services/dns/dns-name'
import { formatRdata } from '../../../common/services/dns/rdata'
import { recordTypeCodes, typeName } from '../../../common/services/dns/record-types'
import { Malformed, readName } from './message'
import { readRdata } from './rdata-read'
import { WireWriter } from './wire-writer'

const rcodeNames = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE']

export interface DnsQueryOptions {
  host: string
  port: number
  name: string
  /** A type name (`A`, `HTTPS`, `ANY`) or `TYPE<n>`. */
  type: string
  transport: 'udp' | 'tcp'
  /** Source address to send from (a loopback address), e.g. to see a private zone. */
  source?: string
  timeoutMs?: number
}

/**
 * The app's "dig": one query with EDNS (1232 bytes), over UDP or TCP; a truncated UDP answer is retried
 * over TCP, as a resolver would. Records come back in presentation format.
 */
export async function queryDns(options: DnsQueryOptions): Promise<DnsQueryResult> {
  const type = typeCode(options.type)
  const message = encodeQuery(options.name, type)
  const started = performance.now()
  let transport = options.transport
  let reply = transport === 'udp' ? await sendUdp(options, message) : await sendTcp(options, message)
  let retried = false
  if (transport === 'udp' && reply.length > 2 && (reply[2]! & 0x02) !== 0) {
    transport = 'tcp'
    retried = true
    reply = await sendTcp(options, message)
  }
  return { ...parseResponse(reply), durationMs: performance.now() - started, transport, retriedOverTcp: retried, bytes: reply.length, server: `${options.host}#${options.port}` }
}

function typeCode(type: string): number {
  const upper = type.toUpperCase()
  if (upper === 'ANY') return 255
  const generic = /^TYPE([0-9]{1,5})$/.exec(upper)
  if (generic && Number(generic[1]) <= 65535) return Number(generic[1])
  const code = (recordTypeCodes as Record<string, number>)[upper]
  if (code === undefined) throw new LabError('LAB_ERR_RPC_BAD_REQUEST', `unknown record type "${type}"`)
  return code
}

function encodeQuery(name: string, type: number): Uint8Array {
  let labels
  try {
    labels = parseName(name.endsWith('.') ? name : `${name}.`)
  } catch (error) {
    throw new LabError('LAB_ERR_RPC_BAD_REQUEST', `"${name}" is not a domain name: ${(error as Error).message}`)
  }
  const w = new WireWriter()
  for (const value of [Math.floor(Math.random() * 65536), 0, 1, 0, 0, 1]) w.u16(value)
  w.name(labels, false)
  w.u16(type)
  w.u16(1)
  // OPT: EDNS(0), 1232-byte UDP payload (DNS Flag Day 2020).
  w.u8(0)
  w.u16(41)
  w.u16(1232)
  w.u32(0)
  w.u16(0)
  return w.finish().slice()
}

function parseResponse(bytes: Uint8Array): Pick<DnsQueryResult, 'rcode' | 'flags' | 'question' | 'answer' | 'authority' | 'additional'> {
  try {
    if (bytes.length < 12) throw new Malformed('shorter than a DNS header')
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const flags = view.getUint16(2)
    const counts = [view.getUint16(4), view.getUint16(6), view.getUint16(8), view.getUint16(10)]
    let at = 12
    let question = ''
    for (let i = 0; i < counts[0]!; i++) {
      const name = readName(bytes, at)
      question = `${formatName(name.labels)} ${typeName(view.getUint16(name.end))}`
      at = name.end + 4
    }
    let extended = 0
    const sections: DnsRecordView[][] = [[], [], []]
    for (let s = 0; s < 3; s++)
      for (let i = 0; i < counts[s + 1]!; i++) {
        const owner = readName(bytes, at)
        const type = view.getUint16(owner.end)
        const ttl = view.getUint32(owner.end + 4)
        const length = view.getUint16(owner.end + 8)
        const start = owner.end + 10
        if (type === 41) extended = ttl >>> 24
        else {
          const rdata = readRdata(type, bytes, start, length)
          const value = rdata ? formatRdata(rdata) : `\\# ${length} ${Buffer.from(bytes.subarray(start, start + length)).toString('hex')}`
          sections[s]!.push({ name: formatName(owner.labels), ttl, type: typeName(type), value })
        }
        at = start + length
      }
    const rcode = (extended << 4) | (flags & 0xf)
    return {
      rcode: rcode === 16 ? 'BADVERS' : (rcodeNames[rcode] ?? `RCODE${rcode}`),
      flags: { aa: (flags & 0x0400) !== 0, tc: (flags & 0x0200) !== 0, rd: (flags & 0x0100) !== 0, ra: (flags & 0x0080) !== 0 },
      question,
      answer: sections[0]!,
      authority: sections[1]!,
      additional: sections[2]!
    }
  } catch (error) {
    if (error instanceof Malformed || error instanceof RangeError)
      throw new LabError('LAB_ERR_REQUEST_FAILED', `the server sent a malformed answer: ${error.message}`)
    throw error
  }
}

function sendUdp(options: DnsQueryOptions, message: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(options.host) ? 'udp6' : 'udp4')
    const timer = setTimeout(() => {
      socket.close()
      reject(new LabError('LAB_ERR_REQUEST_FAILED', `no answer from ${options.host}#${options.port} over UDP within ${options.timeoutMs ?? 3000} ms`))
    }, options.timeoutMs ?? 3000)
    socket.on('error', (error) => {
      clearTimeout(timer)
      socket.close()
      reject(new LabError('LAB_ERR_REQUEST_FAILED', `UDP query failed: ${error.message}`))
    })
    socket.once('message', (reply) => {
      clearTimeout(timer)
      socket.close()
      resolve(new Uint8Array(reply))
    })
    const send = () => socket.send(message, options.port, options.host)
    if (options.source) socket.bind({ address: options.source, port: 0 }, send)
    else send()
  })
}

function sendTcp(options: DnsQueryOptions, message: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host, port: options.port, ...(options.source ? { localAddress: options.source } : {}) })
    socket.setTimeout(options.timeoutMs ?? 3000, () => {
      socket.destroy()
      reject(new LabError('LAB_ERR_REQUEST_FAILED', `no answer from ${options.host}#${options.port} over TCP`))
    })
    let buffer = Buffer.alloc(0)
    socket.on('error', (error) => reject(new LabError('LAB_ERR_REQUEST_FAILED', `TCP query failed: ${error.message}`)))
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      if (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        socket.end()
        resolve(new Uint8Array(buffer.subarray(2, 2 + buffer.readUInt16BE(0))))
      }
    })
    socket.write(Buffer.concat([Buffer.from([message.length >> 8, message.length & 0xff]), message]))
  })
}
