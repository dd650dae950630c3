// The match page's server side against an embedded PGlite: GET /api/v1/matches by inject, the page's routes
// and their headers, the live hub at /live (open by default, LIVE_TOKEN closes it) and its metrics.
import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import Fastify, { type FastifyInstance } from 'fastify'
import { connectLive } from 'matchfeed/live/client'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { build } from '../src/app.js'
import { pageRoutes } from '../src/routes/pages.js'
import { buildReady, guideEvent, injectDelivery, testConfig } from './helpers.js'

let app: FastifyInstance
beforeAll(async () => {
  app = await buildReady()
}, 60_000)
afterAll(() => app.close())

const post = async (target: FastifyInstance, items: unknown[]) => {
  expect((await injectDelivery(target, items)).statusCode).toBe(200)
}
const home = { team_id: '33', team_side: 'home' }
const away = { team_id: '66', team_side: 'away' }
const matches = async (query = '') => {
  const res = await app.inject(`/api/v1/matches${query}`)
  expect(res.statusCode).toBe(200)
  return res.json().matches as { id: string; events: number }[]
}
/** The list once `accept` takes it (it is computed at most every 2 s), else the last one after 5 s. */
const listed = async (accept: (list: { id: string; events: number }[]) => boolean, query = '') => {
  const deadline = Date.now() + 5000
  for (;;) {
    const list = await matches(query)
    if (accept(list) || Date.now() > deadline) return list
    await sleep(100)
  }
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
    const m1 = (await listed((list) => list.some((m) => m.id === 'm1'))).find((m) => m.id === 'm1')
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
    const m2 = (await listed((list) => list.some((m) => m.id === 'm2' && m.events === 3))).find(
      (m) => m.id === 'm2',
    )
    expect(m2).toMatchObject({ score: { home: 1, away: 1 }, phase: 'play', clock: { minute: 20 }, events: 3 })
  })

  it('takes limit (at most 200): the most recently active first', async () => {
    await post(app, [guideEvent({ match_id: 'm3', event_id: 'x', timestamp: '2030-01-01T00:00:00Z' })])
    expect((await listed((list) => list[0]?.id === 'm3', '?limit=1')).map((m) => m.id)).toEqual(['m3'])
    expect((await app.inject('/api/v1/matches?limit=200')).statusCode).toBe(200)
    const res = await app.inject('/api/v1/matches?limit=201')
    expect([res.statusCode, res.json().error.field]).toEqual([400, 'limit'])
  })

  it('is computed once for all the requests of 2 s, the shorter lists the head of the longest; a new match shows after', async () => {
    await sleep(2100) // what the tests before computed is stale now
    const query = vi.spyOn(app.runtime.storage.client, 'query')
    const computed = () => query.mock.calls.filter(([sql]) => String(sql).includes('WITH RECURSIVE')).length
    try {
      const longest = await matches('?limit=3')
      const lists = await Promise.all(Array.from({ length: 20 }, (_, i) => matches(`?limit=${1 + (i % 3)}`)))
      expect(lists.map((l) => l.length)).toEqual(Array.from({ length: 20 }, (_, i) => 1 + (i % 3)))
      for (const list of lists) expect(list).toEqual(longest.slice(0, list.length))
      await post(app, [guideEvent({ match_id: 'm4', event_id: 'x', timestamp: '2031-01-01T00:00:00Z' })])
      expect((await matches('?limit=2')).map((m) => m.id)).not.toContain('m4') // within the 2 s
      expect(computed()).toBe(1)
      await sleep(2100)
      expect((await matches('?limit=2')).map((m) => m.id)).toEqual(['m4', 'm3'])
      expect(computed()).toBe(2)
    } finally {
      query.mockRestore()
    }
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

  it('reads its files from a path with a space; one unreadable is a 500 naming no path, the log names it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mf page '))
    let log = ''
    const pages = Fastify({
      loggerInstance: pino({ level: 'info' }, { write: (line: string) => (log += line) }),
    })
    try {
      copyFileSync(new URL('../public/index.html', import.meta.url), join(dir, 'index.html'))
      await pages.register(pageRoutes(pathToFileURL(`${dir}/`)))
      const html = await pages.inject('/matches/1')
      expect([html.statusCode, html.body]).toEqual([200, expect.stringContaining('/assets/app.js')])
      const missing = await pages.inject('/assets/style.css') // not copied
      expect([missing.statusCode, missing.json()]).toEqual([
        500,
        { error: { code: 'internal_error', message: 'the page is unavailable' } },
      ])
      expect(log).toContain(join(dir, 'style.css'))
    } finally {
      await pages.close()
      rmSync(dir, { recursive: true, force: true })
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

  /** A raw socket: whether the upgrade went through, and its close code once it closes. */
  function raw(url: string, first?: unknown) {
    const ws = new WebSocket(url)
    const opened = new Promise<boolean>((resolve) => {
      ws.onopen = () => {
        if (first !== undefined) ws.send(JSON.stringify(first))
        resolve(true)
      }
      ws.onerror = () => resolve(false)
    })
    const closed = new Promise<number>((resolve) => {
      ws.onclose = (event) => resolve(event.code)
    })
    return { opened, closed, close: () => ws.close() }
  }

  it('with LIVE_TOKEN takes a client that sends it first; 4401 for one whose first message is not it, 401 for a wrong one in the upgrade; the log holds neither', async () => {
    const token = 'live-token-0123456789'
    const wrong = 'wrong-token-0123456789'
    let log = ''
    const logger = pino({ level: 'info' }, { write: (line: string) => (log += line) })
    const server = await build(testConfig({ LOG_LEVEL: 'info', LIVE_TOKEN: token }), { logger })
    await server.listen({ host: '127.0.0.1', port: 0 })
    await server.runtime.ready
    const url = `ws://127.0.0.1:${(server.server.address() as AddressInfo).port}/live`
    try {
      // A wrong token in the upgrade request: 401, no upgrade.
      const refused = await new Promise<number | undefined>((resolve, reject) => {
        const request = httpRequest(`${url.replace('ws:', 'http:')}?token=${wrong}`, {
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': randomBytes(16).toString('base64'),
          },
        })
        request.on('response', (res) => resolve(res.statusCode))
        request.on('upgrade', () => resolve(101))
        request.on('error', reject)
        request.end()
      })
      expect(refused).toBe(401)
      // No token in the upgrade: 101, then the first message must be a good `auth`, else 4401 at once (no message
      // at all: 4401 after the hub's 10 s, not waited for here).
      const started = Date.now()
      for (const first of [
        { type: 'subscribe', matchId: 'h2' },
        { type: 'auth', token: wrong },
      ]) {
        const socket = raw(url, first)
        expect(await socket.opened).toBe(true)
        expect(await socket.closed).toBe(4401)
      }
      expect(Date.now() - started).toBeLessThan(5000)

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
    expect(log).toContain('"msg"') // it logged at info
    expect(log).not.toContain(token)
    expect(log).not.toContain(wrong)
  })
})
