import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { ProviderHttpError } from '../../src/http/index.js'
import { createStatsBombClient } from '../../src/providers/statsbomb/index.js'
import { setupProviderServer } from '../helpers/pollers.js'
import { EVENTS_TEXT, LINEUPS_TEXT } from '../helpers/statsbomb.js'

const server = setupProviderServer()
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
  const events = JSON.parse(EVENTS_TEXT) as {
    id: string
    type: { name: string }
  }[]
  const lineups = LINEUPS_TEXT

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
