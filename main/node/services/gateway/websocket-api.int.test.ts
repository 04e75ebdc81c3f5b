import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { serviceSchema } from '../../../common/topology/lab-schema'
import { FakeClock } from '../../base/clock'
import { nullLogger } from '../../lab-host/logger'
import { MetricsRegistry } from '../../metrics/metrics-registry'
import type { ServiceSpecOf } from '../service-module'
import { GatewayService } from './gateway-service'

const fixtures = fileURLToPath(new URL('./functions/fixtures/', import.meta.url))
let gateway: GatewayService | undefined
const clients: WebSocket[] = []

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate()
  await gateway?.stop()
})

async function start(api: Record<string, unknown> = {}) {
  const config = {
    apis: [
      {
        id: 'chat',
        type: 'websocket',
        integrations: [{ id: 'chat', type: 'function', handler: 'ws-handlers.chat', reservedConcurrency: 1 }],
        routes: [
          { key: '$connect', integration: 'chat' },
          { key: '$disconnect', integration: 'chat' },
          { key: '$default', integration: 'chat', twoWay: true },
          { key: 'send', integration: 'chat' }
        ],
        stages: [{ name: 'live' }],
        ...api
      }
    ]
  }
  const spec = serviceSchema.parse({ id: 'gw', kind: 'gateway', listen: { host: '127.0.0.1', port: 0 }, config }) as ServiceSpecOf<'gateway'>
  gateway = new GatewayService(spec, { id: 'gw', labDir: fixtures, log: nullLogger, metrics: new MetricsRegistry().scope({ service: 'gw' }), clock: new FakeClock() })
  await gateway.start()
  return `127.0.0.1:${gateway.endpoints()[0]!.port}`
}

/** A connected client that queues what it receives. */
async function connect(url: string, protocols?: string[]) {
  const ws = new WebSocket(url, protocols)
  clients.push(ws)
  const inbox: string[] = []
  const waiters: ((text: string) => void)[] = []
  ws.on('message', (data) => {
    const text = String(data)
    const waiter = waiters.shift()
    if (waiter) waiter(text)
    else inbox.push(text)
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const next = () => new Promise<string>((resolve) => (inbox.length ? resolve(inbox.shift()!) : waiters.push(resolve)))
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
  return { ws, next, closed }
}

describe('gateway: WebSocket APIs', () => {
  it('connects through $connect, chooses the subprotocol the integration names, answers two-way routes', async () => {
    const host = await start()
    const plain = await connect(`ws://${host}/live`)
    expect(plain.ws.protocol).toBe('')
    const chat = await connect(`ws://${host}/live`, ['chat.v1', 'chat.v2'])
    expect(chat.ws.protocol).toBe('chat.v1')
    chat.ws.send('{"action":"whatever","n":1}')
    expect(JSON.parse(await chat.next())).toMatchObject({ echo: '{"action":"whatever","n":1}', routeKey: '$default' })
    chat.ws.send('not json at all')
    expect(JSON.parse(await chat.next()).routeKey).toBe('$default')
  })

  it('lets a backend push to every client through @connections', async () => {
    const host = await start()
    const ana = await connect(`ws://${host}/live`)
    const bob = await connect(`ws://${host}/live`)
    ana.ws.send(JSON.stringify({ action: 'send', text: 'hello' }))
    expect(JSON.parse(await bob.next())).toMatchObject({ text: 'hello' })
    expect(JSON.parse(await ana.next())).toMatchObject({ text: 'hello' })
  })

  it('answers @connections GET with connection info, POST sends, DELETE closes, and a gone connection is 410', async () => {
    const host = await start()
    const client = await connect(`ws://${host}/live`, [])
    client.ws.send('{"action":"who"}')
    const { connectionId } = JSON.parse(await client.next()) as { connectionId: string }
    expect(connectionId).toMatch(/^[A-Za-z0-9_-]{15}=$/)
    const url = `http://${host}/live/@connections/${encodeURIComponent(connectionId)}`
    const info = (await (await fetch(url)).json()) as { connectedAt: string }
    expect(info).toMatchObject({ identity: { sourceIp: '127.0.0.1' } })
    expect(new Date(info.connectedAt).getTime()).toBeGreaterThan(0)
    expect((await fetch(url, { method: 'POST', body: 'pushed' })).status).toBe(200)
    expect(await client.next()).toBe('pushed')
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(204)
    expect(await client.closed).toBe(1000)
    const gone = await fetch(url, { method: 'POST', body: 'late' })
    expect(gone.status).toBe(410)
    expect(gone.headers.get('x-amzn-errortype')).toBe('GoneException')
    expect(await gone.text()).toBe('')
  })

  it('refuses the upgrade when $connect says no, and for an unknown stage', async () => {
    const host = await start()
    await expect(connect(`ws://${host}/live?deny=1`)).rejects.toThrow(/403/)
    await expect(connect(`ws://${host}/nostage`)).rejects.toThrow(/403/)
  })

  it('closes with 1009 for a message over 128 KB and a frame over 32 KB, and takes a fragmented 100 KB message', async () => {
    const host = await start()
    const fragmented = await connect(`ws://${host}/live`)
    const chunk = 'x'.repeat(20 * 1024)
    for (let i = 0; i < 4; i++) fragmented.ws.send(chunk, { fin: false })
    fragmented.ws.send(chunk, { fin: true })
    expect(JSON.parse(await fragmented.next()).routeKey).toBe('$default')

    const frame = await connect(`ws://${host}/live`)
    frame.ws.send('y'.repeat(40 * 1024))
    expect(await frame.closed).toBe(1009)

    const message = await connect(`ws://${host}/live`)
    for (let i = 0; i < 7; i++) message.ws.send(chunk, { fin: false })
    message.ws.send(chunk, { fin: true })
    expect(await message.closed).toBe(1009)
  })

  it('answers a message no route takes with Forbidden, and keeps the connection', async () => {
    const host = await start({ routes: [{ key: 'send', integration: 'chat' }] })
    const client = await connect(`ws://${host}/live`)
    client.ws.send('{"action":"dance"}')
    expect(JSON.parse(await client.next())).toMatchObject({ message: 'Forbidden', connectionId: expect.any(String), requestId: expect.any(String) })
    expect(client.ws.readyState).toBe(WebSocket.OPEN)
  })

  it('closes the connection with 1003 on a binary frame (API Gateway takes text only)', async () => {
    const host = await start()
    const client = await connect(`ws://${host}/live`)
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true })
    expect(await client.closed).toBe(1003)
  })

  it('closes an idle connection with 1001', async () => {
    const host = await start({ stages: [{ name: 'live', idleTimeoutSeconds: 1 }] })
    const client = await connect(`ws://${host}/live`)
    expect(await client.closed).toBe(1001)
  })
})
