import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { schemaText } from './schema-command'

describe('resources/schema/netloom-lab.schema.json', () => {
  it('is the schema the code generates (regenerate with `npm run schema`)', () => {
    const committed = readFileSync(new URL('../../../resources/schema/netloom-lab.schema.json', import.meta.url), 'utf8')
    expect(committed).toBe(schemaText())
  })

  it('describes every service kind and the layout section', () => {
    const schema = JSON.parse(schemaText())
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#')
    expect(schema.properties.services.items.oneOf.map((s: { properties: { kind: { const: string } } }) => s.properties.kind.const)).toEqual(['origin', 'dns', 'edge', 'gateway'])
    expect(schema.properties.layout.description).toMatch(/Editor positions/)
  })
})
