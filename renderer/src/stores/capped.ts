/**
 * Appends `added` to `list`, keeping the newest `cap` items and skipping any whose `seq` is not newer
 * than the last one kept (the initial `*.recent` read and the first pushed batch may overlap).
 * Returns a new array so a shallowRef holding it updates once per batch, not once per item.
 */
export function appendCapped<T extends { seq: number }>(list: readonly T[], added: readonly T[], cap: number): T[] {
  const last = list.length > 0 ? list[list.length - 1]!.seq : -Infinity
  const fresh = added.filter((item) => item.seq > last)
  if (fresh.length === 0) return list as T[]
  const merged = list.concat(fresh)
  return merged.length > cap ? merged.slice(merged.length - cap) : merged
}
