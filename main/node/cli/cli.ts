import { parseArgs } from 'node:util'
import packageJson from '../../../package.json'
import { caExport } from './ca-command'
import { exitCodes, type CliIo } from './cli-io'
import { openApiExport, openApiImport } from './openapi-command'
import { schemaCommand } from './schema-command'
import { upCommand } from './up-command'
import { validateCommand } from './validate-command'

const usage = `Usage: netloom <command> [options]

Commands:
  validate FILE...        Check lab files; prints FILE:LINE:COL: message per problem
  up FILE [options]       Start a lab and serve it until Ctrl+C
      --ui                Also serve the web UI; prints its URL (with the access token)
      --host ADDRESS      Bridge address (default 127.0.0.1)
      --port PORT         Bridge port (default 0: any free port)
      --quiet             Do not print the lab's log on stderr
  openapi export LAB      Print one gateway API of a lab as OpenAPI 3 (API Gateway extensions)
      --service ID        The gateway service (default: the first)
      --api ID            The API (default: the service's first)
      --deployment ID     REST: the deployment to export (default: the first stage's)
      --out FILE          Write FILE (.json or .yaml) instead of printing YAML
  openapi import FILE     Print an OpenAPI 3 document as a lab API (paste it under config.apis)
      --id ID             The API id (required)
      --type http|rest    The kind of API to make (default http)
  ca export               Print the lab CA certificate (made on first use) for clients to trust
      --out FILE          Write FILE instead of printing
  schema                  Print the JSON Schema of lab files
  help                    Show this help
  version                 Print the version

When a lab is up, stdout has exactly one line: NETLOOM READY <url>.
`

/** Runs one CLI command and returns its exit code (0 ok, 1 failed, 2 usage). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'validate': {
        const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} })
        if (positionals.length === 0) return usageError(io, 'validate needs at least one FILE')
        return await validateCommand(positionals, io)
      }
      case 'up': {
        const { positionals, values } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            ui: { type: 'boolean', default: false },
            host: { type: 'string', default: '127.0.0.1' },
            port: { type: 'string', default: '0' },
            quiet: { type: 'boolean', default: false }
          }
        })
        if (positionals.length !== 1) return usageError(io, 'up needs exactly one FILE')
        const port = Number(values.port)
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          return usageError(io, `--port must be a number from 0 to 65535, got "${values.port}"`)
        return await upCommand(positionals[0]!, { ui: values.ui, host: values.host, port, quiet: values.quiet }, io)
      }
      case 'openapi': {
        const [action, ...args] = rest
        const { positionals, values } = parseArgs({
          args,
          allowPositionals: true,
          options: { service: { type: 'string' }, api: { type: 'string' }, deployment: { type: 'string' }, out: { type: 'string' }, id: { type: 'string' }, type: { type: 'string', default: 'http' } }
        })
        if (positionals.length !== 1) return usageError(io, `openapi ${action ?? ''} needs exactly one FILE`)
        if (action === 'export') return await openApiExport(positionals[0]!, values, io)
        if (action !== 'import') return usageError(io, 'openapi takes export or import')
        if (!values.id) return usageError(io, 'openapi import needs --id ID')
        if (values.type !== 'http' && values.type !== 'rest') return usageError(io, `--type must be http or rest, got "${values.type}"`)
        return await openApiImport(positionals[0]!, { id: values.id, type: values.type }, io)
      }
      case 'ca': {
        const [action, ...args] = rest
        const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } })
        if (action !== 'export') return usageError(io, 'ca takes export')
        if (positionals.length > 0) return usageError(io, 'ca export takes no FILE (use --out FILE)')
        return await caExport(values, io)
      }
      case 'schema':
        return schemaCommand(io)
      case 'version':
      case '--version':
        io.stdout(`${packageJson.version}\n`)
        return exitCodes.ok
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(usage)
        return exitCodes.ok
      default:
        return usageError(io, `unknown command "${command}"`)
    }
  } catch (error) {
    // parseArgs reports unknown or malformed options by throwing ERR_PARSE_ARGS_*.
    if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS'))
      return usageError(io, (error as Error).message)
    throw error
  }
}

function usageError(io: CliIo, message: string): number {
  io.stderr(`netloom: ${message}\n\n${usage}`)
  return exitCodes.usage
}
