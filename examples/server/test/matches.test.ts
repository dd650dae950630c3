// The match page's server side against an embedded PGlite: GET /api/v1/matches by inject, the page's routes
// and their headers, the live hub at /live (open by default, LIVE_TOKEN closes it) and its metrics.
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { connectLive } from 'matchfeed/live/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/app.js'
import { guideEvent, signed, testConfig } from './helpers.js'

let app: FastifyInstance
beforeAll(async () => {
  app = await build(testConfig())
  await app.ready()
  await app.runtime.ready
}, 60_000)
afterAll(() => app.close())

const post = async (target: FastifyInstance, items: unknown[]) => {
  const { body, headers } = signed(items)
  const res = await target.inject({
    method: 'POST',
    url: '/api/v1/webhooks/match-events',
    payload: body,
    headers,
  })
  expect(res.statusCode).toBe(200)
}
const home = { team_id: '33', team_side: 'home' }
const away = { team_id: '66', team_side: 'away' }
const matches = async (query = '') => {
  const res = await app.inject(`/api/v1/matches${query}`)
  expect(res.statusCode).toBe(200)
  return res.json().matches as { id: string }[]
}

describe('GET /api/v1/matches', () => {
  it('lists each match with its teams, score, period, phase, clock and last event time', async () => {
    await post(app, [
      guideEvent({ match_id: 'm1', event_id: 'ko', event_type: 'kick_off', minute: 0, ...home }),
      guideEvent({ match_id: 'm1', event_id: 'g1', minute: 12, ...home, score: { home: 1, away: 0 } }),
      guideEvent({
        match_id: 'm1',
        event_id: 'ht',
        event_type: 'half_time',
        minute: 45,
        added_time: 2,
        ...home,
      }),
      guideEvent({ match_id: 'm1', event_id: 'y1', event_type: 'yellow_card', minute: 30, ...away }),
    ])
    const m1 = (await matches()).find((m) => m.id === 'm1')
    expect(m1).toEqual({
      id: 'm1',
      home: { id: '33' },
      away: { id: '66' },
      score: { home: 1, away: 0 },
      period: 1,
      phase: 'break',
      clock: { minute: 45, second: 0, addedTime: 2 },
      events: 4,
      lastEventTime: '2025-05-25T15:12:00.000Z',
    })
  })

  it('counts the goals when no event carries the score: an own goal for the other side, withdrawn ones not', async () => {
    await post(app, [
      guideEvent({ match_id: 'm2', event_id: 'ko', event_type: 'kick_off', minute: 0, ...home }),
      guideEvent({ match_id: 'm2', event_id: 'g1', minute: 10, ...home }),
      guideEvent({ match_id: 'm2', event_id: 'og', event_type: 'own_goal', minute: 20, ...home }),
      guideEvent({ match_id: 'm2', event_id: 'g2', minute: 30, ...away }),
    ])
    // VAR: the away goal withdrawn.
    await post(app, [
      guideEvent({ match_id: 'm2', event_id: 'g2', minute: 30, ...away, version: 1, deleted: true }),
    ])
    const m2 = (await matches()).find((m) => m.id === 'm2')
    expect(m2).toMatchObject({ score: { home: 1, away: 1 }, phase: 'play', clock: { minute: 20 }, events: 3 })
  })

  it('pages with limit (at most 200): the most recently active first', async () => {
    await post(app, [guideEvent({ match_id: 'm3', event_id: 'x', timestamp: '2030-01-01T00:00:00Z' })])
    expect((await matches('?limit=1')).map((m) => m.id)).toEqual(['m3'])
    const res = await app.inject('/api/v1/matches?limit=500')
    expect([res.statusCode, res.json().error.field]).toEqual([400, 'limit'])
  })
})

describe('the page', () => {
  it('serves the same HTML at / and /matches/:id, with a Content-Security-Policy of its own origin only', async () => {
    for (const url of ['/', '/matches/1000001']) {
      const res = await app.inject(url)
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(res.body).toContain('<script type="module" src="/assets/app.js">')
      expect(res.headers['content-security-policy']).toContain("default-src 'self'")
      expect(res.headers['content-security-policy']).toContain("connect-src 'self'")
    }
    const js = await app.inject('/assets/app.js')
    expect([js.statusCode, js.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8'])
    expect(js.body).toContain("from '/assets/live-client.js'")
    expect((await app.inject('/assets/style.css')).statusCode).toBe(200)
    for (const name of ['../src/config.ts', 'nope.js', 'constructor']) {
      const res = await app.inject(`/assets/${encodeURIComponent(name)}`)
      expect(res.statusCode).toBe(404)
    }
  })
})

describe('the live hub at /live', () => {
  async function listening(env: Record<string, string> = {}) {
    const server = await build(testConfig(env))
    await server.listen({ host: '127.0.0.1', port: 0 })
    await server.runtime.ready
    return { server, url: `ws://127.0.0.1:${(server.server.address() as AddressInfo).port}/live` }
  }

  it('is open by default: a client gets the snapshot, then each event the pipeline stores; /metrics counts it', async () => {
    const { server, url } = await listening()
    const live = connectLive({ url, matches: ['h1'] })
    try {
      const updates = live.updates()
      expect((await updates.next()).value).toEqual({ type: 'snapshot', matchId: 'h1', events: [] })
      await post(server, [guideEvent({ match_id: 'h1', event_id: 'a', ...home })])
      expect((await updates.next()).value).toMatchObject({ type: 'event', event: { id: 'custom:h1:a' } })
      await post(server, [guideEvent({ match_id: 'h1', event_id: 'b', minute: 20, ...home })])
      const b = await updates.next()
      expect(b.value).toMatchObject({ type: 'event', event: { id: 'custom:h1:b' } })
      expect(live.events('h1').map((e) => e.id)).toEqual(['custom:h1:a', 'custom:h1:b'])
      const metrics = (await server.inject('/metrics')).body
      expect(metrics).toMatch(/^matchfeed_live_clients 1$/m)
      expect(metrics).toMatch(/^matchfeed_live_subscriptions 1$/m)
    } finally {
      live.close()
      await server.close()
    }
  })

  it('with LIVE_TOKEN refuses a client without it (401 at the upgrade) and takes one with it', async () => {
    const token = 'live-token-0123456789'
    const { server, url } = await listening({ LIVE_TOKEN: token })
    try {
      const refused = await new Promise<string>((resolve) => {
        const ws = new WebSocket(`${url}?token=wrong-token-0123456789`)
        ws.onopen = () => resolve('open')
        ws.onerror = () => resolve('refused')
      })
      expect(refused).toBe('refused')
      const errors: string[] = []
      const live = connectLive({ url, token, matches: ['h2'], onError: (e) => errors.push(e.code) })
      try {
        const first = await live.updates().next()
        expect(first.value).toMatchObject({ type: 'snapshot', matchId: 'h2' })
        expect(errors).toEqual([])
      } finally {
        live.close()
      }
    } finally {
      await server.close()
    }
  })
})
