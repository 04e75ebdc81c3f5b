import { describe, expect, it } from 'vitest'
import { nodeTlsPolicy, securityPolicy, securityPolicyNames } from './security-policies'

describe('CloudFront security policies', () => {
  it('allow the protocols CloudFront lists', () => {
    const table = Object.fromEntries(securityPolicyNames.map((n) => [n, securityPolicy(n).protocols.join(' ')]))
    expect(table).toEqual({
      SSLv3: 'SSLv3 TLSv1 TLSv1.1 TLSv1.2 TLSv1.3',
      TLSv1: 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3',
      TLSv1_2016: 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3',
      'TLSv1.1_2016': 'TLSv1.1 TLSv1.2 TLSv1.3',
      'TLSv1.2_2018': 'TLSv1.2 TLSv1.3',
      'TLSv1.2_2019': 'TLSv1.2 TLSv1.3',
      'TLSv1.2_2021': 'TLSv1.2 TLSv1.3',
      'TLSv1.2_2025': 'TLSv1.2 TLSv1.3',
      'TLSv1.3_2025': 'TLSv1.3'
    })
  })

  it('narrow the ciphers policy by policy', () => {
    expect(securityPolicy('TLSv1.2_2021').ciphers.filter((c) => c.includes('ECDSA') || c.startsWith('TLS_'))).toEqual([
      'TLS_AES_128_GCM_SHA256',
      'TLS_AES_256_GCM_SHA384',
      'TLS_CHACHA20_POLY1305_SHA256',
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      'ECDHE-ECDSA-AES256-GCM-SHA384',
      'ECDHE-ECDSA-CHACHA20-POLY1305'
    ])
    expect(securityPolicy('TLSv1.3_2025').ciphers).toEqual(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'])
    expect(securityPolicy('TLSv1').ciphers).toContain('DES-CBC3-SHA')
    expect(securityPolicy('TLSv1_2016').ciphers).not.toContain('DES-CBC3-SHA')
    expect(securityPolicy('SSLv3').ciphers.at(-1)).toBe('RC4-MD5')
  })

  it('map to node:tls, saying what this OpenSSL cannot do', () => {
    expect(nodeTlsPolicy('TLSv1.2_2021')).toMatchObject({ minVersion: 'TLSv1.2', honorCipherOrder: true, unavailable: [] })
    expect(nodeTlsPolicy('TLSv1.2_2021').ciphers).not.toContain('@SECLEVEL')
    expect(nodeTlsPolicy('TLSv1.1_2016')).toMatchObject({ minVersion: 'TLSv1.1', ciphers: expect.stringMatching(/:@SECLEVEL=0$/) })
    expect(nodeTlsPolicy('TLSv1.3_2025').minVersion).toBe('TLSv1.3')
    const oldest = nodeTlsPolicy('SSLv3')
    expect(oldest.minVersion).toBe('TLSv1')
    expect(oldest.unavailable[0]).toBe('SSLv3')
  })
})
