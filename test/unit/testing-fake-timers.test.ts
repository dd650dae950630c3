import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest'
import { createApiFootballPoller } from '../../src/providers/api-football/index.js'
import { createFootballDataPoller } from '../../src/providers/football-data/index.js'
import {
  createSystemClock,
  handlers,
  recordEmits,
  requestPeaks,
  simulateMatch,
  streamScore,
} from '../../src/testing/index.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
afterEach(() => {
  server.resetHandlers()
  vi.useRealTimers()
})
afterAll(() => server.close())

const KICK_OFF = Date.parse('2025-05-25T15:00:00Z')

it('runs both pollers on their default clock under vitest fake timers', async () => {
  vi.useFakeTimers({ now: KICK_OFF - 10 * 60_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  const match = simulateMatch({ seed: 42, kickOff: KICK_OFF, clock: createSystemClock() })
  const mock = handlers(match)
  server.use(...mock)
  const apiFootball = recordEmits()
  const footballData = recordEmits()
  const signal = new AbortController().signal
  let running = 2
  const done = Promise.all(
    [
      createApiFootballPoller({ apiKey: 'test-key', fixtures: [match.fixtureId] }).start(
        apiFootball.emit,
        signal,
      ),
      createFootballDataPoller({ token: 'test-token', matches: [match.fixtureId] }).start(
        footballData.emit,
        signal,
      ),
    ].map((p) => p.finally(() => running--)),
  )
  while (running > 0) await vi.advanceTimersByTimeAsync(30_000)
  await done
  expect(streamScore(apiFootball.events)).toEqual(match.finalScore)
  expect(streamScore(footballData.events)).toEqual(match.finalScore)
  expect(apiFootball.duplicates()).toEqual([])
  expect(footballData.duplicates()).toEqual([])
  expect(requestPeaks(mock.requests, 'api-football').perDay).toBeLessThanOrEqual(100)
  expect(requestPeaks(mock.requests, 'football-data').perSlidingMinute).toBeLessThanOrEqual(10)
})
