import { isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml'
import { parseEditable, stringify } from '../../topology/lab-layout'
import type { DnsRecordConfig } from './dns-config'

/** Why an edit could not be made, in words for the user. */
export class LabEditError extends Error {
  override name = 'LabEditError'
}

/**
 * The `records:` list of one zone of one dns service in a lab source, as a YAML node: edits go through
 * the document so that comments and formatting elsewhere are kept (like moving a node in the topology).
 */
function zoneRecords(source: string, serviceId: string, zoneName: string) {
  const doc = parseEditable(source)
  if (!doc) throw new LabEditError('the lab file does not parse: fix it in the Editor first')
  const services = doc.get('services', true)
  const service = isSeq(services) ? services.items.find((item) => isMap(item) && item.get('id') === serviceId) : undefined
  if (!isMap(service)) throw new LabEditError(`no service "${serviceId}" in the lab file`)
  const zones = (service as YAMLMap).getIn(['config', 'zones'], true)
  const wanted = zoneName.replace(/\.$/, '').toLowerCase()
  const zone = isSeq(zones) ? zones.items.find((item) => isMap(item) && String(item.get('name')).replace(/\.$/, '').toLowerCase() === wanted) : undefined
  if (!isMap(zone)) throw new LabEditError(`no zone "${zoneName}" in ${serviceId}`)
  const existing: unknown = (zone as YAMLMap).get('records', true)
  if (isSeq(existing)) return { doc, records: existing as YAMLSeq }
  const records = doc.createNode([]) as YAMLSeq
  ;(zone as YAMLMap).set('records', records)
  return { doc, records }
}

/** Appends a record set to a zone, written as one flow map line like the examples' records. */
export function addDnsRecord(source: string, serviceId: string, zoneName: string, record: DnsRecordConfig): string {
  const { doc, records } = zoneRecords(source, serviceId, zoneName)
  const node = doc.createNode(record) as YAMLMap
  node.flow = true
  records.add(node)
  return stringify(doc)
}

/** Removes the record set at `index` of a zone's `records:`. */
export function removeDnsRecord(source: string, serviceId: string, zoneName: string, index: number): string {
  const { doc, records } = zoneRecords(source, serviceId, zoneName)
  if (index < 0 || index >= records.items.length) throw new LabEditError(`${zoneName} has no record ${index}`)
  records.items.splice(index, 1)
  return stringify(doc)
}

/** Replaces the record set at `index` of a zone's `records:` (kept on one line). */
export function replaceDnsRecord(source: string, serviceId: string, zoneName: string, index: number, record: DnsRecordConfig): string {
  const { doc, records } = zoneRecords(source, serviceId, zoneName)
  if (index < 0 || index >= records.items.length) throw new LabEditError(`${zoneName} has no record ${index}`)
  const node = doc.createNode(record) as YAMLMap
  node.flow = true
  records.items[index] = node
  return stringify(doc)
}
