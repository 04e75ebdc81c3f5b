import type { NodePosition } from '../../../../main/common/topology/lab-layout'

interface LayoutInput {
  id: string
  dependsOn: readonly string[]
}

export const columnGap = 260
export const rowGap = 170
const origin = { x: 60, y: 40 }

/**
 * A layered layout for services without a saved position: a service sits one row below the deepest
 * service it depends on, so dependencies read top to bottom. Cycles (which validation rejects anyway)
 * are cut rather than looped on.
 */
export function layeredLayout(services: readonly LayoutInput[]): Record<string, NodePosition> {
  const byId = new Map(services.map((s) => [s.id, s]))
  const depths = new Map<string, number>()
  const depthOf = (id: string, visiting: Set<string>): number => {
    const known = depths.get(id)
    if (known !== undefined) return known
    if (visiting.has(id)) return 0
    visiting.add(id)
    const deps = (byId.get(id)?.dependsOn ?? []).filter((dep) => byId.has(dep))
    const depth = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((dep) => depthOf(dep, visiting)))
    visiting.delete(id)
    depths.set(id, depth)
    return depth
  }
  const rows = new Map<number, string[]>()
  for (const service of services) {
    const depth = depthOf(service.id, new Set())
    rows.set(depth, [...(rows.get(depth) ?? []), service.id])
  }
  const positions: Record<string, NodePosition> = {}
  for (const [depth, ids] of rows)
    ids.forEach((id, index) => (positions[id] = { x: origin.x + index * columnGap, y: origin.y + depth * rowGap }))
  return positions
}

/** Saved positions win; the rest come from the layered layout. */
export function nodePositions(
  services: readonly LayoutInput[],
  saved: Readonly<Record<string, NodePosition>>
): Record<string, NodePosition> {
  const auto = layeredLayout(services)
  return Object.fromEntries(services.map((s) => [s.id, saved[s.id] ?? auto[s.id]!]))
}
