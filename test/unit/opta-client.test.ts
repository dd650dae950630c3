import { createHash } from 'node:crypto'
import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { createStatsPerformClient } from '../../src/providers/opta/index.js'
import { MA3 } from '../helpers/opta.js'
import { setupProviderServer } from '../helpers/pollers.js'

const server = setupProviderServer()
const fast = { retries: 1, minDelayMs: 1, maxDelayMs: 2 }

describe('createStatsPerformClient', () => {
  const OAUTH = 'https://oauth.performgroup.com/oauth/token'
  const FEEDS = 'https://api.performfeeds.com/soccerdata'
  const ma3 = MA3

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
