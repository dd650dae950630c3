import type { Side } from '../event/enums.js'
import type { MatchTimeline, SimTeam } from './timeline.js'

/**
 * What a provider renderer draws on: who plays (the match's identity) and what happens when (its
 * timeline). A renderer is a module `render-<provider>.ts` exporting `create<Provider>Renderer(match)`,
 * which returns that provider's API responses, each a function of the instant `at` (then the request's
 * own options): what the provider would answer at that moment. The detailed feeds (StatsBomb, Opta and
 * Stats Perform, WebSocket) draw on `feedRecords(timeline)` (when each period marker and incident is shown,
 * completed and withdrawn) and `squads(context)` (the team sheets); Opta's two feeds share one event model
 * (`opta-events.ts`).
 */
export interface RenderContext {
  readonly fixtureId: number
  readonly teams: Readonly<Record<Side, SimTeam>>
  readonly competition: { id: number; name: string; code: string }
  readonly league: { id: number; name: string; season: number }
  /** Seeds the shuffled event order. */
  readonly seed: number
  /** A recording's lineups, served as they are (API-Football's shape). */
  readonly lineups: unknown
  readonly timeline: MatchTimeline
}
