import { LabError, isLabErrorCode } from '../errors/lab-error'
import type { RpcMessage } from './transport'

/** Largest frame either side accepts (a 4 MiB lab source or a probe body fits with room to spare). */
export const maxFrameBytes = 16 * 1024 * 1024

const binaryKey = '$bin'
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Encodes a message for a byte pipe (WebSocket). Messages without bytes become one JSON text frame.
 * A message carrying `Uint8Array`s anywhere becomes one binary frame, so bulk data never goes through
 * base64:
 *
 *     u32 BE  JSON length │ JSON (each Uint8Array replaced by {"$bin": i}) │ (u32 BE length │ bytes)*
 */
export function encodeFrame(message: RpcMessage): string | Uint8Array<ArrayBuffer> {
  if (!containsBytes(message)) return JSON.stringify(message)
  const blobs: Uint8Array[] = []
  // In a binary frame, user keys starting with "$" get one more "$", so that data can never pass for
  // a {"$bin": i} placeholder; the decoder takes it off again.
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof Uint8Array) return { [binaryKey]: blobs.push(value) - 1 }
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.startsWith('$') ? `$${k}` : k, v]))
    return value
  })
  const head = encoder.encode(json)
  const size = 4 + head.length + blobs.reduce((sum, blob) => sum + 4 + blob.length, 0)
  const frame = new Uint8Array(size)
  const view = new DataView(frame.buffer)
  view.setUint32(0, head.length)
  frame.set(head, 4)
  let at = 4 + head.length
  for (const blob of blobs) {
    view.setUint32(at, blob.length)
    frame.set(blob, at + 4)
    at += 4 + blob.length
  }
  return frame
}

/** Decodes a frame from `encodeFrame`. Anything else throws LAB_ERR_RPC_BAD_REQUEST saying what is wrong. */
export function decodeFrame(data: string | ArrayBuffer | Uint8Array): RpcMessage {
  if (typeof data === 'string') {
    if (data.length > maxFrameBytes) throw badFrame(`text frame of ${data.length} characters is over the limit`)
    // Text frames carry no bytes, so no placeholders: plain JSON, whatever keys the data has.
    try {
      return checkMessage(JSON.parse(data))
    } catch (error) {
      if (error instanceof LabError) throw error
      throw badFrame(`frame is not valid JSON (${(error as Error).message})`)
    }
  }
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data)
  if (bytes.length > maxFrameBytes) throw badFrame(`binary frame of ${bytes.length} bytes is over the limit`)
  if (bytes.length < 4) throw badFrame('binary frame shorter than its 4-byte header')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headLength = view.getUint32(0)
  if (4 + headLength > bytes.length) throw badFrame('binary frame is truncated (JSON part)')
  let text: string
  try {
    text = decoder.decode(bytes.subarray(4, 4 + headLength))
  } catch {
    throw badFrame('JSON part of a binary frame is not valid UTF-8')
  }
  const blobs: Uint8Array[] = []
  let at = 4 + headLength
  while (at < bytes.length) {
    if (at + 4 > bytes.length) throw badFrame('binary frame is truncated (blob length)')
    const length = view.getUint32(at)
    if (at + 4 + length > bytes.length) throw badFrame(`binary frame is truncated (blob ${blobs.length})`)
    // A copy, so that a blob does not pin (or expose) the rest of the frame's buffer.
    blobs.push(bytes.slice(at + 4, at + 4 + length))
    at += 4 + length
  }
  return checkMessage(parseJson(text, blobs))
}

function parseJson(text: string, blobs: Uint8Array[]): unknown {
  try {
    return JSON.parse(text, (_key, value: unknown) => {
      if (isPlaceholder(value)) {
        const blob = blobs[value[binaryKey]]
        if (!blob) throw badFrame(`placeholder refers to missing blob ${value[binaryKey]}`)
        return blob
      }
      if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$')))
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.startsWith('$') ? k.slice(1) : k, v]))
      return value
    })
  } catch (error) {
    if (error instanceof LabError) throw error
    throw badFrame(`frame is not valid JSON (${(error as Error).message})`)
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
}

function containsBytes(value: unknown): boolean {
  if (value instanceof Uint8Array) return true
  if (Array.isArray(value)) return value.some(containsBytes)
  if (isPlainObject(value)) return Object.values(value).some(containsBytes)
  return false
}

function isPlaceholder(value: unknown): value is { [binaryKey]: number } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const keys = Object.keys(value)
  return keys.length === 1 && keys[0] === binaryKey && Number.isInteger((value as Record<string, unknown>)[binaryKey])
}

/** Checks the envelope only; the RPC server validates `params` against the contract. */
export function checkMessage(value: unknown): RpcMessage {
  if (typeof value !== 'object' || value === null) throw badFrame('message is not an object')
  const message = value as Record<string, unknown>
  const id = message['id']
  const validId = typeof id === 'number' && Number.isSafeInteger(id) && id >= 0
  switch (message['t']) {
    case 'call':
      if (!validId) throw badFrame('call without a numeric id')
      if (typeof message['method'] !== 'string') throw badFrame('call without a method name')
      return { t: 'call', id: id as number, method: message['method'], params: message['params'] }
    case 'result':
      if (!validId) throw badFrame('result without a numeric id')
      return { t: 'result', id: id as number, result: message['result'] }
    case 'error': {
      if (!validId) throw badFrame('error without a numeric id')
      const error = message['error'] as Record<string, unknown> | null
      if (typeof error !== 'object' || error === null || typeof error['message'] !== 'string')
        throw badFrame('error message without an error')
      const code = isLabErrorCode(error['code']) ? error['code'] : 'LAB_ERR_INTERNAL'
      return { t: 'error', id: id as number, error: { ...error, code, message: error['message'] } }
    }
    case 'event':
      if (typeof message['name'] !== 'string') throw badFrame('event without a name')
      return { t: 'event', name: message['name'], payload: message['payload'] }
    default:
      throw badFrame(`unknown message type ${JSON.stringify(message['t'])}`)
  }
}

function badFrame(message: string): LabError {
  return new LabError('LAB_ERR_RPC_BAD_REQUEST', `bad RPC frame: ${message}`)
}
