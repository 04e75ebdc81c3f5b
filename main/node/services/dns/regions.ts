/**
 * Approximate coordinates of AWS Regions, for latency routing between lab regions: the closer the
 * region, the lower the latency. Unknown region names sort last, in config order.
 */
const coordinates: Record<string, [number, number]> = {
  'us-east-1': [38.9, -77.4],
  'us-east-2': [40.0, -83.0],
  'us-west-1': [37.4, -121.9],
  'us-west-2': [45.8, -119.7],
  'ca-central-1': [45.5, -73.6],
  'sa-east-1': [-23.5, -46.6],
  'eu-west-1': [53.3, -6.3],
  'eu-west-2': [51.5, -0.1],
  'eu-west-3': [48.9, 2.4],
  'eu-central-1': [50.1, 8.7],
  'eu-north-1': [59.3, 18.1],
  'eu-south-1': [45.5, 9.2],
  'me-south-1': [26.1, 50.6],
  'af-south-1': [-33.9, 18.4],
  'ap-south-1': [19.1, 72.9],
  'ap-southeast-1': [1.3, 103.8],
  'ap-southeast-2': [-33.9, 151.2],
  'ap-northeast-1': [35.7, 139.7],
  'ap-northeast-2': [37.6, 127.0],
  'ap-northeast-3': [34.7, 135.5],
  'ap-east-1': [22.3, 114.2]
}

/** A region's approximate [latitude, longitude], if it is known. */
export function regionCoordinates(region: string): [number, number] | undefined {
  return coordinates[region]
}

/** Great-circle distance in km; the same region is 0, an unknown one is far. */
export function regionDistance(from: string, to: string): number {
  if (from === to) return 0
  const a = coordinates[from]
  const b = coordinates[to]
  if (!a || !b) return Number.MAX_SAFE_INTEGER
  return greatCircleKm(a, b)
}

export function greatCircleKm(a: readonly [number, number], b: readonly [number, number]): number {
  const rad = Math.PI / 180
  const dLat = (b[0] - a[0]) * rad
  const dLon = (b[1] - a[1]) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLon / 2) ** 2
  return 2 * 6371 * Math.asin(Math.sqrt(h))
}
