export { type EmitRecorder, recordEmits, requestPeaks, streamScore } from './assertions.js'
export { handlers, type MockOptions } from './handlers.js'
export { type StatsBombMockOptions, statsBombHandlers } from './handlers-statsbomb.js'
export { type StatsPerformMockOptions, statsPerformHandlers } from './handlers-statsperform.js'
export { type OptaPush, type OptaPushOptions, optaPushes, type PushFailure } from './opta-push.js'
export type { FailureScenario, MockHandlers, SimProvider, SimRequest } from './scenarios.js'
export {
  type FeedMessage,
  type SimIncident,
  type SimPlayer,
  type SimState,
  type SimTeam,
  type SimulatedMatch,
  type SimulateMatchOptions,
  simulateMatch,
} from './simulate-match.js'
export { type MatchSummary, streamSummary, tvTime } from './summary.js'
export {
  advanceThroughMatch,
  createSystemClock,
  createVirtualClock,
  type VirtualClock,
} from './virtual-clock.js'
export {
  type FeedFailure,
  type FeedLogEntry,
  type WebSocketFeed,
  type WebSocketFeedOptions,
  webSocketFeed,
} from './ws-feed.js'
