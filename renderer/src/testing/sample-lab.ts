import type { LabSnapshot, ServiceSnapshot } from '../../../main/common/contract/lab-types'

export function sampleService(id: string, overrides: Partial<ServiceSnapshot> = {}): ServiceSnapshot {
  return {
    id,
    kind: 'origin',
    name: id,
    state: 'running',
    endpoints: [{ protocol: 'http', host: '127.0.0.1', port: 18080, url: 'http://127.0.0.1:18080/' }],
    dependsOn: [],
    config: { echo: true },
    ...overrides
  }
}

export function sampleLab(overrides: Partial<LabSnapshot> = {}): LabSnapshot {
  return {
    name: 'Flaky backends',
    state: 'running',
    file: '/tmp/lab.yaml',
    source: 'apiVersion: netloom/v1\nkind: Lab\nmetadata:\n  name: Flaky backends\n',
    services: [
      sampleService('site'),
      sampleService('api-stable', { dependsOn: ['site'] }),
      sampleService('api-flaky', { dependsOn: ['site'], state: 'failed', error: { code: 'LAB_ERR_PORT_IN_USE', message: 'port 18092 is in use' }, endpoints: [] })
    ],
    layout: { site: { x: 300, y: 60 } },
    ...overrides
  }
}
