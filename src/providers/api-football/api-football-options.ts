// What a user passes to API-Football's parser and poller (the options schemas). The wire schemas are in wire.ts.
import { z } from 'zod'
import { fn } from '../options.js'
import { MINUTE } from '../polling/poll-clock.js'
import { HeadlinePollerOptionsSchema, pollId } from '../polling/poller-options.js'

const id = z.union([z.string().min(1), z.int()]).transform(String)
const matchId = id.refine((v) => !v.includes(':'), 'must not contain ":"')

/** What a parse warning says: the event was kept (as `generic` when it could not be mapped). */
export interface ApiFootballWarning {
  provider: 'api-football'
  matchId: string
  /** Dotted path of the item in the payload, e.g. `response[0].events[3].detail`. */
  field: string
  message: string
  providerType?: string
}

const TeamRefOption = z.object({ id, name: z.string().optional() })

export const ApiFootballParseOptionsSchema = z.object({
  /** The fixture id: required for a `fixtures/events` response whose `parameters.fixture` is missing. */
  fixtureId: matchId.optional(),
  /**
   * The two teams, for a `fixtures/events` response (it has no `teams`): gives `team.side`, the score on
   * goals, and the defending side of an own goal when only one team appears in the events.
   */
  teams: z.object({ home: TeamRefOption, away: TeamRefOption }).optional(),
  /** Keep the original event item in `raw` (events derived from the status have none). */
  includeRaw: z.boolean().default(false),
  /** Called for each unknown type, detail or status (kept as `generic`) and each lineup mismatch. */
  onWarning: fn<(warning: ApiFootballWarning) => void>().optional(),
})
export type ApiFootballParseOptions = z.input<typeof ApiFootballParseOptionsSchema>

const PlanSchema = z.union([
  z.enum(['free', 'pro', 'ultra', 'mega']),
  z.object({ perMinute: z.int().positive(), perDay: z.int().positive().optional() }),
])

/** Options of createApiFootballPoller. */
export const ApiFootballPollerOptionsSchema = HeadlinePollerOptionsSchema.extend({
  apiKey: z.string().min(1),
  host: z.enum(['api-sports', 'rapidapi']).default('api-sports'),
  /** Fixture ids to follow until each has finished. */
  fixtures: z.array(pollId).min(1).optional(),
  /** League ids: follow their fixtures in play (`fixtures?live=39-61`). */
  leagues: z.array(pollId).min(1).optional(),
  /** Follow every fixture in play (`fixtures?live=all`). */
  live: z.literal(true).optional(),
  /** The plan's limits: a name (free: 10/min, 100/day) or your own numbers. Default free. */
  plan: PlanSchema.default('free'),
  /** Never poll a fixture more often than this. Default 15 s (the provider refreshes every 15 s). */
  minIntervalMs: z.int().positive().default(15_000),
  /** Live and leagues modes, while nothing is in play. Default 10 min (never more than a quarter of the day's budget). */
  idleIntervalMs: z
    .int()
    .positive()
    .default(10 * MINUTE),
  /** Live and leagues modes: stop once every fixture followed has finished and none is in play. */
  stopWhenIdle: z.boolean().default(false),
  onWarning: fn<(warning: ApiFootballWarning) => void>().optional(),
  name: z.string().min(1).default('api-football'),
}).refine((o) => [o.fixtures, o.leagues, o.live].filter((v) => v !== undefined).length === 1, {
  message: 'give exactly one of fixtures, leagues or live: true',
})
export type ApiFootballPollerOptions = z.input<typeof ApiFootballPollerOptionsSchema>
