import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { removeNodePosition, setNodePosition } from './lab-layout'

const withLayout = `# A lab with comments.
apiVersion: netloom/v1 # trailing comment
kind: Lab
metadata:
  name: Demo
services:
  - id: a
    kind: origin
    listen: { host: 127.0.0.1, port: 18080 }
  - id: b
    kind: origin
layout:
  nodes:
    a: { x: 120, y: 120 } # where a sits
`

const withoutLayout = `apiVersion: netloom/v1
kind: Lab
metadata:
  name: Demo # the name
services:
  - id: a
    kind: origin
`

describe('setNodePosition', () => {
  it('updates an existing entry and keeps comments and formatting elsewhere', () => {
    const out = setNodePosition(withLayout, 'a', { x: 300.4, y: 41.6 })
    expect(out).toBe(withLayout.replace('{ x: 120, y: 120 }', '{ x: 300, y: 42 }'))
  })

  it('adds an entry for a node that has none', () => {
    const out = setNodePosition(withLayout, 'b', { x: 10, y: 20 })
    expect(out.startsWith(withLayout.trimEnd())).toBe(true)
    expect(parse(out).layout.nodes).toEqual({ a: { x: 120, y: 120 }, b: { x: 10, y: 20 } })
    expect(out).toContain('b: { x: 10, y: 20 }')
  })

  it('creates the layout section when it is missing', () => {
    const out = setNodePosition(withoutLayout, 'a', { x: 5, y: 6 })
    expect(out).toContain('name: Demo # the name')
    expect(parse(out).layout).toEqual({ nodes: { a: { x: 5, y: 6 } } })
  })

  it('replaces an empty layout section', () => {
    const out = setNodePosition(`${withoutLayout}layout:\n`, 'a', { x: 1, y: 2 })
    expect(parse(out).layout).toEqual({ nodes: { a: { x: 1, y: 2 } } })
  })

  it('is idempotent', () => {
    const once = setNodePosition(withoutLayout, 'a', { x: 5, y: 6 })
    expect(setNodePosition(once, 'a', { x: 5, y: 6 })).toBe(once)
    expect(setNodePosition(withLayout, 'a', { x: 120, y: 120 })).toBe(withLayout)
  })

  it('leaves a source that does not parse untouched', () => {
    const broken = 'services: [\n'
    expect(setNodePosition(broken, 'a', { x: 1, y: 1 })).toBe(broken)
    expect(setNodePosition('- a list\n', 'a', { x: 1, y: 1 })).toBe('- a list\n')
  })
})

describe('removeNodePosition', () => {
  it('removes one entry and keeps the rest', () => {
    const two = setNodePosition(withLayout, 'b', { x: 10, y: 20 })
    const out = removeNodePosition(two, 'b')
    expect(parse(out).layout.nodes).toEqual({ a: { x: 120, y: 120 } })
    expect(out).toContain('# where a sits')
  })

  it('returns the source unchanged when there is nothing to remove', () => {
    expect(removeNodePosition(withoutLayout, 'a')).toBe(withoutLayout)
  })
})
