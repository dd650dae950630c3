// The webhook routes over real HTTP (a listening server on an ephemeral port): the answers given before the
// body is read, the client address behind a trusted proxy, and rate limiting on the webhook routes.
import { request } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/app.js'
import { guideEvent, signed, testConfig } from './helpers.js'

const EVENTS = '/api/v1/webhooks/match-events'

let app: FastifyInstance
let base: string
beforeAll(async () => {
  app = await build(
    testConfig({
      MAX_BODY_BYTES: '2048',
      // The test client is 127.0.0.1, a trusted proxy: only what it forwards for 10.1.0.0/16 is allowed.
      WEBHOOK_ALLOW_IPS: '10.1.0.0/16',
      TRUSTED_PROXIES: '127.0.0.1',
      RATE_LIMIT_MAX: '8',
    }),
  )
  base = await app.listen({ host: '127.0.0.1', port: 0 })
  await app.runtime.ready
})
afterAll(() => app.close())

const ALLOWED = { 'x-forwarded-for': '10.1.2.3' }
const send = (payload: unknown, headers: Record<string, string> = ALLOWED, secret?: string) => {
  const delivery = signed(payload, secret)
  return fetch(base + EVENTS, {
    method: 'POST',
    body: delivery.body,
    headers: { ...delivery.headers, ...headers },
  })
}

describe('webhooks over HTTP', () => {
  it('answers 200 to a signed delivery from an allowed client', async () => {
    const res = await send(guideEvent({ match_id: 'h1' }))
    expect([res.status, await res.json()]).toEqual([200, { status: 'ok', events: 1 }])
  })

  it('answers 401 to a wrong signature and to none', async () => {
    expect((await send(guideEvent(), ALLOWED, 'another-secret-0123456789')).status).toBe(401)
    const unsigned = await fetch(base + EVENTS, { method: 'POST', body: '{}', headers: ALLOWED })
    expect([unsigned.status, (await unsigned.json()).error.code]).toEqual([401, 'missing_header'])
  })

  it('answers 403 to a client outside WEBHOOK_ALLOW_IPS, direct or forwarded', async () => {
    expect((await send(guideEvent(), {})).status).toBe(403)
    expect((await send(guideEvent(), { 'x-forwarded-for': '192.0.2.7' })).status).toBe(403)
  })

  it('answers 413 to a declared length over the cap, and to a streamed body growing past it', async () => {
    expect((await send(guideEvent({ metadata: 'x'.repeat(4096) }))).status).toBe(413)
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(base + EVENTS, { method: 'POST', headers: { ...signed('{}').headers, ...ALLOWED } })
      req.on('response', (res) => {
        res.resume()
        resolve(res.statusCode)
      })
      req.on('error', reject)
      req.write('x'.repeat(1024)) // chunked: no length declared
      req.end('x'.repeat(2048))
    })
    expect(status).toBe(413)
  })

  it('answers 429 with Retry-After once a client address passed RATE_LIMIT_MAX', async () => {
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 10; i++) {
      const res = await send(guideEvent({ match_id: 'h2', event_id: `r${i}` }))
      statuses.push(res.status)
      if (res.status === 429) retryAfter = res.headers.get('retry-after')
      await res.body?.cancel()
    }
    expect(statuses.at(-1)).toBe(429)
    expect(statuses.filter((s) => s !== 429).every((s) => s === 200)).toBe(true)
    expect(Number(retryAfter)).toBeGreaterThan(0)
  })
})
