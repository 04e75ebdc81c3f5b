/** Metric names the origin service exports (see main/node/services/origin/README.md). */
export const originMetricNames = {
  requests: 'lab_origin_requests_total',
  injectedFaults: 'lab_origin_injected_faults_total',
  duration: 'lab_origin_request_duration_seconds',
  activeConnections: 'lab_origin_active_connections'
} as const
