// matchfeed/testing's WebSocket feed (msw ws.link): the real createWebSocketSource follows a whole match.
import { describe, expect, it } from 'vitest'
import type { MatchEvent } from '../../src/event/schema.js'
import { createWebSocketSource, customFrames, matchEventFrames } from '../../src/providers/websocket/index.js'
import { streamSummary, type WebSocketFeedOptions, webSocketFeed } from '../../src/testing/index.js'
import { matchOnFakeTimers, pipeThroughMatch, setupMatchServer } from '../helpers/simulated-match.js'

const server = setupMatchServer()

/** createWebSocketSource on the global WebSocket (mocked by ws.link), resuming and back-filling, into a pipeline. */
async function followFeed(options: WebSocketFeedOptions = {}) {
  const match = matchOnFakeTimers()
  const feed = webSocketFeed(match, options)
  server.use(...feed)
  const parse: (frame: string) => MatchEvent[] =
    options.format === 'match-events' ? matchEventFrames : customFrames({ provider: 'livefeed' })
  const deadLetters: unknown[] = []
  const source = createWebSocketSource({
    url: feed.url,
    parse,
    sequence: (event) => event.seq, // the feed's counter
    resume: feed.resume,
    backfill: async (from, to) =>
      parse(await (await fetch(`${feed.backfillUrl}?from=${from}&to=${to}`)).text()),
    heartbeat: { timeoutMs: 30_000 },
    onDeadLetter: (frame) => deadLetters.push(frame.error),
  })
  const sink = await pipeThroughMatch(match, [source])
  const kinds = (kind: string) => feed.log.filter((l) => l.kind === kind)
  return { match, feed, kinds, deadLetters, events: sink.match(String(match.fixtureId)) }
}

describe('webSocketFeed: a whole match through createWebSocketSource', () => {
  it('frames of the integration guide format: the simulated final state, the VAR goal withdrawn', async () => {
    const { match, kinds, deadLetters, events } = await followFeed()
    expect(streamSummary(events)).toEqual(match.finalSummary)
    expect(deadLetters).toEqual([])
    expect(events.filter((e) => e.deleted && e.result === 'goal')).toHaveLength(1)
    expect(kinds('open')).toHaveLength(1)
    expect(kinds('heartbeat').length).toBeGreaterThan(100)
  })

  it('frames of MatchEvents: the same final state, with names', async () => {
    const { match, events } = await followFeed({ format: 'match-events', provider: 'upstream' })
    expect(streamSummary(events)).toEqual(match.finalSummary)
    expect(events[0]!.id.startsWith('upstream:')).toBe(true)
    expect(events.find((e) => e.type === 'substitution')?.relatedPlayer?.name).toMatch(/#\d+$/)
  })

  it('recovers from a drop, a silent connection and a sequence gap: resumes, back-fills, ends on the same state', async () => {
    const { match, kinds, deadLetters, events } = await followFeed({
      failures: [
        { type: 'drop', atMinute: 30 },
        { type: 'silence', atMinute: 50 },
        { type: 'sequence_gap', atMinute: 70, count: 2 },
      ],
    })
    expect(streamSummary(events)).toEqual(match.finalSummary)
    expect(deadLetters).toEqual([])
    expect(kinds('drop')).toHaveLength(1)
    expect(kinds('silence')).toHaveLength(1)
    expect(kinds('open')).toHaveLength(3)
    // Each reconnect asked to be replayed what came after the last event delivered.
    expect(kinds('resume').filter((l) => l.seq! > 0)).toHaveLength(2)
    // The two messages the gap skipped were fetched from the back-fill URL.
    expect(kinds('gap')).toHaveLength(2)
    expect(kinds('backfill')).toEqual([expect.objectContaining({ seq: kinds('gap')[0]!.seq })])
  })
})
