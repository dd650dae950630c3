import { type HttpHandler, HttpResponse, http } from 'msw'
import type { PlanLimits } from '../providers/api-football/index.js'
import { FOOTBALL_DATA_PLANS } from '../providers/football-data/index.js'
import { applyFailure, type FailureScenario, type MockState, serverErrorStatus } from './scenarios.js'
import type { SimulatedMatch } from './simulate-match.js'

const MINUTE = 60_000
const BASE = 'https://api.football-data.org/v4'
const RESTRICTED =
  'The resource you are looking for is restricted and apparently not within your permissions. Please check your subscription.'
/** The failure types Football-Data has; others are left to the providers that have them. */
const HANDLED = new Set<FailureScenario['type']>([
  'http_429',
  'quota_exhausted',
  'invalid_key',
  'server_error',
  'slow',
  'timeout',
])

export interface FootballDataMockOptions {
  plan?: keyof typeof FOOTBALL_DATA_PLANS | PlanLimits
  tier?: 'free' | 'paid'
}

/**
 * Football-Data.org v4: `matches/{id}`, `matches`, `competitions/{code}/matches`, with the plan's counters
 * in its headers, its 429 "Wait N seconds" over the limit, and the failures asked for.
 */
export function footballDataHandlers(state: MockState, options: FootballDataMockOptions): HttpHandler[] {
  const plan = typeof options.plan === 'object' ? options.plan : FOOTBALL_DATA_PLANS[options.plan ?? 'free']
  const tier = options.tier ?? 'paid'

  function headers(usedMinute: number, at: number): Record<string, string> {
    const reset = Math.ceil((MINUTE - (at % MINUTE)) / 1000)
    return {
      'X-API-Version': 'v4',
      'X-Authenticated-Client': 'matchfeed-testing',
      'X-RequestCounter-Reset': String(reset),
      'X-Requests-Available-Minute': String(Math.max(0, plan.perMinute - usedMinute)),
    }
  }

  async function answer(request: Request, kind: 'match' | 'list', params: { id?: string; code?: string }) {
    const entry = state.entry('football-data', request)
    const { at } = entry
    if (!request.headers.get('x-auth-token')) {
      state.log(entry, 403, 'unauthorized')
      return HttpResponse.json({ message: RESTRICTED, errorCode: 403 }, { status: 403 })
    }
    const usedMinute = state.count(`fd:m:${Math.floor(at / MINUTE)}`)
    const h = headers(usedMinute, at)
    const failed = await applyFailure(state, entry, request, HANDLED, (f) => injectedAnswer(f, h))
    if (failed instanceof Response) return failed
    const ok = failed ?? 'ok'
    if (usedMinute > plan.perMinute) {
      state.log(entry, 429, 'over_limit')
      const message = `You reached your request limit. Wait ${h['X-RequestCounter-Reset']} seconds.`
      return HttpResponse.json({ message, errorCode: 429 }, { status: 429, headers: h })
    }
    if (kind === 'match') {
      const sim = state.sims.find((s) => String(s.fixtureId) === params.id)
      if (!sim) {
        state.log(entry, 404, 'not_found')
        const message = 'The resource you are looking for does not exist.'
        return HttpResponse.json({ message, errorCode: 404 }, { status: 404, headers: h })
      }
      state.log(entry, 200, ok, [sim.fixtureId])
      return HttpResponse.json(sim.footballDataMatch(at, tier), { headers: h })
    }
    const url = new URL(request.url)
    const chosen = selectMatches(state.sims, url, params.code)
    state.log(
      entry,
      200,
      ok,
      chosen.map((s) => s.fixtureId),
    )
    return HttpResponse.json(listBody(chosen, url, at, tier), { headers: h })
  }

  return [
    http.get(`${BASE}/matches/:id`, ({ request, params }) =>
      answer(request, 'match', { id: String(params.id) }),
    ),
    http.get(`${BASE}/matches`, ({ request }) => answer(request, 'list', {})),
    http.get(`${BASE}/competitions/:code/matches`, ({ request, params }) =>
      answer(request, 'list', { code: String(params.code) }),
    ),
  ]
}

function selectMatches(
  sims: readonly SimulatedMatch[],
  url: URL,
  code: string | undefined,
): SimulatedMatch[] {
  const ids = url.searchParams.get('ids')?.split(',')
  const codes = (code ?? url.searchParams.get('competitions') ?? '').split(',').filter(Boolean)
  return sims.filter(
    (s) =>
      (!ids || ids.includes(String(s.fixtureId))) &&
      (codes.length === 0 || codes.includes(s.competition.code) || codes.includes(String(s.competition.id))),
  )
}

/** A list resource: lists fold goals, bookings and substitutions away (X-Unfold-* is not simulated). */
function listBody(chosen: SimulatedMatch[], url: URL, at: number, tier: 'free' | 'paid') {
  const items = chosen.map((s) => {
    const m = s.footballDataMatch(at, tier)
    for (const key of ['goals', 'bookings', 'substitutions', 'penalties']) delete m[key]
    return m
  })
  const days = chosen.map((s) => new Date(s.kickOff).toISOString().slice(0, 10)).sort()
  return {
    filters: Object.fromEntries(url.searchParams),
    resultSet: {
      count: items.length,
      first: days[0] ?? null,
      last: days.at(-1) ?? null,
      played: items.filter((m) => m.status === 'FINISHED').length,
    },
    matches: items,
  }
}

function injectedAnswer(f: FailureScenario, headers: Record<string, string>): Response {
  switch (f.type) {
    case 'http_429': {
      const message = `You reached your request limit. Wait ${f.retryAfterSeconds ?? 30} seconds.`
      return HttpResponse.json({ message, errorCode: 429 }, { status: 429, headers })
    }
    case 'quota_exhausted':
      return HttpResponse.json(
        { message: 'You reached your request limit. Wait 60 seconds.', errorCode: 429 },
        { status: 429, headers },
      )
    case 'invalid_key':
      return HttpResponse.json({ message: RESTRICTED, errorCode: 403 }, { status: 403 })
    default: // server_error, timeout
      return HttpResponse.json(
        { message: 'Service Unavailable', errorCode: serverErrorStatus(f) },
        { status: serverErrorStatus(f) },
      )
  }
}
