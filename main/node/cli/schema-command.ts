import { labJsonSchema } from '../../common/topology/lab-schema'
import { exitCodes, type CliIo } from './cli-io'

/** The JSON Schema of lab files, for editors; resources/schema/netloom-lab.schema.json is this output. */
export function schemaText(): string {
  return `${JSON.stringify(labJsonSchema(), null, 2)}\n`
}

export function schemaCommand(io: CliIo): number {
  io.stdout(schemaText())
  return exitCodes.ok
}
