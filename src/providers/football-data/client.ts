import { ProviderHttpError } from '../../http/errors.js'
import type { RateLimitState } from '../../http/rate-limit.js'
import {
  createHttpTransport,
  type HttpRetryOptions,
  type HttpTimeouts,
  type HttpTransport,
} from '../../http/transport.js'

const PROVIDER = 'football-data'
export const FOOTBALL_DATA_BASE_URL = 'https://api.football-data.org/v4'

export interface FootballDataClientOptions {
  token: string
  /** Used instead of the global fetch (read at call time, so msw sees every request). */
  fetch?: typeof globalThis.fetch
  timeouts?: HttpTimeouts
  /** The transport's own retries (default 3). Pollers set 0 and retry on their budget. */
  retry?: HttpRetryOptions
  /** Default https://api.football-data.org/v4. */
  baseUrl?: string
}

export interface FootballDataResponse {
  /** A match (`/matches/{id}`) or a list (`{ filters, resultSet, matches }`). */
  body: Record<string, unknown>
  rateLimit: RateLimitState
  attempts: number
}

export interface MatchesQuery {
  ids?: readonly (number | string)[]
  /** Competition codes or ids. */
  competitions?: readonly (number | string)[]
  status?: string
  dateFrom?: string
  dateTo?: string
}

export interface FootballDataClient {
  /** `GET /v4/matches/{id}`. */
  match(id: number | string, signal?: AbortSignal): Promise<FootballDataResponse>
  /** `GET /v4/matches`: today's matches of your competitions, filtered. */
  matches(query?: MatchesQuery, signal?: AbortSignal): Promise<FootballDataResponse>
  /** `GET /v4/competitions/{code}/matches`. */
  competitionMatches(
    code: string,
    query?: Omit<MatchesQuery, 'ids' | 'competitions'> & { matchday?: number; season?: number },
    signal?: AbortSignal,
  ): Promise<FootballDataResponse>
  readonly rateLimit: RateLimitState | undefined
  close(): Promise<void>
}

/**
 * Football-Data.org v4 over the shared transport: `X-Auth-Token`, the minute counters
 * (`X-Requests-Available-Minute`, `X-RequestCounter-Reset`) and the 429's "Wait N seconds" honoured.
 */
export function createFootballDataClient(options: FootballDataClientOptions): FootballDataClient {
  const transport: HttpTransport = createHttpTransport({
    provider: PROVIDER,
    baseUrl: options.baseUrl ?? FOOTBALL_DATA_BASE_URL,
    headers: { 'X-Auth-Token': options.token },
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    inspect: (body, response) =>
      body !== null && typeof body === 'object' && !Array.isArray(body)
        ? undefined
        : new ProviderHttpError({
            provider: PROVIDER,
            code: 'invalid_response',
            status: response.status,
            message: 'the body is not a Football-Data object',
            retryable: true,
          }),
  })

  async function get(
    path: string,
    query: Record<string, string | number | undefined>,
    signal?: AbortSignal,
  ): Promise<FootballDataResponse> {
    const result = await transport.getJson(path, signal ? { query, signal } : { query })
    return {
      body: result.data as Record<string, unknown>,
      rateLimit: result.rateLimit,
      attempts: result.attempts,
    }
  }

  return {
    match: (id, signal) => get(`matches/${encodeURIComponent(String(id))}`, {}, signal),
    matches: (query = {}, signal) =>
      get(
        'matches',
        {
          ids: query.ids?.join(','),
          competitions: query.competitions?.join(','),
          status: query.status,
          dateFrom: query.dateFrom,
          dateTo: query.dateTo,
        },
        signal,
      ),
    competitionMatches: (code, query = {}, signal) =>
      get(`competitions/${encodeURIComponent(code)}/matches`, { ...query }, signal),
    get rateLimit() {
      return transport.rateLimit
    },
    close: () => transport.close(),
  }
}
