import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker'
import YamlWorker from 'monaco-yaml/yaml.worker?worker'

/**
 * Monaco asks for its web workers by label; Vite bundles each `?worker` import as a separate module
 * worker served from 'self', which the CSP allows. Only the workers this app uses are listed.
 */
export function installMonacoWorkers(): void {
  self.MonacoEnvironment = {
    getWorker(_workerId: string, label: string): Worker {
      if (label === 'yaml') return new YamlWorker()
      // CloudFront Functions are JavaScript: completion and hover come from the TypeScript worker.
      if (label === 'typescript' || label === 'javascript') return new TsWorker()
      return new EditorWorker()
    }
  }
}
