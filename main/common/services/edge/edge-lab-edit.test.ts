import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { setEdgeFunctionCode } from './edge-lab-edit'

const source = `# my lab
services:
  - id: cdn
    kind: edge
    config:
      functions:
        - id: f   # the redirect
          code: |
            function handler(e) { return e.request }
        - id: g
          file: fn/g.js
`

describe('setEdgeFunctionCode', () => {
  it('replaces the code as a literal block and keeps the comments', () => {
    const next = setEdgeFunctionCode(source, 'cdn', 'f', 'function handler(e) {\n  return e.request\n}')
    expect(next).toContain('# my lab')
    expect(next).toContain('# the redirect')
    expect(next).toContain('code: |\n            function handler(e) {\n              return e.request\n            }\n')
    expect(parse(next).services[0].config.functions[0].code).toBe('function handler(e) {\n  return e.request\n}\n')
  })

  it('says where to edit a function that lives in a file, and which id is unknown', () => {
    expect(() => setEdgeFunctionCode(source, 'cdn', 'g', 'x')).toThrow('function g is read from fn/g.js: edit that file')
    expect(() => setEdgeFunctionCode(source, 'cdn', 'nope', 'x')).toThrow('no function "nope" in cdn')
  })
})
