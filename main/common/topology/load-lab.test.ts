import { describe, expect, it } from 'vitest'
import { formatProblem } from './lab-problem'
import { loadLab } from './load-lab'

const header = 'apiVersion: netloom/v1\nkind: Lab\nmetadata:\n  name: t\n'

function problems(source: string): string[] {
  return loadLab(source).problems.map((p) => formatProblem('lab.yaml', p))
}

describe('loadLab', () => {
  it('accepts a minimal lab and fills in defaults', () => {
    const { lab, problems } = loadLab(`${header}services:\n  - id: web\n    kind: origin\n    listen: { port: 0 }\n`)
    expect(problems).toEqual([])
    expect(lab?.services[0]).toEqual({
      id: 'web',
      kind: 'origin',
      listen: { host: '127.0.0.1', port: 0 },
      dependsOn: [],
      config: { routes: [], echo: true }
    })
  })

  it('reports YAML syntax errors with their position', () => {
    expect(problems(`${header}services: [\n`)).toEqual([
      expect.stringMatching(/^lab\.yaml:6:1: .+/)
    ])
  })

  it('reports every kind of problem in one pass, in file order', () => {
    const source = `${header}services:
  - id: web
    kind: origin
    listen: { port: 8080 }
  - id: web
    kind: orign
    listen: { port: 8080 }
  - id: api
    kind: origin
    listen:
      port: "x"
    dependsOn: [wbe]
    config:
      echo: 3
      zzz: 1
layout:
  nodes:
    ghost: { x: 1, y: 2 }
`
    expect(problems(source)).toEqual([
      'lab.yaml:9:9: services[1].id: duplicate service id "web" (already used by services[0])',
      'lab.yaml:10:11: services[1].kind: unknown service kind "orign" (known kinds: origin, dns, edge, gateway)',
      'lab.yaml:11:21: services[1].listen.port: 127.0.0.1:8080 is already used by "web" (services[0])',
      'lab.yaml:15:13: services[2].listen.port: expected number, got string "x"',
      'lab.yaml:16:17: services[2].dependsOn[0]: unknown service "wbe" (did you mean "web"?)',
      'lab.yaml:18:13: services[2].config.echo: expected boolean, got number 3',
      'lab.yaml:19:7: services[2].config.zzz: unknown field "zzz"',
      'lab.yaml:22:12: warning: layout.nodes.ghost: layout position for unknown service "ghost" is ignored'
    ])
  })

  it('treats a wildcard host as clashing with any host on the same port, and finds cycles', () => {
    const source = `${header}services:
  - id: a
    kind: origin
    listen: { port: 8080 }
  - id: b
    kind: origin
    listen: { host: 0.0.0.0, port: 8080 }
    dependsOn: [c]
  - id: c
    kind: origin
    listen: { port: 0 }
    dependsOn: [b]
`
    expect(problems(source)).toEqual([
      'lab.yaml:11:36: services[1].listen.port: 0.0.0.0:8080 is already used by "a" (services[0])',
      'lab.yaml:12:16: services[1].dependsOn: dependency cycle: b → c → b'
    ])
  })

  it('points a missing field at the mapping that should hold it', () => {
    expect(problems(`${header}services:\n  - id: a\n    listen: { port: 1 }\n`)).toEqual([
      'lab.yaml:6:5: services[0].kind: missing service kind (one of: origin, dns, edge, gateway)'
    ])
    expect(problems(`${header}services:\n  - id: a\n    kind: origin\n`)).toEqual([
      'lab.yaml:6:5: services[0].listen: required field is missing (expected object)'
    ])
  })

  it('says what a lab file is when given something else', () => {
    for (const source of ['', '- a\n- b\n', 'just text'])
      expect(problems(source)).toEqual([
        'lab.yaml:1:1: a lab file is a YAML mapping that starts with `apiVersion: netloom/v1` and `kind: Lab`'
      ])
  })

  it('names the versions it reads when the apiVersion is unknown', () => {
    expect(problems('apiVersion: netloom/v9\nkind: Lab\n')).toEqual([
      'lab.yaml:1:13: apiVersion: unsupported apiVersion "netloom/v9" (this Netloom reads netloom/v1, netloom/v1alpha1)'
    ])
  })

  it('migrates netloom/v1alpha1 (services keyed by id) and maps errors back to the original lines', () => {
    const old = 'apiVersion: netloom/v1alpha1\nkind: Lab\nmetadata: { name: old }\nservices:\n  web:\n    kind: origin\n    listen: { port: 8080 }\n'
    const { lab } = loadLab(old)
    expect(lab?.apiVersion).toBe('netloom/v1')
    expect(lab?.services.map((s) => [s.id, s.listen.port])).toEqual([['web', 8080]])
    expect(problems(old.replace('8080', '-1'))).toEqual([
      'lab.yaml:7:21: services.web.listen.port: must be at least 0, got number -1'
    ])
  })

  it('rejects duplicate keys, which YAML would otherwise merge silently', () => {
    expect(problems(`${header}metadata:\n  name: again\n`)[0]).toMatch(/^lab\.yaml:5:1: Map keys must be unique/)
  })
})
