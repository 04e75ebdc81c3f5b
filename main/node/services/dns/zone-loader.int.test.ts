import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dnsZoneSchema } from '../../../common/services/dns/dns-config'
import { parseName } from '../../../common/services/dns/dns-name'
import { formatRdata } from '../../../common/services/dns/rdata'
import { recordTypeCodes } from '../../../common/services/dns/record-types'
import { loadZones } from './zone-loader'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netloom-zones-'))
  await writeFile(join(dir, 'shop.zone'), '$ORIGIN shop.test.\n$TTL 300\n@ IN NS ns1.elsewhere.\nwww IN A 192.0.2.1\n')
  await writeFile(join(dir, 'bad.zone'), '$ORIGIN shop.test.\n$TTL 300\nwww IN A 192.0.2.300\n')
  await writeFile(
    join(dir, 'shop.json'),
    JSON.stringify({
      ResourceRecordSets: [
        { Name: 'shop.test.', Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }] },
        { Name: 'api.shop.test.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.7' }] }
      ]
    })
  )
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const zone = (input: Record<string, unknown>) => dnsZoneSchema.parse({ name: 'shop.test', ...input })
const values = (loaded: Awaited<ReturnType<typeof loadZones>>, name: string, type: 'A' | 'NS') =>
  loaded[0]!.group(parseName(name), recordTypeCodes[type])?.records.flatMap((r) => r.rrset?.rdatas.map(formatRdata) ?? [])

describe('zone files', () => {
  it('loads a BIND file, adding the lab file\'s own records, and keeps Route 53\'s NS', async () => {
    const loaded = await loadZones([zone({ zoneFile: 'shop.zone', records: [{ name: 'mail', type: 'A', values: ['192.0.2.25'] }] })], dir, 'dns')
    expect(values(loaded, 'www.shop.test.', 'A')).toEqual(['192.0.2.1'])
    expect(values(loaded, 'mail.shop.test.', 'A')).toEqual(['192.0.2.25'])
    expect(values(loaded, 'shop.test.', 'NS')).toHaveLength(4)
  })

  it('loads Route 53 JSON (list-resource-record-sets output)', async () => {
    const loaded = await loadZones([zone({ zoneFile: 'shop.json' })], dir, 'dns')
    expect(values(loaded, 'api.shop.test.', 'A')).toEqual(['192.0.2.7'])
  })

  it('names the file and line of a bad record, and a missing file', async () => {
    await expect(loadZones([zone({ zoneFile: 'bad.zone' })], dir, 'dns')).rejects.toMatchObject({
      code: 'LAB_ERR_CONFIG_INVALID',
      message: `${join(dir, 'bad.zone')}:3: A: "192.0.2.300" is not an IPv4 address (dotted quad, e.g. 192.0.2.1)`
    })
    await expect(loadZones([zone({ zoneFile: 'nope.zone' })], dir, 'dns')).rejects.toMatchObject({ message: expect.stringContaining('cannot read the zone file') })
    await expect(loadZones([zone({ zoneFile: 'shop.zone', records: [{ name: 'www', type: 'CNAME', values: ['x'] }] })], dir, 'dns')).rejects.toMatchObject({
      message: expect.stringContaining('has a CNAME, so it can have no other records')
    })
  })
})
