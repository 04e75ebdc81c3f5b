import * as monaco from 'monaco-editor'
import { configureMonacoYaml } from 'monaco-yaml'
import labSchema from '../../../../resources/schema/netloom-lab.schema.json'
import { installMonacoWorkers } from '../../workers/monaco-environment'

/** The one lab model's URI; the schema is bound to it by fileMatch. */
export const labModelUri = monaco.Uri.parse('file:///netloom/lab.yaml')

let configured = false

/**
 * Loads Monaco with YAML support and the lab schema (hover docs and completion). Validation stays with
 * our own loader (`loadLab`), whose messages match the CLI and the engine; monaco-yaml's would repeat them.
 */
export function setupMonaco(): typeof monaco {
  if (!configured) {
    installMonacoWorkers()
    configureMonacoYaml(monacoForYaml(), {
      enableSchemaRequest: false,
      validate: false,
      schemas: [
        {
          uri: 'https://netloom.local/schema/netloom-lab.schema.json',
          fileMatch: ['**/lab.yaml'],
          schema: labSchema as never
        }
      ]
    })
    configured = true
  }
  return monaco
}

/** What monaco-yaml 5 (through monaco-worker-manager) passes to `editor.createWebWorker`. */
interface LegacyWorkerOptions {
  label: string
  moduleId: string
  createData: unknown
  host?: Record<string, () => unknown>
  keepIdleModels?: boolean
}

/**
 * monaco-editor 0.55+ changed `editor.createWebWorker` to take a ready Worker, and the worker now expects
 * an "ignore" message followed by its create-data (see monaco-editor's internal/common/workers.js).
 * monaco-yaml 5 still passes `{ label, moduleId, createData }`, so without this adapter its worker
 * starts with no language service ("Missing requestHandler or method: doComplete").
 */
function monacoForYaml(): typeof monaco {
  const createWebWorker = (opts: LegacyWorkerOptions | monaco.editor.IInternalWebWorkerOptions) => {
    if ('worker' in opts) return monaco.editor.createWebWorker(opts)
    const worker = self.MonacoEnvironment!.getWorker!(opts.moduleId, opts.label) as Worker
    worker.postMessage('ignore')
    worker.postMessage(opts.createData)
    return monaco.editor.createWebWorker({ worker, host: opts.host, keepIdleModels: opts.keepIdleModels })
  }
  return { ...monaco, editor: { ...monaco.editor, createWebWorker } } as typeof monaco
}
