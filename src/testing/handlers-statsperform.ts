import { createHash } from 'node:crypto'
import { HttpResponse, http } from 'msw'
import {
  applyFailure,
  createMockState,
  type FailureScenario,
  type MockHandlers,
  type MockState,
  mockHandlers,
  retryAfter,
  serverErrorStatus,
} from './scenarios.js'
import type { SimulatedMatch } from './simulate-match.js'

export interface StatsPerformMockOptions {
  /** The outlet key of the feed URLs (and of the token endpoint). */
  outletKey: string
  /** With it, the feeds need a bearer token from the OAuth endpoint (the client's `secretKey` flow). */
  secretKey?: string
  /** `expires_in` of the tokens issued; a token is refused (401) from then on. Default 600 s. */
  tokenLifetimeSeconds?: number
  /** Default `https://api.performfeeds.com/soccerdata`, as the client's. */
  baseUrl?: string
  /** Default `https://oauth.performgroup.com/oauth/token`, as the client's. */
  oauthUrl?: string
  failures?: FailureScenario[]
}

const FEED_FAILURES = new Set<FailureScenario['type']>([
  'http_429',
  'server_error',
  'invalid_key',
  'slow',
  'timeout',
  'token_expired',
])
const OAUTH_FAILURES = new Set<FailureScenario['type']>(['oauth_error'])

/**
 * msw handlers for Stats Perform's SDAPI: the OAuth token endpoint (sha512 Basic, `Timestamp`; tokens that
 * expire), and the MA1 (`match`) and MA3 (`matchevent`) feeds of simulated matches (their
 * `statsPerformId` is the fixture uuid, in the path or as `?fx=`), JSON, growing as the match goes. An
 * expired, revoked or missing token gets 401; a wrong outlet key 403; an unknown fixture or feed 404.
 *
 * ```ts
 * server.use(...statsPerformHandlers(match, { outletKey: 'outlet', secretKey: 'secret' }))
 * ```
 */
export function statsPerformHandlers(
  matches: SimulatedMatch | SimulatedMatch[],
  options: StatsPerformMockOptions,
): MockHandlers {
  const state = createMockState('statsPerformHandlers', matches, options.failures)
  const base = (options.baseUrl ?? 'https://api.performfeeds.com/soccerdata').replace(/\/$/, '')
  const oauthUrl = (options.oauthUrl ?? 'https://oauth.performgroup.com/oauth/token').replace(/\/$/, '')
  const tokens = createTokens(state, options.tokenLifetimeSeconds ?? 600)

  async function token(request: Request, outlet: string): Promise<Response> {
    const entry = state.entry('statsperform', request)
    const failed = await applyFailure(state, entry, request, OAUTH_FAILURES, (f) =>
      HttpResponse.json({ error: 'temporarily_unavailable' }, { status: serverErrorStatus(f) }),
    )
    if (failed instanceof Response) return failed
    const problem = await oauthProblem(request, outlet, options)
    if (problem) {
      state.log(entry, problem.status, 'unauthorized')
      return HttpResponse.json(
        { error: problem.error, error_description: problem.reason },
        { status: problem.status },
      )
    }
    state.log(entry, 200, 'ok')
    return HttpResponse.json(tokens.issue())
  }

  async function feed(request: Request, name: string, outlet: string, fixture: string): Promise<Response> {
    const entry = state.entry('statsperform', request)
    const denied = outlet !== options.outletKey ? 403 : options.secretKey && !tokens.valid(request) ? 401 : 0
    if (denied) {
      state.log(entry, denied, 'unauthorized')
      return sdapiError(denied, denied === 401 ? 'invalid or expired token' : 'outlet not authorised')
    }
    const failed = await applyFailure(state, entry, request, FEED_FAILURES, (f) => {
      if (f.type === 'token_expired') tokens.revokeAll()
      return injectedAnswer(f)
    })
    if (failed instanceof Response) return failed
    const sim = state.sims.find((s) => s.statsPerformId === fixture)
    const render =
      name === 'match' ? sim?.statsPerformMA1 : name === 'matchevent' ? sim?.statsPerformMA3 : undefined
    if (!sim || !render) {
      state.log(entry, 404, 'not_found')
      return sdapiError(404, sim ? `feed ${name} is not simulated` : 'fixture not found')
    }
    state.log(entry, 200, failed ?? 'ok', [sim.fixtureId])
    return HttpResponse.json(render(state.clock.now()))
  }

  const fixtureOf = (request: Request, param: unknown) =>
    typeof param === 'string' && param !== '' ? param : (new URL(request.url).searchParams.get('fx') ?? '')
  return mockHandlers(
    [
      http.post(`${oauthUrl}/:outlet`, ({ request, params }) => token(request, String(params.outlet))),
      // The fixture in the path, or as `?fx=`.
      ...[`${base}/:feed/:outlet/:fixture`, `${base}/:feed/:outlet`].map((path) =>
        http.get(path, ({ request, params }) =>
          feed(request, String(params.feed), String(params.outlet), fixtureOf(request, params.fixture)),
        ),
      ),
    ],
    state,
  )
}

/** The tokens issued, each valid until it expires or is revoked. */
function createTokens(state: MockState, lifetimeSeconds: number) {
  const issued = new Map<string, number>()
  let serial = 0
  return {
    issue() {
      const value = `sim-${++serial}-${state.first.statsPerformId.slice(0, 8)}`
      issued.set(value, state.clock.now() + lifetimeSeconds * 1000)
      return {
        access_token: value,
        token_type: 'Bearer',
        expires_in: lifetimeSeconds,
        scope: 'b2b-feeds-auth',
      }
    },
    valid(request: Request): boolean {
      const value = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]
      const expiresAt = value === undefined ? undefined : issued.get(value)
      return expiresAt !== undefined && state.clock.now() < expiresAt
    },
    revokeAll: () => issued.clear(),
  }
}

/** What is wrong with a token request: the outlet, the sha512 Basic over outlet + Timestamp + secret, the body. */
async function oauthProblem(
  request: Request,
  outlet: string,
  options: StatsPerformMockOptions,
): Promise<{ status: number; error: string; reason: string } | undefined> {
  const timestamp = request.headers.get('timestamp') ?? ''
  const basic = /^Basic\s+([0-9a-f]{128})$/i.exec(request.headers.get('authorization') ?? '')?.[1]
  // Hashed synchronously: a hash on the thread pool would let fake timers run past the request.
  const expected = options.secretKey
    ? createHash('sha512').update(`${options.outletKey}${timestamp}${options.secretKey}`).digest('hex')
    : ''
  if (outlet !== options.outletKey || !options.secretKey || !timestamp || basic?.toLowerCase() !== expected) {
    return { status: 401, error: 'invalid_client', reason: 'the outlet, Timestamp or signature is wrong' }
  }
  const body = new URLSearchParams(await request.text())
  if (body.get('grant_type') !== 'client_credentials') {
    return { status: 400, error: 'unsupported_grant_type', reason: 'grant_type must be client_credentials' }
  }
  return undefined
}

// SDAPI's error bodies are not in the reference: a short JSON stands in; the status is what clients read.
function sdapiError(status: number, message: string, headers: Record<string, string> = {}): Response {
  return HttpResponse.json({ errorCode: String(status), message }, { status, headers })
}

function injectedAnswer(f: FailureScenario): Response {
  switch (f.type) {
    case 'http_429':
      return sdapiError(429, 'too many requests', retryAfter(f))
    case 'invalid_key':
      return sdapiError(403, 'outlet not authorised')
    case 'token_expired':
      return sdapiError(401, 'invalid or expired token')
    default: // server_error, timeout
      return sdapiError(serverErrorStatus(f), 'service unavailable')
  }
}
