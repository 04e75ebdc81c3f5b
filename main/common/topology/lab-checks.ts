import type { LabProblem } from './lab-problem'

/** A problem found on the parsed lab, before positions are attached. */
export type UnplacedProblem = Omit<LabProblem, 'line' | 'column' | 'endLine' | 'endColumn'> & {
  /** Point at the map key rather than its value (an unknown field). */
  target?: 'key'
}

/** The parts of a service the cross-service checks read. */
interface ServiceShape {
  id: string
  dependsOn: string[]
  listen: { host: string; port: number }
}

interface LabShape {
  services: ServiceShape[]
  layout?: { nodes?: Record<string, unknown> }
}

/**
 * Reads the cross-service facts out of a document that may still have schema errors, so that one run
 * reports a duplicate id or a port clash together with a typo elsewhere. Entries whose id is not a string
 * keep their index but are skipped by the checks.
 */
export function labShape(value: unknown): LabShape & { indexes: number[] } {
  const doc = (value ?? {}) as Record<string, unknown>
  const services: ServiceShape[] = []
  const indexes: number[] = []
  const list = Array.isArray(doc['services']) ? (doc['services'] as unknown[]) : []
  list.forEach((entry, index) => {
    if (entry === null || typeof entry !== 'object') return
    const e = entry as Record<string, unknown>
    if (typeof e['id'] !== 'string') return
    const listen = (e['listen'] ?? {}) as Record<string, unknown>
    services.push({
      id: e['id'],
      dependsOn: Array.isArray(e['dependsOn']) ? e['dependsOn'].filter((d): d is string => typeof d === 'string') : [],
      listen: {
        host: typeof listen['host'] === 'string' ? listen['host'] : '127.0.0.1',
        port: typeof listen['port'] === 'number' ? listen['port'] : 0
      }
    })
    indexes.push(index)
  })
  const layout = doc['layout'] as LabShape['layout']
  return { services, indexes, layout: layout !== null && typeof layout === 'object' ? layout : undefined }
}

const wildcardHosts = new Set(['0.0.0.0', '::'])

function hostsOverlap(a: string, b: string): boolean {
  return a === b || wildcardHosts.has(a) || wildcardHosts.has(b)
}

/**
 * Checks that the schema cannot express: unique ids, references to services that exist, no dependency
 * cycles, no two services on one address, layout entries for known services.
 */
export function checkLab(value: unknown): UnplacedProblem[] {
  const { indexes, ...lab } = labShape(value)
  const problems: UnplacedProblem[] = []
  const firstIndexById = new Map<string, number>()

  lab.services.forEach((service, position) => {
    const index = indexes[position]!
    const first = firstIndexById.get(service.id)
    if (first === undefined) firstIndexById.set(service.id, index)
    else
      problems.push({
        severity: 'error',
        code: 'duplicate-id',
        path: ['services', index, 'id'],
        message: `duplicate service id "${service.id}" (already used by services[${first}])`
      })
  })

  lab.services.forEach((service, position) => {
    const index = indexes[position]!
    service.dependsOn.forEach((target, depIndex) => {
      const path = ['services', index, 'dependsOn', depIndex]
      if (target === service.id)
        problems.push({ severity: 'error', code: 'unknown-reference', path, message: 'a service cannot depend on itself' })
      else if (!firstIndexById.has(target))
        problems.push({
          severity: 'error',
          code: 'unknown-reference',
          path,
          message: `unknown service "${target}"${suggest(target, [...firstIndexById.keys()])}`
        })
    })
  })

  const cycle = findDependencyCycle(lab)
  if (cycle)
    problems.push({
      severity: 'error',
      code: 'dependency-cycle',
      path: ['services', firstIndexById.get(cycle[0]!)!, 'dependsOn'],
      message: `dependency cycle: ${cycle.join(' → ')}`
    })

  lab.services.forEach((service, position) => {
    const index = indexes[position]!
    if (service.listen.port === 0) return
    for (let earlierPosition = 0; earlierPosition < position; earlierPosition++) {
      const other = lab.services[earlierPosition]!
      const earlier = indexes[earlierPosition]!
      if (other.listen.port === service.listen.port && hostsOverlap(other.listen.host, service.listen.host))
        problems.push({
          severity: 'error',
          code: 'port-clash',
          path: ['services', index, 'listen', 'port'],
          message: `${service.listen.host}:${service.listen.port} is already used by "${other.id}" (services[${earlier}])`
        })
    }
  })

  const nodes = lab.layout?.nodes
  for (const nodeId of Object.keys(nodes !== null && typeof nodes === 'object' ? nodes : {}))
    if (!firstIndexById.has(nodeId))
      problems.push({
        severity: 'warning',
        code: 'unknown-layout-node',
        path: ['layout', 'nodes', nodeId],
        message: `layout position for unknown service "${nodeId}" is ignored`
      })

  return problems
}

/** The first dependency cycle found, as ids with the first repeated at the end; undefined if none. */
export function findDependencyCycle(lab: Pick<LabShape, 'services'>): string[] | undefined {
  const deps = new Map(lab.services.map((s) => [s.id, s.dependsOn]))
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []

  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id]
    state.set(id, 'visiting')
    stack.push(id)
    for (const dep of deps.get(id) ?? []) {
      if (dep === id || !deps.has(dep)) continue
      const found = visit(dep)
      if (found) return found
    }
    stack.pop()
    state.set(id, 'done')
    return undefined
  }

  for (const id of deps.keys()) {
    const found = visit(id)
    if (found) return found
  }
  return undefined
}

/** Services ordered so that every service comes after the ones it depends on (stable otherwise). */
export function startOrder(lab: Pick<LabShape, 'services'>): string[] {
  const order: string[] = []
  const placed = new Set<string>()
  const byId = new Map(lab.services.map((s) => [s.id, s]))
  const place = (id: string, seen: Set<string>): void => {
    if (placed.has(id) || seen.has(id)) return
    seen.add(id)
    for (const dep of byId.get(id)?.dependsOn ?? []) if (byId.has(dep)) place(dep, seen)
    placed.add(id)
    order.push(id)
  }
  for (const service of lab.services) place(service.id, new Set())
  return order
}

function suggest(name: string, known: string[]): string {
  const close = known.find((k) => editDistance(k, name) <= 2)
  return close ? ` (did you mean "${close}"?)` : ''
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length]!
}
