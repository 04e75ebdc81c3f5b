/** One request the origin served, as published on `lab:origin:request` and shown in the Traffic view. */
export interface OriginRequestServed {
  serviceId: string
  method: string
  path: string
  status: number
  /** How the origin answered: an inline route, a static file, the echo, an injected fault, or 404. */
  outcome: 'route' | 'static' | 'echo' | 'fault-status' | 'fault-close' | 'not-found' | 'too-large' | 'error'
  durationMs: number
  clientAddress: string
  bytesOut: number
}
