import { loadLab } from '../../../../main/common/topology/load-lab'
import type { LabProblem } from '../../../../main/common/topology/lab-problem'

/** Problems of a lab source, as the engine would report them (the loader is shared). */
export function checkSource(source: string): LabProblem[] {
  if (source.trim() === '') return []
  return loadLab(source).problems
}

export function hasErrors(problems: readonly LabProblem[]): boolean {
  return problems.some((p) => p.severity === 'error')
}

/** Monaco's MarkerSeverity values, repeated here so this file does not load Monaco. */
export const markerSeverity = { error: 8, warning: 4 } as const

export interface LabMarker {
  severity: number
  message: string
  startLineNumber: number
  startColumn: number
  endLineNumber: number
  endColumn: number
  source: string
  code: string
}

/** Monaco markers for problems; an empty range is widened to one character so it stays visible. */
export function problemsToMarkers(problems: readonly LabProblem[]): LabMarker[] {
  return problems.map((p) => {
    const empty = p.endLine < p.line || (p.endLine === p.line && p.endColumn <= p.column)
    return {
      severity: markerSeverity[p.severity],
      message: p.message,
      startLineNumber: p.line,
      startColumn: p.column,
      endLineNumber: empty ? p.line : p.endLine,
      endColumn: empty ? p.column + 1 : p.endColumn,
      source: 'netloom',
      code: p.code
    }
  })
}
