import { LabError } from '../../../main/common/errors/lab-error'

/** A one-line message for a failed call, with its LAB_ERR_* code when it has one. */
export function describeError(error: unknown): string {
  if (error instanceof LabError) return `${error.message} (${error.code})`
  if (error instanceof Error) return error.message
  return String(error)
}
