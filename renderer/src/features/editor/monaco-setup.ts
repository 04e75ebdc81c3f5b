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
    configureMonacoYaml(monaco, {
      enableSchemaRequest: false,
      validate: false,
      schemas: [{ uri: 'https://netloom.local/schema/netloom-lab.schema.json', fileMatch: ['**/lab.yaml'], schema: labSchema as never }]
    })
    configured = true
  }
  return monaco
}
