/** Where a path inside the lab document points: 1-based line and column, as editors count. */
export interface SourcePosition {
  line: number
  column: number
  endLine: number
  endColumn: number
}

export type LabProblemCode =
  | 'yaml-syntax'
  | 'unsupported-version'
  | 'schema'
  | 'unknown-kind'
  | 'duplicate-id'
  | 'unknown-reference'
  | 'dependency-cycle'
  | 'port-clash'
  | 'unknown-layout-node'

/** One thing wrong (or suspicious) in a lab file. */
export interface LabProblem extends SourcePosition {
  severity: 'error' | 'warning'
  code: LabProblemCode
  /** Path of the offending value in the document, e.g. `['services', 1, 'listen', 'port']`. */
  path: (string | number)[]
  message: string
}

/** `services[1].listen.port` */
export function formatPath(path: readonly (string | number)[]): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out === '' ? part : `.${part}`
  }
  return out
}

/** `lab.yaml:12:7: services[1].listen.port: expected a number, got a string` */
export function formatProblem(file: string, problem: LabProblem): string {
  const where = formatPath(problem.path)
  const severity = problem.severity === 'warning' ? 'warning: ' : ''
  return `${file}:${problem.line}:${problem.column}: ${severity}${where ? `${where}: ` : ''}${problem.message}`
}
