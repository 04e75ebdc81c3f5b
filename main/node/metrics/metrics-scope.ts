/** Label values of one series, e.g. `{ code: '200' }`. The registry adds `service` from the scope. */
export type Labels = Record<string, string>

export interface Counter {
  inc(labels?: Labels, by?: number): void
  /**
   * One series of this counter, looked up once: for hot paths that would otherwise build a label
   * object and a lookup key per increment. A series removed with its service stops being exported.
   */
  bind(labels?: Labels): BoundCounter
}

/** A counter series with its labels fixed (Counter.bind). */
export interface BoundCounter {
  inc(by?: number): void
}

export interface Gauge {
  set(value: number, labels?: Labels): void
  inc(labels?: Labels, by?: number): void
  dec(labels?: Labels, by?: number): void
}

/** An HDR-style histogram: records values and reports count, sum and p50/p90/p99/p99.9. */
export interface Histogram {
  /** Records one observation in the metric's unit (seconds for `_seconds` metrics). */
  observe(value: number, labels?: Labels): void
}

/**
 * Where a service declares and updates its metrics. Names follow `lab_<kind>_<name>_<unit|total>`.
 * Declaring the same name twice returns the same metric.
 */
export interface MetricsScope {
  counter(name: string, help: string): Counter
  gauge(name: string, help: string): Gauge
  histogram(name: string, help: string): Histogram
}
