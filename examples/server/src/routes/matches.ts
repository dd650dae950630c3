// GET /api/v1/matches: the stored matches, most recently active first, each with its teams, score, period
// and clock — the match page's list, computed from the events table in one query, at most once per FRESH_MS
// for all the requests of this instance.
import type { FastifyInstance } from 'fastify'
import { sendStorageFailure } from '../http/errors.js'
import type { Runtime } from '../runtime.js'

const MAX_PAGE = 200
/** How long one computed list answers every request: each open list page polls every 5 s. */
const FRESH_MS = 2000

const querySchema = {
  type: 'object',
  properties: { limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 50 } },
  additionalProperties: false,
} as const

// Withdrawn events count for nothing. "Latest" is the match's own order (period, time in it, seq), not the
// order of arrival: a goal reported late does not move the clock back. The score is the one the latest
// score-carrying event gives, else the goals counted (an own goal counts for the other side; a shoot-out's
// kicks never do). Only the `limit` most recently active matches are aggregated, but finding them visits every
// match stored: a walk of the (match_id, …) index for the distinct ids, then a probe of each one's latest event
// (no index orders matches by activity) — about 12 µs a match on Postgres, 250 ms at 20,000. Hence one query
// per FRESH_MS shared by every request, whatever their number.
const MATCHES_SQL = `
WITH RECURSIVE ids AS (
  (SELECT match_id FROM match_events ORDER BY match_id LIMIT 1)
  UNION ALL
  SELECT (SELECT e.match_id FROM match_events e WHERE e.match_id > ids.match_id ORDER BY e.match_id LIMIT 1)
  FROM ids WHERE ids.match_id IS NOT NULL
),
latest AS (
  SELECT ids.match_id, last.at
  FROM ids CROSS JOIN LATERAL (
    SELECT coalesce(provider_timestamp, updated_at) AS at FROM match_events e
    WHERE e.match_id = ids.match_id AND NOT e.deleted
    ORDER BY period DESC, period_time DESC, seq DESC LIMIT 1
  ) last
  ORDER BY last.at DESC, ids.match_id
  LIMIT $1
)
SELECT e.match_id,
  count(*)::int AS events,
  max(period)::int AS period,
  max(coalesce(provider_timestamp, updated_at)) AS last_event_time,
  (array_agg(event->'team' ORDER BY seq) FILTER (WHERE event->'team'->>'side' = 'home'))[1] AS home,
  (array_agg(event->'team' ORDER BY seq) FILTER (WHERE event->'team'->>'side' = 'away'))[1] AS away,
  (array_agg(event->'score' ORDER BY period DESC, period_time DESC, seq DESC)
    FILTER (WHERE event->'score' IS NOT NULL))[1] AS score,
  count(*) FILTER (WHERE period < 5 AND type = 'shot' AND (
    (result = 'goal' AND event->'team'->>'side' = 'home') OR (result = 'own_goal' AND event->'team'->>'side' = 'away')
  ))::int AS home_goals,
  count(*) FILTER (WHERE period < 5 AND type = 'shot' AND (
    (result = 'goal' AND event->'team'->>'side' = 'away') OR (result = 'own_goal' AND event->'team'->>'side' = 'home')
  ))::int AS away_goals,
  (array_agg(type ORDER BY period DESC, period_time DESC, seq DESC)
    FILTER (WHERE type IN ('period_start', 'period_end')))[1] AS marker,
  (array_agg(jsonb_build_object('minute', minute, 'second', second, 'addedTime', added_time)
    ORDER BY period DESC, period_time DESC, seq DESC))[1] AS clock
FROM latest JOIN match_events e ON e.match_id = latest.match_id AND NOT e.deleted
GROUP BY e.match_id, latest.at
ORDER BY latest.at DESC, e.match_id`

interface Row {
  match_id: string
  events: number
  period: number
  last_event_time: Date | string
  home: Team | null
  away: Team | null
  score: { home: number; away: number } | null
  home_goals: number
  away_goals: number
  marker: 'period_start' | 'period_end' | null
  clock: { minute: number; second: number; addedTime: number | null }
}

interface Team {
  id: string
  name?: string
}

/** One match of the list: what a scoreboard shows. */
interface MatchSummary {
  id: string
  home: Team | null
  away: Team | null
  score: { home: number; away: number }
  period: number
  /** `play` once a period started, `break` after its end (half-time, full time), `pre` before any marker. */
  phase: 'pre' | 'play' | 'break'
  clock: { minute: number; second: number; addedTime?: number }
  events: number
  lastEventTime: string
}

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T

function summary(row: Row): MatchSummary {
  const clock = json<Row['clock']>(row.clock)
  const team = (t: unknown) => {
    const parsed = json<Team | null>(t)
    return parsed && { id: parsed.id, ...(parsed.name !== undefined && { name: parsed.name }) }
  }
  return {
    id: row.match_id,
    home: team(row.home),
    away: team(row.away),
    score: json(row.score) ?? { home: row.home_goals, away: row.away_goals },
    period: row.period,
    phase: row.marker === 'period_end' ? 'break' : row.marker === 'period_start' ? 'play' : 'pre',
    clock: {
      minute: clock.minute,
      second: clock.second,
      ...(clock.addedTime !== null && { addedTime: clock.addedTime }),
    },
    events: row.events,
    lastEventTime: new Date(row.last_event_time).toISOString(),
  }
}

interface Computed {
  limit: number
  list: Promise<MatchSummary[]>
  /** Infinity while the query runs: the requests meanwhile wait for it. */
  freshUntil: number
}

export function matchRoutes(runtime: Runtime) {
  let held: Computed | undefined
  const matches = async (limit: number): Promise<MatchSummary[]> => {
    let entry = held
    if (!entry || entry.limit < limit || Date.now() >= entry.freshUntil) {
      // The longest list asked for so far: a shorter one is its head, so varied limits share one query too.
      const size = Math.max(limit, entry?.limit ?? 0)
      const computed: Computed = {
        limit: size,
        list: runtime.storage.client
          .query(MATCHES_SQL, [size])
          .then(({ rows }) => (rows as unknown as Row[]).map(summary)),
        freshUntil: Number.POSITIVE_INFINITY,
      }
      computed.list.then(
        () => {
          computed.freshUntil = Date.now() + FRESH_MS
        },
        () => {
          if (held === computed) held = undefined // a failure is not kept: the next request asks again
        },
      )
      held = entry = computed
    }
    return (await entry.list).slice(0, limit)
  }

  return async (scope: FastifyInstance) => {
    scope.get<{ Querystring: { limit: number } }>(
      '/api/v1/matches',
      { schema: { querystring: querySchema } },
      async (request, reply) => {
        try {
          return { matches: await matches(request.query.limit) }
        } catch (error) {
          return sendStorageFailure(reply, error)
        }
      },
    )
  }
}
