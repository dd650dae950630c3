// matchfeed/testing's StatsBomb mock: the real client polls a whole simulated match into a pipeline.
import { describe, expect, it } from 'vitest'
import { createStatsBombClient } from '../../src/providers/statsbomb/index.js'
import {
  type FailureScenario,
  type SimulateMatchOptions,
  simulateMatch,
  statsBombHandlers,
  streamSummary,
} from '../../src/testing/index.js'
import { matchOnFakeTimers, pipeThroughMatch, setupMatchServer } from '../helpers/simulated-match.js'

const server = setupMatchServer()
const CREDENTIALS = { username: 'analyst@club.test', password: 'pa55word-long' }

/** The real client's pollMatch, through createPipeline into a memory sink, over a whole simulated match. */
async function followMatch(failures: FailureScenario[] = [], options: SimulateMatchOptions = { seed: 42 }) {
  const match = matchOnFakeTimers(options)
  const mock = statsBombHandlers(match, { credentials: CREDENTIALS, failures })
  server.use(...mock)
  const client = createStatsBombClient(CREDENTIALS)
  const errors: unknown[] = []
  const source = client.pollMatch(match.fixtureId, { intervalMs: 30_000, onError: (e) => errors.push(e) })
  const sink = await pipeThroughMatch(match, [source])
  await client.close()
  // The poller kept up with the match: it polled after every feed had settled.
  expect(mock.requests.at(-1)!.at).toBeGreaterThanOrEqual(match.settledAt)
  return { match, mock, errors, events: sink.match(String(match.fixtureId)) }
}

describe('statsBombHandlers: a whole match through createStatsBombClient().pollMatch', () => {
  it('ends with the simulated score, goals, cards and substitutions; the VAR goal vanishes, goals are revised', async () => {
    const { match, mock, events, errors } = await followMatch()
    expect(streamSummary(events)).toEqual(match.finalSummary)
    expect(errors).toEqual([])
    // The goal cancelled by VAR appeared, then vanished: the client withdrew it (deleted).
    expect(events.filter((e) => e.deleted && e.type === 'shot' && e.result === 'goal')).toHaveLength(1)
    // Goals were first listed without their end location, completed a minute later: a new version.
    const goals = events.filter((e) => e.type === 'shot' && e.result === 'goal' && !e.deleted)
    expect(goals.every((e) => e.endX !== undefined && e.version > 0)).toBe(true)
    expect(mock.requests.every((r) => r.outcome === 'ok')).toBe(true)
    expect(mock.requests.filter((r) => r.url.includes('/v4/lineups/')).length).toBeGreaterThanOrEqual(1)
  })

  it('recovers from 429s, 5xx bursts, a 401 and slow answers, and still ends on the simulated state', async () => {
    const { match, mock, events, errors } = await followMatch([
      { type: 'http_429', atMinute: 20, count: 2, retryAfterSeconds: 5 },
      { type: 'server_error', atMinute: 40, count: 3 }, // within one request's retries
      { type: 'server_error', atMinute: 55, count: 6, status: 502 }, // longer: that poll fails
      { type: 'invalid_key', atMinute: 70 },
      { type: 'slow', atMinute: 80, delayMs: 20_000 },
    ])
    expect(streamSummary(events)).toEqual(match.finalSummary)
    const outcomes = new Set(mock.requests.map((r) => r.outcome))
    for (const o of ['http_429', 'server_error', 'invalid_key', 'slow', 'ok']) expect(outcomes).toContain(o)
    expect(errors.map((e) => (e as { code: string }).code).sort()).toEqual(['server_error', 'unauthorized'])
  })

  it('follows extra time and a shoot-out (kicks never count)', async () => {
    const { match, events } = await followMatch([], { seed: 5, extraTime: true, shootout: true })
    expect(streamSummary(events)).toEqual(match.finalSummary)
    expect(events.filter((e) => e.period === 5).length).toBeGreaterThan(0)
  })
})

describe('statsBombHandlers: requests', () => {
  it('answers 401 to bad credentials, 404 to an unknown match, and times out as asked', async () => {
    const match = simulateMatch({ seed: 1 })
    const mock = statsBombHandlers(match, {
      credentials: CREDENTIALS,
      failures: [{ type: 'timeout', atMinute: -60 }],
    })
    server.use(...mock)
    const wrong = createStatsBombClient({ ...CREDENTIALS, password: 'not-the-password' })
    await expect(wrong.getEvents(match.fixtureId)).rejects.toMatchObject({
      code: 'unauthorized',
      status: 401,
    })
    const client = createStatsBombClient({ ...CREDENTIALS, timeouts: { deadlineMs: 200 } })
    await expect(client.getLineups(match.fixtureId)).rejects.toMatchObject({ code: 'timeout' })
    await expect(client.getEvents(999)).rejects.toMatchObject({ code: 'not_found' })
    // Before kick-off: the line-ups, no events yet.
    expect(await client.getEvents(match.fixtureId)).toEqual([])
    expect(await client.getLineups(match.fixtureId)).toHaveLength(2)
    expect(mock.requests.map((r) => r.outcome)).toEqual(['unauthorized', 'timeout', 'not_found', 'ok', 'ok'])
  })
})
