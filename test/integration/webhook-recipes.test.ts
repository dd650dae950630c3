import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { serve as serveHono } from '@hono/node-server'
import { describe, expect, it } from 'vitest'
import { createApp as createExpressApp } from '../../examples/recipes/express.js'
import { createApp as createFastifyApp } from '../../examples/recipes/fastify.js'
import { createApp as createHonoApp } from '../../examples/recipes/hono.js'
import type { MatchEvent } from '../../src/event/schema.js'
import { signHmacSignature } from '../../src/webhooks/index.js'

const secret = 'recipe-secret-0123456789abcdef'
const body = JSON.stringify({
  match_id: '77',
  event_type: 'red_card',
  minute: 61,
  player_id: 5,
  team_id: 'away-fc',
})
type Started = { url: string; close: () => Promise<void> }
type Recipe = (onEvents: (events: MatchEvent[]) => Promise<void>) => Promise<Started>

const recipes: Record<string, Recipe> = {
  express: async (onEvents) => {
    const server = createExpressApp({ secret, onEvents }).listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) }
  },
  fastify: async (onEvents) => {
    const app = createFastifyApp({ secret, onEvents })
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    return { url, close: () => app.close() }
  },
  hono: async (onEvents) => {
    const app = createHonoApp({ secret, onEvents })
    const server = serveHono({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) }
  },
}

describe.each(Object.keys(recipes))('the %s recipe in docs/webhooks.md', (name) => {
  it('is the code the docs show', () => {
    const docs = readFileSync(new URL('../../docs/webhooks.md', import.meta.url), 'utf8')
    const code = readFileSync(new URL(`../../examples/recipes/${name}.ts`, import.meta.url), 'utf8')
    expect(docs).toContain(code.trim())
  })

  it('accepts a signed delivery, rejects a tampered one and caps the body', async () => {
    const received: MatchEvent[] = []
    const app = await recipes[name]!(async (events) => {
      received.push(...events)
    })
    try {
      const url = `${app.url}/api/v1/webhooks/match-events`
      const headers = { ...signHmacSignature(body, { secret }), 'content-type': 'application/json' }
      const ok = await fetch(url, { method: 'POST', body, headers })
      expect(ok.status).toBe(200)
      expect(received).toHaveLength(1)
      expect(received[0]).toMatchObject({ type: 'card', card: 'red', matchId: '77', player: { id: '5' } })
      const tampered = await fetch(url, { method: 'POST', body: body.replace('61', '16'), headers })
      expect(tampered.status).toBe(401)
      const huge = await fetch(url, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024), headers })
      expect(huge.status).toBe(413)
      expect(received).toHaveLength(1)
    } finally {
      await app.close()
    }
  })
})
