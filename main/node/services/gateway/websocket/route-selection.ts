/**
 * WebSocket route selection (DG apigateway-websocket-api-selection-expressions): the route key of a
 * message comes from its JSON body through an expression such as `$request.body.action` or
 * `${request.body.service}/${request.body.action}`. A missing value is `""`, objects and arrays are
 * stringified, and a message that is not JSON goes to `$default`.
 */

const bare = /^\$request\.body\.([A-Za-z0-9_$.[\]-]+)$/
const embedded = /\$\{request\.body\.([A-Za-z0-9_$.[\]-]+)\}/g

/** Why an expression cannot be used, for the config check; undefined when it is fine. */
export function selectionExpressionProblem(expression: string): string | undefined {
  if (bare.test(expression)) return undefined
  // Static text (AWS's table allows `action` or `$default`) selects that route for every message.
  if (!expression.replace(embedded, '').includes('$') || expression === '$default') return undefined
  return 'write $request.body.NAME, text with ${request.body.NAME} in it, or a static route key'
}

function valueAt(body: unknown, path: string): string {
  let current: unknown = body
  for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return ''
    current = (current as Record<string, unknown>)[part]
  }
  if (current === undefined || current === null) return ''
  return typeof current === 'object' ? JSON.stringify(current) : String(current)
}

/** The route key a message selects, or undefined for a message that is not JSON. */
export function selectRouteKey(expression: string, message: string): string | undefined {
  if (!bare.test(expression) && expression.replace(embedded, '') === expression) return expression
  let body: unknown
  try {
    body = JSON.parse(message)
  } catch {
    return undefined
  }
  const whole = bare.exec(expression)
  if (whole) return valueAt(body, whole[1]!)
  return expression.replace(embedded, (_all, path: string) => valueAt(body, path))
}
