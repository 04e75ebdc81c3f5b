/** Path handling shared by the HTTP API and REST API matchers. */

/** A route/resource path segment after parsing: a literal, a `{name}` variable or a greedy `{name+}`. */
export type PathSegment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string }

/** Variable names AWS accepts inside braces (letters, digits, `_`, `-`, `.`). */
const VARIABLE_NAME = /^[A-Za-z0-9_.-]+$/

/**
 * Parses a template path such as `/pets/{id}/{proxy+}`. Returns an error message instead of throwing,
 * so each caller can wrap it in its own error with the offending key.
 */
export function parseTemplatePath(path: string): PathSegment[] | string {
  if (!path.startsWith('/')) return 'the path must start with "/"'
  if (path === '/') return []
  if (path.endsWith('/')) return 'the path must not end with "/"'
  if (/[?#\s]/.test(path)) return 'the path must not contain "?", "#" or whitespace'
  const raw = path.slice(1).split('/')
  const segments: PathSegment[] = []
  const names = new Set<string>()
  for (let i = 0; i < raw.length; i++) {
    const part = raw[i]!
    if (part === '') return 'the path must not contain empty segments ("//")'
    if (part.startsWith('{') && part.endsWith('}')) {
      const match = /^\{([^{}]+?)(\+?)\}$/.exec(part)
      if (!match || !VARIABLE_NAME.test(match[1]!)) {
        return `"${part}" is not a valid path variable; use {name} or {name+} as a whole segment`
      }
      const name = match[1]!
      if (names.has(name)) return `the path variable "${name}" appears twice`
      names.add(name)
      if (match[2] === '+') {
        if (i !== raw.length - 1) return `the greedy variable {${name}+} must be the last segment`
        segments.push({ kind: 'greedy', name })
      } else {
        segments.push({ kind: 'param', name })
      }
    } else if (part.includes('{') || part.includes('}')) {
      return `"${part}" mixes text and a path variable; a variable must be a whole segment`
    } else {
      segments.push({ kind: 'literal', value: part })
    }
  }
  return segments
}

/** Splits a request path (no query string) into raw segments: `/a/b` → `['a','b']`, `/` → `[]`. */
export function splitRequestPath(path: string): string[] {
  if (path === '' || path === '/') return []
  return (path.startsWith('/') ? path.slice(1) : path).split('/')
}

/** Percent-decodes one segment; a malformed escape is kept as sent rather than failing the request. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** The shape of a template path with variable names erased, used to detect conflicting keys. */
export function pathShape(segments: PathSegment[]): string {
  return (
    '/' +
    segments
      .map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? '{}' : '{+}'))
      .join('/')
  )
}
