// Every route by inject against an embedded PGlite: each status the docs promise, health, metrics. The
// webhook answers given before the body is read (401, 403, 413) are in http.test.ts: matchfeed's Node adapter
// closes the socket after them, which inject does not have.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/app.js'
import { API_KEY, buildReady, guideEvent, PREVIOUS_SECRET, signed, testConfig } from './helpers.js'

const EVENTS = '/api/v1/webhooks/match-events'
const STATUS = '/api/v1/webhooks/match-status'

let app: FastifyInstance
beforeAll(async () => {
  app = await buildReady({ MAX_BODY_BYTES: '2048' })
})
afterAll(() => app.close())

const post = (url: string, payload: unknown, extra: { secret?: string } = {}) => {
  const { body, headers } = signed(payload, extra.secret)
  return app.inject({ method: 'POST', url, payload: body, headers })
}
const manual = (
  matchId: string,
  payload: unknown,
  headers: Record<string, string> = { 'x-api-key': API_KEY },
) =>
  app.inject({
    method: 'POST',
    url: `/api/v1/matches/${matchId}/events`,
    payload: JSON.stringify(payload),
    headers: { 'content-type': 'application/json', ...headers },
  })
const stored = async (matchId: string, query = '') =>
  (await app.inject(`/api/v1/matches/${matchId}/events${query}`)).json()

describe('probes', () => {
  it('livez and readyz answer 200 once migrated', async () => {
    expect((await app.inject('/livez')).statusCode).toBe(200)
    const ready = await app.inject('/readyz')
    expect([ready.statusCode, ready.json().status]).toEqual([200, 'ready'])
  })
})

describe('webhooks', () => {
  it('stores a signed delivery and answers 200 only then', async () => {
    const res = await post(EVENTS, guideEvent({ match_id: 'w1' }))
    expect([res.statusCode, res.json()]).toEqual([200, { status: 'ok', events: 1 }])
    const { events } = await stored('w1')
    expect(events.map((e: { id: string; type: string }) => [e.id, e.type])).toEqual([
      ['custom:w1:e1', 'shot'],
    ])
  })

  it('answers a replayed delivery 200 duplicate and stores nothing twice', async () => {
    const delivery = guideEvent({ match_id: 'w2' })
    expect((await post(EVENTS, delivery)).json().status).toBe('ok')
    expect((await post(EVENTS, delivery)).json()).toEqual({ status: 'duplicate', events: 0 })
    expect((await stored('w2')).events).toHaveLength(1)
  })

  it('accepts the previous secret during a rotation', async () => {
    expect((await post(EVENTS, guideEvent({ match_id: 'w3' }), { secret: PREVIOUS_SECRET })).statusCode).toBe(
      200,
    )
    expect((await stored('w3')).events).toHaveLength(1)
  })

  it('answers 400 naming the field of a bad payload', async () => {
    const res = await post(EVENTS, guideEvent({ minute: 'twelve' }))
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'invalid_payload', field: 'minute' })
  })

  it('takes match status on its own route, and refuses an event of play there with 400', async () => {
    const ok = await post(
      STATUS,
      guideEvent({ match_id: 'w4', event_id: 's1', event_type: 'kick_off', minute: 0 }),
    )
    expect(ok.statusCode).toBe(200)
    const wrong = await post(STATUS, guideEvent({ match_id: 'w4' }))
    expect([wrong.statusCode, wrong.json().error.field]).toEqual([400, 'event_type'])
  })
})

describe('manual entry', () => {
  it('answers 401 without a known API key, before reading the body', async () => {
    expect((await manual('m1', guideEvent(), {})).statusCode).toBe(401)
    const res = await manual('m1', guideEvent(), { 'x-api-key': 'wrong-key-0123456789abcdef' })
    expect([res.statusCode, res.json().error.code]).toEqual([401, 'invalid_api_key'])
  })

  it('stores events of the path match, filling match_id', async () => {
    const { match_id: _, ...item } = guideEvent({ event_id: 'k1' })
    const res = await manual('m2', [item])
    expect([res.statusCode, res.json().ids]).toEqual([200, ['manual:m2:k1']])
    expect((await stored('m2')).events).toHaveLength(1)
  })

  it('answers 400 naming match_id when the body names another match', async () => {
    const res = await manual('m3', [guideEvent({ match_id: 'other' })])
    expect([res.statusCode, res.json().error.field]).toEqual([400, '[0].match_id'])
  })

  it('answers 409 to a correction carrying a lower version than the stored one', async () => {
    expect((await manual('m4', guideEvent({ match_id: 'm4', version: 2 }))).statusCode).toBe(200)
    const res = await manual('m4', guideEvent({ match_id: 'm4', version: 1, minute: 13 }))
    expect([res.statusCode, res.json().error.code]).toEqual([409, 'stale_version'])
    expect((await manual('m4', guideEvent({ match_id: 'm4', version: 3, minute: 13 }))).statusCode).toBe(200)
    expect(
      (await stored('m4')).events.map((e: { minute: number; version: number }) => [e.minute, e.version]),
    ).toEqual([[13, 3]])
  })

  it('answers 413 to a body over MAX_BODY_BYTES', async () => {
    expect((await manual('m5', guideEvent({ metadata: 'x'.repeat(4096) }))).statusCode).toBe(413)
  })
})

describe('reading events', () => {
  it('pages by afterSeq, latest version of each event, and names a bad query field', async () => {
    const items = [1, 2, 3].map((seq) =>
      guideEvent({ match_id: 'r1', event_id: `s${seq}`, seq, minute: seq }),
    )
    expect((await post(EVENTS, items)).statusCode).toBe(200)
    const first = await stored('r1', '?limit=2')
    expect(first.events.map((e: { seq: number }) => e.seq)).toEqual([1, 2])
    expect(first.nextAfterSeq).toBe(2)
    const rest = await stored('r1', `?afterSeq=${first.nextAfterSeq}&limit=2`)
    expect([rest.events.map((e: { seq: number }) => e.seq), rest.nextAfterSeq]).toEqual([[3], null])
    const bad = await app.inject('/api/v1/matches/r1/events?limit=0')
    expect([bad.statusCode, bad.json().error.field]).toEqual([400, 'limit'])
  })
})

describe('health and metrics', () => {
  it('reports per source counts, percentiles and the last event time', async () => {
    const res = await app.inject('/api/v1/feed/health')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.status).toBe('healthy')
    expect(body.sources['webhook:match-events']).toMatchObject({ status: 'healthy', eventsInvalid: 0 })
    expect(body.sources['webhook:match-events'].eventsReceived).toBeGreaterThan(0)
    expect(body.sinks.postgres.deliveryLatencyMs.count).toBeGreaterThan(0)
    expect(typeof body.lastEventTime).toBe('string')
  })

  it('exposes pipeline and HTTP metrics to Prometheus', async () => {
    const text = (await app.inject('/metrics')).body
    expect(text).toMatch(/^matchfeed_events_received_total\{source="webhook:match-events"\} \d+/m)
    expect(text).toMatch(
      /^matchfeed_server_http_requests_total\{method="POST",route="\/api\/v1\/webhooks\/match-events",status="200"\} \d+/m,
    )
  })
})

describe('health transitions', () => {
  it('turns stale when a live match goes quiet for STALE_AFTER_MS, and healthy again with the next event', async () => {
    const quiet = await build(testConfig({ STALE_AFTER_MS: '1000' }))
    try {
      await quiet.runtime.ready
      const send = (eventId: string) => {
        const { body, headers } = signed(guideEvent({ match_id: 'q1', event_id: eventId }))
        return quiet.inject({ method: 'POST', url: EVENTS, payload: body, headers })
      }
      const status = async () => (await quiet.inject('/api/v1/feed/health')).json().status
      expect((await send('g1')).statusCode).toBe(200)
      expect(await status()).toBe('healthy')
      const deadline = Date.now() + 10_000
      while ((await status()) !== 'stale' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100))
      const stale = await quiet.inject('/api/v1/feed/health')
      expect([stale.statusCode, stale.json().sources['webhook:match-events'].status]).toEqual([200, 'stale'])
      expect((await send('g2')).statusCode).toBe(200)
      expect(await status()).toBe('healthy')
    } finally {
      await quiet.close()
    }
  })
})

describe('rate limiting', () => {
  it('answers 429 with Retry-After past RATE_LIMIT_MAX per client address', async () => {
    const limited = await build(testConfig({ RATE_LIMIT_MAX: '2' }))
    try {
      await limited.runtime.ready
      const send = (remoteAddress: string) =>
        limited.inject({ method: 'POST', url: '/api/v1/matches/1/events', payload: {}, remoteAddress })
      expect((await send('192.0.2.1')).statusCode).toBe(401)
      expect((await send('192.0.2.1')).statusCode).toBe(401)
      const refused = await send('192.0.2.1')
      expect([refused.statusCode, refused.json().error.code]).toEqual([429, 'rate_limited'])
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
      expect((await send('192.0.2.2')).statusCode).toBe(401) // another address has its own budget
    } finally {
      await limited.close()
    }
  })
})

/** Counts the `SELECT 1` pings `app`'s storage sends from now on. */
function countPings(target: FastifyInstance) {
  const client = target.runtime.storage.client as { query: (...args: unknown[]) => Promise<unknown> }
  const query = client.query.bind(client)
  const counter = { pings: 0 }
  client.query = (...args: unknown[]) => {
    if (args[0] === 'SELECT 1') counter.pings++
    return query(...args)
  }
  return counter
}

describe('the storage ping behind readiness and health', () => {
  it('is one query for many polls at once, reused for a second once answered', async () => {
    const reuseOver = () => new Promise((resolve) => setTimeout(resolve, 1100))
    await reuseOver() // an answer to an earlier test's poll is no longer reused
    const counter = countPings(app)
    const burst = () =>
      Promise.all(Array.from({ length: 40 }, (_, i) => app.inject(i % 2 ? '/readyz' : '/api/v1/feed/health')))
    expect((await burst()).map((r) => r.statusCode)).toEqual(Array(40).fill(200))
    expect((await burst()).every((r) => r.statusCode === 200)).toBe(true)
    expect(counter.pings).toBe(1)
    await reuseOver()
    await burst()
    expect(counter.pings).toBe(2)
  })

  it('a failed ping is not reused: the next poll asks again', async () => {
    const down = await build(testConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' }))
    try {
      const counter = countPings(down)
      for (let i = 0; i < 3; i++) expect((await down.inject('/readyz')).statusCode).toBe(503)
      expect(counter.pings).toBe(3)
    } finally {
      await down.close()
    }
  })
})

describe('storage unreachable', () => {
  it('answers 503 with Retry-After on readiness, health and every write, never 2xx; livez stays 200', async () => {
    const down = await build(testConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' }))
    try {
      const delivery = signed(guideEvent())
      const answers = [
        await down.inject('/readyz'),
        await down.inject('/api/v1/feed/health'),
        await down.inject({ method: 'POST', url: EVENTS, payload: delivery.body, headers: delivery.headers }),
        await down.inject({
          method: 'POST',
          url: '/api/v1/matches/x/events',
          payload: JSON.stringify(guideEvent({ match_id: 'x' })),
          headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        }),
        await down.inject('/api/v1/matches/x/events'),
      ]
      expect(answers.map((r) => [r.statusCode, Number(r.headers['retry-after']) > 0])).toEqual(
        answers.map(() => [503, true]),
      )
      expect((await down.inject('/livez')).statusCode).toBe(200)
    } finally {
      await down.close()
    }
  })
})
