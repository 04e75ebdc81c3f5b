import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04'
import type { RestMethodConfig } from '../../../common/services/gateway/gateway-config'
import { LabError } from '../../../common/errors/lab-error'
import { headerOf, type GatewayRequest } from './gateway-exchange'

export type ValidationOutcome =
  | { ok: true; reason?: string }
  | { ok: false; type: 'BAD_REQUEST_PARAMETERS' | 'BAD_REQUEST_BODY'; message: string; reason: string }

/** Where AWS says a model lives; other models `$ref` it (any API id is accepted on import). */
const modelUri = (apiId: string, name: string) => `https://apigateway.amazonaws.com/restapis/${apiId}/models/${name}`

/** Points `$ref`s at other models of the API (`…/restapis/{any}/models/Name` or a bare model name) to their URIs. */
function linkRefs(value: unknown, apiId: string, names: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => linkRefs(item, apiId, names))
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) {
    if (key === '$ref' && typeof inner === 'string') {
      const name = /\/restapis\/[^/]+\/models\/([A-Za-z0-9]+)$/.exec(inner)?.[1] ?? (names.has(inner) ? inner : undefined)
      out[key] = name === undefined ? inner : modelUri(apiId, name)
    } else out[key] = linkRefs(inner, apiId, names)
  }
  return out
}

/** `[object has missing required properties (["name"])]`-like text AWS logs, from ajv's errors. */
function describeErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`).join('; ')
}

/**
 * REST request validation (DG api-gateway-method-request-validation): required parameters present and
 * not blank, and the body valid against the method's JSON Schema draft-04 model for its content type.
 * Models are compiled once, when the API is built; a broken model is a configuration error.
 */
export class RestValidator {
  private readonly validators = new Map<string, ValidateFunction>()

  constructor(models: Record<string, Record<string, unknown>>, apiId: string) {
    const ajv = new Ajv({ allErrors: true, strict: false })
    const names = new Set(Object.keys(models))
    try {
      for (const [name, schema] of Object.entries(models)) {
        const linked = linkRefs(schema, apiId, names) as Record<string, unknown>
        delete linked['id']
        ajv.addSchema(linked, modelUri(apiId, name))
      }
      for (const name of names) this.validators.set(name, ajv.getSchema(modelUri(apiId, name))!)
    } catch (error) {
      throw new LabError('LAB_ERR_CONFIG_INVALID', `API ${apiId}: a model is not valid JSON Schema draft-04: ${LabError.from(error).message}`)
    }
  }

  validate(method: RestMethodConfig, request: GatewayRequest, pathParameters: Record<string, string>): ValidationOutcome {
    if (method.validator === 'none') return { ok: true }
    if (method.validator === 'params' || method.validator === 'all') {
      const query = new URLSearchParams(request.rawQuery)
      const missing: string[] = []
      for (const [key, required] of Object.entries(method.requestParameters)) {
        if (!required) continue
        const [, where, name] = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(key)!
        const value = where === 'header' ? headerOf(request, name!) : where === 'querystring' ? query.get(name!) : pathParameters[name!]
        if (value === undefined || value === null || value.trim() === '') missing.push(name!)
      }
      if (missing.length) {
        const message = `Missing required request parameters: [${missing.join(', ')}]`
        return { ok: false, type: 'BAD_REQUEST_PARAMETERS', message, reason: `request validation: ${message}` }
      }
    }
    if (method.validator !== 'body' && method.validator !== 'all') return { ok: true }
    const contentType = (headerOf(request, 'content-type') ?? 'application/json').split(';')[0]!.trim().toLowerCase()
    const model = method.requestModels[contentType] ?? method.requestModels['$default']
    if (model === undefined) return { ok: true, reason: `no model for ${contentType}: body not validated` }
    let body: unknown
    try {
      body = JSON.parse(request.body.toString('utf8'))
    } catch (error) {
      return { ok: false, type: 'BAD_REQUEST_BODY', message: 'Invalid request body', reason: `request validation: the body is not JSON (${(error as Error).message})` }
    }
    const validate = this.validators.get(model)!
    if (validate(body)) return { ok: true, reason: `body valid against model ${model}` }
    return {
      ok: false,
      type: 'BAD_REQUEST_BODY',
      message: 'Invalid request body',
      reason: `request validation: body does not match model ${model} for ${contentType}: [${describeErrors(validate.errors)}]`
    }
  }
}
