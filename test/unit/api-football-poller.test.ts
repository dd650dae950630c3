import { describe, expect, it } from 'vitest'
import { ProviderHttpError } from '../../src/http/errors.js'
import {
  type ApiFootballPollerOptions,
  createApiFootballPoller,
  parseApiFootballFixture,
} from '../../src/providers/api-football/index.js'
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

const KEY = 'af-test-key-0123456789'
const server = setupProviderServer()

interface Run extends PollerRun<{ code: string; retryAt: string }> {
  finishedAt: number
}

async function run(
  match: SimulatedMatch,
  options: Partial<ApiFootballPollerOptions> = {},
  failures: FailureScenario[] = [],
): Promise<Run> {
  const mock = handlers(match, {
    failures,
    apiFootballPlan: typeof options.plan === 'string' ? options.plan : 'free',
  })
  server.use(...mock)
  const errors: Run['errors'] = []
  const rec = recordEmits()
  const poller = createApiFootballPoller({
    apiKey: KEY,
    fixtures: [match.fixtureId],
    clock: match.clock,
    onError: (error, info) => errors.push({ code: (error as ProviderHttpError).code, retryAt: info.retryAt }),
    ...options,
  } as ApiFootballPollerOptions)
  await poller.start(rec.emit, new AbortController().signal)
  return { match, mock, rec, errors, finishedAt: match.clock.now() }
}

/** The Done-means checks, for any run that followed a match to its end. */
async function expectDelivered({ match, mock, rec, finishedAt }: Run, plan = { perMinute: 10, perDay: 100 }) {
  // Every event valid; no (id, version) twice; each id's versions rising, each new version a real change.
  expectRisingVersions(rec)

  // After the merge rule, the stream is exactly the provider's final fixture (plus withdrawn events, deleted).
  const final = parseApiFootballFixture(match.apiFootballFixture(finishedAt))
  const latest = new Map(rec.latest().map((e) => [e.id, e]))
  for (const e of final) {
    const { version: _a, ...mine } = latest.get(e.id)!
    const { version: _b, ...theirs } = e
    expect(mine, e.id).toEqual(theirs)
  }
  for (const [id, e] of latest) if (!final.some((f) => f.id === id)) expect(e.deleted, id).toBe(true)

  // The final score of the stream is the provider's.
  expect(streamScore(rec.events)).toEqual(match.finalScore)
  expect(streamScore(rec.events)).toEqual((match.apiFootballFixture(finishedAt) as { goals: unknown }).goals)

  // No request after the final poll, even long after.
  const count = mock.requests.length
  const last = mock.requests.at(-1)!
  expect(match.state(last.at).status).toMatch(/^(FT|AET|PEN)$/)
  await match.clock.sleep(6 * 3_600_000, new AbortController().signal)
  expect(mock.requests.length).toBe(count)

  // At no simulated minute or day more requests than the plan; none answered over the limit.
  const peaks = requestPeaks(mock.requests, 'api-football')
  expect(peaks.perMinute).toBeLessThanOrEqual(plan.perMinute)
  expect(peaks.perSlidingMinute).toBeLessThanOrEqual(plan.perMinute)
  expect(peaks.perDay).toBeLessThanOrEqual(plan.perDay)
  expect(mock.requests.filter((r) => r.outcome === 'over_limit')).toEqual([])
}

describe('createApiFootballPoller: a recorded match replayed (Done means)', () => {
  it('delivers every event once, withdraws the VAR-cancelled goal, ends on the provider score, within the free plan', async () => {
    const result = await run(simulateMatch({ recording: RECORDING, shuffleEvents: true }))
    await expectDelivered(result)
    const goal = result.rec.latest().find((e) => e.providerEventId === 'goal:546:2003:75:0')!
    expect(goal).toMatchObject({ deleted: true, version: 1 })
    expect(result.rec.events.filter((e) => e.id === goal.id).map((e) => [e.version, e.deleted])).toEqual([
      [0, false],
      [1, true],
    ])
    expect(result.errors).toEqual([])
  })

  it('does the same with 429s, a 200-with-rateLimit, 5xx bursts and slow answers injected', async () => {
    const failures: FailureScenario[] = [
      { type: 'http_429', atMinute: 10, count: 2, retryAfterSeconds: 30 },
      { type: 'server_error', atMinute: 30, count: 4, status: 503 },
      { type: 'rate_limit_200', atMinute: 50, count: 1 },
      { type: 'server_error', atMinute: 76, count: 3, status: 502 },
      { type: 'slow', atMinute: 85, count: 2, delayMs: 5, virtualDelayMs: 20_000 },
      { type: 'server_error', atMinute: 100, count: 5, status: 500 },
    ]
    const result = await run(simulateMatch({ recording: RECORDING, shuffleEvents: true }), {}, failures)
    await expectDelivered(result)
    const injected = result.mock.requests.filter((r) => r.outcome !== 'ok').map((r) => r.outcome)
    expect(injected).toEqual([
      'http_429',
      'http_429',
      ...Array(4).fill('server_error'),
      'rate_limit_200',
      ...Array(3).fill('server_error'),
      'slow',
      'slow',
      ...Array(5).fill('server_error'),
    ])
    // Every failure was visible, with the time of the next attempt.
    expect(result.errors.map((e) => e.code)).toEqual(
      ['rate_limited', 'rate_limited', ...Array(4).fill('server_error'), 'rate_limited']
        .concat(Array(3).fill('server_error'))
        .concat(Array(5).fill('server_error')),
    )
    // A 429 is honoured: the next request waits for Retry-After.
    const first429 = result.mock.requests.findIndex((r) => r.outcome === 'http_429')
    const after = result.mock.requests[first429 + 1]!
    expect(after.at - result.mock.requests[first429]!.at).toBeGreaterThanOrEqual(30_000)
  })

  it('follows the default simulated match: an own goal, a goal removed by VAR, a goal reported late', async () => {
    const match = simulateMatch({ seed: 7, shuffleEvents: true })
    const result = await run(match, { plan: 'pro' })
    await expectDelivered(result, { perMinute: 300, perDay: 7_500 })
    // The pro plan allows the provider's 15-second refresh.
    const gaps = result.mock.requests.slice(1).map((r, i) => r.at - result.mock.requests[i]!.at)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(15_000)
    const latest = result.rec.latest()
    const own = latest.find((e) => e.result === 'own_goal')!
    expect(own.team).toMatchObject({ id: String(match.away.id), side: 'away' })
    // The cancelled goal vanished from the provider's list (as in the Spain–Croatia capture) and a
    // `Var`/`Goal cancelled` appeared: the removal is the deletion, the decision carries the score.
    const cancelled = latest.filter((e) => e.deleted && e.type === 'shot')
    expect(cancelled).toHaveLength(1)
    expect(cancelled[0]!.team!.side).toBe('away')
    const decision = latest.find((e) => e.type === 'var')!
    expect(decision.seq).toBeGreaterThan(cancelled[0]!.seq)
    expect(decision.score).toBeDefined()
    // The 90+3 goal, listed three minutes late, went out once; the second half's end moved after it.
    const late = latest.find((e) => e.type === 'shot' && e.minute === 90 && e.addedTime === 3)!
    expect(late).toMatchObject({ result: 'goal', version: 0 })
    const end = latest.find((e) => e.providerEventId === 'status:period_end:2')!
    expect(end.seq).toBeGreaterThan(late.seq)
    expect(end.periodTime).toBeGreaterThanOrEqual(late.periodTime)
  })

  it('replays the shared Spain–Croatia capture when present (the goal the capture lost is withdrawn)', async () => {
    const { hasShared, readShared } = await import('../helpers/shared.js')
    if (!hasShared) return
    const recording = readShared('fixtures/api-football/fixtures_id_1145511_tz_seoul_var_footballay.json')
    const result = await run(simulateMatch({ recording }))
    await expectDelivered(result)
    const withdrawn = result.rec.latest().filter((e) => e.deleted)
    expect(withdrawn.map((e) => [e.type, e.team?.name, e.player?.name])).toEqual([
      ['shot', 'Croatia', 'Bruno Petković'],
    ])
  })
})

describe('createApiFootballPoller: budget discipline', () => {
  it('waits for the daily reset when the quota runs out, then makes its final poll', async () => {
    const match = simulateMatch({ recording: RECORDING })
    const result = await run(match, {}, [{ type: 'quota_exhausted', atMinute: 60 }])
    const i = result.mock.requests.findIndex((r) => r.outcome === 'quota_exhausted')
    const next = result.mock.requests[i + 1]!
    const midnight = Math.floor(result.mock.requests[i]!.at / 86_400_000 + 1) * 86_400_000
    expect(next.at).toBeGreaterThanOrEqual(midnight)
    // The match is over by then: the poll that sees FT, and the final poll a minute later.
    expect(result.mock.requests.slice(i + 1).map((r) => r.at - next.at)).toEqual([0, 60_000])
    expect(result.errors.map((e) => e.code)).toEqual(['quota_exhausted'])
    expect(streamScore(result.rec.events)).toEqual(match.finalScore)
    expect(result.mock.requests.filter((r) => r.outcome === 'over_limit')).toEqual([])
  })

  it('stops at once on a bad key (HTTP 200 with errors.token), without retrying', async () => {
    const match = simulateMatch({ recording: RECORDING })
    const mock = handlers(match, { failures: [{ type: 'invalid_key', atMinute: -60 }] })
    server.use(...mock)
    const poller = createApiFootballPoller({ apiKey: KEY, fixtures: [match.fixtureId], clock: match.clock })
    const error = await poller.start(async () => {}, new AbortController().signal).catch((e) => e)
    expect(error).toBeInstanceOf(ProviderHttpError)
    expect(error).toMatchObject({ code: 'unauthorized', retryable: false, status: 200 })
    expect(String(error.message)).not.toContain(KEY)
    expect(mock.requests).toHaveLength(1)
  })

  it('spaces requests from the plan and the remaining day, and reports budget and next polls', async () => {
    const match = simulateMatch({ recording: RECORDING })
    const mock = handlers(match)
    server.use(...mock)
    const poller = createApiFootballPoller({ apiKey: KEY, fixtures: [match.fixtureId], clock: match.clock })
    const seen: ReturnType<typeof poller.budget>[] = []
    const rec = recordEmits({ onBatch: () => void seen.push(poller.budget()) })
    expect(poller.nextPolls()).toEqual([
      { matchId: '900001', phase: 'active', dueAt: new Date(match.clock.now()).toISOString() },
    ])
    await poller.start(rec.emit, new AbortController().signal)
    for (const b of seen) {
      expect(b.plan).toEqual({ perMinute: 10, perDay: 100 })
      expect(b.usedToday).toBeLessThanOrEqual(100)
      expect(b.remainingToday).toBe(100 - b.usedToday)
      expect(b.provider?.day).toEqual({ limit: 100, remaining: 100 - b.usedToday })
      // 100 a day over a two-hour match: about a minute apart, never the 6 s the minute budget allows.
      expect(b.intervalMs).toBeGreaterThanOrEqual(50_000)
    }
    expect(poller.nextPolls()).toEqual([
      {
        matchId: '900001',
        phase: 'done',
        status: 'FT',
        lastPolledAt: new Date(mock.requests.at(-1)!.at).toISOString(),
      },
    ])
    // In play, the polls were spread evenly; during half-time, five minutes apart.
    const gaps = mock.requests.slice(1).map((r, i) => r.at - mock.requests[i]!.at)
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10 * 60_000)
  })

  it('polls several fixtures in one request (ids=) and follows each to its own end', async () => {
    const clockSource = simulateMatch({ recording: RECORDING })
    const a = simulateMatch({
      fixtureId: 501,
      seed: 3,
      clock: clockSource.clock,
      kickOff: clockSource.kickOff,
    })
    const b = simulateMatch({
      fixtureId: 502,
      seed: 4,
      clock: clockSource.clock,
      kickOff: clockSource.kickOff + 30 * 60_000,
    })
    const mock = handlers([a, b])
    server.use(...mock)
    const rec = recordEmits()
    const poller = createApiFootballPoller({ apiKey: KEY, fixtures: [501, 502], clock: a.clock })
    await poller.start(rec.emit, new AbortController().signal)
    expect(mock.requests.some((r) => r.url.includes('ids=501-502'))).toBe(true)
    expect(streamScore(rec.events.filter((e) => e.matchId === '501'))).toEqual(a.finalScore)
    expect(streamScore(rec.events.filter((e) => e.matchId === '502'))).toEqual(b.finalScore)
    expect(requestPeaks(mock.requests).perDay).toBeLessThanOrEqual(100)
    expect(mock.requests.filter((r) => r.outcome === 'over_limit')).toEqual([])
  })
})

describe('createApiFootballPoller: live mode, delivery', () => {
  it('discovers fixtures in play, makes a final poll by id when each leaves the live list, stops when idle', async () => {
    const a = simulateMatch({ fixtureId: 601, seed: 11 })
    const b = simulateMatch({ fixtureId: 602, seed: 12, clock: a.clock, kickOff: a.kickOff + 20 * 60_000 })
    const mock = handlers([a, b], { apiFootballPlan: 'pro' })
    server.use(...mock)
    const rec = recordEmits()
    const poller = createApiFootballPoller({
      apiKey: KEY,
      host: 'rapidapi',
      live: true,
      plan: 'pro',
      stopWhenIdle: true,
      idleIntervalMs: 60_000,
      clock: a.clock,
    })
    await poller.start(rec.emit, new AbortController().signal)
    expect(streamScore(rec.events.filter((e) => e.matchId === '601'))).toEqual(a.finalScore)
    expect(streamScore(rec.events.filter((e) => e.matchId === '602'))).toEqual(b.finalScore)
    expect(rec.duplicates()).toEqual([])
    const finals = mock.requests.filter((r) => r.url.includes('id='))
    expect(finals.map((r) => r.matchIds)).toEqual([[601], [602]])
    expect(
      rec
        .latest()
        .filter((e) => e.providerType === 'FT')
        .map((e) => e.matchId),
    ).toEqual(['601', '602'])
    expect(requestPeaks(mock.requests).perSlidingMinute).toBeLessThanOrEqual(300)
  })

  it('advances only after emit resolves: a failed delivery is delivered again by the next run', async () => {
    const match = simulateMatch({ recording: RECORDING })
    server.use(...handlers(match))
    const poller = createApiFootballPoller({ apiKey: KEY, fixtures: [match.fixtureId], clock: match.clock })
    const delivered: string[] = []
    let failOnce = true
    const emit = async (batch: { id: string; version: number }[]) => {
      if (failOnce && batch.some((e) => e.id.includes(':goal:'))) {
        failOnce = false
        throw new Error('sink down')
      }
      for (const e of batch) delivered.push(`${e.id}@${e.version}`)
    }
    await expect(poller.start(emit, new AbortController().signal)).rejects.toThrow('sink down')
    expect(delivered.some((d) => d.includes(':goal:'))).toBe(false)
    await poller.start(emit, new AbortController().signal)
    expect(new Set(delivered).size).toBe(delivered.length)
    expect(delivered).toContain('api-football:900001:goal:529:1100:12:0@0')
  })

  it('stops when aborted, mid-sleep', async () => {
    const match = simulateMatch({ recording: RECORDING })
    const mock = handlers(match)
    server.use(...mock)
    const controller = new AbortController()
    const poller = createApiFootballPoller({ apiKey: KEY, fixtures: [match.fixtureId], clock: match.clock })
    await poller.start(async (batch) => {
      if (batch.some((e) => e.type === 'period_start')) controller.abort()
    }, controller.signal)
    const count = mock.requests.length
    await match.clock.sleep(3_600_000, new AbortController().signal)
    expect(mock.requests.length).toBe(count)
  })

  it('refuses bad options with a typed error', () => {
    expect(() => createApiFootballPoller({ apiKey: KEY } as ApiFootballPollerOptions)).toThrow(
      /give exactly one of fixtures, leagues or live: true/,
    )
    expect(() =>
      createApiFootballPoller({ apiKey: KEY, fixtures: [1], live: true } as ApiFootballPollerOptions),
    ).toThrow(expect.objectContaining({ code: 'invalid_option' }))
  })
})
