import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { cloudFrontFunctionTypes } from './cloudfront-functions-types'

/** Type-checks `code` against the declarations, as Monaco's TypeScript worker would. */
function diagnostics(declarations: string, code: string): string[] {
  const files: Record<string, string> = { 'cf.d.ts': declarations, 'fn.ts': code }
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], strict: true, noEmit: true, types: [] }
  const host = ts.createCompilerHost(options)
  const read = host.getSourceFile.bind(host)
  host.getSourceFile = (name, version) => (name in files ? ts.createSourceFile(name, files[name], version) : read(name, version))
  const program = ts.createProgram(Object.keys(files), options, host)
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
}

describe('cloudFrontFunctionTypes', () => {
  it('types a 2.0 function with the cloudfront module, crypto and Buffer', () => {
    const code = `import cf from 'cloudfront'
import crypto from 'crypto'
const kvs = cf.kvs()
export async function handler(event: CloudFrontEvent): Promise<CloudFrontRequest> {
  const target: string = await kvs.get('k')
  const digest: Buffer = crypto.createHash('sha256').update(Buffer.from(target)).digest()
  event.request.headers['x-d'] = { value: digest.toString('hex') }
  return event.request
}`
    expect(diagnostics(cloudFrontFunctionTypes('cloudfront-js-2.0'), code)).toEqual([])
  })

  it('types a 1.0 function with require and the string byte helpers, and has no Buffer there', () => {
    const code = `var crypto = require('crypto')
function handler(event: CloudFrontEvent) {
  var bytes: string = crypto.createHash('md5').update('a').digest()
  event.request.headers['x-u'] = { value: 'é'.toUTF8() + bytes.length }
  return event.request
}
handler`
    expect(diagnostics(cloudFrontFunctionTypes('cloudfront-js-1.0'), code)).toEqual([])
    expect(diagnostics(cloudFrontFunctionTypes('cloudfront-js-1.0'), 'Buffer.from("a")').join()).toContain("Cannot find name 'Buffer'")
  })
})
