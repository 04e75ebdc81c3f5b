/** The 17 record types Route 53 supports, in its API's order. */
export const recordTypes = ['A', 'AAAA', 'CAA', 'CNAME', 'DS', 'HTTPS', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SPF', 'SRV', 'SSHFP', 'SVCB', 'TLSA', 'TXT'] as const
export type RecordType = (typeof recordTypes)[number]

export const recordTypeCodes: Record<RecordType, number> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  NAPTR: 35,
  DS: 43,
  SSHFP: 44,
  TLSA: 52,
  SVCB: 64,
  HTTPS: 65,
  SPF: 99,
  CAA: 257
}

/** Names of the types a query may ask for that are not record types of their own. */
const otherTypes: Record<number, string> = { 0: 'TYPE0', 41: 'OPT', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 251: 'IXFR', 252: 'AXFR', 255: 'ANY' }
const namesByCode = new Map<number, string>(Object.entries(recordTypeCodes).map(([name, code]) => [code, name]))

/** `A`, `HTTPS`, … or `TYPE65280` for a type without a name (RFC 3597 §5). */
export function typeName(code: number): string {
  return namesByCode.get(code) ?? otherTypes[code] ?? `TYPE${code}`
}
