export { type EmitRecorder, recordEmits, requestPeaks, streamScore } from './assertions.js'
export {
  type FailureScenario,
  handlers,
  type MockHandlers,
  type MockOptions,
  type SimProvider,
  type SimRequest,
} from './handlers.js'
export {
  type SimIncident,
  type SimPlayer,
  type SimState,
  type SimTeam,
  type SimulatedMatch,
  type SimulateMatchOptions,
  simulateMatch,
} from './simulate-match.js'
export { createSystemClock, createVirtualClock, type VirtualClock } from './virtual-clock.js'
