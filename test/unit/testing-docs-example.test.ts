// docs/testing.md's copy-paste test, with the package imports pointed at the sources.
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createApiFootballPoller } from '../../src/providers/api-football/index.js'
import { handlers, recordEmits, requestPeaks, simulateMatch, streamScore } from '../../src/testing/index.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
afterAll(() => server.close())

it('follows a whole match within the free plan', async () => {
  // Goals, an own goal, a goal withdrawn by VAR, cards, substitutions; the events listed in a new order
  // on every poll, as API-Football does.
  const match = simulateMatch({ seed: 42, shuffleEvents: true })
  const mock = handlers(match, {
    failures: [
      { type: 'http_429', atMinute: 20, count: 2, retryAfterSeconds: 30 },
      { type: 'server_error', atMinute: 60, count: 3 },
    ],
  })
  server.use(...mock)

  const poller = createApiFootballPoller({
    apiKey: 'test-key',
    fixtures: [match.fixtureId],
    plan: 'free',
    clock: match.clock, // the simulated time: two hours of football in milliseconds
  })
  const received = recordEmits() // or your pipeline's sinks
  await poller.start(received.emit, new AbortController().signal) // resolves after the final poll

  expect(received.duplicates()).toEqual([])
  expect(streamScore(received.events)).toEqual(match.finalScore)
  expect(requestPeaks(mock.requests).perMinute).toBeLessThanOrEqual(10)
  expect(requestPeaks(mock.requests).perDay).toBeLessThanOrEqual(100)
})
