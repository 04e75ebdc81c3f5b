/** CloudFront's viewer security policies, by name (the TLS floor and ciphers are in main/node/tls). */
export const securityPolicyNames = [
  'SSLv3',
  'TLSv1',
  'TLSv1_2016',
  'TLSv1.1_2016',
  'TLSv1.2_2018',
  'TLSv1.2_2019',
  'TLSv1.2_2021',
  'TLSv1.2_2025',
  'TLSv1.3_2025'
] as const

export type SecurityPolicyName = (typeof securityPolicyNames)[number]

/** CloudFront's recommendation for new distributions since 2021. */
export const defaultSecurityPolicy: SecurityPolicyName = 'TLSv1.2_2021'
