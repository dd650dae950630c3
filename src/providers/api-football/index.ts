export type { BudgetSnapshot, PlanLimits } from '../polling/poll-budget.js'
export { type PollClock, systemClock } from '../polling/poll-clock.js'
export type { PollerReport } from '../polling/poll-loop.js'
export type { NextPoll } from '../polling/tracked-match.js'
export type {
  ApiFootballParseOptions,
  ApiFootballPollerOptions,
  ApiFootballWarning,
} from './api-football-options.js'
export {
  API_FOOTBALL_HOSTS,
  type ApiFootballClient,
  type ApiFootballClientOptions,
  type ApiFootballEnvelope,
  type ApiFootballHost,
  type ApiFootballResponse,
  createApiFootballClient,
  type FixturesQuery,
  inspectApiFootball,
} from './client.js'
export {
  API_FOOTBALL_EVENT_TYPES,
  API_FOOTBALL_PLANS,
  API_FOOTBALL_STATUSES,
  type ApiFootballMapping,
  type ApiFootballStatus,
  FINAL_STATUSES,
} from './map-api-football.js'
export { parseApiFootballFixture } from './parse-fixture.js'
export { type ApiFootballPoller, createApiFootballPoller } from './poller.js'
export {
  type ApiFootballEvent,
  ApiFootballEventSchema,
  type ApiFootballFixture,
  ApiFootballFixtureSchema,
} from './wire.js'
