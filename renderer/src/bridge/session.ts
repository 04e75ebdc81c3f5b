import { watch } from 'vue'
import type { Disposable } from '../../../main/common/base/disposable'
import type { LabClient } from '../../../main/common/rpc/lab-client'
import { useConnectionStore } from '../stores/connection'
import { useEditorStore } from '../stores/editor'
import { useLabStore } from '../stores/lab'
import { useLogsStore } from '../stores/logs'
import { useMetricsStore } from '../stores/metrics'
import { useTrafficStore } from '../stores/traffic'
import { connectLab } from './connect'

/**
 * Connects, then points every store at the client: each reads its initial state and follows the events.
 * Needs an active Pinia. Connection failures end up in the connection store, never as a rejection.
 */
export async function startSession(connect: () => Promise<LabClient> = connectLab): Promise<Disposable> {
  const connection = useConnectionStore()
  const lab = useLabStore()
  const editor = useEditorStore()
  const subscriptions: Disposable[] = []
  const dispose = () => subscriptions.splice(0).forEach((s) => s.dispose())
  connection.state = 'connecting'
  try {
    const client = await connect()
    connection.useClient(client, dispose)
    subscriptions.push(
      ...(await Promise.all([
        lab.attach(client),
        useLogsStore().attach(client),
        useTrafficStore().attach(client),
        useMetricsStore().attach(client)
      ]))
    )
    editor.syncFromLab(lab.snapshot?.source, true)
    const stopWatch = watch(
      () => lab.snapshot?.source,
      (source) => editor.syncFromLab(source)
    )
    subscriptions.push({ dispose: stopWatch })
  } catch (error) {
    dispose()
    connection.fail(error)
  }
  return { dispose }
}
