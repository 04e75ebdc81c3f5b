/** Headers that belong to one connection and are never copied from one hop to the next (RFC 9110 §7.6.1). */
export const hopByHopHeaders: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'])
