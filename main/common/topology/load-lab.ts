import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml'
import type { z } from 'zod'
import { serviceKinds } from '../services/service-kinds'
import { checkLab, type UnplacedProblem } from './lab-checks'
import { migrateLab, supportedApiVersions } from './lab-migrations'
import type { LabProblem, SourcePosition } from './lab-problem'
import { labSchema, type Lab } from './lab-schema'

export interface LoadLabResult {
  /** The validated lab with defaults filled in; present only when there is no error. */
  lab?: Lab
  /** Errors and warnings, ordered by position in the file. */
  problems: LabProblem[]
}

type Path = (string | number)[]

/**
 * Parses, migrates and validates a lab file. Pure: runs in the engine, the CLI and the renderer alike.
 * Every problem carries the line and column of the value it is about.
 */
export function loadLab(source: string): LoadLabResult {
  const lineCounter = new LineCounter()
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const place = (
    { target, ...problem }: UnplacedProblem,
    originalPath: (p: Path) => Path = (p) => p
  ): LabProblem => ({
    ...problem,
    path: originalPath(problem.path),
    ...locate(doc, originalPath(problem.path), lineCounter, target === 'key')
  })

  const yamlProblems: LabProblem[] = [...doc.errors, ...doc.warnings].map((e) => {
    const start = lineCounter.linePos(e.pos[0])
    const end = lineCounter.linePos(e.pos[1])
    return {
      severity: doc.errors.includes(e as never) ? 'error' : 'warning',
      code: 'yaml-syntax',
      path: [],
      message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
      line: start.line,
      column: start.col,
      endLine: end.line,
      endColumn: end.col
    }
  })
  if (doc.errors.length > 0) return { problems: sortProblems(yamlProblems) }

  const raw: unknown = doc.toJS({ maxAliasCount: 100 })
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw))
    return {
      problems: [
        ...yamlProblems,
        place({
          severity: 'error',
          code: 'schema',
          path: [],
          message: 'a lab file is a YAML mapping that starts with `apiVersion: netloom/v1` and `kind: Lab`'
        })
      ]
    }

  const migrated = migrateLab(raw)
  if (!migrated)
    return {
      problems: [
        ...yamlProblems,
        place({
          severity: 'error',
          code: 'unsupported-version',
          path: ['apiVersion'],
          message: `unsupported apiVersion ${JSON.stringify((raw as { apiVersion: unknown }).apiVersion)} (this Netloom reads ${supportedApiVersions.join(', ')})`
        })
      ]
    }

  const parsed = labSchema.safeParse(migrated.value)
  const found = [
    ...(parsed.success ? [] : schemaIssuesToProblems(parsed.error.issues, migrated.value)),
    ...checkLab(migrated.value)
  ]
  const problems = sortProblems([...yamlProblems, ...found.map((p) => place(p, migrated.originalPath))])
  return parsed.success && !problems.some((p) => p.severity === 'error')
    ? { lab: parsed.data, problems }
    : { problems }
}

function sortProblems(problems: LabProblem[]): LabProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column)
}

/** Turns zod issues into problems with messages written for people editing YAML. */
function schemaIssuesToProblems(issues: z.core.$ZodIssue[], value: unknown): UnplacedProblem[] {
  const problems: UnplacedProblem[] = []
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
    if (issue.code === 'invalid_union' && path.at(-1) === 'kind') {
      const kind = valueAt(value, path)
      problems.push({
        severity: 'error',
        code: 'unknown-kind',
        path,
        message:
          kind === undefined
            ? `missing service kind (one of: ${serviceKinds.join(', ')})`
            : `unknown service kind ${JSON.stringify(kind)} (known kinds: ${serviceKinds.join(', ')})`
      })
      continue
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        problems.push({
          severity: 'error',
          code: 'schema',
          path: [...path, key],
          target: 'key',
          message: `unknown field "${key}"`
        })
      continue
    }
    problems.push({ severity: 'error', code: 'schema', path, message: humanMessage(issue, valueAt(value, path)) })
  }
  return problems
}

function humanMessage(issue: z.core.$ZodIssue, actual: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (actual === undefined) return `required field is missing (expected ${issue.expected})`
      return `expected ${issue.expected}, got ${describe(actual)}`
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum
      const side = issue.code === 'too_small' ? 'at least' : 'at most'
      const exclusive = issue.inclusive === false ? (issue.code === 'too_small' ? 'more than' : 'less than') : side
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''
      return `must be ${exclusive} ${String(bound)}${unit}, got ${describe(actual)}`
    }
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describe(actual)}`
    default:
      return issue.message
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  return `${typeof value} ${JSON.stringify(value)}`
}

function valueAt(value: unknown, path: Path): unknown {
  let current = value
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string | number, unknown>)[part]
  }
  return current
}

/**
 * Finds the source range of the value at `path`, or of its nearest existing ancestor (a missing field is
 * reported on the mapping that should hold it). With `preferKey`, a map entry points at its key.
 */
export function locate(doc: Document, path: Path, lineCounter: LineCounter, preferKey = false): SourcePosition {
  let node: unknown = doc.contents
  let range: [number, number] | undefined = rangeOf(node)
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(part))
      if (!pair) break
      range = rangeOf(pair.value) ?? rangeOf(pair.key) ?? range
      if (preferKey && part === path.at(-1)) range = rangeOf(pair.key) ?? range
      node = pair.value
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part]
      if (!isNode(item)) break
      range = rangeOf(item) ?? range
      node = item
    } else break
  }
  const [start, end] = range ?? [0, 0]
  const from = lineCounter.linePos(start)
  const to = lineCounter.linePos(end)
  return { line: from.line, column: from.col, endLine: to.line, endColumn: to.col }
}

function rangeOf(node: unknown): [number, number] | undefined {
  if (isNode(node) && node.range) return [node.range[0], node.range[1]]
  return undefined
}

