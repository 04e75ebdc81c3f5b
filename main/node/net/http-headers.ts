/** Headers that belong to one connection and are never copied from one hop to the next (RFC 9110 §7.6.1). */
export const hopByHopHeaders: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'])

/**
 * The hop-by-hop headers of one message: the fixed list plus the names its Connection header lists
 * (RFC 9110 §7.6.1: a proxy removes them before forwarding; RFC 9111 §3.1: a cache does not store
 * them). `base` is the list to extend (the edge adds Host); without a Connection header it is
 * returned as is, so the common case allocates nothing.
 */
export function hopByHopOf(connection: string | readonly string[] | undefined, base: ReadonlySet<string> = hopByHopHeaders): ReadonlySet<string> {
  if (connection === undefined || connection.length === 0) return base
  const listed = (typeof connection === 'string' ? [connection] : connection).flatMap((value) => value.split(','))
  const names = new Set(base)
  for (const name of listed) {
    const trimmed = name.trim().toLowerCase()
    if (trimmed) names.add(trimmed)
  }
  return names
}
