/**
 * CloudFront path patterns: `*` is any run of characters (also across `/`), `?` exactly one; matching
 * is case-sensitive and on the path only; a leading `/` is optional.
 */
export function compilePathPattern(pattern: string): RegExp {
  const body = (pattern.startsWith('/') ? pattern : `/${pattern}`)
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`)
}
