import { LAB_API_VERSION } from './lab-schema'

type Path = (string | number)[]

/** The result of bringing a document to the current format, with a way back to the original positions. */
export interface Migrated {
  value: unknown
  /** Maps a path in the migrated document to the path of the same value in the file as written. */
  originalPath(path: Path): Path
}

interface Migration {
  from: string
  to: string
  migrate(doc: Record<string, unknown>): Migrated
}

/**
 * `netloom/v1alpha1` (the pre-release draft format) keyed services by id in a map:
 * `services: { origin-web: { kind: origin, ... } }`. v1 uses a list with an `id` field, so that order is
 * explicit and duplicate ids are reported instead of silently merged.
 */
const v1alpha1ToV1: Migration = {
  from: 'netloom/v1alpha1',
  to: 'netloom/v1',
  migrate(doc) {
    const services = doc['services']
    if (services === null || typeof services !== 'object' || Array.isArray(services))
      return { value: { ...doc, apiVersion: 'netloom/v1' }, originalPath: (p) => p }
    const ids = Object.keys(services)
    const list = ids.map((id) => ({ id, ...(services as Record<string, object>)[id] }))
    return {
      value: { ...doc, apiVersion: 'netloom/v1', services: list },
      originalPath(path) {
        if (path[0] !== 'services' || typeof path[1] !== 'number') return path
        const id = ids[path[1]]
        if (id === undefined) return ['services']
        // The id now lives in the map key, so an error about `id` points at the key's entry.
        return path[2] === 'id' ? ['services', id] : ['services', id, ...path.slice(2)]
      }
    }
  }
}

const migrations: Migration[] = [v1alpha1ToV1]

export const supportedApiVersions = [LAB_API_VERSION, ...migrations.map((m) => m.from)]

/**
 * Applies migrations until the document is at the current apiVersion. Returns undefined when the
 * apiVersion is not one this version of Netloom knows (the schema check then reports it).
 */
export function migrateLab(doc: unknown): Migrated | undefined {
  let current: Migrated = { value: doc, originalPath: (p) => p }
  for (;;) {
    const value = current.value as Record<string, unknown>
    if (value === null || typeof value !== 'object') return current
    const version = value['apiVersion']
    if (version === LAB_API_VERSION || version === undefined) return current
    const step = migrations.find((m) => m.from === version)
    if (!step) return undefined
    const next = step.migrate(value)
    const outer = current.originalPath
    current = { value: next.value, originalPath: (p) => outer(next.originalPath(p)) }
  }
}
