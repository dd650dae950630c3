import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { ProviderHttpError } from '../../src/http/index.js'
import { createStatsPerformClient } from '../../src/providers/opta/index.js'
import { createStatsBombClient } from '../../src/providers/statsbomb/index.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')
const SB = 'https://data.statsbombservices.com/api'
const fast = { retries: 1, minDelayMs: 1, maxDelayMs: 2 }

async function collect(
  source: { start(emit: (b: MatchEvent[]) => Promise<void>, s: AbortSignal): Promise<void> },
  batches: number,
) {
  const got: MatchEvent[][] = []
  const controller = new AbortController()
  await source.start(async (batch) => {
    got.push(batch)
    if (got.length >= batches) controller.abort()
  }, controller.signal)
  return got
}

describe('createStatsBombClient', () => {
  const events = JSON.parse(fixture('statsbomb/match_events.json')) as {
    id: string
    type: { name: string }
  }[]
  const lineups = fixture('statsbomb/match_lineups.json')

  it('reads v8 events and v4 lineups with HTTP Basic', async () => {
    const seen: string[] = []
    server.use(
      http.get(`${SB}/v8/events/:id`, ({ request, params }) => {
        seen.push(`${params.id} ${request.headers.get('authorization')}`)
        return HttpResponse.json(events)
      }),
      http.get(`${SB}/v4/lineups/:id`, () =>
        HttpResponse.text(lineups, { headers: { 'content-type': 'application/json' } }),
      ),
    )
    const client = createStatsBombClient({ username: 'analyst@club.test', password: 'pa55word-long' })
    const match = await client.fetchMatch(3788741)
    expect(match.length).toBeGreaterThan(30)
    expect(match[0]!.id.startsWith('statsbomb:3788741:')).toBe(true)
    expect(seen).toEqual([
      `3788741 Basic ${Buffer.from('analyst@club.test:pa55word-long').toString('base64')}`,
    ])
  })

  it('polls a match: first everything, then only changes and vanished events (deleted), lineups once', async () => {
    let poll = 0
    let lineupCalls = 0
    const withoutLast = events.slice(0, -1)
    const changed = withoutLast.map((e, i) => (i === 10 ? { ...e, location: [50.5, 40.5] } : e))
    const snapshots = [events, events, changed]
    server.use(
      http.get(`${SB}/v8/events/:id`, () => HttpResponse.json(snapshots[Math.min(poll++, 2)])),
      http.get(`${SB}/v4/lineups/:id`, () => {
        lineupCalls++
        return HttpResponse.text(lineups, { headers: { 'content-type': 'application/json' } })
      }),
    )
    const client = createStatsBombClient({ username: 'u', password: 'pw-long-enough', retry: fast })
    const batches = await collect(client.pollMatch('77', { intervalMs: 1 }), 2)
    expect(batches[0]!.length).toBeGreaterThan(30)
    const second = batches[1]!
    const last = events[events.length - 1]!.id
    expect(second.map((e) => [e.providerEventId, e.deleted])).toEqual(
      expect.arrayContaining([
        [events[10]!.id, false],
        [last, true],
      ]),
    )
    expect(second).toHaveLength(2)
    const before = batches[0]!.find((e) => e.providerEventId === events[10]!.id)!
    expect(second.find((e) => e.providerEventId === events[10]!.id)!.version).toBeGreaterThan(before.version)
    expect(lineupCalls).toBe(1)
  })

  it('fails with a typed error that never shows the credentials', async () => {
    server.use(
      http.get(`${SB}/v4/lineups/:id`, () =>
        HttpResponse.json({ error: 'bad credentials' }, { status: 401 }),
      ),
    )
    const client = createStatsBombClient({ username: 'u', password: 'secret-password-1' })
    const error = await client.fetchMatch('1').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderHttpError)
    expect(error).toMatchObject({ provider: 'statsbomb', code: 'unauthorized', retryable: false })
    expect(JSON.stringify(error) + String(error)).not.toContain(
      Buffer.from('u:secret-password-1').toString('base64'),
    )
  })
})

describe('createStatsPerformClient', () => {
  const OAUTH = 'https://oauth.performgroup.com/oauth/token'
  const FEEDS = 'https://api.performfeeds.com/soccerdata'
  const ma3 = fixture('opta/ma3-small.json')

  function oauthServer(lifetime?: number) {
    const requests: {
      timestamp: string | null
      authorization: string | null
      body: string
      search: string
    }[] = []
    let n = 0
    server.use(
      http.post(`${OAUTH}/:outlet`, async ({ request }) => {
        requests.push({
          timestamp: request.headers.get('timestamp'),
          authorization: request.headers.get('authorization'),
          body: await request.text(),
          search: new URL(request.url).search,
        })
        n++
        return HttpResponse.json({
          access_token: `token-${n}`,
          token_type: 'bearer',
          ...(lifetime ? { expires_in: lifetime } : {}),
        })
      }),
    )
    return requests
  }

  it('gets a token with the sha512 Basic of outlet + timestamp + secret, and reuses it', async () => {
    const requests = oauthServer(3600)
    const bearers: (string | null)[] = []
    server.use(
      http.get(`${FEEDS}/matchevent/:outlet/:fixture`, ({ request, params }) => {
        bearers.push(request.headers.get('authorization'))
        expect(params).toEqual({ outlet: 'outlet-key', fixture: 'fx1' })
        expect(new URL(request.url).searchParams.get('_fmt')).toBe('json')
        return HttpResponse.text(ma3, { headers: { 'content-type': 'application/json' } })
      }),
    )
    const clock = 1_700_000_000_000
    const client = createStatsPerformClient({
      outletKey: 'outlet-key',
      secretKey: 'secret-key',
      now: () => clock,
    })
    await Promise.all([client.fetchMatch('fx1'), client.fetchMatch('fx1'), client.fetchMatch('fx1')])
    expect(requests).toHaveLength(1) // shared by concurrent callers
    const expected = createHash('sha512').update(`outlet-key${clock}secret-key`).digest('hex')
    expect(requests[0]).toEqual({
      timestamp: String(clock),
      authorization: `Basic ${expected}`,
      body: 'grant_type=client_credentials&scope=b2b-feeds-auth',
      search: '?_fmt=json&_rt=b',
    })
    expect(bearers).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-1'])
  })

  it('renews the token before it expires, and once more after a 401', async () => {
    const requests = oauthServer() // no expires_in: assume 5 minutes
    let clock = 0
    let reject = false
    const bearers: (string | null)[] = []
    server.use(
      http.get(`${FEEDS}/matchevent/:outlet/:fixture`, ({ request }) => {
        bearers.push(request.headers.get('authorization'))
        if (reject) {
          reject = false
          return HttpResponse.json({ error: 'token expired' }, { status: 401 })
        }
        return HttpResponse.text(ma3, { headers: { 'content-type': 'application/json' } })
      }),
    )
    const client = createStatsPerformClient({ outletKey: 'o', secretKey: 's', now: () => clock })
    await client.getMatchEvents('fx')
    clock = 239_000 // still more than a minute left
    await client.getMatchEvents('fx')
    clock = 241_000 // less than a minute left: renew first
    await client.getMatchEvents('fx')
    reject = true
    await client.getMatchEvents('fx')
    expect(bearers).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-2',
      'Bearer token-2',
      'Bearer token-3',
    ])
    expect(requests).toHaveLength(3)
  })

  it('never shows the outlet key (a credential in the URL path) in errors', async () => {
    oauthServer(3600)
    server.use(
      http.get(`${FEEDS}/matchevent/:outlet/:fixture`, () =>
        HttpResponse.json({ error: 'no' }, { status: 403 }),
      ),
    )
    const client = createStatsPerformClient({ outletKey: 'OUTLETKEY123456', secretKey: 's', retry: fast })
    const error = await client.getMatchEvents('fx').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'forbidden', status: 403 })
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain('OUTLETKEY123456')
  })

  it('polls MA3 and stops after the poll that finds the match Played', async () => {
    oauthServer(3600)
    let polls = 0
    server.use(
      http.get(`${FEEDS}/matchevent/:outlet/:fixture`, () => {
        polls++
        return HttpResponse.text(ma3, { headers: { 'content-type': 'application/json' } })
      }),
    )
    const client = createStatsPerformClient({ outletKey: 'o', secretKey: 's' })
    const emitted: MatchEvent[] = []
    await client
      .pollMatch('fx', { intervalMs: 1 })
      .start(async (b) => void emitted.push(...b), new AbortController().signal)
    expect(polls).toBe(1)
    expect(emitted.length).toBeGreaterThan(10)
  })
})
