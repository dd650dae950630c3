// GET /api/v1/matches/:id/events paged by (seq, id), by inject against an embedded PGlite: events that share a
// seq are each read once, whichever page boundary falls between them.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildReady, guideEvent, injectDelivery } from './helpers.js'

let app: FastifyInstance
beforeAll(async () => {
  app = await buildReady()
}, 60_000)
afterAll(() => app.close())

const page = async (query: string) => {
  const res = await app.inject(`/api/v1/matches/ties/events?${query}`)
  return { status: res.statusCode, body: res.json() }
}

describe('GET /api/v1/matches/:id/events', () => {
  it('pages by nextAfterSeq and nextAfterId: events of one seq across page boundaries are each read once', async () => {
    // Seqs 1, 2, 2, 2, 2, 3: a provider's several events of one moment.
    const items = ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) =>
      guideEvent({ match_id: 'ties', event_id: id, seq: i === 0 ? 1 : i === 5 ? 3 : 2, minute: 1 }),
    )
    expect((await injectDelivery(app, items)).statusCode).toBe(200)

    const all = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => `custom:ties:${id}`)
    for (const limit of [1, 2, 3, 4]) {
      const read: string[] = []
      let query = `limit=${limit}`
      for (let n = 0; n < 10; n++) {
        const { status, body } = await page(query)
        expect(status).toBe(200)
        read.push(...body.events.map((e: { id: string }) => e.id))
        if (body.nextAfterSeq === null) {
          expect(body.nextAfterId).toBeNull()
          break
        }
        const last = body.events.at(-1)
        expect([body.nextAfterSeq, body.nextAfterId]).toEqual([last.seq, last.id])
        query = new URLSearchParams({
          limit: String(limit),
          afterSeq: String(body.nextAfterSeq),
          afterId: body.nextAfterId,
        }).toString()
      }
      expect(read).toEqual(all)
    }
  })

  it('takes afterSeq alone as before (after every event of that seq), and afterId only with afterSeq', async () => {
    const { body } = await page('afterSeq=1')
    expect(body.events.map((e: { id: string }) => e.id)).toEqual(
      ['b', 'c', 'd', 'e', 'f'].map((id) => `custom:ties:${id}`),
    )
    expect((await page('afterSeq=2')).body.events.map((e: { id: string }) => e.id)).toEqual(['custom:ties:f'])
    const bad = await page('afterId=custom:ties:b')
    expect([bad.status, bad.body.error.field]).toEqual([400, 'afterSeq'])
  })
})
