import { defaultScript } from './default-script.js'
import { feedRecords } from './feed-records.js'
import { readRecording } from './recording.js'
import { createApiFootballRenderer } from './render-api-football.js'
import type { RenderContext } from './render-context.js'
import { createFootballDataRenderer } from './render-football-data.js'
import { createOptaRenderer } from './render-opta.js'
import { createStatsBombRenderer } from './render-statsbomb.js'
import { createStatsPerformRenderer } from './render-statsperform.js'
import { createWebSocketRenderer, type FeedMessage } from './render-websocket.js'
import { type MatchSummary, timelineSummary } from './summary.js'
import { MatchTimeline, MINUTE, type SimIncident, type SimState, type SimTeam } from './timeline.js'
import { createVirtualClock, type VirtualClock } from './virtual-clock.js'

export type { FeedMessage } from './render-websocket.js'
export type { SimIncident, SimPlayer, SimState, SimTeam } from './timeline.js'

export interface SimulateMatchOptions {
  /**
   * The fixture id (API-Football), match id (Football-Data, StatsBomb, WebSocket feeds) and game id (Opta).
   * Default 1000001, or the recording's.
   */
  fixtureId?: number
  /** Kick-off (default 2025-05-25T15:00:00Z, or the recording's). */
  kickOff?: string | number | Date
  home?: SimTeam
  away?: SimTeam
  /** What happens. Default: a scripted match drawn from `seed` (goals, an own goal, a VAR reversal, cards, subs). */
  incidents?: SimIncident[]
  /** Seeds the default script and the shuffled event order. Default 1. */
  seed?: number
  /** Minutes added to each half (and extra-time half). Defaults: 3, 5, 1, 2 — raised to fit the incidents. */
  addedTime?: { first?: number; second?: number; extraFirst?: number; extraSecond?: number }
  /** Play extra time after 90 minutes. */
  extraTime?: boolean
  /** End with a penalty shoot-out (after extra time when `extraTime`). */
  shootout?: boolean
  /** Minutes of half-time. Default 15. */
  halfTimeMinutes?: number
  /** API-Football lists events in a different order on each request (ids must not care). */
  shuffleEvents?: boolean
  /** Seconds between an event and its appearance in the feeds. Default 20. */
  lagSeconds?: number
  /**
   * Replays a recorded API-Football fixture (`fixtures?id=` response or item): its teams, lineups and events
   * (served verbatim), its final status; a `Var`/`Goal cancelled` whose goal the recording no longer lists
   * gets that goal back, listed until the decision.
   */
  recording?: unknown
  /** Football-Data's competition. Default the Premier League (2021, PL). */
  competition?: { id: number; name: string; code: string }
  /** API-Football's league. Default 39 (Premier League), season 2025. */
  league?: { id: number; name: string; season: number }
  /** The clock the providers answer at. Default: a virtual clock starting 10 minutes before kick-off. */
  clock?: VirtualClock
}

/** A match simulated from a script or a recording; the testing handlers serve it at the clock's time. */
export interface SimulatedMatch {
  readonly fixtureId: number
  readonly kickOff: number
  /** When the final status appears. */
  readonly endsAt: number
  readonly clock: VirtualClock
  readonly home: SimTeam
  readonly away: SimTeam
  readonly competition: { id: number; name: string; code: string }
  readonly league: { id: number; name: string; season: number }
  readonly incidents: readonly SimIncident[]
  readonly shuffleEvents: boolean
  readonly seed: number
  /** The final match score (shoot-out excluded). */
  readonly finalScore: { home: number; away: number }
  /** When every feed shows the final state: late reports, withdrawals and revisions included. */
  readonly settledAt: number
  /** The final score, goals, cards and substitutions, as `streamSummary` reads them from a stream. */
  readonly finalSummary: MatchSummary
  /** Stats Perform's id of the fixture (the `{uuid}` of its feed URLs). */
  readonly statsPerformId: string
  state(at?: number): SimState
  /** An item of API-Football's `fixtures` response at `at` (default now). `order` shuffles the events. */
  apiFootballFixture(at?: number, order?: number): Record<string, unknown>
  /** API-Football's `fixtures/events` items at `at`. */
  apiFootballEvents(at?: number, order?: number): unknown[]
  /** Football-Data's v4 match at `at`; `free` leaves out what the free tier does not have. */
  footballDataMatch(at?: number, tier?: 'free' | 'paid'): Record<string, unknown>
  /** StatsBomb's v8 events at `at` (`[]` before kick-off). */
  statsBombEvents(at?: number): unknown[]
  /** StatsBomb's v4 lineups at `at` (`[]` until an hour before kick-off). */
  statsBombLineups(at?: number): unknown[]
  /** Stats Perform's MA1 (match details) at `at`. */
  statsPerformMA1(at?: number): Record<string, unknown>
  /** Stats Perform's MA3 (match events) at `at`. */
  statsPerformMA3(at?: number): Record<string, unknown>
  /** Opta's F24 XML at `at`: the whole match so far. */
  optaF24(at?: number): string
  /** Opta's F7 XML at `at`. */
  optaF7(at?: number): string
  /** A live feed's messages over the whole match, in the order sent; MatchEvents named `provider`. */
  feedMessages(provider?: string): readonly FeedMessage[]
}

/**
 * A deterministic simulated match: kick-off, goals, an own goal, a VAR reversal, cards, substitutions,
 * half-time, extra time and a shoot-out if asked — or a recorded API-Football fixture replayed. The testing
 * handlers answer both providers' endpoints from it at the clock's time, so a poller can follow a whole
 * match in a test run.
 */
export function simulateMatch(options: SimulateMatchOptions = {}): SimulatedMatch {
  const seed = options.seed ?? 1
  const fromRecording = options.recording === undefined ? undefined : readRecording(options.recording)
  const home = options.home ?? fromRecording?.home ?? { id: 33, name: 'Manchester United' }
  const away = options.away ?? fromRecording?.away ?? { id: 66, name: 'Aston Villa' }
  const fixtureId = options.fixtureId ?? fromRecording?.fixtureId ?? 1_000_001
  const kickOff =
    options.kickOff !== undefined
      ? new Date(options.kickOff).getTime()
      : (fromRecording?.kickOff ?? Date.parse('2025-05-25T15:00:00Z'))
  const incidents = options.incidents ?? fromRecording?.incidents ?? defaultScript(seed, home, away)
  const clock = options.clock ?? createVirtualClock(kickOff - 10 * MINUTE)
  const lagMs = (options.lagSeconds ?? 20) * 1000
  const timeline = new MatchTimeline({
    kickOff,
    incidents,
    extraTime: options.extraTime ?? fromRecording?.extraTime ?? false,
    shootout: options.shootout ?? fromRecording?.shootout ?? false,
    lagMs,
    halfTimeMs: (options.halfTimeMinutes ?? 15) * MINUTE,
    addedTime: {
      first: options.addedTime?.first ?? 3,
      second: options.addedTime?.second ?? fromRecording?.secondHalfAdded ?? 5,
      extraFirst: options.addedTime?.extraFirst ?? 1,
      extraSecond: options.addedTime?.extraSecond ?? 2,
    },
  })
  const competition = options.competition ?? { id: 2021, name: 'Premier League', code: 'PL' }
  const league = options.league ?? fromRecording?.league ?? { id: 39, name: 'Premier League', season: 2025 }
  // The timeline says what happens when; each renderer, what its provider's API answers at an instant.
  const context: RenderContext = {
    fixtureId,
    teams: { home, away },
    competition,
    league,
    seed,
    lineups: fromRecording?.lineups,
    timeline,
  }
  const apiFootball = createApiFootballRenderer(context)
  const footballData = createFootballDataRenderer(context)
  const statsBomb = createStatsBombRenderer(context)
  const statsPerform = createStatsPerformRenderer(context)
  const opta = createOptaRenderer(context)
  const feed = createWebSocketRenderer(context)

  const match: SimulatedMatch = {
    fixtureId,
    kickOff,
    endsAt: timeline.endsAt,
    clock,
    home,
    away,
    competition,
    league,
    incidents,
    shuffleEvents: options.shuffleEvents ?? false,
    seed,
    finalScore: timeline.state(timeline.endsAt + lagMs + MINUTE).score,
    settledAt: feedRecords(timeline).settledAt,
    finalSummary: timelineSummary(timeline),
    statsPerformId: statsPerform.fixtureUuid,
    state: (at = clock.now()) => timeline.state(at),
    apiFootballFixture: (at = clock.now(), order) => apiFootball.fixture(at, order),
    apiFootballEvents: (at = clock.now(), order) => apiFootball.events(at, order),
    footballDataMatch: (at = clock.now(), tier = 'paid') => footballData.match(at, tier),
    statsBombEvents: (at = clock.now()) => statsBomb.events(at),
    statsBombLineups: (at = clock.now()) => statsBomb.lineups(at),
    statsPerformMA1: (at = clock.now()) => statsPerform.ma1(at),
    statsPerformMA3: (at = clock.now()) => statsPerform.ma3(at),
    optaF24: (at = clock.now()) => opta.f24(at),
    optaF7: (at = clock.now()) => opta.f7(at),
    feedMessages: (provider = 'simulated') => feed.messages(provider),
  }
  timelines.set(match, timeline)
  return match
}

const timelines = new WeakMap<SimulatedMatch, MatchTimeline>()

/** The timeline of a match `simulateMatch` made: for the helpers that need more than its public shape. */
export function timelineOf(match: SimulatedMatch): MatchTimeline {
  const timeline = timelines.get(match)
  if (!timeline) throw new TypeError('not a match made by simulateMatch')
  return timeline
}
