import { ProviderHttpError } from '../../http/errors.js'
import type { RateLimitState } from '../../http/rate-limit.js'
import {
  createHttpTransport,
  type HttpRetryOptions,
  type HttpTimeouts,
  type HttpTransport,
} from '../../http/transport.js'
import { nextUtcMidnight } from '../polling/poll-clock.js'

const PROVIDER = 'api-football'

/** Where the key was bought: the API-Sports dashboard, or the RapidAPI marketplace. */
export const API_FOOTBALL_HOSTS = {
  'api-sports': { baseUrl: 'https://v3.football.api-sports.io', host: 'v3.football.api-sports.io' },
  rapidapi: { baseUrl: 'https://api-football-v1.p.rapidapi.com/v3', host: 'api-football-v1.p.rapidapi.com' },
} as const
export type ApiFootballHost = keyof typeof API_FOOTBALL_HOSTS

export interface ApiFootballClientOptions {
  apiKey: string
  host?: ApiFootballHost
  /** Used instead of the global fetch (read at call time, so msw sees every request). */
  fetch?: typeof globalThis.fetch
  timeouts?: HttpTimeouts
  /** The transport's own retries (default 3). Pollers set 0 and retry on their budget. */
  retry?: HttpRetryOptions
}

/** The v3 envelope, as far as matchfeed reads it. */
export interface ApiFootballEnvelope {
  get: string
  parameters: Record<string, string> | unknown[]
  errors: Record<string, string> | unknown[]
  results: number
  paging?: { current: number; total: number }
  response: unknown[]
}

export interface ApiFootballResponse {
  body: ApiFootballEnvelope
  rateLimit: RateLimitState
  attempts: number
}

export type FixturesQuery = {
  id?: number | string
  /** Up to 20 fixture ids. */
  ids?: readonly (number | string)[]
  /** `'all'` or league ids. */
  live?: 'all' | readonly (number | string)[]
  date?: string
  league?: number | string
  season?: number | string
  timezone?: string
}

export interface ApiFootballClient {
  /** `GET /fixtures`: one fixture (`id`), several (`ids`, with events and lineups), or those in play (`live`). */
  fixtures(query: FixturesQuery, signal?: AbortSignal): Promise<ApiFootballResponse>
  /** `GET /fixtures/events?fixture=`. */
  fixtureEvents(fixtureId: number | string, signal?: AbortSignal): Promise<ApiFootballResponse>
  /** The last rate-limit headers seen. */
  readonly rateLimit: RateLimitState | undefined
  close(): Promise<void>
}

/**
 * API-Football v3 over the shared transport: the key in the host's header, and the provider's HTTP 200
 * failures (`errors: { token | requests | rateLimit | … }`) turned into typed errors: `token` is
 * `unauthorized` (not retried), `requests` the daily quota (`quota_exhausted`, wait for 00:00 UTC),
 * `rateLimit` the per-minute limit (`rate_limited`, retried after a minute), anything else `bad_request`.
 */
export function createApiFootballClient(options: ApiFootballClientOptions): ApiFootballClient {
  const host = API_FOOTBALL_HOSTS[options.host ?? 'api-sports']
  const headers: Record<string, string> =
    options.host === 'rapidapi'
      ? { 'x-rapidapi-key': options.apiKey, 'x-rapidapi-host': host.host }
      : { 'x-apisports-key': options.apiKey }
  const transport: HttpTransport = createHttpTransport({
    provider: PROVIDER,
    baseUrl: host.baseUrl,
    headers,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    inspect: inspectApiFootball,
  })

  async function get(
    path: string,
    query: Record<string, string | number | undefined>,
    signal?: AbortSignal,
  ): Promise<ApiFootballResponse> {
    const result = await transport.getJson(path, signal ? { query, signal } : { query })
    return {
      body: result.data as ApiFootballEnvelope,
      rateLimit: result.rateLimit,
      attempts: result.attempts,
    }
  }

  return {
    fixtures(query, signal) {
      const live = query.live === undefined ? undefined : query.live === 'all' ? 'all' : query.live.join('-')
      return get(
        'fixtures',
        {
          id: query.id,
          ids: query.ids?.join('-'),
          live,
          date: query.date,
          league: query.league,
          season: query.season,
          timezone: query.timezone,
        },
        signal,
      )
    },
    fixtureEvents(fixtureId, signal) {
      return get('fixtures/events', { fixture: fixtureId }, signal)
    },
    get rateLimit() {
      return transport.rateLimit
    },
    close: () => transport.close(),
  }
}

/** API-Football's failures inside HTTP 200 (and its envelope's shape), as typed errors. */
export function inspectApiFootball(body: unknown, response: Response): ProviderHttpError | undefined {
  if (body === null || typeof body !== 'object') {
    return new ProviderHttpError({
      provider: PROVIDER,
      code: 'invalid_response',
      status: response.status,
      message: 'the body is not an API-Football envelope',
      retryable: true,
    })
  }
  const errors = (body as { errors?: unknown }).errors
  if (errors && typeof errors === 'object' && !Array.isArray(errors) && Object.keys(errors).length > 0) {
    const entries = errors as Record<string, unknown>
    const [field, message] = Object.entries(entries)[0]!
    const text = `answered ${response.status} with errors.${field}: ${String(message)}`
    const bodyExcerpt = JSON.stringify(errors).slice(0, 300)
    if ('token' in entries) {
      return new ProviderHttpError({
        provider: PROVIDER,
        code: 'unauthorized',
        status: response.status,
        message: text,
        retryable: false,
        bodyExcerpt,
      })
    }
    if ('requests' in entries) {
      return new ProviderHttpError({
        provider: PROVIDER,
        code: 'quota_exhausted',
        status: response.status,
        message: text,
        retryable: false,
        retryAfterMs: nextUtcMidnight(Date.now()) - Date.now(),
        bodyExcerpt,
      })
    }
    if ('rateLimit' in entries) {
      return new ProviderHttpError({
        provider: PROVIDER,
        code: 'rate_limited',
        status: response.status,
        message: text,
        retryable: true,
        retryAfterMs: 60_000,
        bodyExcerpt,
      })
    }
    return new ProviderHttpError({
      provider: PROVIDER,
      code: 'bad_request',
      status: response.status,
      message: text,
      retryable: false,
      bodyExcerpt,
    })
  }
  if (!Array.isArray((body as { response?: unknown }).response)) {
    return new ProviderHttpError({
      provider: PROVIDER,
      code: 'invalid_response',
      status: response.status,
      message: 'the body has no response array',
      retryable: true,
    })
  }
  return undefined
}
