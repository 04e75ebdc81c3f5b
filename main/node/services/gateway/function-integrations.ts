import { existsSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import type { IntegrationConfig } from '../../../common/services/gateway/gateway-integrations'
import type { Logger } from '../../lab-host/logger'
import type { AuthorizerInvoker } from './api-authorizers'
import type { GatewayReply } from './gateway-exchange'
import { FunctionRunner, type InvokeResult } from './functions/function-runner'
import { proxyEventV1, proxyEventV2, type ProxyRequest } from './functions/proxy-event'
import { MalformedResponseError, replyFrom } from './functions/proxy-response'
import { IntegrationError, type FunctionIntegrations, type RoutedRequest } from './integrations'

/** What the proxy events need from a routed request. */
export function proxyRequestOf(routed: RoutedRequest): ProxyRequest {
  const { request } = routed
  return {
    // WebSocket routes send their own events through invokeEvent; only REST and HTTP APIs come here.
    apiType: routed.apiType === 'http' ? 'http' : 'rest',
    method: request.method,
    rawPath: request.rawPath,
    path: routed.path,
    rawQuery: request.rawQuery,
    headers: request.headers,
    body: request.body,
    sourceIp: request.sourceIp,
    protocol: request.protocol,
    stage: routed.stage,
    routeKey: routed.routeKey,
    resourcePath: routed.resourcePath,
    pathParameters: routed.pathParameters,
    stageVariables: routed.stageVariables,
    requestId: request.requestId,
    apiId: routed.apiId,
    authorizer: routed.authorizer,
    timeEpoch: request.receivedAt
  }
}

/** AWS's authorizer response timeout. */
const authorizerTimeoutMs = 10_000
const extensions = ['.mjs', '.js', '.cjs']

/**
 * The gateway's Lambda: one warm runner per handler, shared by the integrations and authorizers that
 * name it. Built with each configuration, so that re-applying a lab loads edited handler files afresh.
 */
export class GatewayFunctions implements FunctionIntegrations {
  private readonly runners = new Map<string, FunctionRunner>()

  constructor(
    private readonly labDir: string,
    private readonly log: Logger
  ) {}

  /** `functions/pets.handler` → the runner for `functions/pets.{mjs,js,cjs}`, export `handler`. */
  private runner(handler: string, memoryMb: number, maxConcurrency = 4): FunctionRunner {
    const key = `${handler}@${memoryMb}/${maxConcurrency}`
    let runner = this.runners.get(key)
    if (runner) return runner
    const dot = handler.lastIndexOf('.')
    const base = handler.slice(0, dot)
    const absolute = isAbsolute(base) ? base : resolve(this.labDir, base)
    const file = extensions.map((ext) => `${absolute}${ext}`).find((candidate) => existsSync(candidate))
    if (!file) throw new IntegrationError('configuration', `handler ${handler}: no ${base}.mjs, .js or .cjs next to the lab file (${this.labDir})`)
    runner = new FunctionRunner({ file, exportName: handler.slice(dot + 1), name: handler, memoryMb, maxConcurrency, onStray: (line) => this.log.warn(`[${handler}] ${line}`) })
    this.runners.set(key, runner)
    return runner
  }

  private logOutput(handler: string, requestId: string, outcome: InvokeResult): void {
    for (const line of outcome.logs) this.log.info(`[${handler}] ${line}`, { requestId })
  }

  async invoke(integration: Extract<IntegrationConfig, { type: 'function' }>, routed: RoutedRequest, timeoutMs: number): Promise<GatewayReply> {
    const format = routed.apiType === 'http' ? integration.payloadFormatVersion : '1.0'
    const request = proxyRequestOf(routed)
    const event = format === '1.0' ? proxyEventV1(request) : proxyEventV2(request)
    const outcome = await this.runner(integration.handler, integration.memoryMb, integration.reservedConcurrency).invoke(event, { timeoutMs, requestId: routed.request.requestId })
    this.logOutput(integration.handler, routed.request.requestId, outcome)
    if (!outcome.ok) {
      if (outcome.kind === 'timeout') throw new IntegrationError('timeout', `function ${integration.handler}: ${outcome.message}`)
      throw new IntegrationError('malformed', `function ${integration.handler} failed: ${outcome.errorType ?? 'Error'}: ${outcome.message}`)
    }
    try {
      return replyFrom(format, outcome.result)
    } catch (error) {
      if (error instanceof MalformedResponseError) throw new IntegrationError('malformed', `function ${integration.handler}: malformed proxy response: ${error.message}`)
      throw error
    }
  }

  async invokeEvent(integration: Extract<IntegrationConfig, { type: 'function' }>, event: unknown, timeoutMs: number, requestId: string): Promise<unknown> {
    const outcome = await this.runner(integration.handler, integration.memoryMb, integration.reservedConcurrency).invoke(event, { timeoutMs, requestId })
    this.logOutput(integration.handler, requestId, outcome)
    if (outcome.ok) return outcome.result
    if (outcome.kind === 'timeout') throw new IntegrationError('timeout', `function ${integration.handler}: ${outcome.message}`)
    throw new IntegrationError('malformed', `function ${integration.handler} failed: ${outcome.errorType ?? 'Error'}: ${outcome.message}`)
  }

  /** Runs a function authorizer (the authorizer modules decide what its answer means). */
  readonly invokeAuthorizer: AuthorizerInvoker = async (handler, event) => {
    const requestId = (event as { requestContext?: { requestId?: string } }).requestContext?.requestId ?? ''
    let outcome: InvokeResult
    try {
      outcome = await this.runner(handler, 128).invoke(event, { timeoutMs: authorizerTimeoutMs, requestId })
    } catch (error) {
      return { ok: false, message: (error as Error).message }
    }
    this.logOutput(handler, requestId, outcome)
    return outcome.ok ? { ok: true, result: outcome.result } : { ok: false, message: outcome.message }
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.runners.values()].map((runner) => runner.dispose()))
    this.runners.clear()
  }
}
