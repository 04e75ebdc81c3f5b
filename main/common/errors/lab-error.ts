/**
 * Every failure that crosses a boundary (RPC, CLI, service state) carries one of these codes, so that
 * the UI and scripts can react to *what* went wrong without parsing messages (fastify/undici style).
 */
export const LabErrorCodes = [
  'LAB_ERR_CONFIG_INVALID',
  'LAB_ERR_NO_LAB',
  'LAB_ERR_SERVICE_NOT_FOUND',
  'LAB_ERR_SERVICE_START_FAILED',
  'LAB_ERR_SERVICE_STATE',
  'LAB_ERR_PORT_IN_USE',
  'LAB_ERR_ADDRESS_NOT_AVAILABLE',
  'LAB_ERR_PERMISSION_DENIED',
  'LAB_ERR_FILE_IO',
  'LAB_ERR_RPC_METHOD_NOT_FOUND',
  'LAB_ERR_RPC_BAD_REQUEST',
  'LAB_ERR_RPC_TIMEOUT',
  'LAB_ERR_TRANSPORT_CLOSED',
  'LAB_ERR_UNAUTHORIZED',
  'LAB_ERR_REQUEST_FAILED',
  'LAB_ERR_INTERNAL'
] as const

export type LabErrorCode = (typeof LabErrorCodes)[number]

/** The form a LabError takes on the wire: `Error` objects do not survive IPC or JSON intact. */
export interface SerializedLabError {
  code: LabErrorCode
  message: string
  /** Machine-readable context, e.g. `{ serviceId, address }`. Must be JSON-safe. */
  details?: Record<string, unknown>
  cause?: SerializedLabError
}

const kLabError = Symbol.for('netloom.LabError')

export class LabError extends Error {
  readonly code: LabErrorCode
  readonly details: Record<string, unknown> | undefined

  constructor(
    code: LabErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {}
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'LabError'
    this.code = code
    this.details = options.details
    Object.defineProperty(this, kLabError, { value: true })
  }

  /** `instanceof` that also works across bundle copies (undici's trick). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kLabError] === true
  }

  /** Wraps anything thrown into a LabError, keeping an existing code. */
  static from(error: unknown, fallback: LabErrorCode = 'LAB_ERR_INTERNAL'): LabError {
    if (error instanceof LabError) return error
    if (error instanceof Error) return new LabError(fallback, error.message, { cause: error })
    return new LabError(fallback, String(error))
  }

  static fromJSON(json: SerializedLabError): LabError {
    return new LabError(json.code, json.message, {
      details: json.details,
      cause: json.cause === undefined ? undefined : LabError.fromJSON(json.cause)
    })
  }

  toJSON(): SerializedLabError {
    const out: SerializedLabError = { code: this.code, message: this.message }
    if (this.details !== undefined) out.details = this.details
    if (this.cause instanceof LabError) out.cause = this.cause.toJSON()
    else if (this.cause instanceof Error) out.cause = { code: 'LAB_ERR_INTERNAL', message: this.cause.message }
    return out
  }
}

export function isLabErrorCode(value: unknown): value is LabErrorCode {
  return typeof value === 'string' && (LabErrorCodes as readonly string[]).includes(value)
}
