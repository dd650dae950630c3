export type { BudgetSnapshot, PlanLimits } from '../headline/poll-budget.js'
export { type PollClock, systemClock } from '../headline/poll-clock.js'
export type { NextPoll } from '../headline/poller-options.js'
export {
  type ApiFootballEvent,
  ApiFootballEventSchema,
  type ApiFootballFixture,
  ApiFootballFixtureSchema,
  type ApiFootballParseOptions,
  type ApiFootballWarning,
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
export {
  type ApiFootballPoller,
  type ApiFootballPollerOptions,
  createApiFootballPoller,
} from './poller.js'
