import { describe, expect, it } from 'vitest'
import { FrameGuard } from './frame-guard'
import { selectionExpressionProblem, selectRouteKey } from './route-selection'

/** A masked client frame header for a payload of `length` bytes, followed by the payload. */
function frame(length: number, fin = true): Buffer {
  const ext = length > 65535 ? 8 : length > 125 ? 2 : 0
  const header = Buffer.alloc(2 + ext + 4)
  header[0] = (fin ? 0x80 : 0) | 0x1
  header[1] = 0x80 | (ext === 8 ? 127 : ext === 2 ? 126 : length)
  if (ext === 2) header.writeUInt16BE(length, 2)
  if (ext === 8) header.writeBigUInt64BE(BigInt(length), 2)
  return Buffer.concat([header, Buffer.alloc(length, 0x61)])
}

describe('route selection', () => {
  it.each([
    ['$request.body.action', '{"action":"send"}', 'send'],
    ['$request.body.action', '{"other":1}', ''],
    ['$request.body.a.b', '{"a":{"b":"deep"}}', 'deep'],
    ['$request.body.a', '{"a":{"b":1}}', '{"b":1}'],
    ['$request.body.list[1]', '{"list":["x","y"]}', 'y'],
    ['${request.body.service}/${request.body.action}', '{"service":"chat","action":"join"}', 'chat/join'],
    ['$request.body.action', 'not json', undefined],
    ['sendMessage', 'not json', 'sendMessage']
  ])('%s over %s → %s', (expression, message, key) => {
    expect(selectRouteKey(expression, message)).toBe(key)
  })

  it('refuses expressions that read anything but the body; static keys are fine', () => {
    expect(selectionExpressionProblem('$request.body.action')).toBeUndefined()
    expect(selectionExpressionProblem('${request.body.a}-${request.body.b}')).toBeUndefined()
    expect(selectionExpressionProblem('$request.header.x')).toContain('write $request.body.NAME')
    expect(selectionExpressionProblem('action')).toBeUndefined()
  })
})

describe('FrameGuard', () => {
  it('lets frames up to the limit through, split anywhere', () => {
    const guard = new FrameGuard(32 * 1024)
    const bytes = Buffer.concat([frame(10), frame(32 * 1024), frame(200, false), frame(125)])
    for (let i = 0; i < bytes.length; i += 7) expect(guard.push(bytes.subarray(i, i + 7))).toBeUndefined()
  })

  it('reports a frame over the limit, even with its header split across chunks', () => {
    const guard = new FrameGuard(32 * 1024)
    const bytes = Buffer.concat([frame(5), frame(40_000)])
    expect(guard.push(bytes.subarray(0, 12))).toBeUndefined()
    expect(guard.push(bytes.subarray(12, 14))).toBeUndefined()
    expect(guard.push(bytes.subarray(14))).toBe(40_000)
  })
})
