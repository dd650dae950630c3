// Provider credentials start the real sources: an API-Football poller, answered by matchfeed/testing's mock
// of the API at a simulated match's 50th minute, feeds the same storage as the webhooks.
import type { FastifyInstance } from 'fastify'
import { createSystemClock, handlers, simulateMatch } from 'matchfeed/testing'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { build } from '../src/app.js'
import { testConfig } from './helpers.js'

const match = simulateMatch({ seed: 7, kickOff: Date.now() - 50 * 60_000, clock: createSystemClock() })
const mock = setupServer(...handlers(match))
let app: FastifyInstance

beforeAll(async () => {
  mock.listen()
  app = await build(
    testConfig({ API_FOOTBALL_KEY: 'test-key', API_FOOTBALL_FIXTURES: String(match.fixtureId) }),
  )
  await app.runtime.ready
})
afterAll(async () => {
  await app.close()
  mock.close()
})

it('stores what the API-Football poller finds, and reports the source in health and readiness', async () => {
  const url = `/api/v1/matches/${match.fixtureId}/events`
  // The poller's first poll happens as it starts; polled until it has been stored (20 s at most).
  const deadline = Date.now() + 20_000
  let events: { provider: string; type: string }[] = []
  while (events.length === 0 && Date.now() < deadline) {
    events = (await app.inject(url)).json().events
    if (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  expect(events.length).toBeGreaterThan(0)
  expect(new Set(events.map((e) => e.provider))).toEqual(new Set(['api-football']))
  expect(events.map((e) => e.type)).toContain('period_start')
  const health = (await app.inject('/api/v1/feed/health')).json()
  expect(health.sources['api-football']).toMatchObject({ status: 'healthy', liveMatches: 1 })
  expect((await app.inject('/readyz')).statusCode).toBe(200)
})
