import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { createOptaPushHandler, type OptaPushHandlerOptions } from '../../src/providers/opta/index.js'
import { serve } from '../helpers/http.js'

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')
const f24 = fixture('opta/f24-small.xml')
const f7 = fixture('opta/f7-small.xml')
const ma3 = fixture('opta/ma3-small.json')
const basic = `Basic ${Buffer.from('opta:push-password-1').toString('base64')}`
const meta = (feedType: string) => ({
  'x-meta-feed-type': feedType,
  'x-meta-game-id': '900001',
  authorization: basic,
})

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()))
})

async function start(overrides: Partial<OptaPushHandlerOptions> = {}) {
  const received: MatchEvent[][] = []
  const handler = createOptaPushHandler({
    auth: { basic: { username: 'opta', password: 'push-password-1' } },
    onEvents: async (events) => void received.push(events),
    ...overrides,
  })
  const server = await serve(handler.node)
  closers.push(server.close)
  const push = async (body: string, headers: Record<string, string>) => {
    const res = await fetch(server.url, { method: 'POST', body, headers })
    return {
      status: res.status,
      json: (await res.json()) as {
        status?: string
        events?: number
        error?: { code: string; provider?: string; field?: string }
      },
    }
  }
  return { received, push }
}

describe('createOptaPushHandler over real HTTP', () => {
  it('takes F7 then F24 snapshots and hands on only what changed since the previous one', async () => {
    const { received, push } = await start()
    expect(await push(f7, meta('F7'))).toMatchObject({ status: 200, json: { events: 0 } })
    const first = await push(f24, meta('F24'))
    expect(first.status).toBe(200)
    expect(received).toHaveLength(1)
    const all = received[0]!
    expect(all.length).toBe(first.json.events)
    expect(all.some((e) => e.player?.name)).toBe(true) // names from the F7

    // The same snapshot again: acknowledged as a duplicate, nothing handed on.
    expect((await push(f24, meta('F24'))).json).toEqual({ status: 'duplicate', events: 0 })

    // A later snapshot: one event revised (higher version), one withdrawn from the feed.
    const events = [...f24.matchAll(/<Event id="(\d+)"[^>]* version="(\d+)"/g)]
    const revised = events[5]!
    const removed = events[6]!
    const later = f24
      .replace(`version="${revised[2]}"`, `version="${Number(revised[2]) + 1000}"`)
      .replace(new RegExp(`<Event id="${removed[1]}"[\\s\\S]*?</Event>\\s*`), '')
    const next = await push(later, meta('F24'))
    expect(next.status).toBe(200)
    const changes = received[1]!
    expect(changes.map((e) => [e.providerEventId, e.deleted])).toEqual(
      expect.arrayContaining([
        [revised[1], false],
        [removed[1], true],
      ]),
    )
    expect(changes).toHaveLength(2)
  })

  it('refuses a push without the credentials, and one with wrong ones', async () => {
    const { received, push } = await start()
    const { authorization: _, ...anonymous } = meta('F24')
    expect(await push(f24, anonymous)).toMatchObject({
      status: 401,
      json: { error: { code: 'missing_header' } },
    })
    expect(await push(f24, { ...anonymous, authorization: 'Basic b3B0YTp3cm9uZw==' })).toMatchObject({
      status: 401,
      json: { error: { code: 'bad_signature' } },
    })
    expect(received).toEqual([])
  })

  it('accepts a shared-secret header or an IP allowlist instead, and MA3 JSON pushes', async () => {
    const { received, push } = await start({
      auth: { header: { name: 'x-push-secret', secret: 'shared-secret-99' }, allowIps: ['127.0.0.0/8'] },
    })
    expect((await push(ma3, { 'x-push-secret': 'shared-secret-99' })).status).toBe(200)
    expect(received[0]![0]!.provider).toBe('statsperform')
    const denied = await start({ auth: { allowIps: ['203.0.113.0/24'] } })
    expect((await denied.push(ma3, {})).status).toBe(403)
  })

  it('does not move the game on when onEvents fails: the re-sent push is handled again', async () => {
    let fail = true
    const seen: number[] = []
    const { push } = await start({
      onEvents: async (events) => {
        if (fail) throw new Error('database down')
        seen.push(events.length)
      },
    })
    expect((await push(f24, meta('F24'))).status).toBe(503)
    fail = false
    const again = await push(f24, meta('F24'))
    expect(again.status).toBe(200)
    expect(seen).toEqual([again.json.events])
    expect(seen[0]).toBeGreaterThan(10)
  })

  it('answers 400 naming the field for a garbled or unknown feed', async () => {
    const { push } = await start()
    expect(await push('<Games><Game id="1"><Event', meta('F24'))).toMatchObject({ status: 400 })
    expect(await push('<Feed/>', { ...meta('F9') })).toMatchObject({ status: 400 })
  })

  it('handles the pushes of a game one at a time, and ignores a late re-send of an older snapshot', async () => {
    let inside = 0
    let overlap = false
    const received: MatchEvent[][] = []
    const { push } = await start({
      onEvents: async (events) => {
        inside++
        if (inside > 1) overlap = true
        await new Promise((r) => setTimeout(r, 30))
        received.push(events)
        inside--
      },
    })
    const events = [...f24.matchAll(/<Event id="(\d+)"[^>]* version="(\d+)"/g)]
    const newest = Math.max(...events.map((e) => Number(e[2])))
    // A newer snapshot: one more pass, with the newest version of all.
    const last = [...f24.matchAll(/<Event id="(\d+)"[^>]* type_id="1" [^>]*version="(\d+)"/g)][0]!
    const block = new RegExp(`<Event id="${last[1]}"[^>]*?(?:/>|>[\\s\\S]*?</Event>)`).exec(f24)![0]
    const added = block
      .replace(`id="${last[1]}"`, 'id="9999999999"')
      .replace(`version="${last[2]}"`, `version="${newest + 5000}"`)
    const newer = f24.replace(block, `${block}\n${added}`)
    const [a, b] = await Promise.all([push(f24, meta('F24')), push(newer, meta('F24'))])
    expect([a.status, b.status]).toEqual([200, 200])
    expect(overlap).toBe(false)
    const handedOn = received.flat()
    expect(handedOn.filter((e) => e.providerEventId === '9999999999')).toHaveLength(1)
    // The older snapshot, re-sent late (a different body, so not a replay): it must not withdraw the new event.
    const olderResend = f24.replace('<Games ', '<Games resent="1" ')
    expect((await push(olderResend, meta('F24'))).status).toBe(200)
    expect(
      received
        .flat()
        .filter((e) => e.providerEventId === '9999999999')
        .map((e) => e.deleted),
    ).toEqual([false])
  })

  it('reads an F7 when it arrives: a garbled one gets its own 400 and replaces nothing', async () => {
    const { received, push } = await start()
    expect((await push(f7, meta('F7'))).status).toBe(200)
    for (const junk of [
      'not xml at all',
      f7.slice(0, 700), // cut short
      '<SoccerFeed><Other uID="f900001"/></SoccerFeed>', // no SoccerDocument
      f24, // an F24 declared as the F7
      f7.replace('uID="f900001"', 'uID="f900009"'), // another game's F7
    ]) {
      expect(await push(junk, meta('F7'))).toMatchObject({
        status: 400,
        json: { error: { code: 'invalid_payload', provider: 'opta', field: expect.stringMatching(/^f7/) } },
      })
    }
    const res = await push(f24, meta('F24'))
    expect(res.status).toBe(200)
    // The names of the good F7, pushed before the junk.
    expect(received[0]!.find((e) => e.player?.id === '1001')?.player?.name).toBe('Ada L.')
  })

  it("keeps nothing of junk F7s: after eight of them, the game's F24s are still read", async () => {
    const { received, push } = await start()
    for (let i = 0; i < 8; i++) {
      const junk = `<SoccerFeed><SoccerDocument uID="f900001">${'x'.repeat(100_000)}${i}`
      expect((await push(junk, meta('F7'))).status).toBe(400)
    }
    const res = await push(f24, meta('F24'))
    expect(res.status).toBe(200)
    expect(res.json.events).toBeGreaterThan(10)
    expect(received[0]!.some((e) => e.player?.name !== undefined)).toBe(false) // no F7 was kept
  })

  it('keeps one parsed F7 per game, for at most maxGames games, and refuses one with too many names (413)', async () => {
    const { received, push } = await start({ maxGames: 2 })
    const f7Of = (game: string) => f7.replace('uID="f900001"', `uID="f${game}"`)
    const metaOf = (feedType: string, game: string) => ({ ...meta(feedType), 'x-meta-game-id': game })
    for (const game of ['900001', '900002', '900003']) {
      expect((await push(f7Of(game), metaOf('F7', game))).status).toBe(200)
    }
    // 900001's F7 was the oldest of three: dropped, so its F24 is read without names.
    expect((await push(f24, meta('F24'))).status).toBe(200)
    expect(received[0]!.some((e) => e.player?.name !== undefined)).toBe(false)
    // An F7 whose names exceed the per-game bounds (500 names, 16,384 characters) is refused.
    const players = (count: number, length: number) =>
      Array.from(
        { length: count },
        (_, i) =>
          `<Player uID="p${50_000 + i}"><PersonName><Known>${'N'.repeat(length)}</Known></PersonName></Player>`,
      ).join('')
    for (const [count, length] of [
      [400, 60],
      [600, 1],
    ] as const) {
      const huge = f7Of('900004').replace('</Team>', `${players(count, length)}</Team>`)
      expect(await push(huge, metaOf('F7', '900004'))).toMatchObject({
        status: 413,
        json: { error: { code: 'payload_too_large', field: 'f7' } },
      })
    }
    // A large but real-sized squad is kept.
    const squad = f7Of('900004').replace('</Team>', `${players(60, 30)}</Team>`)
    expect((await push(squad, metaOf('F7', '900004'))).status).toBe(200)
  })

  it('refuses to start without any auth', () => {
    expect(() => createOptaPushHandler({ auth: {}, onEvents: () => {} })).toThrow(/auth/)
  })
})
