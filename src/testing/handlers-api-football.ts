import { type HttpHandler, HttpResponse, http } from 'msw'
import { API_FOOTBALL_PLANS, type PlanLimits } from '../providers/api-football/index.js'
import {
  applyFailure,
  type FailureScenario,
  type MockState,
  retryAfter,
  serverErrorStatus,
} from './scenarios.js'
import type { SimulatedMatch } from './simulate-match.js'

const MINUTE = 60_000
const DAY = 86_400_000
const BASES = ['https://v3.football.api-sports.io', 'https://api-football-v1.p.rapidapi.com/v3']
const LIVE = new Set(['1H', 'HT', '2H', 'ET', 'BT', 'P', 'SUSP', 'INT', 'LIVE'])
const DAILY_LIMIT =
  'You have reached the request limit for the day, Go to https://dashboard.api-football.com to upgrade your plan.'

/** The failure types API-Football has; others are left to the providers that have them. */
const HANDLED = new Set<FailureScenario['type']>([
  'http_429',
  'rate_limit_200',
  'quota_exhausted',
  'invalid_key',
  'server_error',
  'slow',
  'timeout',
])

type Get = 'fixtures' | 'fixtures/events'

/** The envelope of every API-Football answer, success and error. */
function envelope(
  get: string,
  parameters: Record<string, string>,
  response: unknown[],
  errors: unknown = [],
) {
  return {
    get,
    parameters: Object.keys(parameters).length === 0 ? [] : parameters,
    errors,
    results: response.length,
    paging: { current: 1, total: 1 },
    response,
  }
}

/**
 * API-Football v3 (both hosts): `fixtures` (`id`, `ids`, `live`) and `fixtures/events`, with the plan's
 * counters in the rate-limit headers, its own answers over the limits, and the failures asked for.
 */
export function apiFootballHandlers(
  state: MockState,
  planOption: keyof typeof API_FOOTBALL_PLANS | PlanLimits | undefined,
): HttpHandler[] {
  const plan = typeof planOption === 'object' ? planOption : API_FOOTBALL_PLANS[planOption ?? 'free']
  const perDay = plan.perDay ?? 100
  let order = 0

  function headers(usedMinute: number, usedDay: number): Record<string, string> {
    return {
      'x-ratelimit-requests-limit': String(perDay),
      'x-ratelimit-requests-remaining': String(Math.max(0, perDay - usedDay)),
      'X-RateLimit-Limit': String(plan.perMinute),
      'X-RateLimit-Remaining': String(Math.max(0, plan.perMinute - usedMinute)),
      'cache-control': 'private, max-age=0, no-store, no-cache, must-revalidate',
    }
  }

  async function answer(request: Request, get: Get): Promise<Response> {
    const entry = state.entry('api-football', request)
    const { at } = entry
    const parameters = Object.fromEntries(new URL(request.url).searchParams)
    if (!request.headers.get('x-apisports-key') && !request.headers.get('x-rapidapi-key')) {
      state.log(entry, 403, 'unauthorized')
      const token = 'Missing application key, Check our documentation on how to add your API key in headers.'
      return HttpResponse.json(envelope('', {}, [], { token, error: '4xHe' }), { status: 403 })
    }
    const usedMinute = state.count(`af:m:${Math.floor(at / MINUTE)}`)
    const usedDay = state.count(`af:d:${Math.floor(at / DAY)}`)
    const h = headers(usedMinute, usedDay)
    const failed = await applyFailure(state, entry, request, HANDLED, (f) =>
      injectedAnswer(state, f, get, parameters, h, perDay),
    )
    if (failed instanceof Response) return failed
    const ok = failed ?? 'ok'
    const overLimit =
      usedDay > (plan.perDay ?? Number.POSITIVE_INFINITY)
        ? { requests: DAILY_LIMIT }
        : usedMinute > plan.perMinute
          ? { rateLimit: `Too many requests. Your rate limit is ${plan.perMinute} requests per minute.` }
          : undefined
    if (overLimit) {
      state.log(entry, 200, 'over_limit')
      return HttpResponse.json(envelope(get, parameters, [], overLimit), { headers: h })
    }
    const { items, matchIds, found } = selectItems(state.sims, get, parameters, at, order++)
    state.log(entry, 200, found ? ok : 'not_found', matchIds)
    return HttpResponse.json(envelope(get, parameters, items), { headers: h })
  }

  return BASES.flatMap((base) => [
    http.get(`${base}/fixtures/events`, ({ request }) => answer(request, 'fixtures/events')),
    http.get(`${base}/fixtures`, ({ request }) => answer(request, 'fixtures')),
  ])
}

/** The response items for a request: one fixture's events, or the fixtures the query selects. */
function selectItems(
  sims: readonly SimulatedMatch[],
  get: Get,
  parameters: Record<string, string>,
  at: number,
  poll: number,
): { items: unknown[]; matchIds: number[]; found: boolean } {
  if (get === 'fixtures/events') {
    const sim = sims.find((s) => String(s.fixtureId) === parameters.fixture)
    const items = sim ? sim.apiFootballEvents(at, sim.shuffleEvents ? poll : undefined) : []
    return { items, matchIds: sim ? [sim.fixtureId] : [], found: sim !== undefined }
  }
  let chosen: readonly SimulatedMatch[]
  if (parameters.id) chosen = sims.filter((s) => String(s.fixtureId) === parameters.id)
  else if (parameters.ids) {
    const ids = parameters.ids.split('-')
    chosen = sims.filter((s) => ids.includes(String(s.fixtureId)))
  } else if (parameters.live) {
    const leagues = parameters.live === 'all' ? undefined : parameters.live.split('-')
    chosen = sims.filter(
      (s) => LIVE.has(s.state(at).status) && (!leagues || leagues.includes(String(s.league.id))),
    )
  } else chosen = sims
  const items = chosen.map((s) => {
    const item = s.apiFootballFixture(at, s.shuffleEvents ? poll : undefined)
    // Lineups come with a single fixture only (`ids` and `live` lists leave them out here).
    if (!parameters.id) delete item.lineups
    return item
  })
  return { items, matchIds: chosen.map((s) => s.fixtureId), found: true }
}

function injectedAnswer(
  state: MockState,
  f: FailureScenario,
  get: string,
  parameters: Record<string, string>,
  headers: Record<string, string>,
  perDay: number,
): Response {
  const failed = (errors: unknown, extra: Record<string, string> = {}) =>
    HttpResponse.json(envelope(get || 'fixtures', parameters, [], errors), {
      headers: { ...headers, ...extra },
    })
  switch (f.type) {
    case 'http_429':
      return HttpResponse.json(
        { message: 'Too many requests' },
        { status: 429, headers: { ...headers, ...retryAfter(f) } },
      )
    case 'rate_limit_200':
      return failed({ rateLimit: 'Too many requests. Your rate limit is 10 requests per minute.' })
    case 'quota_exhausted':
      // Spends the rest of the day's quota, as another process with the same key would.
      state.setCount(`af:d:${Math.floor(state.clock.now() / DAY)}`, perDay)
      return failed({ requests: DAILY_LIMIT }, { 'x-ratelimit-requests-remaining': '0' })
    case 'invalid_key':
      return failed({
        token:
          'Error/Missing application key. Go to https://www.api-football.com/documentation-v3 to learn how to get your API application key.',
      })
    default: // server_error, timeout
      return HttpResponse.json(
        { message: 'Something went wrong while fetching details. Try again later.' },
        { status: serverErrorStatus(f) },
      )
  }
}
