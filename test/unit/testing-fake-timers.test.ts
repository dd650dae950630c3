import { expect, it, vi } from 'vitest'
import { createApiFootballPoller } from '../../src/providers/api-football/index.js'
import { createFootballDataPoller } from '../../src/providers/football-data/index.js'
import { handlers, recordEmits, requestPeaks, streamScore } from '../../src/testing/index.js'
import { matchOnFakeTimers, setupMatchServer } from '../helpers/simulated-match.js'

const server = setupMatchServer()

it('runs both pollers on their default clock under vitest fake timers', async () => {
  const match = matchOnFakeTimers()
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
