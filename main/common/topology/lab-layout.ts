import { isMap, isScalar, parseDocument, type Document, type YAMLMap } from 'yaml'

/** A node's position in the topology view, in the lab file's `layout.nodes.<id>`. */
export interface NodePosition {
  x: number
  y: number
}

/**
 * Returns `source` with `layout.nodes.<id>` set to `position` (rounded to whole pixels), creating the
 * `layout:` section when needed. Edits the YAML document in place so comments and formatting elsewhere
 * survive: the file is the user's, the GUI only moves boxes in it. A source that does not parse as a YAML
 * mapping is returned unchanged (the editor shows its problems; we must not rewrite a broken file).
 */
export function setNodePosition(source: string, id: string, position: NodePosition): string {
  const doc = parseEditable(source)
  if (!doc) return source
  const x = Math.round(position.x)
  const y = Math.round(position.y)
  const nodes = ensureMap(doc, ensureMap(doc, doc.contents as YAMLMap, 'layout'), 'nodes')
  const existing = nodes.get(id, true)
  if (isMap(existing)) {
    // Update the scalars inside an existing entry, so its style (flow `{ x, y }` or block) is kept.
    if (existing.get('x') === x && existing.get('y') === y && existing.items.length === 2) return source
    existing.set('x', x)
    existing.set('y', y)
    for (const key of existing.items.map((pair) => (isScalar(pair.key) ? pair.key.value : pair.key)))
      if (key !== 'x' && key !== 'y') existing.delete(key)
  } else {
    const entry = doc.createNode({ x, y }) as YAMLMap
    entry.flow = true
    nodes.set(id, entry)
  }
  return stringify(doc)
}

/** Returns `source` without `layout.nodes.<id>` (unchanged when there is no such entry). */
export function removeNodePosition(source: string, id: string): string {
  const doc = parseEditable(source)
  if (!doc) return source
  const nodes = doc.getIn(['layout', 'nodes'], true)
  if (!isMap(nodes) || !nodes.has(id)) return source
  nodes.delete(id)
  return stringify(doc)
}

export function parseEditable(source: string): Document | undefined {
  // Typed as a plain Document: we replace its contents with built (not parsed) nodes.
  const doc: Document = parseDocument(source)
  if (doc.errors.length > 0) return undefined
  if (doc.contents !== null && !isMap(doc.contents)) return undefined
  if (doc.contents === null) doc.contents = doc.createNode({}) as YAMLMap
  return doc
}

/** The map under `parent[key]`, created (as a block map) when it is missing, null or not a map. */
function ensureMap(doc: Document, parent: YAMLMap, key: string): YAMLMap {
  const current = parent.get(key, true)
  if (isMap(current)) return current
  const created = doc.createNode({}) as YAMLMap
  parent.set(key, created)
  return created
}

export function stringify(doc: Document): string {
  // lineWidth 0: never fold long strings the user wrote on one line.
  return doc.toString({ lineWidth: 0 })
}
