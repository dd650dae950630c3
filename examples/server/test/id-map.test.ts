// The id map routes by inject against an embedded PGlite: entries put (API key), listed, used by the webhook
// route (a mapped event lands under the internal match id), unmapped ids listed, metrics.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/app.js'
import { API_KEY, guideEvent, signed, testConfig } from './helpers.js'

let app: FastifyInstance
beforeAll(async () => {
  app = await build(testConfig())
  await app.ready()
  await app.runtime.ready
})
afterAll(() => app.close())

const put = (payload: unknown, headers: Record<string, string> = { 'x-api-key': API_KEY }) =>
  app.inject({
    method: 'PUT',
    url: '/api/v1/id-map',
    payload: JSON.stringify(payload),
    headers: { 'content-type': 'application/json', ...headers },
  })
const webhook = (payload: unknown) => {
  const { body, headers } = signed(payload)
  return app.inject({ method: 'POST', url: '/api/v1/webhooks/match-events', payload: body, headers })
}
const stored = async (matchId: string) => (await app.inject(`/api/v1/matches/${matchId}/events`)).json()

const MATCH = { provider: 'custom', kind: 'match', externalId: 'x1', internalId: 'our-match-1' }
const TEAM = { provider: 'custom', kind: 'team', externalId: 't1', internalId: 'our-club' }

describe('PUT /api/v1/id-map', () => {
  it('answers 401 without a known API key, and stores nothing', async () => {
    expect((await put({ entries: [MATCH] }, {})).statusCode).toBe(401)
    const res = await put({ entries: [MATCH] }, { 'x-api-key': 'wrong-key-0123456789abcdef' })
    expect([res.statusCode, res.json().error.code]).toEqual([401, 'invalid_api_key'])
    expect((await app.inject('/api/v1/id-map?provider=custom')).json()).toEqual({ entries: [] })
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
    expect((await app.inject('/api/v1/id-map?provider=custom')).json()).toEqual({ entries: [] })
  })

  it('stores entries, listed by provider and kind', async () => {
    const res = await put({ entries: [MATCH, TEAM] })
    expect([res.statusCode, res.json()]).toEqual([200, { status: 'ok', entries: 2 }])
    expect((await app.inject('/api/v1/id-map?provider=custom')).json()).toEqual({ entries: [MATCH, TEAM] })
    expect((await app.inject('/api/v1/id-map?kind=team')).json()).toEqual({ entries: [TEAM] })
    const bad = await app.inject('/api/v1/id-map?kind=coach')
    expect([bad.statusCode, bad.json().error.field]).toEqual([400, 'kind'])
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
    const unmapped = (await app.inject('/api/v1/id-map/unmapped')).json()
    expect(unmapped.counts).toEqual(expect.arrayContaining([{ provider: 'custom', kind: 'match', count: 2 }]))
    expect(unmapped.recent).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'custom', kind: 'match', externalId: 'x2', count: 2 }),
      ]),
    )
    // Mapped since: gone from the recent list.
    await put({ entries: [{ ...MATCH, externalId: 'x2' }] })
    const after = (await app.inject('/api/v1/id-map/unmapped')).json()
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
    } finally {
      await plain.close()
    }
  })
})
