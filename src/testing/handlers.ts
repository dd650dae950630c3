import type { API_FOOTBALL_PLANS } from '../providers/api-football/index.js'
import type { FOOTBALL_DATA_PLANS } from '../providers/football-data/index.js'
import type { PlanLimits } from '../providers/polling/poll-budget.js'
import { apiFootballHandlers } from './handlers-api-football.js'
import { footballDataHandlers } from './handlers-football-data.js'
import { createMockState, type FailureScenario, type MockHandlers, mockHandlers } from './scenarios.js'
import type { SimulatedMatch } from './simulate-match.js'

export type { FailureScenario, MockHandlers, SimProvider, SimRequest } from './scenarios.js'

export interface MockOptions {
  /** API-Football's plan for the quota headers and limits. Default free (10/min, 100/day). */
  apiFootballPlan?: keyof typeof API_FOOTBALL_PLANS | PlanLimits
  /** Football-Data's plan. Default free (10/min). */
  footballDataPlan?: keyof typeof FOOTBALL_DATA_PLANS | PlanLimits
  /** Football-Data's tier: `free` leaves out goals, bookings, substitutions and the minute. Default paid. */
  footballDataTier?: 'free' | 'paid'
  failures?: FailureScenario[]
}

/**
 * msw handlers for API-Football v3 (both hosts) and Football-Data.org v4 answering from simulated
 * matches at their clock's time, with the real envelopes, the rate-limit headers and counters of the
 * plans, and the failures asked for. Requests over a plan's limit get the provider's own answer
 * (API-Football: HTTP 200 with `errors.rateLimit` / `errors.requests`; Football-Data: 429) and are
 * logged as `over_limit`. The other providers have their own: `statsBombHandlers`,
 * `statsPerformHandlers`, `webSocketFeed`, `optaPushes`.
 *
 * ```ts
 * const match = simulateMatch({ seed: 7 })
 * const server = setupServer(...handlers(match))
 * ```
 */
export function handlers(
  matches: SimulatedMatch | SimulatedMatch[],
  options: MockOptions = {},
): MockHandlers {
  const state = createMockState('handlers', matches, options.failures)
  return mockHandlers(
    [
      ...apiFootballHandlers(state, options.apiFootballPlan),
      ...footballDataHandlers(state, { plan: options.footballDataPlan, tier: options.footballDataTier }),
    ],
    state,
  )
}
