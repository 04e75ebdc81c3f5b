import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { IncomingHttpHeaders } from 'node:http'
import { isAbsolute, resolve } from 'node:path'
import type { EdgeConfig } from '../../../common/services/edge/edge-config'
import { LabError } from '../../../common/errors/lab-error'
import type { FunctionTestResult } from '../../../common/contract/lab-types'
import type { MetricsScope } from '../../metrics/metrics-scope'
import { applyViewerRequestResult, applyViewerResponseResult, FunctionReturnError, viewerRequestEvent, viewerResponseEvent, type EdgeRequest, type EventContext, type HeaderMap } from './functions/event'
import { failureStatus, FunctionSandbox, type KvsInput } from './functions/function-sandbox'
import { resolveOriginChanges, type OriginOverride } from './origin-override'

type FunctionConfig = EdgeConfig['functions'][number]

interface Loaded {
  config: FunctionConfig
  code: string
  kvs: KvsInput | undefined
}

export type RequestStep =
  | { kind: 'continue'; path: string; query: string; headers: IncomingHttpHeaders; origin?: OriginOverride; note: string }
  | { kind: 'respond'; status: number; headers: HeaderMap; body: Buffer; note: string }
  | { kind: 'fail'; status: number; note: string }

export type ResponseStep = { kind: 'continue'; status: number; headers: HeaderMap; body: Buffer | undefined; note: string } | { kind: 'fail'; status: number; note: string }

/**
 * A distribution's CloudFront Functions: their code (inline or from a file next to the lab), their
 * key value stores, and one sandbox (QuickJS in a worker) that runs them. Built per configuration.
 */
export class EdgeFunctions {
  private readonly sandbox = new FunctionSandbox()
  private readonly functions = new Map<string, Loaded>()
  private readonly stores: Map<string, KvsInput>
  private readonly invocations
  private readonly utilization

  constructor(
    private readonly config: EdgeConfig,
    labDir: string,
    metrics: MetricsScope
  ) {
    const now = new Date().toISOString()
    this.stores = new Map(
      config.keyValueStores.map((store) => {
        const version = createHash('sha256').update(JSON.stringify(store.entries)).digest('hex').slice(0, 16)
        const input: KvsInput = { id: store.id, version, meta: { creationDateTime: now, lastUpdatedDateTime: now, keyCount: Object.keys(store.entries).length }, entries: store.entries }
        return [store.id, input]
      })
    )
    for (const fn of config.functions) {
      let code = fn.code
      if (code === undefined) {
        const path = isAbsolute(fn.file!) ? fn.file! : resolve(labDir, fn.file!)
        try {
          code = readFileSync(path, 'utf8')
        } catch (error) {
          throw new LabError('LAB_ERR_CONFIG_INVALID', `function ${fn.id}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
        }
      }
      this.functions.set(fn.id, { config: fn, code, kvs: fn.keyValueStore === undefined ? undefined : this.stores.get(fn.keyValueStore) })
    }
    this.invocations = metrics.counter('lab_edge_function_invocations_total', 'FunctionInvocations: CloudFront Function runs, by function, event and result.')
    this.utilization = metrics.histogram('lab_edge_function_compute_utilization', 'FunctionComputeUtilization (0–100): handler time over the compute budget, by function.')
  }

  /** Syntax and runtime-rule problems of every function, for the start of the service. */
  async check(): Promise<string[]> {
    const problems: string[] = []
    for (const [id, fn] of this.functions) {
      const result = await this.sandbox.check(fn.code, fn.config.runtime)
      if (!result.ok) problems.push(...result.errors.map((e) => `function ${id}:${e.line}:${e.column}: ${e.message}`))
    }
    return problems
  }

  async viewerRequest(id: string, request: EdgeRequest, context: EventContext): Promise<RequestStep> {
    const fn = this.functions.get(id)!
    const event = viewerRequestEvent(request, context)
    const run = await this.sandbox.run({ code: fn.code, runtime: fn.config.runtime, eventType: 'viewer-request', event, kvs: fn.kvs })
    const logs = run.logs.length ? ` (logged: ${run.logs.join(' | ')})` : ''
    if (!run.ok) {
      this.invocations.inc({ function: id, event: 'viewer-request', result: run.kind })
      return { kind: 'fail', status: failureStatus(run.kind), note: `viewer-request function ${id} failed (${run.kind}: ${run.message})${logs}` }
    }
    this.invocations.inc({ function: id, event: 'viewer-request', result: 'ok' })
    this.utilization.observe(run.computeUtilization, { function: id })
    try {
      const outcome = applyViewerRequestResult(event, request, run.result)
      if (outcome.type === 'response')
        return { kind: 'respond', status: outcome.response.statusCode, headers: outcome.response.headers, body: outcome.body ?? Buffer.alloc(0), note: `viewer-request function ${id} answered ${outcome.response.statusCode} itself (compute ${run.computeUtilization})${logs}` }
      const headers: IncomingHttpHeaders = {}
      for (const [name, value] of Object.entries(outcome.request.headers)) headers[name.toLowerCase()] = value
      const origin = resolveOriginChanges(run.originChanges, this.config, headers)
      const ran = `viewer-request function ${id} ran (compute ${run.computeUtilization})${origin ? `; ${origin.note}` : ''}${logs}`
      return { kind: 'continue', path: outcome.request.uri, query: outcome.request.querystring, headers, origin, note: ran }
    } catch (error) {
      // Bad helper arguments or an unknown origin id: the function failed, CloudFront's 503.
      if (error instanceof LabError) return { kind: 'fail', status: 503, note: `viewer-request function ${id} failed (${error.message})${logs}` }
      if (!(error instanceof FunctionReturnError)) throw error
      return { kind: 'fail', status: 502, note: `viewer-request function ${id} returned what CloudFront refuses: ${error.message}` }
    }
  }

  async viewerResponse(id: string, request: EdgeRequest, status: number, headers: HeaderMap, context: EventContext): Promise<ResponseStep> {
    const fn = this.functions.get(id)!
    const event = viewerResponseEvent(request, { statusCode: status, headers }, context)
    const run = await this.sandbox.run({ code: fn.code, runtime: fn.config.runtime, eventType: 'viewer-response', event, kvs: fn.kvs })
    if (!run.ok) {
      this.invocations.inc({ function: id, event: 'viewer-response', result: run.kind })
      return { kind: 'fail', status: failureStatus(run.kind), note: `viewer-response function ${id} failed (${run.kind}: ${run.message})` }
    }
    this.invocations.inc({ function: id, event: 'viewer-response', result: 'ok' })
    this.utilization.observe(run.computeUtilization, { function: id })
    try {
      const outcome = applyViewerResponseResult(event, run.result)
      return { kind: 'continue', status: outcome.response.statusCode, headers: outcome.response.headers, body: outcome.body, note: `viewer-response function ${id} ran (compute ${run.computeUtilization})` }
    } catch (error) {
      if (!(error instanceof FunctionReturnError)) throw error
      return { kind: 'fail', status: 502, note: `viewer-response function ${id} returned what CloudFront refuses: ${error.message}` }
    }
  }

  /** The key value store a test run reads, by id. */
  store(id: string | undefined): KvsInput | undefined {
    return id === undefined ? undefined : this.stores.get(id)
  }

  /** Runs code that need not be published against a sample event: the console's Test tab. */
  async test(input: { code: string; runtime: 'cloudfront-js-1.0' | 'cloudfront-js-2.0'; eventType: 'viewer-request' | 'viewer-response'; request: EdgeRequest; keyValueStore?: string }, context: EventContext): Promise<FunctionTestResult> {
    const checked = await this.sandbox.check(input.code, input.runtime)
    if (!checked.ok) return { ok: false, error: 'the code does not compile', logs: [], problems: checked.errors }
    const event = input.eventType === 'viewer-request' ? viewerRequestEvent(input.request, context) : viewerResponseEvent(input.request, { statusCode: 200, headers: { 'content-type': 'text/html' } }, context)
    const run = await this.sandbox.run({ code: input.code, runtime: input.runtime, eventType: input.eventType, event, kvs: this.store(input.keyValueStore) })
    if (!run.ok) return { ok: false, error: `${run.kind}: ${run.message}`, logs: run.logs }
    return { ok: true, output: JSON.stringify(run.result, null, 2), logs: run.logs, computeUtilization: run.computeUtilization }
  }

  dispose(): Promise<void> {
    return this.sandbox.dispose()
  }
}
