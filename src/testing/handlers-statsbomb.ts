import { HttpResponse, http } from 'msw'
import {
  applyFailure,
  createMockState,
  type FailureScenario,
  type MockHandlers,
  mockHandlers,
  retryAfter,
  serverErrorStatus,
} from './scenarios.js'
import type { SimulatedMatch } from './simulate-match.js'

export interface StatsBombMockOptions {
  /** The HTTP Basic credentials accepted. Default: any non-empty username and password. */
  credentials?: { username: string; password: string }
  /** Default `https://data.statsbombservices.com/api`, as the client's. */
  baseUrl?: string
  failures?: FailureScenario[]
}

/** The failure types the StatsBomb mock injects. */
const HANDLED = new Set<FailureScenario['type']>([
  'http_429',
  'server_error',
  'invalid_key',
  'slow',
  'timeout',
])

/**
 * msw handlers for StatsBomb's Data API: `v8/events/{match_id}` and `v4/lineups/{match_id}` with HTTP Basic,
 * answering from simulated matches (their `fixtureId` is the match id) at their clock's time. Events appear
 * as the match goes, a goal is first listed without its xG and end location (completed a minute later), a
 * goal cancelled by VAR vanishes. Bad or missing credentials get 401; an unknown match 404.
 *
 * ```ts
 * server.use(...statsBombHandlers(match, { credentials: { username: 'me', password: 'secret' } }))
 * ```
 */
export function statsBombHandlers(
  matches: SimulatedMatch | SimulatedMatch[],
  options: StatsBombMockOptions = {},
): MockHandlers {
  const state = createMockState('statsBombHandlers', matches, options.failures)
  const base = (options.baseUrl ?? 'https://data.statsbombservices.com/api').replace(/\/$/, '')

  async function answer(request: Request, id: string, feed: 'events' | 'lineups'): Promise<Response> {
    const entry = state.entry('statsbomb', request)
    if (!authorized(request.headers.get('authorization'), options.credentials)) {
      state.log(entry, 401, 'unauthorized')
      return unauthorized()
    }
    const failed = await applyFailure(state, entry, request, HANDLED, injectedAnswer)
    if (failed instanceof Response) return failed
    const sim = state.sims.find((s) => String(s.fixtureId) === id)
    if (!sim) {
      state.log(entry, 404, 'not_found')
      return HttpResponse.json({ error: 'Not Found' }, { status: 404 })
    }
    state.log(entry, 200, failed ?? 'ok', [sim.fixtureId])
    const at = state.clock.now()
    return HttpResponse.json(feed === 'events' ? sim.statsBombEvents(at) : sim.statsBombLineups(at))
  }

  return mockHandlers(
    [
      http.get(`${base}/v8/events/:id`, ({ request, params }) =>
        answer(request, String(params.id), 'events'),
      ),
      http.get(`${base}/v4/lineups/:id`, ({ request, params }) =>
        answer(request, String(params.id), 'lineups'),
      ),
    ],
    state,
  )
}

function authorized(header: string | null, credentials: StatsBombMockOptions['credentials']): boolean {
  const encoded = /^Basic\s+(\S+)$/i.exec(header ?? '')?.[1]
  if (!encoded) return false
  let decoded: string
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)))
  } catch {
    return false
  }
  const colon = decoded.indexOf(':')
  if (colon <= 0 || colon === decoded.length - 1) return false
  return !credentials || decoded === `${credentials.username}:${credentials.password}`
}

// StatsBomb does not document its error bodies (statsbombpy only prints the status): a short JSON stands in.
function unauthorized(): Response {
  return HttpResponse.json(
    { error: 'Unauthorized' },
    { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="StatsBomb API"' } },
  )
}

function injectedAnswer(f: FailureScenario): Response {
  switch (f.type) {
    case 'http_429':
      return HttpResponse.json({ error: 'Too Many Requests' }, { status: 429, headers: retryAfter(f) })
    case 'invalid_key':
      return unauthorized()
    default: // server_error, timeout
      return HttpResponse.json({ error: 'Service Unavailable' }, { status: serverErrorStatus(f) })
  }
}
