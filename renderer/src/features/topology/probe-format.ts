/** Parses "Name: value" lines into a header record; blank lines are skipped. */
export function parseHeaderLines(text: string): { headers: Record<string, string> } | { error: string } {
  const headers: Record<string, string> = {}
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim()
    if (line === '') continue
    const colon = line.indexOf(':')
    if (colon <= 0) return { error: `header line ${index + 1} is not "Name: value"` }
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { headers }
}

/** The response body as text: UTF-8, and pretty-printed when it is JSON. */
export function formatBody(body: Uint8Array, headers: readonly [string, string][]): string {
  const text = new TextDecoder('utf-8').decode(body)
  const type = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? ''
  const looksJson = /json/i.test(type) || /^\s*[[{]/.test(text)
  if (!looksJson) return text
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

export function statusClass(status: number): string {
  if (status >= 200 && status < 600) return `status-${Math.floor(status / 100)}xx`
  return 'status-other'
}
