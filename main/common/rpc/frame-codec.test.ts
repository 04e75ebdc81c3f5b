import { describe, expect, it } from 'vitest'
import { LabError } from '../errors/lab-error'
import { decodeFrame, encodeFrame } from './frame-codec'
import type { RpcMessage } from './transport'

describe('frame codec', () => {
  it('sends plain messages as JSON text', () => {
    const message: RpcMessage = { t: 'call', id: 1, method: 'lab.get', params: {} }
    const frame = encodeFrame(message)
    expect(typeof frame).toBe('string')
    expect(decodeFrame(frame)).toEqual(message)
  })

  it('sends bytes as one binary frame, never base64', () => {
    const body = new Uint8Array(100_000).map((_, i) => i % 251)
    const message: RpcMessage = { t: 'result', id: 7, result: { status: 200, body, nested: [{ more: new Uint8Array([1, 2]) }] } }
    const frame = encodeFrame(message)
    expect(frame).toBeInstanceOf(Uint8Array)
    // The JSON part is small: the bytes are not in it.
    expect((frame as Uint8Array).length).toBeLessThan(body.length + 200)
    const decoded = decodeFrame(frame) as Extract<RpcMessage, { t: 'result' }>
    const result = decoded.result as { body: Uint8Array; nested: [{ more: Uint8Array }] }
    expect(result.body).toBeInstanceOf(Uint8Array)
    expect(result.body).toEqual(body)
    expect(result.nested[0].more).toEqual(new Uint8Array([1, 2]))
  })

  it('accepts an ArrayBuffer, as browsers deliver binary frames', () => {
    const frame = encodeFrame({ t: 'call', id: 2, method: 'http.probe', params: { body: new Uint8Array([9]) } }) as Uint8Array
    const buffer = frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer
    const decoded = decodeFrame(buffer) as Extract<RpcMessage, { t: 'call' }>
    expect((decoded.params as { body: Uint8Array }).body).toEqual(new Uint8Array([9]))
  })

  it.each([
    ['not JSON', '{nope'],
    ['not an object', '42'],
    ['an unknown type', '{"t":"shout"}'],
    ['a call without an id', '{"t":"call","method":"lab.get"}'],
    ['a call without a method', '{"t":"call","id":1}'],
    ['an error without an error', '{"t":"error","id":1}'],
    ['an event without a name', '{"t":"event"}']
  ])('refuses %s', (_what, text) => {
    expect(() => decodeFrame(text)).toThrowError(LabError)
    try {
      decodeFrame(text)
    } catch (error) {
      expect((error as LabError).code).toBe('LAB_ERR_RPC_BAD_REQUEST')
    }
  })

  it('refuses truncated and inconsistent binary frames', () => {
    const frame = encodeFrame({ t: 'result', id: 1, result: new Uint8Array(10) }) as Uint8Array
    expect(() => decodeFrame(frame.subarray(0, 2))).toThrow(/shorter/)
    expect(() => decodeFrame(frame.subarray(0, frame.length - 3))).toThrow(/truncated/)
    const lying = new Uint8Array(frame)
    new DataView(lying.buffer).setUint32(0, 1_000_000)
    expect(() => decodeFrame(lying)).toThrow(/truncated/)
    const missing = new TextEncoder().encode('{"t":"result","id":1,"result":{"$bin":3}}')
    const noBlobs = new Uint8Array(4 + missing.length)
    new DataView(noBlobs.buffer).setUint32(0, missing.length)
    noBlobs.set(missing, 4)
    expect(() => decodeFrame(noBlobs)).toThrow(/missing blob 3/)
  })

  it('keeps user data that looks like a placeholder, in text and binary frames', () => {
    const data = { json: { $bin: 0, $other: 'x' } }
    expect(decodeFrame(encodeFrame({ t: 'result', id: 1, result: data }))).toEqual({ t: 'result', id: 1, result: data })
    const withBytes = { ...data, body: new Uint8Array([1]) }
    expect(decodeFrame(encodeFrame({ t: 'result', id: 1, result: withBytes }))).toEqual({ t: 'result', id: 1, result: withBytes })
  })

  it('maps an unknown error code to LAB_ERR_INTERNAL instead of trusting it', () => {
    const decoded = decodeFrame('{"t":"error","id":1,"error":{"code":"EVIL","message":"x"}}')
    expect(decoded).toMatchObject({ t: 'error', error: { code: 'LAB_ERR_INTERNAL', message: 'x' } })
  })
})
