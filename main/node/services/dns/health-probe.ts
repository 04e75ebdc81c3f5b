import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect } from 'node:net'
import type { ServiceEndpoint } from '../../../common/contract/lab-types'
import type { HealthCheckConfig } from '../../../common/services/dns/dns-routing-config'
import type { ProbeResult } from './health-checks'

/** Route 53's limits: connect within 4 s and the status line 2 s later (TCP checks: 10 s to connect). */
const httpConnectMs = 4000
const httpResponseMs = 2000
const tcpConnectMs = 10_000
/** The search string must appear in the first 5,120 bytes of the body. */
const searchWindow = 5120

interface Target {
  host: string
  port: number
  path?: string
}

/**
 * Where a check goes: a lab service id (its address), a URL, or host:port. Only loopback addresses
 * and lab services: a health check never reaches outside the machine.
 */
export function resolveTarget(check: HealthCheckConfig, peers: ((id: string) => ServiceEndpoint[] | undefined) | undefined): Target {
  const target = check.target ?? ''
  const endpoints = peers?.(target)
  if (endpoints) {
    const wanted = check.type === 'TCP' ? endpoints[0] : endpoints.find((e) => e.protocol === (check.type === 'HTTPS' ? 'https' : 'http')) ?? endpoints[0]
    if (!wanted) throw new Error(`service ${target} is not listening`)
    return { host: wanted.host === '0.0.0.0' ? '127.0.0.1' : wanted.host, port: wanted.port }
  }
  if (/^https?:\/\//.test(target)) {
    const url = new URL(target)
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), path: `${url.pathname}${url.search}` }
  }
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target)
  if (match) return { host: match[1]!, port: Number(match[2]) }
  throw new Error(`"${target}" is neither a lab service, a URL nor host:port`)
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1'
}

/** Runs one check against its target the way Route 53's checkers do. */
export function probe(check: HealthCheckConfig, peers: ((id: string) => ServiceEndpoint[] | undefined) | undefined): Promise<ProbeResult> {
  let target: Target
  try {
    target = resolveTarget(check, peers)
  } catch (error) {
    return Promise.resolve({ ok: false, detail: (error as Error).message })
  }
  if (!isLoopback(target.host)) return Promise.resolve({ ok: false, detail: `${target.host} is not a loopback address; lab checks stay on this machine` })
  return check.type === 'TCP' ? probeTcp(target) : probeHttp(check, target)
}

function probeTcp(target: Target): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port, timeout: tcpConnectMs })
    socket.once('connect', () => {
      socket.destroy()
      resolve({ ok: true, detail: `TCP connect to ${target.host}:${target.port} succeeded` })
    })
    socket.once('timeout', () => {
      socket.destroy()
      resolve({ ok: false, detail: `TCP connect to ${target.host}:${target.port} timed out` })
    })
    socket.once('error', (error) => resolve({ ok: false, detail: `TCP connect to ${target.host}:${target.port} failed: ${error.message}` }))
  })
}

function probeHttp(check: HealthCheckConfig, target: Target): Promise<ProbeResult> {
  const path = target.path ?? (check.path.startsWith('/') ? check.path : `/${check.path}`)
  const request = check.type === 'HTTPS' ? httpsRequest : httpRequest
  const where = `${check.type} GET ${target.host}:${target.port}${path}`
  return new Promise((resolve) => {
    let settled = false
    const finish = (result: ProbeResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      req.destroy()
      resolve(result)
    }
    const timer = setTimeout(() => finish({ ok: false, detail: `${where}: no response within ${httpConnectMs + httpResponseMs} ms` }), httpConnectMs + httpResponseMs)
    // Route 53 does not validate the endpoint's certificate.
    const req = request({ host: target.host, port: target.port, path, method: 'GET', rejectUnauthorized: false, headers: { 'user-agent': 'Amazon-Route53-Health-Check-Service (Netloom)' } }, (res) => {
      const status = res.statusCode ?? 0
      const statusOk = status >= 200 && status < 400
      if (!check.searchString) return finish({ ok: statusOk, detail: `${where} → ${status}` })
      let body = Buffer.alloc(0)
      res.on('data', (chunk: Buffer) => {
        body = Buffer.concat([body, chunk]).subarray(0, searchWindow)
        if (body.length >= searchWindow) res.destroy()
        if (body.includes(check.searchString!)) finish({ ok: statusOk, detail: `${where} → ${status}, "${check.searchString}" found` })
      })
      const done = () => finish({ ok: false, detail: `${where} → ${status}, "${check.searchString}" not in the first ${searchWindow} bytes` })
      res.on('end', done)
      res.on('close', done)
    })
    req.on('error', (error) => finish({ ok: false, detail: `${where} failed: ${error.message}` }))
    req.end()
  })
}
