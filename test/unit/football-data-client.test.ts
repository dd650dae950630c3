import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { createFootballDataClient } from '../../src/providers/football-data/index.js'
import { setupProviderServer } from '../helpers/pollers.js'

const server = setupProviderServer()

const fast = { retries: 2, minDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 }

describe('createFootballDataClient', () => {
  it('sends the token and reads the minute counters; a 429 says how long to wait', async () => {
    server.use(
      http.get('https://api.football-data.org/v4/matches/7', ({ request }) =>
        request.headers.get('x-auth-token') === 'tok-123456'
          ? HttpResponse.json(
              { id: 7, status: 'TIMED' },
              { headers: { 'X-Requests-Available-Minute': '9', 'X-RequestCounter-Reset': '41' } },
            )
          : HttpResponse.json({ message: 'no', errorCode: 403 }, { status: 403 }),
      ),
      http.get('https://api.football-data.org/v4/matches', () =>
        HttpResponse.json(
          { message: 'You reached your request limit. Wait 48 seconds.', errorCode: 429 },
          { status: 429 },
        ),
      ),
    )
    const client = createFootballDataClient({ token: 'tok-123456', retry: { ...fast, maxRetryAfterMs: 10 } })
    const ok = await client.match(7)
    expect(ok.rateLimit.minute).toEqual({ remaining: 9, resetInMs: 41_000 })
    const error = await client.matches({ competitions: ['PL'] }).catch((e) => e)
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 48_000, status: 429 })
  })
})
