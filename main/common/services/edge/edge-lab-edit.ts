import { isMap, isSeq, Scalar, type YAMLMap } from 'yaml'
import { parseEditable, stringify } from '../../topology/lab-layout'
import { LabEditError } from '../dns/dns-lab-edit'

/**
 * Publishes a CloudFront Function: its code goes into the lab source as a literal block, comments and
 * formatting elsewhere kept. A function whose code lives in a file is edited in that file instead.
 */
export function setEdgeFunctionCode(source: string, serviceId: string, functionId: string, code: string): string {
  const doc = parseEditable(source)
  if (!doc) throw new LabEditError('the lab file does not parse: fix it in the Editor first')
  const services = doc.get('services', true)
  const service = isSeq(services) ? services.items.find((item) => isMap(item) && item.get('id') === serviceId) : undefined
  if (!isMap(service)) throw new LabEditError(`no service "${serviceId}" in the lab file`)
  const functions = (service as YAMLMap).getIn(['config', 'functions'], true)
  const fn = isSeq(functions) ? functions.items.find((item) => isMap(item) && item.get('id') === functionId) : undefined
  if (!isMap(fn)) throw new LabEditError(`no function "${functionId}" in ${serviceId}`)
  if ((fn as YAMLMap).has('file')) throw new LabEditError(`function ${functionId} is read from ${String((fn as YAMLMap).get('file'))}: edit that file`)
  const node = new Scalar(code.endsWith('\n') ? code : `${code}\n`)
  node.type = 'BLOCK_LITERAL'
  ;(fn as YAMLMap).set('code', node)
  return stringify(doc)
}
