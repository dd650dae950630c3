export type { PollerReport } from '../polling/poll-loop.js'
export {
  createFootballDataClient,
  FOOTBALL_DATA_BASE_URL,
  type FootballDataClient,
  type FootballDataClientOptions,
  type FootballDataResponse,
  type MatchesQuery,
} from './client.js'
export type {
  FootballDataParseOptions,
  FootballDataPollerOptions,
  FootballDataWarning,
} from './football-data-options.js'
export {
  FOOTBALL_DATA_CARDS,
  FOOTBALL_DATA_GOAL_TYPES,
  FOOTBALL_DATA_PLANS,
  FOOTBALL_DATA_STATUSES,
  type FootballDataStatus,
} from './map-football-data.js'
export { parseFootballDataMatch } from './parse-match.js'
export { createFootballDataPoller, type FootballDataNextPoll, type FootballDataPoller } from './poller.js'
export { type FootballDataMatch, FootballDataMatchSchema } from './wire.js'
