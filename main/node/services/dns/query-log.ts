import { createHash } from 'node:crypto'
import type { Disposable } from '../../../common/base/disposable'
import { LogFile } from '../../logs/log-file'

export interface QueryLogEntry {
  at: number
  /** The zone that answered (`example.test.`), if any. */
  zone?: string
  qname: string
  qtype: string
  rcode: string
  transport: 'UDP' | 'TCP'
  resolver: string
  /** `198.51.100.0/24` when the query carried EDNS Client Subnet. */
  clientSubnet?: string
}

/** A stable, Route 53-looking hosted zone id for a lab zone, e.g. `Z3M3LMPEXAMPLE` style. */
export function hostedZoneId(zone: string): string {
  const digest = createHash('sha256').update(zone.toLowerCase()).digest()
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let id = 'Z'
  for (let i = 0; i < 20; i++) id += alphabet[digest[i]! % 32]
  return id
}

/**
 * One line per query in Route 53's public query-log format:
 * `version timestamp hosted-zone-id qname qtype rcode protocol edge-location resolver-ip edns-client-subnet`.
 * The edge location of a lab is `LAB`.
 */
export function formatQueryLogLine(entry: QueryLogEntry): string {
  const name = entry.qname.endsWith('.') && entry.qname.length > 1 ? entry.qname.slice(0, -1) : entry.qname
  const zoneId = entry.zone ? hostedZoneId(entry.zone) : '-'
  return `1.0 ${new Date(entry.at).toISOString()} ${zoneId} ${name} ${entry.qtype} ${entry.rcode} ${entry.transport} LAB ${entry.resolver} ${entry.clientSubnet ?? '-'}`
}

/** Appends query-log lines to a file (logs/log-file.ts, which the edge's access log shares). */
export class QueryLogFile implements Disposable {
  private readonly file: LogFile

  constructor(path: string, onError: (error: Error) => void) {
    this.file = new LogFile(path, { onError })
  }

  write(entry: QueryLogEntry): void {
    this.file.write(formatQueryLogLine(entry))
  }

  dispose(): void {
    this.file.dispose()
  }
}
