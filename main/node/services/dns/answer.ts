import { formatName } from '../../../common/services/dns/dns-name'
import { lookup, rcodes, type RcodeName } from './lookup'
import type { Query, Response } from './message'
import type { RoutingContext } from './routing'
import type { Zone } from './zone'

const BADVERS = 16
const classIN = 1
const zoneTransfers = new Set([251, 252])

export interface Answered {
  response: Response
  /** NOERROR, NXDOMAIN, …, or BADVERS. */
  rcodeName: string
  /** Any client asking this question gets this answer until the zones change. */
  cacheable: boolean
  /** Routing-policy choices made, for metrics. */
  decisions: { policy: string; set: string }[]
  zone?: string
  explanation: string
}

/** Everything between a parsed query and the records to send: protocol checks, then the zone lookup. */
export function answerQuery(zones: readonly Zone[], query: Query, source: string, options: { minimal: boolean; routing: RoutingContext }): Answered {
  const empty = (rcode: number, rcodeName: string, explanation: string): Answered => ({
    response: { rcode, authoritative: false, answer: [], authority: [], additional: [] },
    rcodeName,
    cacheable: false,
    decisions: [],
    explanation
  })
  if (query.problem) return empty(query.problem.rcode, query.problem.rcode === 4 ? 'NOTIMP' : 'FORMERR', query.problem.reason)
  if (query.edns && query.edns.version > 0)
    return empty(BADVERS, 'BADVERS', `EDNS version ${query.edns.version} is not supported (only 0, RFC 6891 §6.1.3)`)
  const question = query.question!
  if (question.class !== classIN) return empty(rcodes.REFUSED, 'REFUSED', `class ${question.class} is not served (only IN)`)
  if (zoneTransfers.has(question.type)) return empty(rcodes.REFUSED, 'REFUSED', `zone transfers are not offered (${formatName(question.labels)})`)
  const result = lookup(zones, { name: question.labels, type: question.type, source, routing: options.routing }, options)
  const subnet = query.edns?.clientSubnet
  const name: RcodeName = result.rcode
  return {
    response: {
      rcode: rcodes[name],
      authoritative: result.authoritative,
      answer: result.answer,
      authority: result.authority,
      additional: result.additional,
      // A routed answer holds for the client's whole subnet as sent; a static one for everyone.
      ...(subnet ? { clientSubnetScope: result.cacheable ? 0 : subnet.sourcePrefix } : {})
    },
    rcodeName: result.authoritative || result.rcode !== 'NOERROR' ? name : 'NOERROR (referral)',
    cacheable: result.cacheable,
    decisions: result.decisions,
    ...(result.zone ? { zone: result.zone } : {}),
    explanation: result.explanation
  }
}
