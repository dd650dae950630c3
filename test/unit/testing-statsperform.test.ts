// matchfeed/testing's Stats Perform mock: the real client (OAuth, MA3 polling) follows a whole simulated match.
import { describe, expect, it } from 'vitest'
import { createStatsPerformClient, parseStatsPerformMA3 } from '../../src/providers/opta/index.js'
import {
  type FailureScenario,
  simulateMatch,
  statsPerformHandlers,
  streamSummary,
} from '../../src/testing/index.js'
import { matchOnFakeTimers, pipeThroughMatch, setupMatchServer } from '../helpers/simulated-match.js'

const server = setupMatchServer()
const KEYS = { outletKey: 'outlet-key-0123456789', secretKey: 'secret-key-9876543210' }

/** The real client's pollMatch (OAuth, MA3), through createPipeline into a memory sink, over a whole match. */
async function followMatch(failures: FailureScenario[] = []) {
  const match = matchOnFakeTimers()
  const mock = statsPerformHandlers(match, { ...KEYS, tokenLifetimeSeconds: 600, failures })
  server.use(...mock)
  const client = createStatsPerformClient(KEYS)
  const errors: unknown[] = []
  const source = client.pollMatch(match.statsPerformId, { onError: (e) => errors.push(e) })
  const sink = await pipeThroughMatch(match, [source])
  await client.close()
  const tokens = mock.requests.filter((r) => r.url.includes('/oauth/token/'))
  return { match, mock, errors, tokens, events: sink.match(match.statsPerformId) }
}

describe('statsPerformHandlers: a whole match through createStatsPerformClient().pollMatch', () => {
  it('ends with the simulated state; tokens expire and are renewed; the VAR goal is withdrawn (type 43)', async () => {
    const { match, mock, errors, tokens, events } = await followMatch()
    expect(streamSummary(events)).toEqual(match.finalSummary)
    expect(errors).toEqual([])
    expect(events.filter((e) => e.deleted && e.type === 'shot' && e.result === 'goal')).toHaveLength(1)
    // 600 s tokens over a match of more than two hours: renewed again and again, never refused.
    expect(tokens.length).toBeGreaterThan(10)
    expect(mock.requests.filter((r) => r.status === 401)).toEqual([])
    // The poller stops after the poll that saw the match Played: no request after it.
    const last = mock.requests.at(-1)!
    expect(last.at).toBeGreaterThanOrEqual(match.settledAt)
    expect(last.at).toBeLessThan(match.settledAt + 60_000)
  })

  it('renews a revoked token, rides out a failing token endpoint, 429s, a 5xx burst and slow answers', async () => {
    const { match, mock, errors, events } = await followMatch([
      { type: 'token_expired', atMinute: 30 },
      { type: 'oauth_error', atMinute: 45, count: 2 },
      { type: 'http_429', atMinute: 50, count: 2, retryAfterSeconds: 3 },
      { type: 'server_error', atMinute: 70, count: 5 }, // more than one request's retries: a poll fails
      { type: 'slow', atMinute: 80, delayMs: 10_000 },
    ])
    expect(streamSummary(events)).toEqual(match.finalSummary)
    const outcomes = mock.requests.map((r) => r.outcome)
    for (const o of ['token_expired', 'oauth_error', 'http_429', 'server_error', 'slow'])
      expect(outcomes).toContain(o)
    expect(errors.map((e) => (e as { code: string }).code)).toEqual(['server_error'])
  })
})

describe('statsPerformHandlers: requests', () => {
  it('serves MA1 and MA3 growing with the match; refuses a wrong outlet, a bad signature, a missing token', async () => {
    const match = simulateMatch({ seed: 42 })
    const mock = statsPerformHandlers(match, KEYS)
    server.use(...mock)
    const client = createStatsPerformClient(KEYS)
    const goals = async () =>
      (await client.getMatch(match.statsPerformId)) as { liveData: { goal: unknown[] } }
    expect((await goals()).liveData.goal).toEqual([])
    await match.clock.sleep(match.settledAt - match.clock.now(), new AbortController().signal)
    const ma1 = await goals()
    expect(ma1.liveData.goal).toHaveLength(match.finalSummary.goals.length)
    const ma3 = await client.getMatchEvents(match.statsPerformId)
    // The real parser reads both, and MA1's line-ups name the players.
    const events = parseStatsPerformMA3(ma3 as object, { ma1: ma1 as unknown as Record<string, unknown> })
    expect(streamSummary(events)).toEqual(match.finalSummary)
    expect(events.find((e) => e.type === 'substitution')?.relatedPlayer?.name).toMatch(/#\d+$/)

    const base = `https://api.performfeeds.com/soccerdata/matchevent`
    expect((await fetch(`${base}/wrong-outlet/${match.statsPerformId}?_rt=b&_fmt=json`)).status).toBe(403)
    expect((await fetch(`${base}/${KEYS.outletKey}/${match.statsPerformId}?_rt=b&_fmt=json`)).status).toBe(
      401,
    )
    const token = await fetch(
      `https://oauth.performgroup.com/oauth/token/${KEYS.outletKey}?_fmt=json&_rt=b`,
      {
        method: 'POST',
        headers: { authorization: `Basic ${'0'.repeat(128)}`, timestamp: '1' },
        body: 'grant_type=client_credentials&scope=b2b-feeds-auth',
      },
    )
    expect(token.status).toBe(401)
    expect(await token.json()).toMatchObject({ error: 'invalid_client' })
    await expect(client.getMatchEvents('unknown-fixture')).rejects.toMatchObject({ code: 'not_found' })
    // A legacy outlet (no OAuth): the outlet key in the path is enough; the fixture as `?fx=` too.
    server.use(...statsPerformHandlers(match, { outletKey: 'legacy-outlet' }))
    const legacy = await fetch(`${base}/legacy-outlet?fx=${match.statsPerformId}&_rt=b&_fmt=json`)
    expect(legacy.status).toBe(200)
    expect(await legacy.json()).toMatchObject({ matchInfo: { id: match.statsPerformId } })
  })
})
