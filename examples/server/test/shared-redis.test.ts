// Two instances sharing one Redis: rate limits and replay protection hold across them, and the outbox relay
// carries what either stored to the match's Redis stream.
import type { FastifyInstance } from 'fastify'
import { createClient } from 'redis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { REDIS_URL, requireRedis } from '../../../test/helpers/redis.js'
import { build } from '../src/app.js'
import { guideEvent, signed, testConfig } from './helpers.js'

const run = `${process.pid}x${Math.random().toString(36).slice(2, 7)}`
// Addresses of this run's own: the rate-limit counters in Redis are per address, shared with every server
// on this Redis (the fault tests' too).
const octet = Math.floor(Math.random() * 250) + 1
const client = `198.51.100.${octet}`
const sender = `203.0.113.${octet}`
let a: FastifyInstance
let b: FastifyInstance

beforeAll(async () => {
  await requireRedis()
  const config = testConfig({ REDIS_URL, RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' })
  ;[a, b] = await Promise.all([build(config), build(config)])
  await Promise.all([a.runtime.ready, b.runtime.ready])
})
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()])
})

it('counts one client’s requests across instances', async () => {
  const send = (app: FastifyInstance) =>
    app.inject({ method: 'POST', url: '/api/v1/matches/1/events', payload: {}, remoteAddress: client })
  const statuses = [await send(a), await send(b), await send(a), await send(b)].map((r) => r.statusCode)
  expect(statuses).toEqual([401, 401, 401, 429])
})

it('refuses a delivery replayed to the other instance as a duplicate, and relays it to the stream once', async () => {
  const matchId = `s${run}`
  const delivery = signed(guideEvent({ match_id: matchId }))
  const post = (app: FastifyInstance) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/match-events',
      payload: delivery.body,
      headers: delivery.headers,
      remoteAddress: sender,
    })
  expect((await post(a)).json()).toEqual({ status: 'ok', events: 1 })
  expect((await post(b)).json()).toEqual({ status: 'duplicate', events: 0 })

  const redis = createClient({ url: REDIS_URL })
  await redis.connect()
  try {
    const key = `matchfeed:events:${matchId}`
    const deadline = Date.now() + 10_000
    let entries = await redis.xRange(key, '-', '+')
    while ((entries?.length ?? 0) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      entries = await redis.xRange(key, '-', '+')
    }
    expect(entries?.map((e) => e.message.id)).toEqual([`custom:${matchId}:e1`])
    for await (const keys of redis.scanIterator({ MATCH: `matchfeed:*${matchId}*` }))
      if (keys.length > 0) await redis.del(keys)
  } finally {
    await redis.destroy()
  }
})
