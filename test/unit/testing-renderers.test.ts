// matchfeed/testing's renderers: every provider's real parser reads what its mock serves, at every moment of
// a match, and every provider ends on the same summary; the shapes follow the real files.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseApiFootballFixture } from '../../src/providers/api-football/index.js'
import { parseCustomEvents } from '../../src/providers/custom/index.js'
import { parseFootballDataMatch } from '../../src/providers/football-data/index.js'
import { parseOptaF24, parseStatsPerformMA3, readOptaF7 } from '../../src/providers/opta/index.js'
import { parseStatsBombEvents } from '../../src/providers/statsbomb/index.js'
import { matchEventFrames } from '../../src/providers/websocket/index.js'
import {
  type SimulatedMatch,
  type SimulateMatchOptions,
  simulateMatch,
  streamSummary,
} from '../../src/testing/index.js'
import { RECORDING } from '../helpers/pollers.js'
import { hasShared, readShared } from '../helpers/shared.js'

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')
type Json = Record<string, unknown>

/** Each provider's feed at `at`, through its real parser. */
function parsed(match: SimulatedMatch, at: number) {
  const matchId = String(match.fixtureId)
  const upTo = match.feedMessages().filter((m) => m.at <= at)
  return {
    statsbomb: parseStatsBombEvents(match.statsBombEvents(at), {
      matchId,
      lineups: match.statsBombLineups(at),
    }),
    statsperform: parseStatsPerformMA3(match.statsPerformMA3(at), { ma1: match.statsPerformMA1(at) }),
    opta: parseOptaF24(match.optaF24(at), { f7: readOptaF7(match.optaF7(at)) }),
    custom: upTo.flatMap((m) => parseCustomEvents(JSON.stringify(m.item))),
    matchEvents: upTo.flatMap((m) => matchEventFrames(JSON.stringify(m.event))),
    apiFootball: parseApiFootballFixture(match.apiFootballFixture(at)),
    footballData: parseFootballDataMatch(match.footballDataMatch(at)),
  }
}

const MATCHES: [string, SimulateMatchOptions][] = [
  ['the default script, seed 1', { seed: 1 }],
  ['seed 42', { seed: 42 }],
  ['extra time and a shoot-out', { seed: 9, extraTime: true, shootout: true }],
  ['a recorded API-Football match', { recording: RECORDING }],
]

describe('every provider reads its mock, and all end on the simulation’s summary', () => {
  it.each(MATCHES)('%s', (_name, options) => {
    const match = simulateMatch(options)
    // Every two minutes, from an hour before kick-off to after the feeds settled: every feed parses.
    for (let at = match.kickOff - 3_600_000; at <= match.settledAt; at += 120_000) parsed(match, at)
    const { footballData, ...final } = parsed(match, match.settledAt)
    for (const [provider, events] of Object.entries(final)) {
      expect(streamSummary(events), provider).toEqual(match.finalSummary)
    }
    // Football-Data's bookings and substitutions carry no added time: 45+2' is 45' there.
    const noAddedTime = <T extends { time: string }>(list: T[]) =>
      list.map((x) => ({ ...x, time: x.time.replace(/\+\d+'$/, "'") }))
    const { cards, substitutions } = match.finalSummary
    expect(streamSummary(footballData)).toEqual({
      ...match.finalSummary,
      cards: noAddedTime(cards),
      substitutions: noAddedTime(substitutions),
    })
  })
})

describe('the rendered shapes follow the real files', () => {
  const match = simulateMatch({ seed: 42 })
  const end = match.settledAt

  it('StatsBomb v8 events and v4 lineups', () => {
    const real = JSON.parse(fixture('statsbomb/match_events.json')) as Json[]
    for (const event of match.statsBombEvents(end) as Json[]) {
      const name = (event.type as { name: string }).name
      const same = real.filter((e) => (e.type as { name: string }).name === name)
      expect(same.length, name).toBeGreaterThan(0)
      const union = new Set(same.flatMap((e) => Object.keys(e)))
      const always = Object.keys(same[0]!).filter((k) => same.every((e) => k in e))
      expect(
        Object.keys(event).filter((k) => !union.has(k)),
        name,
      ).toEqual([])
      expect(
        always.filter((k) => !(k in event) && k !== 'location'),
        name,
      ).toEqual([])
    }
    const realPlayer = (JSON.parse(fixture('statsbomb/match_lineups.json')) as { lineup: Json[] }[])[0]!
      .lineup[0]!
    const player = (match.statsBombLineups(end) as { lineup: Json[] }[])[0]!.lineup[0]!
    expect(Object.keys(player).sort()).toEqual(Object.keys(realPlayer).sort())
  })

  it('Stats Perform MA3 and MA1', () => {
    const real = JSON.parse(fixture('opta/ma3-small.json')) as {
      liveData: { event: Json[]; matchDetails: Json }
    }
    const keys = new Set(real.liveData.event.flatMap((e) => Object.keys(e)))
    const ma3 = match.statsPerformMA3(end) as { liveData: { event: Json[]; matchDetails: Json } }
    for (const e of ma3.liveData.event) expect(Object.keys(e).filter((k) => !keys.has(k))).toEqual([])
    expect(Object.keys(ma3.liveData.matchDetails).sort()).toEqual(
      [...Object.keys(real.liveData.matchDetails), 'winner'].sort(),
    )
    if (!hasShared) return
    const ma1File = 'fixtures/statsperform/ma1_408bfjw6uz5k19zk4am50ykmh.json'
    const realMa1 = (JSON.parse(readShared(ma1File)) as { match: Json[] }).match[0]! as {
      liveData: Record<string, Json[]>
    }
    const ma1 = match.statsPerformMA1(end) as { liveData: Record<string, Json[]> }
    for (const list of ['goal', 'card', 'substitute']) {
      const allowed = new Set([...realMa1.liveData[list]!.flatMap((r) => Object.keys(r)), 'timestamp'])
      for (const row of ma1.liveData[list]!)
        expect(
          Object.keys(row).filter((k) => !allowed.has(k)),
          list,
        ).toEqual([])
    }
  })

  it('Opta F24 and F7', () => {
    const attributes = (xml: string, element: string) =>
      new Set(
        [...xml.matchAll(new RegExp(`<${element}\\s([^>]*)>`, 'g'))].flatMap((m) =>
          [...m[1]!.matchAll(/(\w+)="/g)].map((a) => a[1]!),
        ),
      )
    const real = fixture('opta/f24-small.xml')
    const f24 = match.optaF24(end)
    for (const element of ['Game', 'Event', 'Q']) {
      const realKeys = attributes(real, element)
      expect(
        [...attributes(f24, element)].filter((k) => !realKeys.has(k)),
        element,
      ).toEqual([])
    }
    const f7 = readOptaF7(match.optaF7(end))
    expect(f7.matchId).toBe(String(match.fixtureId))
    expect(f7.teamNames.get(String(match.home.id))).toBe(match.home.name)
    expect(f7.playerNames.size).toBeGreaterThan(22)
  })
})
