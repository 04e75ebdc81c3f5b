import { X509Certificate } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import http2 from 'node:http2'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import tls, { type ConnectionOptions } from 'node:tls'
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest'
import { LabCa } from './lab-ca'
import type { SecurityPolicyName } from './security-policies'
import { certNameFor, tlsOptionsFor } from './sni'

const names = ['shop.test', '*.api.shop.test', '127.0.0.1']
let dataDir: string
let ca: LabCa
const servers: { close(cb: () => void): void }[] = []

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'netloom-sni-'))
  ca = await LabCa.load(dataDir)
})
afterAll(() => rm(dataDir, { recursive: true, force: true }))
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
})

async function tlsServer(securityPolicy?: SecurityPolicyName): Promise<number> {
  const server = tls.createServer(await tlsOptionsFor({ ca, names, ...(securityPolicy ? { securityPolicy } : {}) }), (socket) =>
    socket.end('hello')
  )
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as { port: number }).port
}

interface Handshake {
  protocol: string | null
  cipher: string
  san: string | undefined
}

function connect(port: number, options: ConnectionOptions): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ...options }, () => {
      const san = new X509Certificate(socket.getPeerX509Certificate()!.raw).subjectAltName
      resolve({ protocol: socket.getProtocol(), cipher: socket.getCipher().name, san })
      socket.end()
    })
    socket.on('error', reject)
  })
}

describe('tlsOptionsFor', () => {
  it('serves a certificate for the asked name that a client trusting only the lab CA accepts', async () => {
    const port = await tlsServer()
    const handshake = await connect(port, { servername: 'shop.test', ca: ca.certPem })
    expect(handshake.san).toBe('DNS:shop.test')
    expect(handshake.protocol).toBe('TLSv1.3')
    const wildcard = await connect(port, { servername: 'v2.api.shop.test', ca: ca.certPem })
    expect(wildcard.san).toBe('DNS:*.api.shop.test')
  })

  it('is refused by a client with only the system CAs', async () => {
    const port = await tlsServer()
    await expect(connect(port, { servername: 'shop.test' })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
    })
  })

  it('answers unknown names and IP connections with the default certificate for all the lab names', async () => {
    const port = await tlsServer()
    await expect(connect(port, { servername: 'other.test', ca: ca.certPem })).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID'
    })
    const byIp = await connect(port, { ca: ca.certPem }) // no SNI for an IP; checked against 127.0.0.1
    expect(byIp.san).toBe('DNS:shop.test, DNS:*.api.shop.test, IP Address:127.0.0.1')
  })

  it('serves HTTP/2 (ALPN h2) and HTTP/1.1 on one server', async () => {
    const options = await tlsOptionsFor({ ca, names })
    const server = http2.createSecureServer({ ...options, allowHTTP1: true }, (req, res) => res.end(`HTTP/${req.httpVersion}`))
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port

    const session = http2.connect(`https://127.0.0.1:${port}`, { ca: ca.certPem, servername: 'shop.test' })
    const h2 = await new Promise<string>((resolve, reject) => {
      const stream = session.request({ ':path': '/', ':authority': 'shop.test' })
      let body = ''
      stream.on('data', (chunk: Buffer) => (body += chunk))
      stream.on('end', () => resolve(body))
      stream.on('error', reject)
    })
    expect(session.alpnProtocol).toBe('h2')
    session.close()
    expect(h2).toBe('HTTP/2.0')

    const h1Options: https.RequestOptions & ConnectionOptions = {
      host: '127.0.0.1', port, servername: 'shop.test', ca: ca.certPem, ALPNProtocols: ['http/1.1'], agent: false
    }
    const h1 = await new Promise<{ body: string; alpn: string | false | null }>((resolve, reject) => {
      const req = https.get(h1Options, (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk))
        res.on('end', () => resolve({ body, alpn: (res.socket as tls.TLSSocket).alpnProtocol }))
      })
      req.on('error', reject)
    })
    expect(h1).toEqual({ body: 'HTTP/1.1', alpn: 'http/1.1' })
  })

  it('applies the security policy: TLSv1.2_2021 refuses a TLS 1.1 client that TLSv1.1_2016 accepts', async () => {
    // A client limited to TLS 1.1 must itself drop to OpenSSL security level 0 to offer it at all.
    const tls11 = { servername: 'shop.test', ca: ca.certPem, minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' } as const
    const strict = await tlsServer('TLSv1.2_2021')
    await expect(connect(strict, tls11)).rejects.toThrow(/protocol version|unsupported protocol/)
    const legacy = await tlsServer('TLSv1.1_2016')
    expect(await connect(legacy, tls11)).toMatchObject({ protocol: 'TLSv1.1', cipher: 'ECDHE-ECDSA-AES128-SHA' })
  })

  it('picks ciphers in CloudFront order and TLSv1.3_2025 refuses TLS 1.2', async () => {
    const port = await tlsServer('TLSv1.2_2021')
    const tls12 = { servername: 'shop.test', ca: ca.certPem, maxVersion: 'TLSv1.2' } as const
    expect(await connect(port, tls12)).toMatchObject({ protocol: 'TLSv1.2', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256' })
    const cbcOnly = { ...tls12, ciphers: 'ECDHE-ECDSA-AES128-SHA256' }
    await expect(connect(port, cbcOnly)).rejects.toThrow(/handshake failure|no shared cipher/)
    const tls13Only = await tlsServer('TLSv1.3_2025')
    await expect(connect(tls13Only, tls12)).rejects.toThrow(/protocol version|unsupported protocol/)
    expect(await connect(tls13Only, { servername: 'shop.test', ca: ca.certPem })).toMatchObject({ protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' })
  })
})

describe('certNameFor', () => {
  it('matches exact names first, then a one-label wildcard', () => {
    const lab = ['shop.test', '*.shop.test', '*.api.shop.test']
    expect(certNameFor('Shop.Test.', lab)).toBe('shop.test')
    expect(certNameFor('www.shop.test', lab)).toBe('*.shop.test')
    expect(certNameFor('v1.api.shop.test', lab)).toBe('*.api.shop.test')
    expect(certNameFor('a.b.shop.test', lab)).toBeUndefined()
    expect(certNameFor('localhost', lab)).toBeUndefined()
  })
})
