import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { ProviderHttpError } from '../../src/http/errors.js'
import { createApiFootballClient } from '../../src/providers/api-football/index.js'
import { setupProviderServer } from '../helpers/pollers.js'

const KEY = 'af-key-0123456789abcdef'
const server = setupProviderServer()

const fast = { retries: 2, minDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 }

function envelope(errors: unknown, response: unknown[] = []) {
  return { get: 'fixtures', parameters: { live: 'all' }, errors, results: response.length, response }
}

describe('createApiFootballClient', () => {
  it('sends the key of each host and reads the envelope and the quota headers', async () => {
    const seen: Record<string, string | null>[] = []
    const answer = ({ request }: { request: Request }) => {
      seen.push({
        url: request.url,
        apisports: request.headers.get('x-apisports-key'),
        rapid: request.headers.get('x-rapidapi-key'),
        rapidHost: request.headers.get('x-rapidapi-host'),
      })
      return HttpResponse.json(envelope([], [{ fixture: { id: 1 } }]), {
        headers: { 'x-ratelimit-requests-remaining': '42', 'x-ratelimit-requests-limit': '100' },
      })
    }
    server.use(
      http.get('https://v3.football.api-sports.io/fixtures', answer),
      http.get('https://api-football-v1.p.rapidapi.com/v3/fixtures', answer),
    )
    const direct = await createApiFootballClient({ apiKey: KEY }).fixtures({ ids: [1, 2], live: undefined })
    expect(direct.body.response).toEqual([{ fixture: { id: 1 } }])
    expect(direct.rateLimit.day).toEqual({ limit: 100, remaining: 42 })
    await createApiFootballClient({ apiKey: KEY, host: 'rapidapi' }).fixtures({ live: [39, 61] })
    expect(seen).toEqual([
      {
        url: 'https://v3.football.api-sports.io/fixtures?ids=1-2',
        apisports: KEY,
        rapid: null,
        rapidHost: null,
      },
      {
        url: 'https://api-football-v1.p.rapidapi.com/v3/fixtures?live=39-61',
        apisports: null,
        rapid: KEY,
        rapidHost: 'api-football-v1.p.rapidapi.com',
      },
    ])
  })

  it.each([
    [{ token: 'Error/Missing application key.' }, 'unauthorized', false, 1],
    [{ requests: 'You have reached the request limit for the day' }, 'quota_exhausted', false, 1],
    [{ rateLimit: 'Too many requests. Your rate limit is 10 requests per minute.' }, 'rate_limited', true, 1],
    [{ required: 'At least one parameter is required.' }, 'bad_request', false, 1],
  ] as const)(
    'turns HTTP 200 with errors %j into %s (retryable %s)',
    async (errors, code, retryable, calls) => {
      let count = 0
      server.use(
        http.get('https://v3.football.api-sports.io/fixtures', () => {
          count++
          return HttpResponse.json(envelope(errors))
        }),
      )
      const client = createApiFootballClient({ apiKey: KEY, retry: fast })
      const error = await client.fixtures({ live: 'all' }).catch((e) => e)
      expect(error).toBeInstanceOf(ProviderHttpError)
      expect(error).toMatchObject({ provider: 'api-football', code, retryable, status: 200 })
      expect(error.retryAfterMs === undefined).toBe(code === 'unauthorized' || code === 'bad_request')
      expect(`${error.message} ${error.bodyExcerpt}`).not.toContain(KEY)
      // Waits longer than maxRetryAfterMs (a minute, a day) are left to the caller: one attempt.
      expect(count).toBe(calls)
    },
  )

  it('accepts an empty errors object or array as success', async () => {
    server.use(http.get('https://v3.football.api-sports.io/fixtures', () => HttpResponse.json(envelope({}))))
    const result = await createApiFootballClient({ apiKey: KEY }).fixtures({ id: 1 })
    expect(result.body.results).toBe(0)
  })
})
