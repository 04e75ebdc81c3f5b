/** Query strings as the Lambda event formats group them (proxy integrations and authorizers alike). */

/** Query parameters by name, in order, decoded. */
export function queryValues(rawQuery: string): Map<string, string[]> {
  const values = new Map<string, string[]>()
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    const list = values.get(name)
    if (list) list.push(value)
    else values.set(name, [value])
  }
  return values
}

/** Format 1.0 maps: single (last value) and multi; both `null` when there is nothing. */
export function singleAndMulti(entries: Iterable<readonly [string, string[]]>): { single: Record<string, string> | null; multi: Record<string, string[]> | null } {
  const single: Record<string, string> = {}
  const multi: Record<string, string[]> = {}
  for (const [name, values] of entries) {
    single[name] = values.at(-1)!
    multi[name] = values
  }
  return Object.keys(multi).length ? { single, multi } : { single: null, multi: null }
}
