import { describe, expect, it } from 'vitest'
import { parseOptaF24 } from '../../src/providers/opta/index.js'
import { byId, ev, F7, F24, f24, f24Events, MA3_XML, payloadError, X, Y, Z } from '../helpers/opta.js'

describe('parseOptaF24: the hand-written F24 + F7', () => {
  it('keeps match events, drops pre- and post-match periods, absorbs the player-on event', () => {
    // 36 <Event>s: 1 team set-up (period 16) and 2 post-match events (period 14) dropped, the player-on
    // merged into its substitution.
    expect(f24Events).toHaveLength(32)
    for (const id of ['9000000001', '9000000021', '9000000035', '9000000036']) expect(f24.has(id)).toBe(false)
    expect(f24Events.every((e) => e.provider === 'opta' && e.matchId === '900001')).toBe(true)
    expect(ev('9000000004').id).toBe('opta:900001:9000000004')
  })

  it('sorts by seq = period·10¹¹ + periodTime ms·10³ + rank by id within the millisecond', () => {
    const seqs = f24Events.map((e) => e.seq)
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs)
    expect(new Set(seqs).size).toBe(seqs.length)
    expect(ev('9000000002').seq).toBe(100_000_000_000)
    expect(ev('9000000003').seq).toBe(100_000_000_001) // same millisecond, next id
    expect(ev('9000000004').seq).toBe(100_000_939_000)
    expect(ev('9000000020').seq).toBe(200_000_000_000)
  })

  it('reads the kick-off pass: un-padded milliseconds, London time, end point, receiver, set piece', () => {
    expect(ev('9000000004')).toEqual({
      id: 'opta:900001:9000000004',
      provider: 'opta',
      providerEventId: '9000000004',
      matchId: '900001',
      seq: 100_000_939_000,
      version: 1628949602000,
      deleted: false,
      type: 'pass',
      result: 'complete',
      period: 1,
      // "15:00:01.39" is 15:00:01.039 BST (not .390), 0.939 s after the 15:00:00.100 type-32 start.
      periodTime: 0.939,
      minute: 0,
      second: 1,
      timestamp: '2021-08-14T14:00:01.039Z',
      providerType: '1',
      team: { id: '100', name: 'Home FC', side: 'home' },
      player: { id: '1001', name: 'Ada L.' }, // F7 <Known> wins over First + Last
      relatedPlayer: { id: '1002', name: "Dame N'Doye" },
      x: 52.5,
      y: 34,
      endX: 43.35,
      endY: 34,
      setPiece: 'kick_off',
    })
  })

  it('reads pass results, head passes and offside passes', () => {
    expect(ev('9000000005')).toMatchObject({
      result: 'incomplete',
      periodTime: 2.905, // ".5" is 5 ms
      bodyPart: 'head', // qualifier 3
      endX: 88.5,
      endY: 54.16,
    })
    expect(ev('9000000005').relatedPlayer).toBeUndefined()
    expect(ev('9000000007')).toMatchObject({
      type: 'pass',
      result: 'offside',
      providerType: '2',
      x: X(60),
      y: Y(40),
      endX: 99.5,
      endY: 43.16,
      player: { id: '2002' }, // not in the F7: the id, no name
    })
    expect(ev('9000000006')).toMatchObject({ type: 'interception', result: 'success', x: 16.5, y: 13.84 })
  })

  it('reads set pieces from qualifiers 279, 5, 26, 6, 107, 124', () => {
    expect(ev('9000000004').setPiece).toBe('kick_off')
    expect(ev('9000000008').setPiece).toBe('free_kick')
    expect(ev('9000000012').setPiece).toBe('free_kick')
    expect(ev('9000000025').setPiece).toBe('corner_kick')
    expect(ev('9000000026').setPiece).toBe('throw_in')
    expect(ev('9000000027').setPiece).toBe('goal_kick')
    expect(ev('9000000005').setPiece).toBeUndefined()
  })

  it('reads shots: off target, post, saved, blocked (q82), with goal-mouth ends and body parts', () => {
    expect(ev('9000000009')).toMatchObject({
      type: 'shot',
      result: 'off_target',
      bodyPart: 'left_foot',
      endX: 105,
      endY: 43.16,
      endZ: Z(19),
    })
    expect(ev('9000000010')).toMatchObject({ result: 'post', bodyPart: 'right_foot', endZ: 2.44 }) // the bar
    expect(ev('9000000011')).toMatchObject({
      result: 'saved',
      bodyPart: 'head',
      endX: 105,
      endY: 34,
      endZ: 0,
    })
    // Blocked at (88.5, 50) on its way from (80, 50) to the goal: the goal-mouth height scaled back there.
    const blocked = ev('9000000012')
    expect(blocked).toMatchObject({ result: 'blocked', bodyPart: 'other', endX: 94, endY: 34 })
    expect(blocked.endZ).toBeCloseTo(Z((19 / 20) * 8.5), 12)
  })

  it('reads body-part qualifiers on every type that carries them (an interception by head, as kloppy)', () => {
    const interception = '<Event id="9000000006" event_id="3" type_id="8" '
    const line = F24.split('\n').find((l) => l.includes(interception))!
    expect(line.trimEnd().endsWith('/>')).toBe(true)
    const headed = F24.replace(
      line,
      `${line.trimEnd().slice(0, -2)}><Q id="8100000001" qualifier_id="15" /></Event>`,
    )
    const tackled = F24.replace(
      line,
      `${line.replace('type_id="8"', 'type_id="7"').trimEnd().slice(0, -2)}><Q id="8100000001" qualifier_id="72" /></Event>`,
    )
    expect(byId(parseOptaF24(headed, { f7: F7 })).get('9000000006')).toMatchObject({
      type: 'interception',
      bodyPart: 'head',
    })
    expect(byId(parseOptaF24(tackled, { f7: F7 })).get('9000000006')).toMatchObject({
      type: 'duel',
      bodyPart: 'left_foot',
    })
    expect(ev('9000000006').bodyPart).toBeUndefined() // no qualifier, no body part
  })

  it('reads a goal: time from qualifier 374, assist from qualifier 55, the score', () => {
    expect(ev('9000000013')).toMatchObject({
      type: 'shot',
      result: 'goal',
      // Qualifier 374 "2021-08-14 15:30:00.5" (London), not the event's timestamp 15:30:10.
      timestamp: '2021-08-14T14:30:00.500Z',
      periodTime: 1800.4,
      minute: 30,
      second: 9,
      relatedPlayer: { id: '1001', name: 'Ada L.' }, // the pass with event_id 3 of the same team
      x: 94,
      y: 34,
      endX: 105,
      endY: 30.34,
      score: { home: 1, away: 0 },
    })
  })

  it('reads an own goal (q28): the defender and his side, mirrored, counting for the other side', () => {
    const own = ev('9000000014')
    expect(own).toMatchObject({
      type: 'shot',
      result: 'own_goal',
      team: { id: '200', side: 'away' },
      player: { id: '2003' },
      y: 37.66, // 100 − 45.2
      endX: 0,
      endY: 30.34, // 100 − 54.8
      score: { home: 2, away: 0 },
    })
    expect(own.x).toBeCloseTo(5.5, 12) // 100 − 94.2
    expect(own.endZ).toBeCloseTo(Z(3.8), 12)
    expect(f24Events.filter((e) => e.score !== undefined)).toHaveLength(2)
  })

  it('reads cards from qualifiers 31 / 32 / 33, without a location', () => {
    expect(ev('9000000015')).toMatchObject({
      type: 'card',
      card: 'yellow',
      player: { id: '2001', name: 'Alan Turing' },
    })
    expect(ev('9000000016').card).toBe('second_yellow')
    expect(ev('9000000017')).toMatchObject({ card: 'red', minute: 45, addedTime: 1, second: 30 })
    expect(ev('9000000015').x).toBeUndefined()
  })

  it('merges the substitution pair 18 / 19 (qualifier 55) into one event', () => {
    expect(ev('9000000020')).toEqual({
      id: 'opta:900001:9000000020',
      provider: 'opta',
      providerEventId: '9000000020',
      matchId: '900001',
      seq: 200_000_000_000,
      version: 1628953142000, // the player-on's: it came later
      deleted: false,
      type: 'substitution',
      result: null,
      period: 2,
      periodTime: 0, // a minute before the period-2 start: never negative
      minute: 45,
      second: 0,
      timestamp: '2021-08-14T14:59:00.000Z',
      providerType: '18',
      team: { id: '100', name: 'Home FC', side: 'home' },
      player: { id: '1004' },
      relatedPlayer: { id: '1005', name: 'Zoë Ørsted' },
    })
  })

  it('emits a deletion (type 43) as its original type (qualifier 144), deleted, with its version', () => {
    expect(ev('9000000024')).toMatchObject({
      type: 'pass',
      deleted: true,
      providerType: '1',
      version: 1628953800000,
      period: 2,
      periodTime: 5,
      x: X(40),
      y: Y(40),
    })
  })

  it('emits the period start and end events (32 / 30) as period_start / period_end', () => {
    const starts = f24Events.filter((e) => e.type === 'period_start').map((e) => [e.period, e.timestamp])
    expect(starts).toEqual([
      [1, '2021-08-14T14:00:00.100Z'],
      [1, '2021-08-14T14:00:00.100Z'],
      [2, '2021-08-14T15:00:00.000Z'],
      [2, '2021-08-14T15:00:00.000Z'],
    ])
    expect(ev('9000000033')).toMatchObject({
      type: 'period_end',
      period: 2,
      periodTime: 2880,
      minute: 90,
      addedTime: 3,
    })
  })

  it('maps fouls, ball touches, take-ons and unknown types as kloppy does, keeping the type id', () => {
    expect(ev('9000000028')).toMatchObject({ type: 'foul_committed', providerType: '4' })
    expect(ev('9000000029')).toMatchObject({ type: 'generic', providerType: '4' }) // the fouled side
    expect(ev('9000000030')).toMatchObject({ type: 'miscontrol', providerType: '61' })
    expect(ev('9000000031')).toMatchObject({ type: 'generic', result: null, providerType: '99' })
    expect(ev('9000000032')).toMatchObject({
      type: 'take_on',
      result: 'complete',
      minute: 90,
      addedTime: 2,
      second: 10,
    })
  })

  it('clamps off-pitch points to the lines, and decodes XML entities in names', () => {
    expect(ev('9000000026')).toMatchObject({ y: 68, endY: Y(90) })
    expect(ev('9000000025').team?.name).toBe('Away & Co')
  })

  it('keeps the raw event on request', () => {
    const [first] = parseOptaF24(F24, { includeRaw: true }).filter((e) => e.providerEventId === '9000000004')
    expect(first?.raw).toMatchObject({ $: { id: '9000000004', type_id: '1' } })
    expect(ev('9000000004').raw).toBeUndefined()
  })

  it('without the F7: ids and sides from <Game>, no player names', () => {
    const events = byId(parseOptaF24(F24))
    expect(events.get('9000000004')?.player).toEqual({ id: '1001' })
    expect(events.get('9000000004')?.team).toEqual({ id: '100', name: 'Home FC', side: 'home' })
  })

  it('reads bytes like text, and a byte-order mark', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(F24)])
    expect(parseOptaF24(bom, { f7: F7 })).toEqual(f24Events)
  })
})

describe('bad input: a ProviderPayloadError naming the field', () => {
  const replaceIn = (text: string, from: string, to: string) => {
    expect(text).toContain(from)
    return text.replace(from, to)
  }
  const f24Case = (from: string, to: string) => () => parseOptaF24(replaceIn(F24, from, to))

  it.each([
    [
      'a DOCTYPE',
      () => parseOptaF24(`<?xml version="1.0"?><!DOCTYPE Games [<!ENTITY x "y">]>${F24.slice(39)}`),
      '(body)',
      /DOCTYPE/,
    ],
    ['an ENTITY', () => parseOptaF24(F24.replace('<Games', '<!ENTITY lol "lol"><Games')), '(body)', /ENTITY/],
    ['truncated XML', () => parseOptaF24(F24.slice(0, F24.lastIndexOf('</Games>'))), '(body)', /truncated/],
    [
      'truncated in the closing tag',
      () => parseOptaF24(F24.slice(0, F24.length - 4)),
      '(body)',
      /not well-formed/,
    ],
    ['truncated mid-tag', () => parseOptaF24(F24.slice(0, 5000)), '(body)', /not well-formed/],
    ['a missing </Event>', f24Case('</Event>', ''), '(body)', /malformed/],
    ['garbage', () => parseOptaF24('<<<>>> not xml'), '(root)', /expected an F24 <Games>/],
    ['text', () => parseOptaF24('no markup at all'), '(body)', /no XML element/],
    ['not UTF-8', () => parseOptaF24(new Uint8Array([0x3c, 0xff, 0xfe, 0x3e])), '(body)', /UTF-8/],
    ['a StatsBomb JSON', () => parseOptaF24('[{"id": "abc", "index": 1}]'), '(body)', /no XML element/],
    ['an F7 as the F24', () => parseOptaF24(F7), '(root)', /<SoccerFeed>.*options\.f7/],
    ['an MA3 XML as the F24', () => parseOptaF24(MA3_XML), '(root)', /parseStatsPerformMA3/],
    ['an F24 as the F7', () => parseOptaF24(F24, { f7: F24 }), 'f7', /F24/],
    [
      'an F7 of another match',
      () => parseOptaF24(F24, { f7: F7.toString().replace('f900001', 'f1') }),
      'f7',
      /match 1/,
    ],
    ['no match id', f24Case('<Game id="900001"', '<Game'), 'Game.id', /options\.matchId/],
    ['an Event without id', f24Case('<Event id="9000000004" ', '<Event '), 'Event[3].id', /event id/],
    [
      'an Event without type_id',
      f24Case('type_id="1" period_id="1" min="0" sec="1"', 'period_id="1" min="0" sec="1"'),
      'Event[3](id=9000000004).type_id',
      /type id/,
    ],
    [
      'an Event without period_id',
      f24Case('period_id="1" min="0" sec="1"', 'min="0" sec="1"'),
      'Event[3](id=9000000004).period_id',
      /period id/,
    ],
    [
      'a non-numeric x',
      f24Case(
        'x="50.0" y="50.0" timestamp="2021-08-14T15:00:01.39"',
        'x="fifty" y="50.0" timestamp="2021-08-14T15:00:01.39"',
      ),
      'Event[3](id=9000000004).x',
      /coordinate/,
    ],
    [
      'an empty y',
      f24Case(
        'x="50.0" y="50.0" timestamp="2021-08-14T15:00:01.39"',
        'x="50.0" y="" timestamp="2021-08-14T15:00:01.39"',
      ),
      'Event[3](id=9000000004).y',
      /coordinate/,
    ],
    [
      'a garbled pass end',
      f24Case('qualifier_id="140" value="41.0"', 'qualifier_id="140" value="4l.0"'),
      'Event[3](id=9000000004).Q(qualifier_id=140).value',
      /coordinate/,
    ],
    [
      'a garbled timestamp',
      f24Case('2021-08-14T15:00:01.39', '2021-08-14T25:00:01.39'),
      'Event[3](id=9000000004).timestamp',
      /date-time/,
    ],
    [
      'a garbled goal time',
      f24Case('2021-08-14 15:30:00.5', 'half past three'),
      'Event[12](id=9000000013).Q(qualifier_id=374).value',
      /London/,
    ],
    [
      'a second of 60',
      f24Case('min="0" sec="1" player_id="1001"', 'min="0" sec="60" player_id="1001"'),
      'Event[3](id=9000000004).sec',
      /0 to 59/,
    ],
    [
      'a third team',
      f24Case('team_id="100" outcome="1" x="50.0"', 'team_id="300" outcome="1" x="50.0"'),
      'Event[3](id=9000000004).team_id',
      /neither/,
    ],
    [
      'an unknown element in <Event>',
      f24Case('<Q id="8000000004"', '<Extra /><Q id="8000000004"'),
      'Event[3](id=9000000004)',
      /<Extra>/,
    ],
    ['two <Game>s', f24Case('</Game>', '</Game><Game id="2"></Game>'), 'Games.Game', /one <Game>/],
  ] as const)('%s', (_name, fn, field, reason) => {
    const error = payloadError(fn)
    expect(error.provider).toBe('opta')
    expect(error.field).toBe(field)
    expect(error.reason).toMatch(reason)
    expect(error.code).toBe('invalid_payload')
  })
})
