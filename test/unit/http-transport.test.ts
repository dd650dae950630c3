import { delay, HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createHttpTransport, type HttpTransportOptions, ProviderHttpError } from '../../src/http/index.js'

const BASE = 'https://api.example.test/v3'
const KEY = 'sk_live_0123456789abcdef'
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const fast = { retries: 3, minDelayMs: 1, maxDelayMs: 5 }
function transport(overrides: Partial<HttpTransportOptions> = {}) {
  return createHttpTransport({
    provider: 'api-football',
    baseUrl: BASE,
    headers: { 'x-apisports-key': KEY },
    retry: fast,
    ...overrides,
  })
}

async function failure(promise: Promise<unknown>): Promise<ProviderHttpError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderHttpError)
    const e = error as ProviderHttpError
    expect(`${e.message} ${e.bodyExcerpt ?? ''} ${JSON.stringify(e)}`).not.toContain(KEY)
    return e
  }
  throw new Error('expected a failure')
}

describe('createHttpTransport', () => {
  it('GETs JSON with the query and the configured headers, through the global fetch read at call time', async () => {
    const t = transport() // created before the handler exists: fetch is looked up per call
    let seen: Request | undefined
    server.use(
      http.get(`${BASE}/fixtures`, ({ request }) => {
        seen = request
        return HttpResponse.json(
          { response: [1, 2] },
          {
            headers: {
              'x-ratelimit-requests-limit': '100',
              'x-ratelimit-requests-remaining': '97',
              'X-RateLimit-Limit': '10',
              'X-RateLimit-Remaining': '9',
            },
          },
        )
      }),
    )
    const result = await t.getJson('/fixtures', { query: { live: 'all', league: undefined } })
    expect(result).toMatchObject({ data: { response: [1, 2] }, status: 200, attempts: 1 })
    expect(new URL(seen!.url).search).toBe('?live=all')
    expect(seen!.headers.get('x-apisports-key')).toBe(KEY)
    expect(result.rateLimit).toEqual({
      minute: { limit: 10, remaining: 9 },
      day: { limit: 100, remaining: 97 },
    })
    expect(t.rateLimit).toEqual(result.rateLimit)
  })

  it('uses an injected fetch instead of the global one', async () => {
    const calls: string[] = []
    const t = transport({
      fetch: async (input) => {
        calls.push(String(input))
        return Response.json({ ok: true })
      },
    })
    expect((await t.getJson('status')).data).toEqual({ ok: true })
    expect(calls).toEqual([`${BASE}/status`])
  })

  it('retries 5xx bursts and network errors, then succeeds', async () => {
    let n = 0
    server.use(
      http.get(`${BASE}/fixtures`, () => {
        n++
        if (n === 1) return HttpResponse.error()
        if (n < 4) return HttpResponse.json({ message: 'Something went wrong' }, { status: 503 })
        return HttpResponse.json({ ok: n })
      }),
    )
    const result = await transport().getJson('fixtures')
    expect(result).toMatchObject({ data: { ok: 4 }, attempts: 4 })
  })

  it('gives up after the configured retries with a typed, retryable error', async () => {
    let n = 0
    server.use(
      http.get(`${BASE}/fixtures`, () => {
        n++
        return HttpResponse.json({ message: 'down' }, { status: 500 })
      }),
    )
    const e = await failure(transport().getJson('fixtures'))
    expect(e).toMatchObject({ code: 'server_error', status: 500, retryable: true, provider: 'api-football' })
    expect(n).toBe(4)
  })

  it.each([
    [400, 'bad_request'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
  ] as const)('does not retry a %i (%s)', async (status, code) => {
    let n = 0
    server.use(
      http.get(`${BASE}/x`, () => {
        n++
        return HttpResponse.json({ message: `no ${KEY}` }, { status })
      }),
    )
    const e = await failure(transport().getJson('x'))
    expect(e).toMatchObject({ code, status, retryable: false })
    expect(e.bodyExcerpt).toContain('[redacted]')
    expect(n).toBe(1)
  })

  it('waits for Retry-After on a 429, then retries', async () => {
    let n = 0
    const times: number[] = []
    server.use(
      http.get(`${BASE}/x`, () => {
        times.push(Date.now())
        return ++n === 1
          ? HttpResponse.json({}, { status: 429, headers: { 'Retry-After': '1' } })
          : HttpResponse.json({ ok: true })
      }),
    )
    expect((await transport().getJson('x')).attempts).toBe(2)
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(990)
  })

  it("reads Football-Data's wait from X-RequestCounter-Reset or the message", async () => {
    server.use(
      http.get(`${BASE}/a`, () =>
        HttpResponse.json(
          { message: 'You reached your request limit. Wait 48 seconds.', errorCode: 429 },
          { status: 429 },
        ),
      ),
      http.get(`${BASE}/b`, () =>
        HttpResponse.json({ message: 'limit' }, { status: 429, headers: { 'X-RequestCounter-Reset': '61' } }),
      ),
    )
    // Longer than maxRetryAfterMs: fail at once and tell the caller how long to wait.
    const short = transport({ retry: { ...fast, maxRetryAfterMs: 5_000 } })
    expect(await failure(short.getJson('a'))).toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 48_000,
      retryable: true,
    })
    expect(await failure(short.getJson('b'))).toMatchObject({ code: 'rate_limited', retryAfterMs: 61_000 })
  })

  it('reports a 2xx that is not JSON as invalid_response', async () => {
    server.use(http.get(`${BASE}/x`, () => new HttpResponse('<html>maintenance</html>', { status: 200 })))
    const e = await failure(transport({ retry: { retries: 0 } }).getJson('x'))
    expect(e).toMatchObject({ code: 'invalid_response', status: 200 })
    expect(e.bodyExcerpt).toBe('<html>maintenance</html>')
  })

  it('lets the provider turn a 2xx body into an error, retried only when retryable', async () => {
    let n = 0
    server.use(
      http.get(`${BASE}/x`, () => {
        n++
        return HttpResponse.json({
          errors: n === 1 ? { rateLimit: 'Too many requests' } : { token: 'bad key' },
        })
      }),
    )
    const t = transport({
      inspect: (body) => {
        const errors = (body as { errors: Record<string, string> }).errors
        if (errors.rateLimit)
          return new ProviderHttpError({
            provider: 'api-football',
            code: 'rate_limited',
            message: errors.rateLimit,
            retryable: true,
          })
        if (errors.token)
          return new ProviderHttpError({
            provider: 'api-football',
            code: 'unauthorized',
            message: errors.token,
            retryable: false,
          })
        return undefined
      },
    })
    expect(await failure(t.getJson('x'))).toMatchObject({ code: 'unauthorized', retryable: false })
    expect(n).toBe(2)
  })

  it('stops at the overall deadline with a timeout error', async () => {
    server.use(
      http.get(`${BASE}/slow`, async () => {
        await delay('infinite')
        return HttpResponse.json({})
      }),
    )
    const e = await failure(transport({ timeouts: { deadlineMs: 100 } }).getJson('slow'))
    expect(e).toMatchObject({ code: 'timeout', retryable: true })
  })

  it("passes the caller's abort through untouched", async () => {
    server.use(
      http.get(`${BASE}/slow`, async () => {
        await delay('infinite')
        return HttpResponse.json({})
      }),
    )
    const controller = new AbortController()
    const pending = transport().getJson('slow', { signal: controller.signal })
    controller.abort(new Error('stopping'))
    await expect(pending).rejects.toThrow('stopping')
  })

  it('redacts credentials from the URL in messages', async () => {
    server.use(http.get(`${BASE}/x`, () => HttpResponse.json({}, { status: 404 })))
    const e = await failure(
      transport({ retry: { retries: 0 } }).getJson('x', { query: { api_key: KEY, id: 7 } }),
    )
    expect(e.message).toContain('api_key=%5Bredacted%5D&id=7')
  })
})
