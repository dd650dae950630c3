import { describe, expect, it } from 'vitest'
import { ProviderHttpError } from '../../src/http/errors.js'
import {
  createFootballDataPoller,
  type FootballDataPollerOptions,
  parseFootballDataMatch,
} from '../../src/providers/football-data/index.js'
import {
  type FailureScenario,
  handlers,
  recordEmits,
  requestPeaks,
  type SimulatedMatch,
  simulateMatch,
  streamScore,
} from '../../src/testing/index.js'
import { expectRisingVersions, type PollerRun, RECORDING, setupProviderServer } from '../helpers/pollers.js'

const TOKEN = 'fd-test-token-0123456789'
const server = setupProviderServer()

type Run = PollerRun<string>

async function run(
  match: SimulatedMatch,
  tier: 'free' | 'paid',
  failures: FailureScenario[] = [],
  options: Partial<FootballDataPollerOptions> = {},
): Promise<Run> {
  const mock = handlers(match, { footballDataTier: tier, failures })
  server.use(...mock)
  const errors: string[] = []
  const rec = recordEmits()
  const poller = createFootballDataPoller({
    token: TOKEN,
    matches: [match.fixtureId],
    clock: match.clock,
    onError: (error) => errors.push((error as ProviderHttpError).code),
    ...options,
  } as FootballDataPollerOptions)
  await poller.start(rec.emit, new AbortController().signal)
  return { match, mock, rec, errors }
}

async function expectDelivered({ match, mock, rec }: Run) {
  expectRisingVersions(rec)
  // Every id once after the merge rule, the withdrawn goal deleted, the provider's final score.
  expect(streamScore(rec.events)).toEqual(match.finalScore)
  const deletedGoals = rec.latest().filter((e) => e.deleted && e.type === 'shot')
  expect(deletedGoals).toHaveLength(1)
  expect(rec.latest().filter((e) => e.providerType === 'FINISHED')).toHaveLength(1)
  // No request after the final poll, even much later.
  const count = mock.requests.length
  expect(mock.requests.at(-1)!.matchIds).toEqual([match.fixtureId])
  await match.clock.sleep(6 * 3_600_000, new AbortController().signal)
  expect(mock.requests.length).toBe(count)
  // Never over the plan (free: 10 a minute), never answered over the limit.
  const peaks = requestPeaks(mock.requests, 'football-data')
  expect(peaks.perMinute).toBeLessThanOrEqual(10)
  expect(peaks.perSlidingMinute).toBeLessThanOrEqual(10)
  expect(mock.requests.filter((r) => r.outcome === 'over_limit')).toEqual([])
}

describe('createFootballDataPoller: a recorded match replayed (Done means)', () => {
  it('paid tier: goals, bookings, substitutions once each; the VAR goal withdrawn; the provider score', async () => {
    const result = await run(simulateMatch({ recording: RECORDING }), 'paid')
    await expectDelivered(result)
    const final = parseFootballDataMatch(result.match.footballDataMatch(result.match.clock.now(), 'paid'))
    const latest = new Map(result.rec.latest().map((e) => [e.id, e]))
    for (const e of final) {
      const { version: _a, ...mine } = latest.get(e.id)!
      const { version: _b, ...theirs } = e
      expect(mine, e.id).toEqual(theirs)
    }
    const own = result.rec.latest().find((e) => e.result === 'own_goal')!
    expect(own).toMatchObject({ player: { name: 'C. Lenglet' }, team: { name: 'Barcelona', side: 'away' } })
    expect(result.errors).toEqual([])
  })

  it('free tier: score changes as goals without a scorer, the withdrawn one deleted', async () => {
    const result = await run(simulateMatch({ recording: RECORDING }), 'free')
    await expectDelivered(result)
    const goals = result.rec.latest().filter((e) => e.type === 'shot')
    for (const g of goals) expect(g).toMatchObject({ providerType: 'score_change', result: 'goal' })
    expect(goals.filter((g) => !g.deleted).map((g) => [g.providerEventId, g.period])).toEqual([
      ['score:away:1', 1],
      ['score:home:1', 1],
      ['score:home:2', 2],
      ['score:away:2', 2],
    ])
  })

  it('does the same with 429s ("Wait N seconds"), 5xx bursts and slow answers injected', async () => {
    const failures: FailureScenario[] = [
      { type: 'http_429', atMinute: 5, count: 2, retryAfterSeconds: 20 },
      { type: 'server_error', atMinute: 20, count: 4 },
      { type: 'slow', atMinute: 40, count: 3, delayMs: 5, virtualDelayMs: 10_000 },
      { type: 'server_error', atMinute: 74, count: 6, status: 502 },
      { type: 'http_429', atMinute: 100, count: 1 },
    ]
    const result = await run(simulateMatch({ recording: RECORDING }), 'paid', failures)
    await expectDelivered(result)
    expect(result.errors).toEqual([
      'rate_limited',
      'rate_limited',
      ...Array(4).fill('server_error'),
      ...Array(6).fill('server_error'),
      'rate_limited',
    ])
    const i = result.mock.requests.findIndex((r) => r.outcome === 'http_429')
    expect(result.mock.requests[i + 1]!.at - result.mock.requests[i]!.at).toBeGreaterThanOrEqual(20_000)
  })
})

describe('createFootballDataPoller: competitions, errors', () => {
  it('finds today`s matches of a competition, spreads polls across them, stops when all are done', async () => {
    const a = simulateMatch({ fixtureId: 701, seed: 21 })
    const b = simulateMatch({ fixtureId: 702, seed: 22, clock: a.clock, kickOff: a.kickOff })
    const c = simulateMatch({
      fixtureId: 703,
      seed: 23,
      clock: a.clock,
      kickOff: a.kickOff,
      competition: { id: 2001, name: 'UEFA Champions League', code: 'CL' },
    })
    const mock = handlers([a, b, c], { footballDataTier: 'free' })
    server.use(...mock)
    const rec = recordEmits()
    const poller = createFootballDataPoller({
      token: TOKEN,
      competitions: ['PL'],
      stopWhenIdle: true,
      clock: a.clock,
    })
    await poller.start(rec.emit, new AbortController().signal)
    expect(new Set(rec.events.map((e) => e.matchId))).toEqual(new Set(['701', '702']))
    expect(streamScore(rec.events.filter((e) => e.matchId === '701'))).toEqual(a.finalScore)
    expect(streamScore(rec.events.filter((e) => e.matchId === '702'))).toEqual(b.finalScore)
    // Both in play: each polled every 20 s (the minimum), requests spread between them.
    for (const id of [701, 702]) {
      const times = mock.requests
        .filter(
          (r) =>
            r.url === `/v4/matches/${id}` && r.at > a.kickOff + 2 * 60_000 && r.at < a.kickOff + 40 * 60_000,
        )
        .map((r) => r.at)
      const gaps = times.slice(1).map((t, i) => t - times[i]!)
      expect(Math.max(...gaps), String(id)).toBeLessThanOrEqual(30_000)
      expect(Math.min(...gaps), String(id)).toBeGreaterThanOrEqual(20_000)
    }
    expect(requestPeaks(mock.requests).perSlidingMinute).toBeLessThanOrEqual(10)
    expect(poller.nextPolls().map((p) => [p.matchId, p.phase, p.status])).toEqual([
      ['701', 'done', 'FINISHED'],
      ['702', 'done', 'FINISHED'],
    ])
  })

  it('stops on a 403 (plan or token) without retrying, the token never in the error', async () => {
    const match = simulateMatch({ recording: RECORDING })
    const mock = handlers(match, { failures: [{ type: 'invalid_key', atMinute: -60 }] })
    server.use(...mock)
    const poller = createFootballDataPoller({ token: TOKEN, matches: [match.fixtureId], clock: match.clock })
    const error = await poller.start(async () => {}, new AbortController().signal).catch((e) => e)
    expect(error).toBeInstanceOf(ProviderHttpError)
    expect(error).toMatchObject({ code: 'forbidden', status: 403, retryable: false })
    expect(JSON.stringify({ m: error.message, b: error.bodyExcerpt })).not.toContain(TOKEN)
    expect(mock.requests).toHaveLength(1)
  })

  it('drops an unknown match (404) with a visible error and goes on with the others', async () => {
    const match = simulateMatch({ recording: RECORDING })
    const mock = handlers(match)
    server.use(...mock)
    const errors: string[] = []
    const rec = recordEmits()
    const poller = createFootballDataPoller({
      token: TOKEN,
      matches: [999, match.fixtureId],
      clock: match.clock,
      onError: (e) => errors.push((e as ProviderHttpError).code),
    })
    await poller.start(rec.emit, new AbortController().signal)
    expect(errors).toEqual(['not_found'])
    expect(streamScore(rec.events)).toEqual(match.finalScore)
  })
})
