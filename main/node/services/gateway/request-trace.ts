/**
 * What happened to one request on its way through the gateway: the `$context` values access logs and
 * metrics use, and the steps that make up the sentence the request log shows.
 */
export class RequestTrace {
  stage = '-'
  routeKey = '-'
  resourcePath = '-'
  /** Machine-readable outcome for the traffic view: `integration`, `not-found`, `throttled`, ... */
  outcome = 'integration'
  errorType: string | undefined
  errorMessage: string | undefined
  integrationLatencyMs: number | undefined
  integrationStatus: number | undefined
  principalId: string | undefined
  private readonly steps: string[] = []

  constructor(
    readonly requestId: string,
    readonly method: string,
    readonly apiId: string,
    readonly apiType: 'http' | 'rest' | 'websocket'
  ) {}

  note(step: string): void {
    this.steps.push(step)
  }

  fail(outcome: string, errorType: string, message: string, step: string): void {
    this.outcome = outcome
    this.errorType = errorType
    this.errorMessage = message
    this.note(step)
  }

  explanation(): string {
    return this.steps.join('; ')
  }
}
