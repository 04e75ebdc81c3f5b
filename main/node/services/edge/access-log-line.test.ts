import { describe, expect, it } from 'vitest'
import { accessLogFields, accessLogHeader, formatAccessLogLine, logValue, type AccessLogEntry } from './access-log-line'

const base: AccessLogEntry = {
  at: Date.UTC(2019, 11, 4, 21, 2, 31, 400),
  edgeLocation: 'LAB1-P1',
  scBytes: 392,
  clientIp: '192.0.2.100',
  method: 'GET',
  distributionHost: 'd111111abcdef8.cloudfront.net',
  uriStem: '/index.html',
  uriQuery: '',
  status: 200,
  resultType: 'Hit',
  requestId: 'SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==',
  hostHeader: 'd111111abcdef8.cloudfront.net',
  protocol: 'https',
  csBytes: 23,
  timeTaken: 0.0012,
  sslProtocol: 'TLSv1.2',
  sslCipher: 'ECDHE-RSA-AES128-GCM-SHA256',
  responseResultType: 'Hit',
  protocolVersion: 'HTTP/2.0',
  clientPort: 11040,
  timeToFirstByte: 0.001,
  detailedResultType: 'Hit',
  contentType: 'text/html',
  contentLength: 78
}

const fields = (entry: Partial<AccessLogEntry>) => {
  const values = formatAccessLogLine({ ...base, ...entry }).split('\t')
  return Object.fromEntries(accessLogFields.map((name, index) => [name, values[index]]))
}

describe('CloudFront standard log line', () => {
  it('opens the file with #Version and the 33 #Fields in AWS\'s order', () => {
    expect(accessLogFields).toHaveLength(33)
    expect(accessLogHeader).toEqual([
      '#Version: 1.0',
      '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end'
    ])
  })

  it('writes AWS\'s example hit line field for field (user agent aside)', () => {
    expect(formatAccessLogLine(base)).toBe(
      ['2019-12-04', '21:02:31', 'LAX1', '392', '192.0.2.100', 'GET', 'd111111abcdef8.cloudfront.net', '/index.html', '200', '-', '-', '-', '-', 'Hit', base.requestId, 'd111111abcdef8.cloudfront.net', 'https', '23', '0.001', '-', 'TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256', 'Hit', 'HTTP/2.0', '-', '-', '11040', '0.001', 'Hit', 'text/html', '78', '-', '-'].join('\t').replace('LAX1', 'LAB1-P1')
    )
  })

  it.each([
    ['plain text stays as it is', '/images/cat.jpg', '/images/cat.jpg'],
    ['space', 'curl/8 (x)', 'curl/8%20(x)'],
    ['tab and newline cannot split a line', 'a\tb\nc', 'a%09b%0Ac'],
    ['AWS\'s listed characters', '<>"#%{}|\\^~[]`\'', '%3C%3E%22%23%25%7B%7D%7C%5C%5E%7E%5B%5D%60%27'],
    ['an already encoded path is encoded again, as AWS does', '/a%20b', '/a%2520b'],
    ['DEL and control characters', '\u0000\u001f\u007f', '%00%1F%7F'],
    ['non-ASCII as UTF-8 bytes', '/café/☃/😀', '/caf%C3%A9/%E2%98%83/%F0%9F%98%80'],
    ['a lone surrogate as U+FFFD', 'x\ud800', 'x%EF%BF%BD'],
    ['what stays readable', 'Mozilla/5.0;(KHTML,like)?=&+:@!$*', 'Mozilla/5.0;(KHTML,like)?=&+:@!$*'],
    ['missing', undefined, '-'],
    ['empty', '', '-']
  ])('encodes values: %s', (_name, value, expected) => {
    expect(logValue(value)).toBe(expected)
  })

  it.each<[string, Partial<AccessLogEntry>, Record<string, string>]>([
    ['hit', {}, { 'x-edge-result-type': 'Hit', 'x-edge-response-result-type': 'Hit', 'x-edge-detailed-result-type': 'Hit', 'sc-status': '200' }],
    ['miss over plain HTTP', { resultType: 'Miss', responseResultType: 'Miss', detailedResultType: 'Miss', protocol: 'http', sslProtocol: undefined, sslCipher: undefined, protocolVersion: 'HTTP/1.1' }, { 'x-edge-result-type': 'Miss', 'cs-protocol': 'http', 'ssl-protocol': '-', 'ssl-cipher': '-', 'cs-protocol-version': 'HTTP/1.1' }],
    ['refresh hit', { resultType: 'RefreshHit', responseResultType: 'RefreshHit', detailedResultType: 'RefreshHit' }, { 'x-edge-result-type': 'RefreshHit', 'x-edge-detailed-result-type': 'RefreshHit' }],
    ['origin down', { status: 502, resultType: 'Error', responseResultType: 'Error', detailedResultType: 'OriginConnectError', contentType: 'text/plain; charset=utf-8', contentLength: 40 }, { 'sc-status': '502', 'x-edge-result-type': 'Error', 'x-edge-detailed-result-type': 'OriginConnectError', 'sc-content-type': 'text/plain;%20charset=utf-8', 'sc-content-len': '40' }],
    ['viewer gone before an answer', { status: 0, resultType: 'Error', detailedResultType: 'ClientCommError' }, { 'sc-status': '000', 'x-edge-detailed-result-type': 'ClientCommError' }],
    ['redirect to HTTPS', { status: 301, resultType: 'Redirect', responseResultType: 'Redirect', detailedResultType: 'Redirect', contentType: undefined, contentLength: 0 }, { 'x-edge-result-type': 'Redirect', 'sc-content-type': '-', 'sc-content-len': '0' }],
    ['query, referer, cookie, x-forwarded-for', { uriQuery: 'a=1&b=two words', referer: 'http://www.example.com/', cookie: 'id=1; theme=dark', forwardedFor: '203.0.113.9' }, { 'cs-uri-query': 'a=1&b=two%20words', 'cs(Referer)': 'http://www.example.com/', 'cs(Cookie)': 'id=1;%20theme=dark', 'x-forwarded-for': '203.0.113.9' }],
    ['a range', { status: 206, rangeStart: 0, rangeEnd: 99, contentLength: 100 }, { 'sc-range-start': '0', 'sc-range-end': '99', 'sc-content-len': '100' }],
    ['no field-level encryption', {}, { 'fle-status': '-', 'fle-encrypted-fields': '-' }],
    ['seconds to the thousandth', { timeTaken: 0.0825, timeToFirstByte: 1.5 }, { 'time-taken': '0.083', 'time-to-first-byte': '1.500' }],
    ['midnight on New Year\'s Day, UTC', { at: Date.UTC(2025, 0, 1, 0, 0, 0, 999) }, { date: '2025-01-01', time: '00:00:00' }]
  ])('writes the fields of a %s', (_name, entry, expected) => {
    expect(fields(entry)).toMatchObject(expected)
    expect(formatAccessLogLine({ ...base, ...entry }).split('\t')).toHaveLength(33)
  })
})
