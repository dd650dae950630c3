import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseApiFootballFixture } from '../../src/providers/api-football/index.js'
import { parseFootballDataMatch } from '../../src/providers/football-data/index.js'
import {
  createVirtualClock,
  handlers,
  recordEmits,
  requestPeaks,
  simulateMatch,
  streamScore,
} from '../../src/testing/index.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const MIN = 60_000
const AF = 'https://v3.football.api-sports.io'
const FD = 'https://api.football-data.org/v4'

describe('createVirtualClock', () => {
  it('moves time only when someone sleeps, waking sleepers in time order', async () => {
    const clock = createVirtualClock('2025-05-25T15:00:00Z')
    const start = clock.now()
    const woke: string[] = []
    const signal = new AbortController().signal
    await Promise.all([
      clock.sleep(5_000, signal).then(() => woke.push(`b@${clock.now() - start}`)),
      clock.sleep(1_000, signal).then(() => woke.push(`a@${clock.now() - start}`)),
    ])
    expect(woke).toEqual(['a@1000', 'b@5000'])
    clock.advance(250)
    expect(clock.now() - start).toBe(5_250)
  })

  it('rejects a sleeper when its signal aborts', async () => {
    const clock = createVirtualClock(0)
    const controller = new AbortController()
    const sleeping = clock.sleep(10_000, controller.signal)
    controller.abort(new Error('stop'))
    await expect(sleeping).rejects.toThrow('stop')
    expect(clock.now()).toBe(0)
  })
})

describe('simulateMatch', () => {
  it('is deterministic: the same seed gives the same match', () => {
    const a = simulateMatch({ seed: 5 })
    const b = simulateMatch({ seed: 5 })
    expect(a.incidents).toEqual(b.incidents)
    expect(a.apiFootballFixture(a.endsAt + MIN)).toEqual(b.apiFootballFixture(b.endsAt + MIN))
    expect(simulateMatch({ seed: 6 }).incidents).not.toEqual(a.incidents)
  })

  it('runs the statuses of a match, extra time and a shoot-out when asked', () => {
    const match = simulateMatch({
      seed: 2,
      extraTime: true,
      shootout: true,
      incidents: [
        { kind: 'goal', minute: 10, side: 'home', player: { id: 1, name: 'A' } },
        { kind: 'goal', minute: 100, side: 'away', player: { id: 2, name: 'B' } },
        { kind: 'shootout', side: 'home', player: { id: 1, name: 'A' }, scored: true },
        { kind: 'shootout', side: 'away', player: { id: 2, name: 'B' }, scored: false },
      ],
    })
    const at = (minutes: number) => match.state(match.kickOff + minutes * MIN)
    expect(match.state(match.kickOff - MIN).status).toBe('NS')
    expect(at(12)).toMatchObject({ status: '1H', elapsed: 13, score: { home: 1, away: 0 } })
    expect(at(47)).toMatchObject({ status: '1H', elapsed: 45, extra: 3 })
    expect(at(50).status).toBe('HT')
    // 45+3 and 15 minutes of half-time: the second half starts 63 minutes after kick-off.
    expect(at(70)).toMatchObject({ status: '2H', elapsed: 53 })
    expect(at(115)).toMatchObject({ status: 'BT', elapsed: 90 })
    expect(at(130)).toMatchObject({ status: 'ET', elapsed: 103, score: { home: 1, away: 1 } })
    expect(match.state(match.endsAt)).toMatchObject({ status: 'PEN', penalties: { home: 1, away: 0 } })
    expect(match.finalScore).toEqual({ home: 1, away: 1 })
    // Both providers' renderings read back to the same match.
    const fixture = match.apiFootballFixture(match.endsAt + MIN)
    expect(fixture).toMatchObject({
      fixture: { status: { short: 'PEN', elapsed: 120 } },
      goals: { home: 1, away: 1 },
      score: { penalty: { home: 1, away: 0 }, extratime: { home: 0, away: 1 } },
    })
    expect(streamScore(parseApiFootballFixture(fixture))).toEqual({ home: 1, away: 1 })
    const fd = match.footballDataMatch(match.endsAt + MIN, 'free')
    expect(fd).toMatchObject({
      status: 'FINISHED',
      score: {
        duration: 'PENALTY_SHOOTOUT',
        fullTime: { home: 2, away: 1 },
        regularTime: { home: 1, away: 0 },
      },
    })
    expect(streamScore(parseFootballDataMatch(fd))).toEqual({ home: 1, away: 1 })
  })

  it('withdraws a VAR-cancelled goal from both feeds and lists the decision in API-Football', () => {
    const match = simulateMatch({
      lagSeconds: 0,
      incidents: [
        { kind: 'goal', minute: 30, side: 'away', player: { id: 9, name: 'N' }, cancelledAt: { minute: 32 } },
      ],
    })
    const before = match.kickOff + 31 * MIN
    const after = match.kickOff + 33 * MIN
    expect(match.state(before).score).toEqual({ home: 0, away: 1 })
    expect(match.state(after).score).toEqual({ home: 0, away: 0 })
    expect(match.apiFootballEvents(after)).toEqual([
      expect.objectContaining({ type: 'Var', detail: 'Goal cancelled', time: { elapsed: 32, extra: null } }),
    ])
    expect((match.footballDataMatch(after, 'paid') as { goals: unknown[] }).goals).toEqual([])
  })
})

describe('handlers', () => {
  it('answers API-Football with the envelope, the quota headers and the counters of the plan', async () => {
    const match = simulateMatch({ seed: 3 })
    const mock = handlers(match)
    server.use(...mock)
    const response = await fetch(`${AF}/fixtures?id=${match.fixtureId}`, {
      headers: { 'x-apisports-key': 'k' },
    })
    expect(response.headers.get('x-ratelimit-requests-limit')).toBe('100')
    expect(response.headers.get('x-ratelimit-requests-remaining')).toBe('99')
    expect(response.headers.get('x-ratelimit-remaining')).toBe('9')
    const body = await response.json()
    expect(body).toMatchObject({
      get: 'fixtures',
      parameters: { id: String(match.fixtureId) },
      errors: [],
      results: 1,
      paging: { current: 1, total: 1 },
    })
    expect(body.response[0].fixture.status.short).toBe('NS')
    // Over the minute's limit: API-Football's own HTTP 200 with errors.rateLimit, logged as over_limit.
    for (let i = 0; i < 10; i++)
      await fetch(`${AF}/fixtures?live=all`, { headers: { 'x-apisports-key': 'k' } })
    expect(mock.requests.at(-1)).toMatchObject({ outcome: 'over_limit', status: 200 })
    expect(requestPeaks(mock.requests)).toMatchObject({ perMinute: 11, total: 11 })
    // No key: 403 with errors.token.
    const anonymous = await fetch(`${AF}/fixtures?live=all`)
    expect(anonymous.status).toBe(403)
    expect((await anonymous.json()).errors.token).toMatch(/Missing application key/)
  })

  it('answers Football-Data with the match, its counters, and a 429 "Wait N seconds" over the limit', async () => {
    const match = simulateMatch({ seed: 3 })
    const mock = handlers(match, { footballDataTier: 'free' })
    server.use(...mock)
    const headers = { 'X-Auth-Token': 't' }
    const response = await fetch(`${FD}/matches/${match.fixtureId}`, { headers })
    expect(response.headers.get('x-requests-available-minute')).toBe('9')
    expect(Number(response.headers.get('x-requestcounter-reset'))).toBeGreaterThan(0)
    const body = await response.json()
    expect(Object.keys(body).sort()).toEqual(
      [
        'area',
        'awayTeam',
        'competition',
        'group',
        'homeTeam',
        'id',
        'lastUpdated',
        'matchday',
        'odds',
        'referees',
        'score',
        'season',
        'stage',
        'status',
        'utcDate',
      ].sort(),
    )
    for (let i = 0; i < 10; i++) await fetch(`${FD}/matches/${match.fixtureId}`, { headers })
    const limited = await fetch(`${FD}/competitions/PL/matches`, { headers })
    expect(limited.status).toBe(429)
    expect((await limited.json()).message).toMatch(/^You reached your request limit\. Wait \d+ seconds\.$/)
    expect((await fetch(`${FD}/matches/1`, { headers })).status).toBe(429)
    mock.reset()
    expect((await fetch(`${FD}/matches/1`, { headers })).status).toBe(404)
  })

  it('injects the failures asked for, in order, then answers normally', async () => {
    const match = simulateMatch({ seed: 3 })
    const mock = handlers(match, {
      failures: [
        { type: 'server_error', atMinute: -30, count: 2, status: 502, provider: 'api-football' },
        { type: 'rate_limit_200', atMinute: -30, provider: 'api-football' },
        { type: 'http_429', atMinute: -30, retryAfterSeconds: 7, provider: 'api-football' },
      ],
    })
    server.use(...mock)
    const statuses: (string | number)[] = []
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${AF}/fixtures?live=all`, { headers: { 'x-apisports-key': 'k' } })
      const body = await r.json()
      statuses.push(r.status === 200 && body.errors?.rateLimit ? 'rateLimit' : r.status)
      if (r.status === 429) expect(r.headers.get('retry-after')).toBe('7')
    }
    expect(statuses).toEqual([502, 502, 'rateLimit', 429, 200])
    expect(mock.requests.map((r) => r.outcome)).toEqual([
      'server_error',
      'server_error',
      'rate_limit_200',
      'http_429',
      'ok',
    ])
  })

  it('records emits and reports duplicates', async () => {
    const rec = recordEmits()
    const [e] = parseApiFootballFixture(
      simulateMatch({ seed: 1 }).apiFootballFixture(Date.parse('2025-05-25T15:30:00Z')),
    )
    await rec.emit([e!])
    await rec.emit([e!])
    expect(rec.duplicates()).toEqual([`${e!.id}@0`])
    expect(rec.latest()).toEqual([e])
  })
})
