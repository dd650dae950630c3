import { delay, type HttpHandler, HttpResponse, http } from 'msw'
import { API_FOOTBALL_PLANS } from '../providers/api-football/map-api-football.js'
import { FOOTBALL_DATA_PLANS } from '../providers/football-data/map-football-data.js'
import type { PlanLimits } from '../providers/headline/poll-budget.js'
import type { SimulatedMatch } from './simulate-match.js'

export type SimProvider = 'api-football' | 'football-data'

/**
 * A failure the mocked providers inject, from `atMinute` minutes after the first match's kick-off (wall
 * clock; negative: before), for `count` requests in a row (default 1).
 */
export interface FailureScenario {
  type:
    | 'http_429' // 429; API-Football's proxy form, or Football-Data's "Wait N seconds"
    | 'rate_limit_200' // API-Football: HTTP 200 with errors.rateLimit
    | 'quota_exhausted' // API-Football: errors.requests until the next 00:00 UTC; Football-Data: a 429
    | 'invalid_key' // API-Football: HTTP 200 with errors.token; Football-Data: 403
    | 'server_error' // 5xx (`status`, default 503)
    | 'slow' // answers after `delayMs` of real time, the virtual clock moved on by `virtualDelayMs`
  provider?: SimProvider
  atMinute?: number
  count?: number
  status?: number
  retryAfterSeconds?: number
  delayMs?: number
  virtualDelayMs?: number
}

export interface MockOptions {
  /** API-Football's plan for the quota headers and limits. Default free (10/min, 100/day). */
  apiFootballPlan?: keyof typeof API_FOOTBALL_PLANS | PlanLimits
  /** Football-Data's plan. Default free (10/min). */
  footballDataPlan?: keyof typeof FOOTBALL_DATA_PLANS | PlanLimits
  /** Football-Data's tier: `free` leaves out goals, bookings, substitutions and the minute. Default paid. */
  footballDataTier?: 'free' | 'paid'
  failures?: FailureScenario[]
}

/** One request the mocked providers answered. */
export interface SimRequest {
  provider: SimProvider
  /** The simulated time of the request (ms). */
  at: number
  url: string
  status: number
  /** `ok`, an injected failure's type, or `over_limit` when the request broke the plan's limits. */
  outcome: 'ok' | 'over_limit' | 'not_found' | 'unauthorized' | FailureScenario['type']
  /** Fixture/match ids the answer carried. */
  matchIds: number[]
}

export interface MockHandlers extends Array<HttpHandler> {
  /** Every request answered, in order. */
  readonly requests: SimRequest[]
  /** Forgets the requests and the quota counters. */
  reset(): void
}

const MINUTE = 60_000
const DAY = 86_400_000
const API_FOOTBALL_BASES = ['https://v3.football.api-sports.io', 'https://api-football-v1.p.rapidapi.com/v3']
const FOOTBALL_DATA_BASE = 'https://api.football-data.org/v4'
const LIVE = new Set(['1H', 'HT', '2H', 'ET', 'BT', 'P', 'SUSP', 'INT', 'LIVE'])

/**
 * msw handlers for API-Football v3 (both hosts) and Football-Data.org v4 answering from simulated
 * matches at their clock's time, with the real envelopes, the rate-limit headers and counters of the
 * plans, and the failures asked for. Requests over a plan's limit get the provider's own answer
 * (API-Football: HTTP 200 with `errors.rateLimit` / `errors.requests`; Football-Data: 429) and are
 * logged as `over_limit`.
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
  const sims = Array.isArray(matches) ? matches : [matches]
  const first = sims[0]
  if (!first) throw new TypeError('handlers: give at least one simulated match')
  const clock = first.clock
  const afPlan =
    typeof options.apiFootballPlan === 'object'
      ? options.apiFootballPlan
      : API_FOOTBALL_PLANS[options.apiFootballPlan ?? 'free']
  const fdPlan =
    typeof options.footballDataPlan === 'object'
      ? options.footballDataPlan
      : FOOTBALL_DATA_PLANS[options.footballDataPlan ?? 'free']
  const tier = options.footballDataTier ?? 'paid'
  const failures = (options.failures ?? []).map((f) => ({ ...f, left: f.count ?? 1 }))
  const requests: SimRequest[] = []
  const counters = new Map<string, number>()
  let order = 0

  const count = (key: string) => {
    const n = (counters.get(key) ?? 0) + 1
    counters.set(key, n)
    return n
  }

  /** The injected failure for this request, if one is due. */
  function failure(provider: SimProvider, at: number) {
    for (const f of failures) {
      if (f.left <= 0 || (f.provider && f.provider !== provider)) continue
      if (at < first!.kickOff + (f.atMinute ?? 0) * MINUTE) continue
      f.left--
      return f
    }
    return undefined
  }

  function log(entry: SimRequest): void {
    requests.push(entry)
  }

  // ---------------------------------------------------------------- API-Football
  function afHeaders(usedMinute: number, usedDay: number): Record<string, string> {
    return {
      'x-ratelimit-requests-limit': String(afPlan.perDay ?? 100),
      'x-ratelimit-requests-remaining': String(Math.max(0, (afPlan.perDay ?? 100) - usedDay)),
      'X-RateLimit-Limit': String(afPlan.perMinute),
      'X-RateLimit-Remaining': String(Math.max(0, afPlan.perMinute - usedMinute)),
      'cache-control': 'private, max-age=0, no-store, no-cache, must-revalidate',
    }
  }

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

  async function apiFootball(request: Request, get: 'fixtures' | 'fixtures/events'): Promise<Response> {
    const at = clock.now()
    const url = new URL(request.url)
    const parameters = Object.fromEntries(url.searchParams)
    const base: Omit<SimRequest, 'status' | 'outcome' | 'matchIds'> = {
      provider: 'api-football',
      at,
      url: url.pathname + url.search,
    }
    if (!request.headers.get('x-apisports-key') && !request.headers.get('x-rapidapi-key')) {
      log({ ...base, status: 403, outcome: 'unauthorized', matchIds: [] })
      return HttpResponse.json(
        envelope('', {}, [], {
          token: 'Missing application key, Check our documentation on how to add your API key in headers.',
          error: '4xHe',
        }),
        { status: 403 },
      )
    }
    const usedMinute = count(`af:m:${Math.floor(at / MINUTE)}`)
    const usedDay = count(`af:d:${Math.floor(at / DAY)}`)
    const headers = afHeaders(usedMinute, usedDay)
    const injected = failure('api-football', at)
    if (injected) {
      const answer = await injectedAnswer('api-football', injected, get, parameters, headers)
      if (answer) {
        log({ ...base, status: answer.status, outcome: injected.type, matchIds: [] })
        return answer
      }
    }
    const ok = injected?.type === 'slow' ? 'slow' : 'ok'
    if (usedDay > (afPlan.perDay ?? Number.POSITIVE_INFINITY)) {
      log({ ...base, status: 200, outcome: 'over_limit', matchIds: [] })
      return HttpResponse.json(
        envelope(get, parameters, [], {
          requests:
            'You have reached the request limit for the day, Go to https://dashboard.api-football.com to upgrade your plan.',
        }),
        { headers },
      )
    }
    if (usedMinute > afPlan.perMinute) {
      log({ ...base, status: 200, outcome: 'over_limit', matchIds: [] })
      return HttpResponse.json(
        envelope(get, parameters, [], {
          rateLimit: `Too many requests. Your rate limit is ${afPlan.perMinute} requests per minute.`,
        }),
        { headers },
      )
    }
    const poll = order++
    if (get === 'fixtures/events') {
      const sim = sims.find((s) => String(s.fixtureId) === parameters.fixture)
      const items = sim ? sim.apiFootballEvents(at, sim.shuffleEvents ? poll : undefined) : []
      log({ ...base, status: 200, outcome: sim ? ok : 'not_found', matchIds: sim ? [sim.fixtureId] : [] })
      return HttpResponse.json(envelope(get, parameters, items), { headers })
    }
    let chosen: SimulatedMatch[]
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
    const response = chosen.map((s) => {
      const item = s.apiFootballFixture(at, s.shuffleEvents ? poll : undefined)
      // Lineups come with a single fixture only (`ids` and `live` lists leave them out here).
      if (!parameters.id) delete item.lineups
      return item
    })
    log({ ...base, status: 200, outcome: ok, matchIds: chosen.map((s) => s.fixtureId) })
    return HttpResponse.json(envelope(get, parameters, response), { headers })
  }

  // ---------------------------------------------------------------- Football-Data
  function fdHeaders(usedMinute: number, at: number): Record<string, string> {
    const reset = Math.ceil((MINUTE - (at % MINUTE)) / 1000)
    return {
      'X-API-Version': 'v4',
      'X-Authenticated-Client': 'matchfeed-testing',
      'X-RequestCounter-Reset': String(reset),
      'X-Requests-Available-Minute': String(Math.max(0, fdPlan.perMinute - usedMinute)),
    }
  }

  async function footballData(
    request: Request,
    kind: 'match' | 'list',
    params: { id?: string; code?: string },
  ): Promise<Response> {
    const at = clock.now()
    const url = new URL(request.url)
    const base: Omit<SimRequest, 'status' | 'outcome' | 'matchIds'> = {
      provider: 'football-data',
      at,
      url: url.pathname + url.search,
    }
    if (!request.headers.get('x-auth-token')) {
      log({ ...base, status: 403, outcome: 'unauthorized', matchIds: [] })
      return HttpResponse.json(
        {
          message:
            'The resource you are looking for is restricted and apparently not within your permissions. Please check your subscription.',
          errorCode: 403,
        },
        { status: 403 },
      )
    }
    const usedMinute = count(`fd:m:${Math.floor(at / MINUTE)}`)
    const headers = fdHeaders(usedMinute, at)
    const injected = failure('football-data', at)
    if (injected) {
      const answer = await injectedAnswer('football-data', injected, '', {}, headers)
      if (answer) {
        log({ ...base, status: answer.status, outcome: injected.type, matchIds: [] })
        return answer
      }
    }
    const ok = injected?.type === 'slow' ? 'slow' : 'ok'
    if (usedMinute > fdPlan.perMinute) {
      log({ ...base, status: 429, outcome: 'over_limit', matchIds: [] })
      return HttpResponse.json(
        {
          message: `You reached your request limit. Wait ${headers['X-RequestCounter-Reset']} seconds.`,
          errorCode: 429,
        },
        { status: 429, headers },
      )
    }
    if (kind === 'match') {
      const sim = sims.find((s) => String(s.fixtureId) === params.id)
      if (!sim) {
        log({ ...base, status: 404, outcome: 'not_found', matchIds: [] })
        return HttpResponse.json(
          { message: 'The resource you are looking for does not exist.', errorCode: 404 },
          { status: 404, headers },
        )
      }
      log({ ...base, status: 200, outcome: ok, matchIds: [sim.fixtureId] })
      return HttpResponse.json(sim.footballDataMatch(at, tier), { headers })
    }
    const ids = url.searchParams.get('ids')?.split(',')
    const codes = (params.code ?? url.searchParams.get('competitions') ?? '').split(',').filter(Boolean)
    const chosen = sims.filter(
      (s) =>
        (!ids || ids.includes(String(s.fixtureId))) &&
        (codes.length === 0 ||
          codes.includes(s.competition.code) ||
          codes.includes(String(s.competition.id))),
    )
    // Lists fold goals, bookings and substitutions away (X-Unfold-* headers are not simulated).
    const items = chosen.map((s) => {
      const m = s.footballDataMatch(at, tier)
      for (const key of ['goals', 'bookings', 'substitutions', 'penalties']) delete m[key]
      return m
    })
    log({ ...base, status: 200, outcome: ok, matchIds: chosen.map((s) => s.fixtureId) })
    const days = chosen.map((s) => new Date(s.kickOff).toISOString().slice(0, 10)).sort()
    return HttpResponse.json(
      {
        filters: Object.fromEntries(url.searchParams),
        resultSet: {
          count: items.length,
          first: days[0] ?? null,
          last: days.at(-1) ?? null,
          played: items.filter((m) => m.status === 'FINISHED').length,
        },
        matches: items,
      },
      { headers },
    )
  }

  async function injectedAnswer(
    provider: SimProvider,
    f: FailureScenario,
    get: string,
    parameters: Record<string, string>,
    headers: Record<string, string>,
  ): Promise<Response | undefined> {
    const retryAfter: Record<string, string> =
      f.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(f.retryAfterSeconds) }
    switch (f.type) {
      case 'slow':
        await delay(f.delayMs ?? 50)
        clock.advance(f.virtualDelayMs ?? 0)
        return undefined // then answers normally
      case 'server_error':
        return provider === 'api-football'
          ? HttpResponse.json(
              { message: 'Something went wrong while fetching details. Try again later.' },
              { status: f.status ?? 503 },
            )
          : HttpResponse.json(
              { message: 'Service Unavailable', errorCode: f.status ?? 503 },
              { status: f.status ?? 503 },
            )
      case 'http_429':
        return provider === 'api-football'
          ? HttpResponse.json(
              { message: 'Too many requests' },
              { status: 429, headers: { ...headers, ...retryAfter } },
            )
          : HttpResponse.json(
              {
                message: `You reached your request limit. Wait ${f.retryAfterSeconds ?? 30} seconds.`,
                errorCode: 429,
              },
              { status: 429, headers },
            )
      case 'rate_limit_200':
        return HttpResponse.json(
          envelope(get || 'fixtures', parameters, [], {
            rateLimit: 'Too many requests. Your rate limit is 10 requests per minute.',
          }),
          { headers },
        )
      case 'quota_exhausted':
        if (provider === 'football-data') {
          return HttpResponse.json(
            { message: 'You reached your request limit. Wait 60 seconds.', errorCode: 429 },
            { status: 429, headers },
          )
        }
        // Spends the rest of the day's quota, as another process with the same key would.
        counters.set(`af:d:${Math.floor(clock.now() / DAY)}`, afPlan.perDay ?? 100)
        return HttpResponse.json(
          envelope(get || 'fixtures', parameters, [], {
            requests:
              'You have reached the request limit for the day, Go to https://dashboard.api-football.com to upgrade your plan.',
          }),
          { headers: { ...headers, 'x-ratelimit-requests-remaining': '0' } },
        )
      case 'invalid_key':
        return provider === 'api-football'
          ? HttpResponse.json(
              envelope(get || 'fixtures', parameters, [], {
                token:
                  'Error/Missing application key. Go to https://www.api-football.com/documentation-v3 to learn how to get your API application key.',
              }),
            )
          : HttpResponse.json(
              {
                message:
                  'The resource you are looking for is restricted and apparently not within your permissions. Please check your subscription.',
                errorCode: 403,
              },
              { status: 403 },
            )
    }
  }

  const list: HttpHandler[] = [
    ...API_FOOTBALL_BASES.flatMap((base) => [
      http.get(`${base}/fixtures/events`, ({ request }) => apiFootball(request, 'fixtures/events')),
      http.get(`${base}/fixtures`, ({ request }) => apiFootball(request, 'fixtures')),
    ]),
    http.get(`${FOOTBALL_DATA_BASE}/matches/:id`, ({ request, params }) =>
      footballData(request, 'match', { id: String(params.id) }),
    ),
    http.get(`${FOOTBALL_DATA_BASE}/matches`, ({ request }) => footballData(request, 'list', {})),
    http.get(`${FOOTBALL_DATA_BASE}/competitions/:code/matches`, ({ request, params }) =>
      footballData(request, 'list', { code: String(params.code) }),
    ),
  ]
  return Object.assign(list, {
    requests,
    reset() {
      requests.length = 0
      counters.clear()
      for (const f of failures) f.left = f.count ?? 1
    },
  })
}
