import { memorySink } from '../../src/sinks/memory.js'
import { describeSinkConformance, memoryRecords } from '../helpers/sink-conformance.js'

// The reference sink: the suite itself is checked against it.
describeSinkConformance('memory', async () => {
  const store = memorySink()
  return {
    open: async () => store,
    records: async (matchId) => memoryRecords(store.events(), matchId),
    dispose: async () => {},
  }
})
