import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ProviderHttpError } from '../../src/http/errors.js'
import { createApiFootballClient } from '../../src/providers/api-football/index.js'
import { createFootballDataClient } from '../../src/providers/football-data/index.js'
import { HEADLINE_DIFF_RULES } from '../../src/providers/headline/headline.js'
import { EventLedger } from '../../src/providers/polling/event-ledger.js'
import { RequestBudget } from '../../src/providers/polling/poll-budget.js'
import { makeEvent } from '../helpers/events.js'

const KEY = 'af-key-0123456789abcdef'
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

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

describe('RequestBudget', () => {
  const T0 = Date.parse('2025-05-25T23:58:00Z')

  it('keeps every 60-second window within the per-minute limit', () => {
    const budget = new RequestBudget({ perMinute: 3 })
    for (const t of [0, 1_000, 2_000]) budget.record(T0 + t)
    expect(budget.remainingThisMinute(T0 + 2_000)).toBe(0)
    expect(budget.earliest(T0 + 2_000)).toBe(T0 + 60_000)
    expect(budget.remainingThisMinute(T0 + 60_000)).toBe(1)
  })

  it('counts the day per UTC day, lowered by the provider`s remaining count, and blocks until a reset', () => {
    const budget = new RequestBudget({ perMinute: 10, perDay: 100 })
    budget.record(T0)
    expect(budget.remainingToday(T0)).toBe(99)
    budget.observe({ minute: { remaining: 9 }, day: { limit: 100, remaining: 5 } }, T0)
    budget.record(T0 + 1_000)
    expect(budget.remainingToday(T0 + 1_000)).toBe(4)
    // Asking about tomorrow does not reset today.
    expect(budget.remainingToday(T0 + 10 * 60_000)).toBe(100)
    expect(budget.remainingToday(T0 + 2_000)).toBe(4)
    budget.blockUntilDailyReset(T0, 'quota')
    expect(budget.earliest(T0 + 2_000)).toBe(Date.parse('2025-05-26T00:01:00Z'))
    expect(budget.snapshot(T0 + 2_000)).toMatchObject({
      usedToday: 2,
      remainingToday: 4,
      blockedUntil: '2025-05-26T00:01:00.000Z',
      blockedReason: 'quota',
    })
  })

  it('waits for the provider`s minute to reset when it says nothing is left', () => {
    const budget = new RequestBudget({ perMinute: 10 })
    budget.observe({ minute: { remaining: 0, resetInMs: 12_000 }, day: {} }, T0)
    expect(budget.earliest(T0 + 1)).toBe(T0 + 12_000)
  })
})

describe('EventLedger', () => {
  const e = (id: string, overrides = {}) =>
    makeEvent({ provider: 'api-football', matchId: '1', providerEventId: id, ...overrides })

  it('emits new ids at 0, changes at +1, removals as deletions at +1, and nothing for a replay', () => {
    const ledger = new EventLedger(HEADLINE_DIFF_RULES)
    const first = ledger.diffSnapshot('1', [e('goal:a'), e('card:b'), e('status:period_start:1')])
    expect(first.map((x) => [x.providerEventId, x.version, x.deleted])).toEqual([
      ['goal:a', 0, false],
      ['card:b', 0, false],
      ['status:period_start:1', 0, false],
    ])
    ledger.commit(first)
    expect(ledger.diffSnapshot('1', [e('goal:a'), e('card:b'), e('status:period_start:1')])).toEqual([])
    const second = ledger.diffSnapshot('1', [e('goal:a', { minute: 3 })])
    expect(second.map((x) => [x.providerEventId, x.version, x.deleted, x.minute])).toEqual([
      ['goal:a', 1, false, 3],
      ['card:b', 1, true, 0],
    ])
    ledger.commit(second)
    const back = ledger.diffSnapshot('1', [e('goal:a', { minute: 3 }), e('card:b')])
    expect(back.map((x) => [x.providerEventId, x.version, x.deleted])).toEqual([['card:b', 2, false]])
  })

  it('compares goals inferred from the score by id only', () => {
    const ledger = new EventLedger(HEADLINE_DIFF_RULES)
    ledger.commit(ledger.diffSnapshot('1', [e('score:home:1', { minute: 10 })]))
    expect(ledger.diffSnapshot('1', [e('score:home:1', { minute: 14 })])).toEqual([])
  })

  it('commits only what it is given: an undelivered batch is diffed again', () => {
    const ledger = new EventLedger(HEADLINE_DIFF_RULES)
    const batch = ledger.diffSnapshot('1', [e('goal:a')])
    expect(ledger.diffSnapshot('1', [e('goal:a')])).toEqual(batch)
    ledger.commit(batch)
    expect(ledger.events('1')).toEqual(batch)
  })
})
