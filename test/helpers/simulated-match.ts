// What the whole-match tests of matchfeed/testing share: an msw server, fake timers at kick-off − 10 min with
// a simulated match on them, and a run of sources through createPipeline until every feed has settled.
import type { setupServer } from 'msw/node'
import { afterEach, vi } from 'vitest'
import { createPipeline, type MemorySink, memorySink, type Source } from '../../src/index.js'
import {
  advanceThroughMatch,
  createSystemClock,
  type SimulatedMatch,
  type SimulateMatchOptions,
  simulateMatch,
} from '../../src/testing/index.js'
import { setupProviderServer } from './pollers.js'

export const KICK_OFF = Date.parse('2025-05-25T15:00:00Z')

/** The suite's msw server (up for its tests, reset after each), and real timers back after each test. */
export function setupMatchServer(): ReturnType<typeof setupServer> {
  const server = setupProviderServer()
  afterEach(() => vi.useRealTimers())
  return server
}

/** Fake timers (setTimeout, Date) at kick-off − 10 minutes, and a simulated match running on them. */
export function matchOnFakeTimers(options: SimulateMatchOptions = { seed: 42 }): SimulatedMatch {
  vi.useFakeTimers({ now: KICK_OFF - 10 * 60_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  return simulateMatch({ ...options, kickOff: KICK_OFF, clock: createSystemClock() })
}

/** The sources through createPipeline into a memory sink, the fake timers advanced through the whole match. */
export async function pipeThroughMatch(match: SimulatedMatch, sources: Source[]): Promise<MemorySink> {
  const sink = memorySink()
  const pipeline = createPipeline({ sources, sinks: [sink] })
  await pipeline.start()
  await advanceThroughMatch(match, (ms) => vi.advanceTimersByTimeAsync(ms))
  await pipeline.stop()
  return sink
}
