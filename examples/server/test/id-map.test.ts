// The id map routes by inject against an embedded PGlite: entries put and listed a page at a time (API key),
// used by the webhook route (a mapped event lands under the internal match id), unmapped ids listed, metrics.
import type { FastifyInstance } from 'fastify'
import { type IdMapEntry, postgresIdMapStore } from 'matchfeed/id-mapping'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/app.js'
import { API_KEY, buildReady, guideEvent, injectDelivery, testConfig } from './helpers.js'

let app: FastifyInstance
beforeAll(async () => {
  app = await buildReady()
})
afterAll(() => app.close())

const put = (payload: unknown, headers: Record<string, string> = { 'x-api-key': API_KEY }) =>
  app.inject({
    method: 'PUT',
    url: '/api/v1/id-map',
    payload: JSON.stringify(payload),
    headers: { 'content-type': 'application/json', ...headers },
  })
const get = (url: string, headers: Record<string, string> = { 'x-api-key': API_KEY }) =>
  app.inject({ method: 'GET', url, headers })
const list = async (query: string) => (await get(`/api/v1/id-map?${query}`)).json()
const webhook = (payload: unknown, to = app) => injectDelivery(to, payload)
const stored = async (matchId: string) => (await app.inject(`/api/v1/matches/${matchId}/events`)).json()

const MATCH = { provider: 'custom', kind: 'match', externalId: 'x1', internalId: 'our-match-1' }
const TEAM = { provider: 'custom', kind: 'team', externalId: 't1', internalId: 'our-club' }

describe('PUT /api/v1/id-map', () => {
  it('answers 401 without a known API key, and stores nothing', async () => {
    expect((await put({ entries: [MATCH] }, {})).statusCode).toBe(401)
    const res = await put({ entries: [MATCH] }, { 'x-api-key': 'wrong-key-0123456789abcdef' })
    expect([res.statusCode, res.json().error.code]).toEqual([401, 'invalid_api_key'])
    expect(await list('provider=custom')).toEqual({ entries: [] })
  })

  it('answers 400 naming the field of a bad entry, and without entries', async () => {
    const bad = await put({ entries: [MATCH, { ...TEAM, kind: 'coach' }] })
    expect([bad.statusCode, bad.json().error]).toEqual([
      400,
      expect.objectContaining({ code: 'invalid_id_map_entry', field: 'entries[1].kind' }),
    ])
    const colon = await put({ entries: [{ ...MATCH, internalId: 'a:b' }] })
    expect([colon.statusCode, colon.json().error.field]).toEqual([400, 'entries[0].internalId'])
    const none = await put({ mappings: [] })
    expect([none.statusCode, none.json().error.field]).toEqual([400, 'entries'])
    // Nothing of a refused request was stored.
    expect(await list('provider=custom')).toEqual({ entries: [] })
  })

  it('stores entries, listed by provider and kind', async () => {
    const res = await put({ entries: [MATCH, TEAM] })
    expect([res.statusCode, res.json()]).toEqual([200, { status: 'ok', entries: 2 }])
    expect(await list('provider=custom')).toEqual({ entries: [MATCH, TEAM] })
    expect(await list('kind=team')).toEqual({ entries: [TEAM] })
    const bad = await get('/api/v1/id-map?kind=coach')
    expect([bad.statusCode, bad.json().error.field]).toEqual([400, 'kind'])
  })
})

describe('GET /api/v1/id-map, GET /api/v1/id-map/unmapped', () => {
  it('answer 401 without a known API key', async () => {
    for (const url of ['/api/v1/id-map', '/api/v1/id-map?provider=custom', '/api/v1/id-map/unmapped']) {
      for (const headers of [{}, { 'x-api-key': 'wrong-key-0123456789abcdef' }] as Record<string, string>[]) {
        const res = await get(url, headers)
        expect([url, res.statusCode, res.json().error.code]).toEqual([url, 401, 'invalid_api_key'])
      }
    }
  })

  it('page past 1,000 entries in key order with the `next` cursor', async () => {
    const ids = Array.from({ length: 1_001 }, (_, i) => `p${String(i).padStart(4, '0')}`)
    const entries = ids.map((id) => ({
      provider: 'pager',
      kind: 'player',
      externalId: id,
      internalId: `our-${id}`,
    }))
    expect((await put({ entries: entries.slice(0, 1_000) })).statusCode).toBe(200)
    expect((await put({ entries: entries.slice(1_000) })).statusCode).toBe(200)
    const first = await list('provider=pager')
    expect(first.entries).toHaveLength(1_000)
    expect(first.next).toBe('pager:player:p0999')
    const last = await list(`provider=pager&after=${encodeURIComponent(first.next)}`)
    expect(last).toEqual({ entries: [entries[1_000]] })

    // Smaller pages, across kinds (the cursor carries the whole key), until no `next`.
    const more = [
      { provider: 'pager', kind: 'match', externalId: 'm1', internalId: 'our-m1' },
      { provider: 'pager', kind: 'team', externalId: 'a:b', internalId: 'our-ab' }, // a ":" in the cursor's id
      { provider: 'pager', kind: 'team', externalId: 'a:c', internalId: 'our-ac' },
    ]
    expect((await put({ entries: more })).statusCode).toBe(200)
    const seen: string[] = []
    const cursors: string[] = []
    let page = await list('provider=pager&limit=59')
    for (;;) {
      seen.push(...page.entries.map((e: { kind: string; externalId: string }) => `${e.kind}/${e.externalId}`))
      if (page.next === undefined) break
      cursors.push(page.next)
      page = await list(`provider=pager&limit=59&after=${encodeURIComponent(page.next)}`)
    }
    // 1,004 entries: 17 pages of 59, the last of them ending on 'team/a:b', and one of 1.
    expect(seen).toEqual(['match/m1', ...ids.map((id) => `player/${id}`), 'team/a:b', 'team/a:c'])
    expect([cursors.length, cursors.at(-1)]).toEqual([17, 'pager:team:a:b'])

    const bad = await get('/api/v1/id-map?after=pager:coach:x')
    expect([bad.statusCode, bad.json().error.field]).toEqual([400, 'after.kind'])
    expect((await get('/api/v1/id-map?after=no-cursor')).statusCode).toBe(400)
  })
})

describe('the webhook route with the id map', () => {
  it('stores a mapped event under the internal match id, with the provider’s ids kept and its event id', async () => {
    await put({ entries: [MATCH, TEAM] })
    const res = await webhook(guideEvent({ match_id: 'x1', event_id: 'e1', team_id: 't1', player_id: 'p9' }))
    expect(res.statusCode).toBe(200)
    const { events } = await stored('our-match-1')
    expect(events).toEqual([
      expect.objectContaining({
        id: 'custom:x1:e1',
        matchId: 'our-match-1',
        providerMatchId: 'x1',
        team: expect.objectContaining({ id: 'our-club', providerId: 't1' }),
        player: { id: 'p9' },
      }),
    ])
    expect((await stored('x1')).events).toEqual([])
  })

  it('passes an unmapped match through under its own id, and lists it with its count', async () => {
    expect((await webhook(guideEvent({ match_id: 'x2', event_id: 'e1' }))).statusCode).toBe(200)
    expect((await webhook(guideEvent({ match_id: 'x2', event_id: 'e2' }))).statusCode).toBe(200)
    expect((await stored('x2')).events.map((e: { id: string }) => e.id)).toEqual([
      'custom:x2:e1',
      'custom:x2:e2',
    ])
    const unmapped = (await get('/api/v1/id-map/unmapped')).json()
    expect(unmapped.counts).toEqual(expect.arrayContaining([{ provider: 'custom', kind: 'match', count: 2 }]))
    expect(unmapped.recent).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'custom', kind: 'match', externalId: 'x2', count: 2 }),
      ]),
    )
    // Mapped since: gone from the recent list.
    await put({ entries: [{ ...MATCH, externalId: 'x2' }] })
    const after = (await get('/api/v1/id-map/unmapped')).json()
    expect(after.recent.some((u: { externalId: string }) => u.externalId === 'x2')).toBe(false)
  })

  it('shows the counts on /metrics', async () => {
    const text = (await app.inject('/metrics')).body
    expect(text).toMatch(
      /matchfeed_id_map_ids_total\{provider="custom",kind="match",outcome="mapped"\} [1-9]/,
    )
    expect(text).toMatch(/matchfeed_id_map_ids_total\{provider="custom",kind="match",outcome="unmapped"\} 2/)
    expect(text).toContain('matchfeed_id_map_failures_total 0')
  })
})

describe('ID_MAP=false', () => {
  it('leaves ids as they come and mounts no id map routes', async () => {
    const plain = await build(testConfig({ ID_MAP: 'false' }))
    try {
      await plain.ready()
      await plain.runtime.ready
      expect(plain.runtime.idMap).toBeUndefined()
      expect((await plain.inject('/api/v1/id-map/unmapped')).statusCode).toBe(404)
      // A mapping in the table (migrated all the same) is not used.
      await postgresIdMapStore({ client: plain.runtime.storage.client }).set([MATCH, TEAM] as IdMapEntry[])
      const res = await webhook(guideEvent({ match_id: 'x1', event_id: 'e1', team_id: 't1' }), plain)
      expect(res.statusCode).toBe(200)
      const { events } = (await plain.inject('/api/v1/matches/x1/events')).json()
      expect(events).toEqual([expect.objectContaining({ id: 'custom:x1:e1', matchId: 'x1' })])
      expect(events[0]).not.toHaveProperty('providerMatchId')
      expect(events[0].team).not.toHaveProperty('providerId')
      expect(events[0].team.id).toBe('t1')
      expect((await plain.inject('/api/v1/matches/our-match-1/events')).json().events).toEqual([])
    } finally {
      await plain.close()
    }
  })
})
