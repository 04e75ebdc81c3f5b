import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
import YamlWorker from 'monaco-yaml/yaml.worker?worker'

/**
 * Monaco asks for its web workers by label; Vite bundles each `?worker` import as a separate module
 * worker served from 'self', which the CSP allows. Only the workers this app uses are listed.
 */
export function installMonacoWorkers(): void {
  self.MonacoEnvironment = {
    getWorker(_workerId: string, label: string): Worker {
      return label === 'yaml' ? new YamlWorker() : new EditorWorker()
    }
  }
}
