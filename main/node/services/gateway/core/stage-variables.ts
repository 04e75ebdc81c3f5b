/**
 * Integration URI templating: `${stageVariables.name}` (reference §1.1: "100 per stage. Key ≤64 chars,
 * value ≤512 chars. Names are alphanumeric plus `_`, values match `[A-Za-z0-9-._~:/?#&=,]+`") and
 * path variables `{name}` / `{proxy}` filled from the matched route.
 */
import { LabError } from '../../../../common/errors/lab-error'

export const MAX_STAGE_VARIABLES = 100
const NAME = /^[A-Za-z0-9_]{1,64}$/
const VALUE = /^[A-Za-z0-9\-._~:/?#&=,]{1,512}$/

/** Every problem with a stage's variables, as messages (empty when valid). */
export function validateStageVariables(variables: Record<string, string>): string[] {
  const problems: string[] = []
  const entries = Object.entries(variables)
  if (entries.length > MAX_STAGE_VARIABLES) {
    problems.push(`a stage has at most ${MAX_STAGE_VARIABLES} variables (${entries.length} given)`)
  }
  for (const [name, value] of entries) {
    if (!NAME.test(name)) {
      problems.push(`stage variable name "${name}" must be 1–64 letters, digits or "_"`)
    }
    if (!VALUE.test(value)) {
      problems.push(
        `stage variable "${name}": the value must be 1–512 characters of A-Z a-z 0-9 - . _ ~ : / ? # & = ,`
      )
    }
  }
  return problems
}

/**
 * Replaces `${stageVariables.name}` in an integration URI. Throws `LAB_ERR_CONFIG_INVALID` for a
 * malformed reference, an undefined variable or an invalid value: AWS fails such a request with a 500
 * configuration error instead of calling a half-formed URI.
 */
export function substituteStageVariables(
  template: string,
  variables: Record<string, string>
): string {
  return template.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    const match = /^stageVariables\.(.*)$/.exec(inner)
    if (!match) {
      throw new LabError('LAB_ERR_CONFIG_INVALID', `"${whole}" is not a stage variable reference`, {
        details: { template }
      })
    }
    const name = match[1]!
    if (!NAME.test(name)) {
      throw new LabError('LAB_ERR_CONFIG_INVALID', `"${name}" is not a valid stage variable name`, {
        details: { template, name }
      })
    }
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined
    if (value === undefined) {
      throw new LabError('LAB_ERR_CONFIG_INVALID', `Stage variable "${name}" is not defined`, {
        details: { template, name }
      })
    }
    if (!VALUE.test(value)) {
      throw new LabError(
        'LAB_ERR_CONFIG_INVALID',
        `Stage variable "${name}" has an invalid value`,
        {
          details: { template, name }
        }
      )
    }
    return value
  })
}

/**
 * Replaces `{name}` in an integration URI with the route's decoded path parameters, re-encoded for a
 * URL; a greedy value (`{proxy}` from `{proxy+}`) keeps its `/` separators. A `{name+}` placeholder
 * is accepted as the same variable. Throws `LAB_ERR_CONFIG_INVALID` for a parameter the route does not
 * capture.
 */
export function substitutePathParameters(uri: string, parameters: Record<string, string>): string {
  return uri.replace(/\{([A-Za-z0-9_.-]+)\+?\}/g, (_whole, name: string) => {
    const value = Object.hasOwn(parameters, name) ? parameters[name] : undefined
    if (value === undefined) {
      throw new LabError(
        'LAB_ERR_CONFIG_INVALID',
        `Integration URI uses {${name}}, which the route does not capture`,
        { details: { uri, name } }
      )
    }
    return value.split('/').map(encodeURIComponent).join('/')
  })
}

/** Stage variables first (they may contain `{…}`-free URL parts), then path parameters. */
export function resolveIntegrationUri(
  template: string,
  stageVariables: Record<string, string>,
  pathParameters: Record<string, string>
): string {
  return substitutePathParameters(
    substituteStageVariables(template, stageVariables),
    pathParameters
  )
}
