// GET /api/v1/matches: the stored matches, most recently active first, each with its teams, score, period
// and clock — the match page's list, computed from the events table in one query.
import type { FastifyInstance } from 'fastify'
import { sendStorageFailure } from '../http/errors.js'
import type { Runtime } from '../runtime.js'

const MAX_PAGE = 200

const querySchema = {
  type: 'object',
  properties: { limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 50 } },
  additionalProperties: false,
} as const

// Withdrawn events count for nothing. "Latest" is the match's own order (period, time in it, seq), not the
// order of arrival: a goal reported late does not move the clock back. The score is the one the latest
// score-carrying event gives, else the goals counted (an own goal counts for the other side; a shoot-out's
// kicks never do). Only the `limit` most recently active matches are aggregated: their ids come from a walk of
// the (match_id, period, period_time, seq) index — one probe per match, never a scan of every event.
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
export interface MatchSummary {
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

export function matchRoutes(runtime: Runtime) {
  return async (scope: FastifyInstance) => {
    scope.get<{ Querystring: { limit: number } }>(
      '/api/v1/matches',
      { schema: { querystring: querySchema } },
      async (request, reply) => {
        try {
          const { rows } = await runtime.storage.client.query(MATCHES_SQL, [request.query.limit])
          return { matches: (rows as unknown as Row[]).map(summary) }
        } catch (error) {
          return sendStorageFailure(reply, error)
        }
      },
    )
  }
}
