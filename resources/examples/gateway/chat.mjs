// A WebSocket chat in one Lambda-style handler, as AWS's own chat sample is built: $connect and
// $disconnect keep the list of connections, sendMessage posts to every connection through the
// @connections API. The lab runs it with reserved concurrency 1, so the list lives in this module
// (on AWS it would live in DynamoDB).
const connections = new Map()

export const handler = async (event) => {
  const { routeKey, connectionId, domainName, stage } = event.requestContext
  switch (routeKey) {
    case '$connect': {
      const name = event.queryStringParameters?.name ?? `guest-${connections.size + 1}`
      connections.set(connectionId, name)
      console.log(`${name} joined as ${connectionId}`)
      return { statusCode: 200 }
    }
    case '$disconnect':
      console.log(`${connections.get(connectionId)} left`)
      connections.delete(connectionId)
      return { statusCode: 200 }
    case 'sendMessage': {
      const { text = '' } = JSON.parse(event.body ?? '{}')
      const message = JSON.stringify({ from: connections.get(connectionId), text })
      const gone = []
      await Promise.all(
        [...connections.keys()].map(async (id) => {
          const response = await fetch(`http://${domainName}/${stage}/@connections/${encodeURIComponent(id)}`, { method: 'POST', body: message })
          if (response.status === 410) gone.push(id)
        })
      )
      for (const id of gone) connections.delete(id)
      return { statusCode: 200 }
    }
    default:
      return { statusCode: 200, body: JSON.stringify({ hint: 'send {"action":"sendMessage","text":"hi"}', online: [...connections.values()] }) }
  }
}
