import { readFile, writeFile } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import { parse, stringify } from 'yaml'
import type { GatewayConfig } from '../../common/services/gateway/gateway-config'
import { gatewayApiSchema } from '../../common/services/gateway/gateway-config'
import { exportOpenApi, importOpenApi } from '../../common/services/gateway/openapi'
import { exitCodes, type CliIo } from './cli-io'
import { checkLabFile } from './validate-command'

/** `netloom openapi export LAB --service ID --api ID [--out FILE]`: one API of a lab as OpenAPI 3. */
export async function openApiExport(file: string, options: { service?: string; api?: string; out?: string; deployment?: string }, io: CliIo): Promise<number> {
  const { result } = await checkLabFile(file, io)
  if (!result?.lab) return exitCodes.failed
  const gateways = result.lab.services.filter((s) => s.kind === 'gateway')
  const service = options.service === undefined ? gateways[0] : gateways.find((s) => s.id === options.service)
  if (!service) {
    io.stderr(`netloom: ${options.service === undefined ? 'the lab has no gateway service' : `no gateway service "${options.service}" (gateways: ${gateways.map((s) => s.id).join(', ') || 'none'})`}\n`)
    return exitCodes.failed
  }
  const apis = (service.config as GatewayConfig).apis
  const api = options.api === undefined ? apis[0] : apis.find((a) => a.id === options.api)
  if (!api) {
    io.stderr(`netloom: service ${service.id} has no API "${options.api}" (APIs: ${apis.map((a) => a.id).join(', ')})\n`)
    return exitCodes.failed
  }
  let text: string
  try {
    const doc = exportOpenApi(api, options.deployment)
    text = options.out?.endsWith('.json') ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc)
  } catch (error) {
    io.stderr(`netloom: API ${api.id}: ${(error as Error).message}\n`)
    return exitCodes.failed
  }
  if (!options.out) {
    io.stdout(text)
    return exitCodes.ok
  }
  await writeFile(resolve(io.cwd, options.out), text)
  io.stderr(`wrote ${relative(io.cwd, resolve(io.cwd, options.out))}\n`)
  return exitCodes.ok
}

/** `netloom openapi import FILE --id ID [--type http|rest]`: prints the API as a lab `apis:` entry. */
export async function openApiImport(file: string, options: { id: string; type: 'http' | 'rest' }, io: CliIo): Promise<number> {
  const path = resolve(io.cwd, file)
  const shown = relative(io.cwd, path) || path
  let doc: unknown
  try {
    doc = parse(await readFile(path, 'utf8'))
  } catch (error) {
    io.stderr(`${shown}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}\n`)
    return exitCodes.failed
  }
  let imported
  try {
    imported = importOpenApi(doc, options)
  } catch (error) {
    io.stderr(`${shown}: ${(error as Error).message}\n`)
    return exitCodes.failed
  }
  for (const warning of imported.warnings) io.stderr(`${shown}: warning: ${warning}\n`)
  const checked = gatewayApiSchema.safeParse(imported.api)
  if (!checked.success) {
    for (const issue of checked.error.issues) io.stderr(`${shown}: the imported API is not valid: ${issue.path.join('.')}: ${issue.message}\n`)
    return exitCodes.failed
  }
  io.stdout(`# Generated from ${shown}; paste under a gateway service's config.apis\n${stringify([imported.api])}`)
  return exitCodes.ok
}
