import type { MatchEvent } from '../src/event/schema.js'

/** A plain pass of match `m${match}` (or the match id given), number `n`: the event every bench writes. */
export function benchEvent(match: number | string, n: number): MatchEvent {
  const providerEventId = `e${n}`
  const matchId = typeof match === 'number' ? `m${match}` : match
  return {
    id: `opta:${matchId}:${providerEventId}`,
    provider: 'opta',
    providerEventId,
    matchId,
    seq: n,
    version: 0,
    deleted: false,
    type: 'pass',
    result: 'complete',
    period: 1,
    periodTime: n / 10,
    minute: 0,
    second: 0,
    team: { id: 't1', side: 'home' },
    player: { id: 'p1' },
    x: 50,
    y: 30,
    providerType: '1',
  }
}

/** `count` consecutive events of one match, from number `from`. */
export function benchEvents(match: number, from: number, count: number): MatchEvent[] {
  return Array.from({ length: count }, (_, i) => benchEvent(match, from + i))
}
