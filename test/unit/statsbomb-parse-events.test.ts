import { describe, expect, it } from 'vitest'
import { MatchfeedError, ProviderPayloadError } from '../../src/errors.js'
import { latestVersions } from '../../src/event/merge.js'
import { MatchEventSchema } from '../../src/event/schema.js'
import { toCanonicalX, toCanonicalY } from '../../src/pitch/index.js'
import { parseStatsBombEvents, type StatsBombParseOptions } from '../../src/providers/statsbomb/index.js'
import {
  EVENTS_TEXT,
  idOf,
  LINEUPS_TEXT,
  parse,
  payloadError,
  RAW,
  type Raw,
  rawEvents,
  withEvent,
} from '../helpers/statsbomb.js'

describe('parseStatsBombEvents on a hand-written match', () => {
  const events = parse()
  const byIndex = new Map(events.map((e) => [e.seq, e]))
  const at = (index: number) => byIndex.get(index)!

  it('maps every StatsBomb type as kloppy does (type, result, providerType), in file order', () => {
    expect(events.map((e) => [e.seq, e.providerType, e.type, e.result])).toEqual([
      [1, 'Starting XI', 'generic', null],
      [2, 'Starting XI', 'generic', null],
      [3, 'Half Start', 'period_start', null],
      [4, 'Half Start', 'period_start', null],
      [5, 'Pass', 'pass', 'complete'],
      [6, 'Ball Receipt*', 'generic', null],
      [7, 'Carry', 'carry', 'complete'],
      [8, 'Pass', 'pass', 'incomplete'],
      [9, 'Interception', 'interception', 'success'],
      [10, 'Dribble', 'take_on', 'complete'],
      [11, 'Dribble', 'take_on', 'out'],
      [12, 'Duel', 'duel', 'won'],
      [13, 'Duel', 'duel', 'lost'],
      [14, '50/50', 'duel', 'won'],
      [15, 'Ball Recovery', 'recovery', null],
      [16, 'Ball Recovery', 'duel', 'lost'],
      [17, 'Clearance', 'clearance', null],
      [18, 'Miscontrol', 'miscontrol', null],
      [19, 'Pressure', 'pressure', null],
      [20, 'Foul Committed', 'foul_committed', null],
      [21, 'Foul Won', 'generic', null],
      [22, 'Pass', 'pass', 'complete'],
      [23, 'Shot', 'shot', 'goal'],
      [24, 'Goal Keeper', 'generic', null],
      [25, 'Half End', 'period_end', null],
      [26, 'Half End', 'period_end', null],
      [27, 'Half Start', 'period_start', null],
      [28, 'Half Start', 'period_start', null],
      [29, 'Substitution', 'substitution', null],
      [30, 'Tactical Shift', 'formation_change', null],
      [31, 'Shot', 'shot', 'saved'],
      [32, 'Goal Keeper', 'goalkeeper', null],
      [33, 'Goal Keeper', 'goalkeeper', null],
      [34, 'Goal Keeper', 'clearance', null],
      [35, 'Own Goal Against', 'shot', 'own_goal'],
      // 36, Own Goal For, is dropped: the own goal is one event, the Own Goal Against.
      [37, 'Bad Behaviour', 'card', null],
      [38, 'Bad Behaviour', 'generic', null],
      [39, 'Player Off', 'player_off', null],
      [40, 'Player On', 'player_on', null],
      [41, 'Shot', 'shot', 'blocked'],
      [42, 'Mystery Event', 'generic', null],
      [43, 'Half End', 'period_end', null],
      [44, 'Half End', 'period_end', null],
      [45, 'Shot', 'shot', 'goal'],
    ])
  })

  it('builds the kick-off pass exactly: ids, clock, teams, players, cell-centred zone-aware coordinates', () => {
    expect(at(5)).toEqual({
      id: `statsbomb:9001:${idOf(5)}`,
      provider: 'statsbomb',
      providerEventId: idOf(5),
      matchId: '9001',
      seq: 5,
      version: 0,
      deleted: false,
      type: 'pass',
      result: 'complete',
      period: 1,
      periodTime: 0.731,
      minute: 0,
      second: 0,
      providerType: 'Pass',
      team: { id: '200', name: 'Valley Rovers', side: 'away' },
      player: { id: '2002', name: 'Femi Midfield' },
      relatedPlayer: { id: '2003', name: 'Gustavo Tres Santos' },
      // [60.05, 40.05] is the v2 cell whose centre is (60, 40): halfway and the centre line.
      x: 52.5,
      y: 34,
      endX: toCanonicalX('statsbomb', 48),
      endY: toCanonicalY('statsbomb', 38.5),
      setPiece: 'kick_off',
      bodyPart: 'left_foot',
    })
  })

  it('builds the goal exactly: penalty-spot location, 3-value end (x, y - 0.05, z - 0.05), score', () => {
    expect(at(23)).toMatchObject({
      type: 'shot',
      result: 'goal',
      // [108.05, 40.05] centres on the penalty spot (108, 40): 94 m from the goal line on the metric pitch.
      x: 94,
      y: 34,
      endX: toCanonicalX('statsbomb', 119.95),
      endY: 34,
      bodyPart: 'right_foot',
      score: { home: 1, away: 0 },
    })
    expect(at(23).endX).toBeCloseTo(104.954166667, 8)
    // z 1.05 yd → centre 1.0 yd → metres by the goal-height ratio 2.44 / 2.66 (kloppy).
    expect(at(23).endZ).toBeCloseTo(2.44 / 2.66, 12)
    expect(at(23).setPiece).toBeUndefined() // Open Play
    // A 2-value shot end (blocked) uses the shot fidelity on both axes.
    expect(at(41)).toMatchObject({
      endX: toCanonicalX('statsbomb', 104.25),
      endY: toCanonicalY('statsbomb', 33.05),
    })
    expect(at(41).endZ).toBeUndefined()
  })

  it('takes set pieces and body parts from pass / shot / clearance / goalkeeper', () => {
    expect(at(22)).toMatchObject({ setPiece: 'free_kick', bodyPart: 'right_foot' })
    expect(at(31)).toMatchObject({ setPiece: 'penalty', bodyPart: 'left_foot', result: 'saved' })
    expect(at(17).bodyPart).toBe('head')
    expect(at(32).bodyPart).toBe('both_hands')
    expect(at(33).bodyPart).toBe('right_hand')
    expect(at(34).bodyPart).toBe('right_foot')
  })

  it('gives a receiver only to a completed pass, and the replacement to a substitution', () => {
    expect(at(5).relatedPlayer).toEqual({ id: '2003', name: 'Gustavo Tres Santos' })
    expect(at(8).relatedPlayer).toBeUndefined() // incomplete: `recipient` was only the target
    expect(at(29)).toMatchObject({
      player: { id: '2003', name: 'Gustavo Tres Santos' },
      relatedPlayer: { id: '2004', name: 'Hugo Sub' },
    })
  })

  it('reads cards from foul_committed and bad_behaviour', () => {
    expect(at(20)).toMatchObject({ type: 'foul_committed', card: 'yellow' })
    expect(at(37)).toMatchObject({ type: 'card', card: 'red' })
    expect(at(38).card).toBeUndefined()
  })

  it('counts goals for the shooter, the own goal for the other side, and never the shoot-out', () => {
    expect(events.filter((e) => e.score).map((e) => [e.seq, e.score])).toEqual([
      [23, { home: 1, away: 0 }],
      [35, { home: 1, away: 1 }],
    ])
    // The own goal's team and player are the defender's (kloppy's convention).
    expect(at(35)).toMatchObject({ team: { id: '100', side: 'home' }, player: { id: '1002' } })
    expect(at(45)).toMatchObject({ period: 5, result: 'goal' })
    expect(at(45).score).toBeUndefined()
  })

  it('takes home from the first Starting XI, not from the lineups order', () => {
    expect(new Set(events.map((e) => `${e.team?.name}:${e.team?.side}`))).toEqual(
      new Set(['Harbour City:home', 'Valley Rovers:away']),
    )
  })

  it('reads timestamps to the millisecond, with fewer or more fraction digits (rounded), or none', () => {
    const time = (timestamp: string) =>
      parse(withEvent(10, (e) => (e.timestamp = timestamp))).find((e) => e.seq === 10)!
    expect(time('00:01:10.5').periodTime).toBe(70.5)
    expect(time('00:01:10.2345').periodTime).toBe(70.235)
    expect(time('00:01:10').periodTime).toBe(70)
    expect(time('1:01:10.001').periodTime).toBe(3670.001)
  })

  it('keeps the match clock, with added time as TV shows it; periodTime from the period-relative timestamp', () => {
    expect(at(25)).toMatchObject({ period: 1, minute: 45, addedTime: 2, second: 10, periodTime: 2830.25 })
    expect(at(27)).toMatchObject({ period: 2, minute: 45, second: 0, periodTime: 0 })
    expect(at(27).addedTime).toBeUndefined()
    expect(at(41)).toMatchObject({ period: 2, minute: 90, addedTime: 1, second: 5, periodTime: 2765 })
    expect(at(45)).toMatchObject({ period: 5, minute: 120, periodTime: 60 })
    expect(at(45).addedTime).toBeUndefined()
  })

  it('fills a missing player name from the lineups (nickname first), and a team name from its other events', () => {
    expect(at(19).player).toEqual({ id: '2003', name: 'Tres' })
    expect(parse(EVENTS_TEXT, { lineups: undefined }).find((e) => e.seq === 19)!.player).toEqual({
      id: '2003',
    })
    const noTeamName = withEvent(19, (e) => {
      e.team = { id: 200 }
    })
    expect(parse(noTeamName).find((e) => e.seq === 19)!.team).toEqual({
      id: '200',
      name: 'Valley Rovers',
      side: 'away',
    })
  })

  it('without a Starting XI, gives no side and no score (the lineups order is not home / away)', () => {
    const parsed = parse(rawEvents().filter((e) => (e.type as { id: number }).id !== 35))
    expect(parsed.every((e) => e.team?.side === undefined && e.score === undefined)).toBe(true)
  })

  it('reads bytes, text (with or without a BOM) and a parsed array alike; includeRaw keeps the item', () => {
    expect(parse(new TextEncoder().encode(EVENTS_TEXT))).toEqual(events)
    expect(parse(`\ufeff${EVENTS_TEXT}`)).toEqual(events)
    expect(parse(rawEvents())).toEqual(events)
    expect(events.every((e) => e.raw === undefined)).toBe(true)
    const withRaw = parse(EVENTS_TEXT, { includeRaw: true })
    expect(withRaw.find((e) => e.seq === 23)!.raw).toEqual(RAW[22])
  })

  it('versions a uuid repeated in the file, so the merge rule keeps the last (as kloppy does)', () => {
    const repeated = rawEvents()
    repeated.push({ ...repeated[31]!, index: 46, goalkeeper: { type: { id: 34, name: 'Smother' } } })
    const parsed = parse(repeated)
    const copies = parsed.filter((e) => e.providerEventId === idOf(32))
    expect(copies.map((e) => [e.version, e.seq])).toEqual([
      [0, 32],
      [1, 46],
    ])
    expect(latestVersions(parsed).find((e) => e.providerEventId === idOf(32))!.seq).toBe(46)
  })

  it('tells repeats from different uuids that share a prefix, and handles ids that are not hex', () => {
    const versions = (ids: string[]) => {
      const events = rawEvents()
      ids.forEach((id, k) => {
        events[9 + k]!.id = id
      })
      return parse(events)
        .slice(9, 9 + ids.length)
        .map((e) => [e.providerEventId, e.version])
    }
    expect(versions(['abcdef01-1', 'abcdef01-2', 'abcdef01-1'])).toEqual([
      ['abcdef01-1', 0],
      ['abcdef01-2', 0],
      ['abcdef01-1', 1],
    ])
    // Same low bits: the second probes past the first in the file's prefix table.
    expect(versions(['1000000a', '2000000a', '1000000a', '2000000a'])).toEqual([
      ['1000000a', 0],
      ['2000000a', 0],
      ['1000000a', 1],
      ['2000000a', 1],
    ])
    expect(versions(['event-1', 'event-2', 'event-1', 'event-1'])).toEqual([
      ['event-1', 0],
      ['event-2', 0],
      ['event-1', 1],
      ['event-1', 2],
    ])
  })

  it('returns valid MatchEvents only', () => {
    for (const event of events) expect(MatchEventSchema.safeParse(event).success).toBe(true)
  })

  it('shares one frozen ref per team and per player; a differently named team gets its own', () => {
    const withPlayer = events.filter((e) => e.player?.id === at(5).player!.id)
    expect(withPlayer.length).toBeGreaterThan(1)
    for (const e of withPlayer) expect(e.player).toBe(at(5).player)
    expect(Object.isFrozen(at(5).player)).toBe(true)
    expect(Object.isFrozen(at(5).team)).toBe(true)
    expect(() => {
      ;(at(5).team as { name?: string }).name = 'changed'
    }).toThrow(TypeError)
    const renamed = parse(
      withEvent(19, (e) => {
        e.team = { id: 200, name: 'Rovers' }
      }),
    )
    const team = renamed.find((e) => e.seq === 19)!.team
    expect(team).toEqual({ id: '200', name: 'Rovers', side: 'away' })
    const others = renamed.filter((e) => e.team?.id === '200' && e.seq !== 19)
    expect(others.length).toBeGreaterThan(0)
    for (const e of others) expect(e.team).toEqual({ id: '200', name: 'Valley Rovers', side: 'away' })
  })

  it('converts locations off the tenth-of-a-yard grid as well as those on it', () => {
    // On the grid (a table entry) and off it (converted directly); v2 file: the cell centre is 0.05 yards in.
    for (const [x, y] of [
      [61.3, 0.1],
      [60.25, 40.125],
    ] as const) {
      const events = withEvent(19, (e) => {
        e.location = [x, y]
      })
      const moved = parse(events).find((e) => e.seq === 19)!
      expect([moved.x, moved.y]).toEqual([
        toCanonicalX('statsbomb', x - 0.05),
        toCanonicalY('statsbomb', y - 0.05),
      ])
    }
  })
})

describe('fidelity: kloppy per-file rule', () => {
  const roundLocations = (events: Raw[], types: number[]) =>
    events.map((e) => {
      if (!types.includes((e.type as { id: number }).id) || !Array.isArray(e.location)) return e
      return { ...e, location: (e.location as number[]).map(Math.round) }
    })

  it('moves whole-yard (v1) cells by 0.5 and tenth-yard (v2) cells by 0.05, xy and shots decided apart', () => {
    // Pass / Carry / Dribble locations made whole: xy fidelity v1; shots keep their fractions: shot v2.
    const v1 = parse(roundLocations(rawEvents(), [30, 43, 14]))
    const event = (seq: number) => v1.find((e) => e.seq === seq)!
    // The interception at [30.0, 70.5] is not a Pass / Carry / Dribble: its fraction does not count, but
    // it is moved by the file's xy fidelity.
    expect(event(9)).toMatchObject({ x: toCanonicalX('statsbomb', 29.5), y: toCanonicalY('statsbomb', 70) })
    expect(event(5)).toMatchObject({ x: toCanonicalX('statsbomb', 59.5), y: toCanonicalY('statsbomb', 39.5) })
    expect(event(5)).toMatchObject({
      endX: toCanonicalX('statsbomb', 47.55),
      endY: toCanonicalY('statsbomb', 38.05),
    })
    expect(event(23)).toMatchObject({ x: 94, y: 34 })
    // Shots made whole too: shot fidelity v1; a 3-value end keeps y - 0.05 and z - 0.05.
    const both = parse(roundLocations(rawEvents(), [30, 43, 14, 16]))
    expect(both.find((e) => e.seq === 23)).toMatchObject({
      x: toCanonicalX('statsbomb', 107.5),
      y: toCanonicalY('statsbomb', 39.5),
      endX: toCanonicalX('statsbomb', 119.5),
      endY: 34,
    })
    expect(both.find((e) => e.seq === 23)!.endZ).toBeCloseTo(2.44 / 2.66, 12)
  })

  it('clamps a whole-yard cell at the edge to the pitch (kloppy would put it at -0.4 yd)', () => {
    const edge = withEvent(24, (e) => {
      e.location = [0.1, 0.2]
    })
    const v1 = parse(roundLocations(edge, [30, 43, 14]))
    expect(v1.find((e) => e.seq === 24)).toMatchObject({ x: 0, y: 68 })
  })
})

describe('bad input: ProviderPayloadError naming the event and the field, never a partial result', () => {
  it('requires matchId (a StatsBomb event file does not carry it) and rejects a bad one', () => {
    for (const options of [undefined, {}, { lineups: LINEUPS_TEXT }]) {
      const error = (() => {
        try {
          parseStatsBombEvents(EVENTS_TEXT, options as StatsBombParseOptions)
        } catch (e) {
          return e
        }
      })()
      expect(error).toBeInstanceOf(MatchfeedError)
      expect(error).not.toBeInstanceOf(ProviderPayloadError)
      expect((error as MatchfeedError).code).toBe('invalid_option')
      expect((error as Error).message).toContain('matchId')
    }
    expect(() => parse(EVENTS_TEXT, { matchId: 'a:b' })).toThrow(/matchId: must not contain ":"/)
    expect(parse(EVENTS_TEXT, { matchId: 9001 as unknown as string })[0]!.matchId).toBe('9001')
  })

  it("rejects truncated JSON, non-UTF-8 bytes, a non-array, and other providers' files, saying which", () => {
    expect(payloadError(() => parse(EVENTS_TEXT.slice(0, 5000)), 'events').reason).toMatch(/^not valid JSON/)
    expect(payloadError(() => parse(new Uint8Array([0x5b, 0xff, 0x5d])), 'events').reason).toBe(
      'not valid UTF-8',
    )
    expect(payloadError(() => parse(''), 'events').reason).toMatch(/^empty/)
    expect(payloadError(() => parse('{"a":1}'), 'events').reason).toMatch(/JSON object/)
    expect(payloadError(() => parse('42'), 'events').reason).toMatch(/^42: expected a JSON array/)
    const opta = '<?xml version="1.0"?>\n<Games><Game id="1"><Event id="1" type_id="1"/></Game></Games>'
    expect(payloadError(() => parse(opta), 'events').reason).toMatch(/XML \(an Opta/)
    const ma3 = JSON.stringify({ matchInfo: { id: 'x' }, liveData: { event: [] } })
    expect(payloadError(() => parse(ma3), 'events').reason).toMatch(/Stats Perform/)
    // A lineups file given as the events: the first item has no event id.
    expect(payloadError(() => parse(LINEUPS_TEXT), 'events[0].id').reason).toMatch(/uuid/)
  })

  it('rejects an event without id / type / period / timestamp, naming it by index and uuid', () => {
    payloadError(() => parse(withEvent(12, (e) => Reflect.deleteProperty(e, 'id'))), 'events[11].id')
    payloadError(
      () => parse(withEvent(12, (e) => Reflect.deleteProperty(e, 'type'))),
      `events[11](${idOf(12)}).type`,
    )
    payloadError(
      () => parse(withEvent(12, (e) => Reflect.deleteProperty(e, 'period'))),
      `events[11](${idOf(12)}).period`,
    )
    payloadError(
      () => parse(withEvent(12, (e) => Reflect.deleteProperty(e, 'timestamp'))),
      `events[11](${idOf(12)}).timestamp`,
    )
    payloadError(() => parse(withEvent(12, (e) => (e.type = { id: '4' }))), `events[11](${idOf(12)}).type.id`)
    payloadError(() => parse(withEvent(12, (e) => (e.period = 6))), `events[11](${idOf(12)}).period`)
    for (const timestamp of [
      '00:02',
      '000000:02:03',
      '00:60:00.000',
      '00:02:03.',
      '00:02:03.0x',
      'xx:02:03.004',
    ]) {
      payloadError(
        () => parse(withEvent(12, (e) => (e.timestamp = timestamp))),
        `events[11](${idOf(12)}).timestamp`,
      )
    }
    payloadError(() => parse(withEvent(12, (e) => (e.second = 60))), `events[11](${idOf(12)}).second`)
    payloadError(() => parse([...rawEvents().slice(0, 3), null]), 'events[3]')
  })

  it('rejects a location that is not two finite numbers on the 120 x 80 pitch', () => {
    for (const location of [
      [1],
      [1, 2, 3],
      ['1', 2],
      [1, null],
      [Number.NaN, 2],
      [Number.POSITIVE_INFINITY, 2],
      [121, 40],
      [60, -1],
      'here',
      {},
    ]) {
      const error = payloadError(
        () => parse(withEvent(13, (e) => (e.location = location))),
        `events[12](${idOf(13)}).location`,
      )
      expect(error.reason).toMatch(/^expected \[x, y\]/)
    }
    payloadError(
      () => parse(withEvent(5, (e) => ((e.pass as Raw).end_location = [1, 2, 3]))),
      `events[4](${idOf(5)}).pass.end_location`,
    )
    payloadError(
      () => parse(withEvent(23, (e) => ((e.shot as Raw).end_location = [120, 40, -1]))),
      `events[22](${idOf(23)}).shot.end_location`,
    )
  })

  it('rejects wrong shapes inside an event: pass, outcome, team, player', () => {
    payloadError(
      () => parse(withEvent(5, (e) => Reflect.deleteProperty(e, 'pass'))),
      `events[4](${idOf(5)}).pass`,
    )
    payloadError(
      () => parse(withEvent(8, (e) => ((e.pass as Raw).outcome = 'Incomplete'))),
      `events[7](${idOf(8)}).pass.outcome`,
    )
    payloadError(() => parse(withEvent(8, (e) => (e.team = { id: null }))), `events[7](${idOf(8)}).team.id`)
    payloadError(
      () => parse(withEvent(8, (e) => (e.team = { id: 200, name: 7 }))),
      `events[7](${idOf(8)}).team.name`,
    )
    payloadError(
      () => parse(withEvent(8, (e) => (e.player = { id: 5, name: 7 }))),
      `events[7](${idOf(8)}).player.name`,
    )
    const third = payloadError(
      () => parse(withEvent(8, (e) => (e.team = { id: 300, name: 'Third' }))),
      `events[7](${idOf(8)}).team.id`,
    )
    expect(third.reason).toMatch(/third team/)
  })
})
