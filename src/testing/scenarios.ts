import { delay, type HttpHandler } from 'msw'
import type { SimulatedMatch } from './simulate-match.js'
import type { VirtualClock } from './virtual-clock.js'

export type SimProvider = 'api-football' | 'football-data' | 'statsbomb' | 'statsperform'

/**
 * A failure the mocked providers inject, from `atMinute` minutes after the first match's kick-off (wall
 * clock; negative: before), for `count` requests in a row (default 1). docs/testing.md lists what each
 * provider answers.
 */
export interface FailureScenario {
  type:
    | 'http_429' // 429; API-Football's proxy form, or Football-Data's "Wait N seconds"
    | 'rate_limit_200' // API-Football: HTTP 200 with errors.rateLimit
    | 'quota_exhausted' // API-Football: errors.requests until the next 00:00 UTC; Football-Data: a 429
    | 'invalid_key' // API-Football: HTTP 200 with errors.token; Football-Data: 403; StatsBomb: 401; Stats Perform: 403
    | 'server_error' // 5xx (`status`, default 503)
    | 'slow' // answers after `delayMs` of real time, the virtual clock moved on by `virtualDelayMs`
    | 'timeout' // no answer until the client gives up (its deadline), or for `delayMs` (default 30 s); then 504
    | 'token_expired' // Stats Perform: the bearer token in use is refused (401) from then on: renew it
    | 'oauth_error' // Stats Perform: the token endpoint fails (`status`, default 503)
  provider?: SimProvider
  atMinute?: number
  count?: number
  status?: number
  retryAfterSeconds?: number
  delayMs?: number
  virtualDelayMs?: number
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
  /** Fixture/match ids (the simulated matches' `fixtureId`) the answer carried. */
  matchIds: number[]
}

export interface MockHandlers extends Array<HttpHandler> {
  /** Every request answered, in order. */
  readonly requests: SimRequest[]
  /** Forgets the requests, the counters and the failures' progress. */
  reset(): void
}

/** What one factory's handlers share: the matches, their clock, the failures due, the log, the counters. */
export interface MockState {
  readonly sims: readonly SimulatedMatch[]
  readonly first: SimulatedMatch
  readonly clock: VirtualClock
  readonly requests: SimRequest[]
  /** The injected failure due for a request of `provider` at `at` that `accepts` it, if any (used up). */
  failure(
    provider: SimProvider,
    at: number,
    accepts?: (type: FailureScenario['type']) => boolean,
  ): FailureScenario | undefined
  /** Counts one more request under `key` (a plan's minute or day, say) and returns the count. */
  count(key: string): number
  setCount(key: string, n: number): void
  /** The request's provider, time and URL, for its log entry. */
  entry(provider: SimProvider, request: Request): RequestEntry
  log(entry: RequestEntry, status: number, outcome: SimRequest['outcome'], matchIds?: number[]): void
  reset(): void
}

export type RequestEntry = Omit<SimRequest, 'status' | 'outcome' | 'matchIds'>

export function createMockState(
  factory: string,
  matches: SimulatedMatch | readonly SimulatedMatch[],
  failures: readonly FailureScenario[] = [],
): MockState {
  const sims: readonly SimulatedMatch[] = Array.isArray(matches) ? matches : [matches as SimulatedMatch]
  const first = sims[0]
  if (!first) throw new TypeError(`${factory}: give at least one simulated match`)
  const pending = failures.map((f) => ({ ...f, left: f.count ?? 1 }))
  const counters = new Map<string, number>()
  const requests: SimRequest[] = []
  return {
    sims,
    first,
    clock: first.clock,
    requests,
    failure(provider, at, accepts) {
      for (const f of pending) {
        if (f.left <= 0 || (f.provider && f.provider !== provider)) continue
        if (at < first.kickOff + (f.atMinute ?? 0) * 60_000 || (accepts && !accepts(f.type))) continue
        f.left--
        return f
      }
      return undefined
    },
    count(key) {
      const n = (counters.get(key) ?? 0) + 1
      counters.set(key, n)
      return n
    },
    setCount: (key, n) => counters.set(key, n),
    entry(provider, request) {
      const url = new URL(request.url)
      return { provider, at: first.clock.now(), url: url.pathname + url.search }
    },
    log: (entry, status, outcome, matchIds = []) => requests.push({ ...entry, status, outcome, matchIds }),
    reset() {
      requests.length = 0
      counters.clear()
      for (const f of pending) f.left = f.count ?? 1
    },
  }
}

/** The handlers as a MockHandlers: the array, with the state's log and its reset. */
export function mockHandlers(list: HttpHandler[], state: MockState): MockHandlers {
  return Object.assign(list, { requests: state.requests, reset: () => state.reset() })
}

/**
 * The failure due for this request, applied: `slow` waits (`delayMs` of real time, or of fake timers'
 * time), moves the virtual clock on, and lets the request through (`'slow'`); `timeout` answers nothing
 * until the client aborts or `delayMs` (default 30 s) passed; the others answer `respond(failure)`, logged.
 */
export async function applyFailure(
  state: MockState,
  entry: RequestEntry,
  request: Request,
  handled: ReadonlySet<FailureScenario['type']>,
  respond: (f: FailureScenario) => Response,
): Promise<Response | 'slow' | undefined> {
  const f = state.failure(entry.provider, entry.at, (type) => handled.has(type))
  if (!f) return undefined
  if (f.type === 'slow') {
    await delay(f.delayMs ?? 50)
    state.clock.advance(f.virtualDelayMs ?? 0)
    return 'slow'
  }
  if (f.type === 'timeout') await untilAborted(request.signal, f.delayMs ?? 30_000)
  const response = respond(f)
  state.log(entry, response.status, f.type)
  return response
}

function untilAborted(signal: AbortSignal, ms: number): Promise<unknown> {
  return Promise.race([
    delay(ms),
    new Promise<void>((resolve) => {
      if (signal.aborted) resolve()
      signal.addEventListener('abort', () => resolve(), { once: true })
    }),
  ])
}

/** A 5xx failure's status: `status`, else 504 for a timeout and 503 for the rest. */
export const serverErrorStatus = (f: FailureScenario): number =>
  f.status ?? (f.type === 'timeout' ? 504 : 503)

/** The `Retry-After` header a failure asks for, if any. */
export function retryAfter(f: FailureScenario): Record<string, string> {
  return f.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(f.retryAfterSeconds) }
}
