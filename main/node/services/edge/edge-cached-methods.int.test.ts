import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listen } from '../../net/listen'
import type { EdgeService } from './edge-service'
import { edgeForTest } from './testing-edge'

/** An origin answering preflights for whichever Origin asks, counting what reaches it. */
let origin: Server
let originPort = 0
let hits: { method: string; headers: IncomingHttpHeaders }[] = []

beforeEach(async () => {
  hits = []
  origin = createServer((request, response) => {
    hits.push({ method: request.method ?? '', headers: request.headers })
    if (request.method === 'OPTIONS') {
      response.writeHead(204, { 'cache-control': 'max-age=600', 'access-control-allow-origin': String(request.headers.origin ?? '*'), 'access-control-allow-methods': 'GET, PUT' })
      return response.end()
    }
    response.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=600' })
    response.end(`${request.method} body`)
  })
  originPort = (await listen(origin, { host: '127.0.0.1', port: 0 }, 'origin')).port
})

let edge: EdgeService | undefined
afterEach(async () => {
  await edge?.stop()
  edge = undefined
  await new Promise((resolve) => origin.close(resolve))
})

async function startEdge(behavior: Record<string, unknown>) {
  edge = edgeForTest({ origins: [{ id: 'web', url: `http://127.0.0.1:${originPort}` }], defaultBehavior: { origin: 'web', cachePolicy: 'CachingOptimized', ...behavior } })
  await edge.start()
  const base = edge.endpoints()[0]!.url!
  return async (method: string, from: string) => {
    const response = await fetch(`${base}api`, { method, headers: { origin: from, 'access-control-request-method': 'PUT' } })
    return { status: response.status, cache: response.headers.get('x-cache'), allowOrigin: response.headers.get('access-control-allow-origin') }
  }
}

describe('cached methods at the edge', () => {
  it('GET_HEAD_OPTIONS: a preflight is stored under its own key, per Origin, apart from GET', async () => {
    const send = await startEdge({ allowedMethods: 'ALL', cachedMethods: 'GET_HEAD_OPTIONS' })
    expect(await send('OPTIONS', 'https://a.example')).toEqual({ status: 204, cache: 'Miss from cloudfront', allowOrigin: 'https://a.example' })
    expect(await send('OPTIONS', 'https://a.example')).toEqual({ status: 204, cache: 'Hit from cloudfront', allowOrigin: 'https://a.example' })
    // Another origin's preflight is not answered with the first one's Access-Control-Allow-Origin.
    expect(await send('OPTIONS', 'https://b.example')).toEqual({ status: 204, cache: 'Miss from cloudfront', allowOrigin: 'https://b.example' })
    expect(await send('GET', 'https://a.example')).toMatchObject({ status: 200, cache: 'Miss from cloudfront' })
    expect(await send('GET', 'https://a.example')).toMatchObject({ status: 200, cache: 'Hit from cloudfront' })
    expect(hits.map((hit) => hit.method)).toEqual(['OPTIONS', 'OPTIONS', 'GET'])
    // The preflight headers the key holds reach the origin, though CachingOptimized forwards no headers.
    expect(hits[0]!.headers).toMatchObject({ origin: 'https://a.example', 'access-control-request-method': 'PUT' })
  })

  it('GET_HEAD (the default): every OPTIONS goes to the origin', async () => {
    const send = await startEdge({ allowedMethods: 'GET_HEAD_OPTIONS' })
    expect(await send('OPTIONS', 'https://a.example')).toMatchObject({ status: 204, cache: 'Miss from cloudfront' })
    expect(await send('OPTIONS', 'https://a.example')).toMatchObject({ status: 204, cache: 'Miss from cloudfront' })
    expect(hits).toHaveLength(2)
  })
})
