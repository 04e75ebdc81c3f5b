import { writeFile } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import { LabError } from '../../common/errors/lab-error'
import { dataDir } from '../tls/data-dir'
import { LabCa } from '../tls/lab-ca'
import { exitCodes, type CliIo } from './cli-io'

/**
 * `netloom ca export [--out FILE]`: the lab CA certificate (made on first use), for clients to trust.
 * The PEM alone goes to stdout, so it pipes; the hint goes to stderr.
 */
export async function caExport(options: { out?: string }, io: CliIo): Promise<number> {
  let ca: LabCa
  try {
    ca = await LabCa.load(dataDir())
  } catch (error) {
    if (!(error instanceof LabError)) throw error
    io.stderr(`netloom: ${error.message}\n`)
    return exitCodes.failed
  }
  let lead = 'Save it as netloom-ca.pem: this is the Netloom lab CA'
  let file = 'netloom-ca.pem'
  if (options.out === undefined) io.stdout(ca.certPem)
  else {
    const path = resolve(io.cwd, options.out)
    const shown = relative(io.cwd, path)
    file = shown && !shown.startsWith('..') ? shown : path
    await writeFile(path, ca.certPem)
    lead = `wrote ${file}: the Netloom lab CA`
  }
  io.stderr(
    `${lead}, SHA-256 ${ca.fingerprint256}. Trust it with curl --cacert ${file}, ` +
      `or add it to your browser or OS trust store (see main/node/tls/README.md).\n`
  )
  return exitCodes.ok
}
